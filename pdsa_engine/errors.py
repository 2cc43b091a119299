"""Every failure the engine reports on purpose, and the exit code each one maps to.

    PdsaError
     ├── InvalidInput                 exit 2  the input breaks a rule of shape (names the field)
     │    └── PatientIdentifierFound  exit 2  free text holds what looks like a CPR number
     ├── Refused                      exit 3  a rule of the domain says no (phase order, quota, pending sign-off)
     │    └── PermissionDenied        exit 3  the acting person may not do this
     ├── NotFound                     exit 4  no such person, cohort, project, cycle, sign-off or measure
     ├── ConcurrentModification       exit 5  someone else changed the same record first; nothing was saved
 │    └── StaleVersion            exit 5  a decision was made on a version that is no longer the current one
     ├── HistoryBroken                exit 6  the stored history does not verify: it was changed afterwards
     ├── DatabaseUnavailable          exit 1  the database cannot be reached or opened, or there is none
     │    └── DatabaseBusy            exit 1  it stayed busy with other writers: nothing was stored, try again
     ├── AuditKeyUnusable             exit 1  the audit key file cannot be read, written or understood
     └── UnexpectedFailure            exit 1  a fault of the engine's own: the message says what to report

Whatever is raised, nothing has been stored: commands save only after every check has passed.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class PdsaError(Exception):
    """Base of the engine's own errors.

    The message is written as a sentence with placeholders and the values put into them, ``Refused("{name} already
    holds the {role} role", name=..., role=...)``, so that a reader of another language is told it in theirs: the
    sentence is looked up in a catalogue (see refusals.py) and the values are said in its words too."""

    exit_code = 1
    code = "error"

    def __init__(self, message: str, *, field: str | None = None, **values: Any) -> None:
        self.sentence = message
        self.values = values
        self.message = written(message, values)
        super().__init__(self.message)
        self.field = field

    def as_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.message, "field": self.field}


def written(sentence: str, values: dict[str, Any]) -> str:
    """A sentence with its values put in, in English: a list's items joined by commas."""
    if not values:
        return sentence
    from pdsa_engine.labels import coded_word  # the words for coded values ("charter submitted", "module 1")

    def said(value: Any) -> Any:
        if isinstance(value, InvalidInput):  # the rule an earlier check found broken
            return value.rule
        if isinstance(value, PdsaError):
            return value.message
        if isinstance(value, Lines):
            return "\n".join(f"line {number}: {error.message}" for number, error in value)
        if isinstance(value, tuple):
            return ", ".join(str(said(item)) for item in value)
        return coded_word(value, "en") or value

    return sentence.format(**{name: said(value) for name, value in values.items()})


class InvalidInput(PdsaError):
    exit_code = 2
    code = "invalid_input"

    def __init__(self, field: str, rule: str, problems: tuple[Problem, ...] = (), **values: Any) -> None:
        said = written(rule, values)
        super().__init__(f"{field}: {said}", field=field)
        self.sentence, self.values = rule, values
        self.rule = said
        # Each broken rule on its own, with the values its sentence was made of, for a reader of another
        # language (see input_rules.py); one, this rule, unless given.
        self.problems = problems or (Problem(field, said, values),)


class Word(str):
    """A value of a message that is an English word of its own ("cycle", "project"), to be said in the reader's
    language like the sentence around it."""


class Lines(tuple):  # type: ignore[type-arg]
    """What was wrong with each failed line of a file, (line number, PdsaError) by line: a value of a message, said
    one line each."""


# The kinds of record a message names, by the code's own name for each.
RECORD_KINDS = {
    "person": Word("person"), "cohort": Word("cohort"), "project": Word("project"), "cycle": Word("cycle"),
    "signoff": Word("sign-off"), "measure": Word("measure"), "token": Word("API token"), "message": Word("message"),
}


def record_kind(kind: str) -> Word:
    return RECORD_KINDS.get(kind, Word("record"))


class Problem(NamedTuple):
    field: str
    rule: str  # in English, as the message says it
    values: dict[str, Any]  # what was put into the rule's sentence ({max_length}, {low}, …)


class PatientIdentifierFound(InvalidInput):
    code = "patient_identifier"


class Refused(PdsaError):
    exit_code = 3
    code = "refused"


class PermissionDenied(Refused):
    code = "permission_denied"


class NotFound(PdsaError):
    exit_code = 4
    code = "not_found"


class ConcurrentModification(PdsaError):
    exit_code = 5
    code = "concurrent_modification"


class StaleVersion(ConcurrentModification):
    """A decision taken on what someone saw, when what they saw has changed since: theirs to look at again."""

    code = "stale"

    @classmethod
    def of(cls, kind: Word, seen: int, now: int) -> StaleVersion:
        return StaleVersion("the {kind} has changed since you read it (version {seen}, now {now}); nothing was "
                            "done — read it again", kind=kind, seen=seen, now=now)


class HistoryBroken(PdsaError):
    exit_code = 6
    code = "history_broken"


class DatabaseUnavailable(PdsaError):
    exit_code = 1
    code = "database_unavailable"


class DatabaseBusy(DatabaseUnavailable):
    """Every attempt to write waited too long for the database (other writers held it): nothing was stored."""

    code = "database_busy"


class AuditKeyUnusable(PdsaError):
    exit_code = 1
    code = "audit_key_unusable"


class UnexpectedFailure(PdsaError):
    exit_code = 1
    code = "unexpected"
