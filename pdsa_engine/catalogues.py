"""The Danish of everything a reader is shown, in gettext catalogues read by Babel: English is written in the code
and the templates, and ``pdsa_engine/locale/da/LC_MESSAGES/<domain>.po`` holds its Danish. The domains:

- ``web``: the site's templates and the log-in mail;
- ``mail``: the reminders' and digests' templates;
- ``audit``: each event's sentence (its context is the event), the words for coded values in a sentence and the
  audit report's headings;
- ``labels``: the words for coded values (the context is the kind of code), the names of fields and a chart's words;
- ``rules``: the rules input can break, as error pages say them (see input_rules.py);
- ``refusals``: what the engine says when it refuses, cannot find or stops a request (see refusals.py).

The catalogues are read once a process, when first asked for; nothing compiled is kept in the tree.
"""

from __future__ import annotations

import gettext
import io
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALE = Path(__file__).resolve().parent / "locale"
DOMAINS = ("web", "mail", "audit", "labels", "rules", "refusals")


class MissingTranslation(LookupError):
    """A text asked for in Danish that its catalogue does not hold: a fault of the catalogue, never shown as the
    English instead."""


def catalogue_path(domain: str, language: str = "da") -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{domain}.po"


@lru_cache(maxsize=16)
def translations(domain: str, language: str) -> NullTranslations:
    """A domain's words in a language; a text the catalogue lacks is shown as written (the site's templates)."""
    return NullTranslations() if language != "da" else _compiled(domain, language)


@lru_cache(maxsize=16)
def strict_translations(domain: str, language: str) -> NullTranslations:
    """As translations(), but a text the Danish catalogue lacks raises MissingTranslation."""
    if language != "da":
        return NullTranslations()
    compiled = _compiled(domain, language)
    compiled.add_fallback(_Refusing(domain))
    return compiled


def _compiled(domain: str, language: str) -> Translations:
    with catalogue_path(domain, language).open("rb") as po:
        catalogue = read_po(po, locale=language)
    mo = io.BytesIO()
    write_mo(mo, catalogue)
    mo.seek(0)
    return Translations(mo, domain=domain)


class _Refusing(gettext.NullTranslations):
    """The last fallback of a strict catalogue: asked for a text, it names the text and the domain that lacks it."""

    def __init__(self, domain: str) -> None:
        super().__init__()
        self.domain = domain

    def gettext(self, message: str) -> str:
        raise MissingTranslation(f"no Danish for {message!r} in {self.domain}.po")

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        raise MissingTranslation(f"no Danish singular and plural for {msgid1!r} in {self.domain}.po")

    def pgettext(self, context: str, message: str) -> str:
        raise MissingTranslation(f"no Danish for {message!r} ({context}) in {self.domain}.po")
