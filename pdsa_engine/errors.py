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
    """Base of the engine's own errors."""

    exit_code = 1
    code = "error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def as_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.message, "field": self.field}


class InvalidInput(PdsaError):
    exit_code = 2
    code = "invalid_input"

    def __init__(self, field: str, rule: str, problems: tuple[Problem, ...] = ()) -> None:
        super().__init__(f"{field}: {rule}", field=field)
        self.rule = rule
        # Each broken rule on its own, with the values its sentence was made of, for a reader of another
        # language (see input_rules.py); empty when the message is the one rule.
        self.problems = problems or (Problem(field, rule, {}),)


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

    def __init__(self, message: str, changes: list[str]) -> None:
        super().__init__(message)
        self.changes = changes

    @classmethod
    def of(cls, kind: str, seen: int, now: int) -> StaleVersion:
        return cls(f"the {kind} has changed since you read it (version {seen}, now {now}); nothing was done — "
                   "read it again", [])


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
