from __future__ import annotations

from typing import Annotated

from pydantic import Field

from pdsa_engine.aggregates.values import Language, Module, Sector
from pdsa_engine.commands.types import (
    Command,
    Count,
    DayOfWeek,
    Days,
    Email,
    Hour,
    Id,
    IsoDate,
    PersonRef,
    RegionName,
    ShortText,
    Text,
)


class CreateCohort(Command):
    name: ShortText
    start: IsoDate
    end: IsoDate


class ScheduleModule(Command):
    cohort: Id
    module: Module
    date: IsoDate


# A cohort has about 40 seats in all; a quota beyond this for one region and sector is a slip of the keyboard.
MOST_SEATS = 100


class SetQuota(Command):
    cohort: Id
    region: RegionName
    sector: Sector
    seats: Annotated[Count, Field(le=MOST_SEATS)]


class Enrol(Command):
    cohort: Id
    person: PersonRef
    organisation: ShortText
    region: RegionName
    sector: Sector


class EnrolmentRow(Command):
    """One line of a bulk-enrolment CSV. A person not yet known is registered as a participant,
    which needs their name (and optionally their language)."""

    email: Email
    organisation: ShortText
    region: RegionName
    sector: Sector
    name: ShortText | None = None
    language: Language | None = None


class ImportEnrolments(Command):
    """The rows stay raw here: each is checked on its own, so that every bad row is reported by line."""

    cohort: Id
    rows: tuple[tuple[int, dict[str, str]], ...] = Field(min_length=1)  # (line number, row as read)


class Withdraw(Command):
    cohort: Id
    person: PersonRef
    reason: Text


class FormGroup(Command):
    cohort: Id
    name: ShortText
    region: RegionName
    member: tuple[PersonRef, ...] = Field(min_length=1)


class CloseCohort(Command):
    cohort: Id


class ConfigureReminders(Command):
    """Only the thresholds given change; the others keep their values."""

    cohort: Id
    enabled: bool | None = None
    signoff_after: Days | None = None
    signoff_every: Days | None = None
    escalate_after: Days | None = None
    overdue_after: Days | None = None
    study_overdue_after: Days | None = None
    coaching_gap: Days | None = None
    progress_stale: Days | None = None
    digest_day: DayOfWeek | None = None
    digest_hour: Hour | None = None

    def changes(self) -> dict[str, object]:
        return {name: value for name, value in self.model_dump(exclude={"cohort"}).items() if value is not None}
