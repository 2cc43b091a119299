from __future__ import annotations

from pydantic import BaseModel, Field

from pdsa_engine.aggregates.values import Language, Module, Sector
from pdsa_engine.commands.types import COMMAND_CONFIG, Count, Email, Id, IsoDate, PersonRef, RegionName, ShortText, Text


class CreateCohort(BaseModel):
    model_config = COMMAND_CONFIG
    name: ShortText
    start: IsoDate
    end: IsoDate


class ScheduleModule(BaseModel):
    model_config = COMMAND_CONFIG
    cohort: Id
    module: Module
    date: IsoDate


class SetQuota(BaseModel):
    model_config = COMMAND_CONFIG
    cohort: Id
    region: RegionName
    sector: Sector
    seats: Count


class Enrol(BaseModel):
    model_config = COMMAND_CONFIG
    cohort: Id
    person: PersonRef
    organisation: ShortText
    region: RegionName
    sector: Sector


class EnrolmentRow(BaseModel):
    """One line of a bulk-enrolment CSV. A person not yet known is registered as a participant,
    which needs their name (and optionally their language)."""

    model_config = COMMAND_CONFIG
    email: Email
    organisation: ShortText
    region: RegionName
    sector: Sector
    name: ShortText | None = None
    language: Language | None = None


class ImportEnrolments(BaseModel):
    """The rows stay raw here: each is checked on its own, so that every bad row is reported by line."""

    model_config = COMMAND_CONFIG
    cohort: Id
    rows: tuple[tuple[int, dict[str, str]], ...] = Field(min_length=1)  # (line number, row as read)


class Withdraw(BaseModel):
    model_config = COMMAND_CONFIG
    cohort: Id
    person: PersonRef
    reason: Text


class FormGroup(BaseModel):
    model_config = COMMAND_CONFIG
    cohort: Id
    name: ShortText
    region: RegionName
    member: tuple[PersonRef, ...] = Field(min_length=1)


class CloseCohort(BaseModel):
    model_config = COMMAND_CONFIG
    cohort: Id
