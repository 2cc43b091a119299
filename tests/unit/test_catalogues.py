"""Every Danish catalogue translates every message it holds, in every plural form, with the same placeholders;
the code's tables of English (coded values, field names, a chart's words, the audit's sentences and the report's
headings) are each in their catalogue, and the catalogues hold nothing the code no longer has. The templates'
catalogues (web, mail) are checked against their templates in tests/web/test_words.py and
tests/notifications/test_templates.py."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from pdsa_engine.audit import export, sentences
from pdsa_engine.catalogues import DOMAINS, MissingTranslation, catalogue_path, strict_translations
from pdsa_engine.labels import FIELDS, VALUES, field_label, word
from pdsa_engine.projections import charts

PLACEHOLDERS = re.compile(r"%\((\w+)\)s|\{(\w+)\}")


def _entries(domain: str) -> dict[tuple[str | None, str], tuple[str, ...]]:
    """(context, English) → the Danish forms, of every message of a domain's catalogue."""
    with catalogue_path(domain).open("rb") as po:
        catalogue = read_po(po)
    return {(m.context, m.id[0] if isinstance(m.id, tuple) else m.id):
            m.string if isinstance(m.string, tuple) else (m.string,) for m in catalogue if m.id}


def _placeholders(text: str) -> list[str]:
    return sorted(a or b for a, b in PLACEHOLDERS.findall(text))


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_message_has_its_danish_in_every_form_with_the_same_placeholders(domain: str) -> None:
    entries = _entries(domain)
    assert entries, f"{domain}.po holds no message"
    for (context, english), forms in entries.items():
        assert forms and all(form.strip() for form in forms), f"{domain}.po: no Danish for {english!r} ({context})"
        for form in forms:
            assert _placeholders(form) == _placeholders(english), f"{domain}.po: {english!r} → {form!r}"


def _labels_in_code() -> set[tuple[str | None, str]]:
    used = {(kind, english) for kind, table in VALUES.items() for english in table.values()}
    used |= {(f"field {part}", english) for part, english in FIELDS.items()}
    used |= {("chart", english) for english in [*charts.TEXT.values(), *charts.Y_LABELS.values(), "Value"]}
    return used


def _audit_in_code() -> set[tuple[str | None, str]]:
    used = {(event, english) for event, english in sentences.SENTENCES.items()}
    used |= {(f"{event} {flag}", english) for (event, flag), english in sentences.FLAGGED.items()}
    used |= {("word", english) for english in sentences.WORDS.values()}
    used |= {("report", english) for english in export.HEADINGS.values()}
    return used


@pytest.mark.parametrize(("domain", "in_code"), [("labels", _labels_in_code), ("audit", _audit_in_code)])
def test_the_code_and_its_catalogue_hold_the_same_texts(domain: str, in_code) -> None:
    used, kept = in_code(), set(_entries(domain))
    assert not sorted(used - kept, key=str), f"texts without Danish in {domain}.po"
    assert not sorted(kept - used, key=str), f"{domain}.po keeps texts the code no longer has"


def test_a_text_missing_from_a_catalogue_is_refused_in_danish_and_written_as_it_is_in_english() -> None:
    with pytest.raises(MissingTranslation, match="labels.po"):
        strict_translations("labels", "da").pgettext("status", "no such status")
    assert strict_translations("labels", "en").pgettext("status", "no such status") == "no such status"


def test_one_english_word_may_be_two_danish_ones_by_its_context() -> None:
    assert field_label("aim.achieve_by", "da") == "Mål › senest"
    assert field_label("by", "da") == "Af"
    assert word("closed", "status", "da") == "afsluttet" and field_label("closed", "da") == "Lukket"
    assert word("changes_requested", "status", "en") == "changes requested"
