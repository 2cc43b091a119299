"""What the engine says when it refuses a request, cannot find what was asked for, or stops at the door, said in
the reader's language. Each error is raised as a sentence in English with placeholders and the values put into
them (see errors.PdsaError); the Danish sentence is the catalogue ``locale/da/LC_MESSAGES/refusals.po``. The values
are said in the reader's words too: a coded value (a phase, a status, a role) by its label, a Word by the
catalogue (context "word"), a day as Danes write it, a list item by item; names, ids and numbers as they are."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pdsa_engine.catalogues import translations
from pdsa_engine.errors import InvalidInput, Lines, PdsaError, Word
from pdsa_engine.labels import coded_word
from pdsa_engine.notifications.i18n import Words


def _words() -> Any:
    # Not the strict catalogue: a message is never lost for want of its Danish (it is shown in English); that
    # every message has it is tests/unit/test_refusals.py's to check.
    return translations("refusals", "da")


def told(error: PdsaError, language: str) -> str:
    """The error's message in the reader's language."""
    if language != "da":
        return error.message
    if isinstance(error, InvalidInput):  # its rules are the input rules' catalogue's (see input_rules.py)
        from pdsa_engine.input_rules import said

        return "; ".join("{}: {}".format(*said(problem, language)) for problem in error.problems)
    sentence = _words().gettext(error.sentence)
    return sentence.format(**{name: value_said(value, language) for name, value in error.values.items()})


def value_said(value: Any, language: str) -> Any:
    """A value put into a sentence, in the reader's words."""
    if language != "da":
        return value
    if isinstance(value, InvalidInput):  # the rule an earlier check found broken
        from pdsa_engine.input_rules import said

        return "; ".join(said(problem, language)[1] for problem in value.problems)
    if isinstance(value, PdsaError):
        return told(value, language)
    if isinstance(value, Lines):
        line = _words().pgettext("word", "line")
        return "\n".join(f"{line} {number}: {told(error, language)}" for number, error in value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return Words(language).date(value)
    coded = coded_word(value, language)
    if coded is not None:
        return coded
    if isinstance(value, Word):
        return _words().pgettext("word", value)
    if isinstance(value, tuple):
        return ", ".join(str(value_said(item, language)) for item in value)
    return value
