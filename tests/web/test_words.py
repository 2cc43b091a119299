"""Every text of the site's templates and of its Python (the log-in mail's subject) is in the Danish catalogue,
with the same placeholders, and the catalogue holds nothing else."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from pdsa_engine.catalogues import catalogue_path

ROOT = Path(__file__).resolve().parents[2]
METHODS = [("templates/web/**.html", "jinja2"), ("templates/web/**.txt", "jinja2"), ("pdsa_engine/web/**.py", "python")]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _texts() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT, METHODS, options_map={"templates/web/**": {"extensions": "jinja2.ext.i18n"}}):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_text_has_its_danish_and_nothing_else_is_kept() -> None:
    with catalogue_path("web").open("rb") as po:
        catalogue = read_po(po)
    # A plural's entry is (singular, plural) → its Danish forms; it is found by its singular.
    danish = {(m.id[0] if isinstance(m.id, tuple) else m.id): m.string for m in catalogue if m.id}
    texts = _texts()
    assert len(texts) > 100  # the extraction found the templates
    missing = sorted(t for t in texts if not danish.get(t) or not all(_forms(danish[t])))
    assert not missing, f"without Danish: {missing}"
    assert not sorted(set(danish) - texts), "catalogue entries no template uses"
    for english, translated in danish.items():
        for form in _forms(translated):
            assert sorted(PLACEHOLDER.findall(english)) == sorted(PLACEHOLDER.findall(form)), english


def _forms(translated: str | tuple[str, ...]) -> tuple[str, ...]:
    return translated if isinstance(translated, tuple) else (translated,)


def test_no_template_holds_words_outside_gettext() -> None:
    """A text node of a template is markup, an expression or a translated text; a word left bare would be shown
    in English to a Danish reader."""
    bare = re.compile(r">\s*([A-Za-zÆØÅæøå][^<{]*?)\s*<")
    for template in (ROOT / "templates" / "web").rglob("*.html"):
        for found in bare.findall(template.read_text()):
            raise AssertionError(f"{template.name}: {found!r} is not translated")
