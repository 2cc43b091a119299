"""The site's two languages: templates written in English, translated through gettext from the Danish catalogue
``pdsa_engine/locale/da/LC_MESSAGES/web.po`` (Babel reads it at start; nothing compiled is kept in the tree).
A person's pages are in their own language; before log-in, in the one the browser asks for first."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALE = Path(__file__).resolve().parents[1] / "locale"
LANGUAGES = ("da", "en")
DEFAULT_LANGUAGE = "da"  # the programme is Danish: a browser that asks for neither language gets Danish


def catalogue_path(domain: str, language: str = "da") -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{domain}.po"


@lru_cache(maxsize=8)
def translations(domain: str, language: str) -> NullTranslations:
    if language == "en":
        return NullTranslations()
    with catalogue_path(domain, language).open("rb") as po:
        catalogue = read_po(po, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return Translations(compiled, domain=domain)


def negotiate(accept_language: str | None) -> str:
    """The first of our languages the browser accepts, by its q-values (da-DK counts as da)."""
    wanted: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        language = tag.strip().lower().split("-")[0]
        if language in LANGUAGES and quality > 0:
            wanted.append((-quality, position, language))
    return min(wanted)[2] if wanted else DEFAULT_LANGUAGE
