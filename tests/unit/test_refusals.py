"""Every refusal, not-found and door-keeping message the engine can put before a reader of the site is written as
a sentence with named values, and has its Danish: the sentences are read from the code itself (every raise of an
error a reader can meet, and every ``require``), so a new message without Danish fails here. The operator's own
messages (the command line, settings, the database and the audit key) are in English only."""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from pdsa_engine.aggregates.project import ImprovementProject
from pdsa_engine.aggregates.values import Phase, ProjectStatus, Role
from pdsa_engine.catalogues import catalogue_path
from pdsa_engine.errors import InvalidInput, Lines, NotFound, Refused, Word, record_kind
from pdsa_engine.refusals import told

ROOT = Path(__file__).resolve().parents[2] / "pdsa_engine"
# Said to the person running the engine, at a terminal: in English.
OPERATORS = ("cli/", "config.py", "runtime.py", "notifications/settings.py", "projections/spc_input.py",
             "audit/keys.py")
# The errors a reader can meet, and the position of the sentence among each one's arguments.
SENTENCE_AT = {name: 0 for name in ("Refused", "PermissionDenied", "NotFound", "ConcurrentModification",
                                    "StaleVersion", "DatabaseBusy", "NotLoggedIn", "CsrfRefused", "VersionRequired",
                                    "TooManyRequests", "PdsaError")} | {"require": 1, "InvalidInput": 1}
# Sentences that are not the engine's own: FastAPI's and pydantic's words (input_rules.py says those), the HTTP
# detail of a status the site gives no meaning of its own, and rules kept as constants of the commands.
NOT_LITERAL = {("web/errors.py", "request_invalid"), ("web/errors.py", "http_error"),
               ("commands/types.py", "_no_control_characters"), ("commands/__init__.py", "parse_id"),
               ("aggregates/base.py", "require")}  # the last passes its caller's sentence on
NOT_VALUES = {"field", "problems"}


def _modules() -> list[tuple[str, ast.Module]]:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        if not name.startswith(OPERATORS):
            found.append((name, ast.parse(path.read_text())))
    return found


def _called(node: ast.Call) -> str | None:
    return node.func.id if isinstance(node.func, ast.Name) else \
        node.func.attr if isinstance(node.func, ast.Attribute) else None


def _sentences_of(argument: ast.expr) -> list[str] | None:
    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
        return [argument.value]
    if isinstance(argument, ast.IfExp):
        body, orelse = _sentences_of(argument.body), _sentences_of(argument.orelse)
        return None if body is None or orelse is None else body + orelse
    return None


def _messages() -> list[tuple[str, str, str, set[str]]]:
    """(module, the error's name, its sentence, the values given) of every message a reader can meet."""
    messages = []
    for module, tree in _modules():
        for function in (n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))):
            for node in ast.walk(function):
                if not isinstance(node, ast.Call) or _called(node) not in SENTENCE_AT:
                    continue
                at = SENTENCE_AT[_called(node)]
                if len(node.args) <= at:
                    continue
                sentences = _sentences_of(node.args[at])
                if sentences is None:
                    assert (module, function.name) in NOT_LITERAL, \
                        f"{module}:{node.lineno}: the message is not a sentence with named values"
                    continue
                values = {k.arg for k in node.keywords if k.arg} - NOT_VALUES
                messages += [(module, _called(node) or "", s, values) for s in sentences]
    return messages


def _words_in_code() -> set[str]:
    words = {"line"}  # of a file's failed lines (errors.Lines)
    for _, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _called(node) == "Word":
                if node.args and isinstance(node.args[0], ast.Call) and _called(node.args[0]) == "_spoken":
                    continue  # an event's name: see below
                assert node.args and isinstance(node.args[0], ast.Constant), f"Word of no literal at {node.lineno}"
                words.add(node.args[0].value)
    # What changed on a project since a sponsor opened it, by its events' names (see application._changed_since).
    events = [name for name, value in vars(ImprovementProject).items() if isinstance(value, type)
              and issubclass(value, ImprovementProject.Event) and name[0].isupper() and name != "Event"]
    return words | {re.sub(r"(?<!^)([A-Z])", r" \1", name).lower() for name in events}


def _catalogue(domain: str) -> dict[tuple[str | None, str], str]:
    with catalogue_path(domain).open("rb") as po:
        return {(m.context, m.id): m.string for m in read_po(po) if m.id and isinstance(m.id, str)}


def test_every_message_names_the_values_its_sentence_holds() -> None:
    wrong = [(module, sentence, values) for module, _, sentence, values in _messages()
             if set(re.findall(r"\{(\w+)\}", sentence)) != values]
    assert not wrong


def test_every_message_a_reader_can_meet_has_its_danish_and_the_catalogue_only_what_is_said() -> None:
    messages = _messages()
    refusals, rules = _catalogue("refusals"), {english for _, english in _catalogue("rules")}
    missing = sorted({s for _, kind, s, _ in messages if kind != "InvalidInput" and (None, s) not in refusals})
    assert not missing, "messages without Danish in refusals.po"
    missing_rules = sorted({s for _, kind, s, _ in messages if kind == "InvalidInput" and s not in rules})
    assert not missing_rules, "rules without Danish in rules.po"
    words = _words_in_code()
    assert not sorted(w for w in words if ("word", w) not in refusals), "words without Danish in refusals.po"
    said = {(None, s) for _, kind, s, _ in messages if kind != "InvalidInput"} | {("word", w) for w in words}
    assert not sorted(set(refusals) - said, key=str), "refusals.po keeps messages nothing says"


def test_a_refusal_is_told_in_danish_with_its_values_in_danish_words() -> None:
    closed = Refused("the cycle is {phase}; nothing in it can change", phase=Phase.CANCELLED)
    assert closed.message == "the cycle is cancelled; nothing in it can change"
    assert told(closed, "da") == "cyklussen er annulleret; intet i den kan ændres"
    assert told(closed, "en") == closed.message
    draft = Refused("the project is {status}; only a draft charter is submitted", status=ProjectStatus.ACTIVE)
    assert "aktivt" in told(draft, "da") or "aktiv" in told(draft, "da")
    gone = NotFound("no {kind} has the id {id}", kind=record_kind("signoff"), id="42")
    assert gone.message == "no sign-off has the id 42"
    assert told(gone, "da") == "der er ingen godkendelse med id'et 42"


def test_a_list_is_said_item_by_item_and_a_files_lines_one_line_each() -> None:
    roles = Refused("{name} does not hold the {role} role", name="Ida", role=Role.COACH)
    assert roles.message == "Ida does not hold the coach role"
    cycles = Refused("finish or cancel the open cycles first: {cycles}", cycles=("a1", "b2"))
    assert cycles.message.endswith("a1, b2") and told(cycles, "da").endswith("a1, b2")
    rows = InvalidInput("csv", "nobody was enrolled; fix these rows and import again:\n{lines}",
                        lines=Lines([(3, NotFound("no person has the e-mail address {email}", email="a@b.dk"))]))
    assert rows.message.endswith(":\nline 3: no person has the e-mail address a@b.dk")
    danish = told(rows, "da")
    assert "\nlinje 3: " in danish and "a@b.dk" in danish and "no person" not in danish


@pytest.mark.parametrize("day", [date(2031, 2, 5)])
def test_a_broken_rule_with_values_is_said_in_danish(day: date) -> None:
    future = InvalidInput("date", "{on} is in the future; record what has happened, by today ({today})", on=day,
                          today=date(2031, 2, 1))
    assert future.rule == "2031-02-05 is in the future; record what has happened, by today (2031-02-01)"
    danish = told(future, "da")
    assert danish.startswith("Dato: 5. februar 2031 ligger i fremtiden") and "1. februar 2031" in danish


def test_a_word_of_a_message_is_a_word_of_the_catalogue() -> None:
    assert isinstance(record_kind("cycle"), Word) and record_kind("nonsense") == "record"


def test_a_message_without_its_danish_is_shown_in_english_never_lost() -> None:
    unknown = Refused("a rule nobody translated: {what}", what=Word("a word nobody translated"))
    assert told(unknown, "da") == "a rule nobody translated: a word nobody translated"
