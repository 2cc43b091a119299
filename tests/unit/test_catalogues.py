"""Every Danish catalogue translates every message it holds, in every plural form, with the same placeholders;
the code's tables of English (coded values, field names, a chart's words, the audit's sentences and the report's
headings) are each in their catalogue, and the catalogues hold nothing the code no longer has. The templates'
catalogues (web, mail) are checked against their templates in tests/web/test_words.py and
tests/notifications/test_templates.py; the rules' (rules.po) against the commands' and pydantic's rules here."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from uuid import uuid4

import pytest
from babel.messages.pofile import read_po
from pydantic_core import PydanticKnownError

from pdsa_engine.audit import export, sentences
from pdsa_engine.catalogues import DOMAINS, MissingTranslation, catalogue_path, strict_translations
from pdsa_engine.commands import types
from pdsa_engine.errors import InvalidInput, Problem
from pdsa_engine.input_rules import PYDANTIC_RULES, said
from pdsa_engine.labels import FIELDS, VALUES, field_label, field_value, word
from pdsa_engine.projections import charts

ROOT = Path(__file__).resolve().parents[2]
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
    # A field named as another kind's: a message's status is a delivery's, a project's a project's.
    assert field_value("status", "queued", "da") == "i kø" and field_value("status", "closed", "da") == "afsluttet"


def _custom_rules_in_commands() -> set[str]:
    """The sentences of the commands' own PydanticCustomErrors (adjacent literals joined; f-strings left out)."""
    source = "".join(path.read_text() for path in (ROOT / "pdsa_engine" / "commands").glob("*.py"))
    found = {"".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m[1]))
             for m in re.finditer(r'PydanticCustomError\(\s*"\w+",\s*((?:"(?:[^"\\]|\\.)*"\s*)+)', source)}
    return found | {types.NOT_A_NUMBER, types.ID_RULE}


def test_every_rule_of_the_commands_has_its_danish_and_the_catalogue_keeps_only_rules_that_exist() -> None:
    kept, custom = {english for _, english in _entries("rules")}, _custom_rules_in_commands()
    assert not sorted(custom - kept), "rules without Danish in rules.po"
    pydantic = {sentence for sentences in PYDANTIC_RULES.values() for sentence in sentences}
    # Every string the code holds, adjacent literals joined; a value put into a sentence ("days" of a range) is a
    # word of its own.
    literals = {node.value for path in (ROOT / "pdsa_engine").rglob("*.py") for node in ast.walk(ast.parse(path.read_text()))
                if isinstance(node, ast.Constant) and isinstance(node.value, str)}
    unused = [english for english in kept - pydantic - custom if english not in literals]
    assert not unused, f"rules.po keeps rules nothing says: {unused}"


@pytest.mark.parametrize("kind", sorted(PYDANTIC_RULES))
def test_pydantics_rules_are_worded_as_pydantic_words_them(kind: str) -> None:
    samples = {"max_length": 4000, "min_length": 2, "actual_length": 0, "expected": "'a' or 'b'", "ge": 1, "le": 9,
               "field_type": "Tuple"}
    for sentence in PYDANTIC_RULES[kind]:
        names = set(re.findall(r"\{(\w+)\}", sentence))
        values = {name: samples[name] for name in names}
        if "min_length" in names and not sentence.endswith(("characters", "s after validation, not {actual_length}")):
            values["min_length"] = 1  # the singular's sentence
        context = {**values, "field_type": "Tuple"} if kind == "too_short" else values
        assert PydanticKnownError(kind, context or None).message() == sentence.format(**values)


def test_a_broken_rule_is_said_in_danish_with_the_fields_danish_name() -> None:
    from pdsa_engine.commands import parse
    from pdsa_engine.commands.cycles import PlanCycle

    with pytest.raises(InvalidInput) as raised:
        parse(PlanCycle, {"project": str(uuid4()), "change_idea": str(uuid4()), "objective": "x" * 4001,
                          "prediction": ["p"], "start": "2026-13-01", "end": "2026-12-24"})
    assert [said(problem, "da") for problem in raised.value.problems] == [
        ("Formål", "må højst være 4000 tegn"), ("Start", "skal være en gyldig dato skrevet ÅÅÅÅ-MM-DD")]
    assert said(raised.value.problems[0], "en") == ("objective", "String should have at most 4000 characters")
    hours = Problem("digest_hour", "must be a whole number of hours from 0 to 23", {"what": "hours", "low": 0,
                                                                                    "high": 23})
    assert said(hours, "da") == ("Overblikkets time", "skal være et helt antal timer fra 0 til 23")
    assert said(Problem("title", "a rule nobody translated", {}), "da") == ("Titel", "a rule nobody translated")
