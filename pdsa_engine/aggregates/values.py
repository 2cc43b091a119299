"""Value types of the domain: the vocabularies (as string enums, so they are stored as plain text)
and the stamp every event carries (who did it, in which role, and when)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID


class Role(StrEnum):
    ADMINISTRATOR = "administrator"
    PARTICIPANT = "participant"
    SPONSOR = "sponsor"
    COACH = "coach"
    AUDITOR = "auditor"
    SYSTEM = "system"  # the engine itself (the scheduler sending reminders); never a person's role


PERSON_ROLES = tuple(role for role in Role if role is not Role.SYSTEM)


class Language(StrEnum):
    DA = "da"
    EN = "en"


class Region(StrEnum):
    HOVEDSTADEN = "Region Hovedstaden"
    SJAELLAND = "Region Sjælland"
    SYDDANMARK = "Region Syddanmark"
    MIDTJYLLAND = "Region Midtjylland"
    NORDJYLLAND = "Region Nordjylland"


class Sector(StrEnum):
    REGIONAL = "regional"
    MUNICIPAL = "municipal"
    GENERAL_PRACTICE = "general_practice"


class Module(StrEnum):
    """The cohort's fixed programme: a kick-off, five modules and the closing poster presentation."""

    KICKOFF = "kickoff"
    MODULE_1 = "1"
    MODULE_2 = "2"
    MODULE_3 = "3"
    MODULE_4 = "4"
    MODULE_5 = "5"
    POSTER = "poster"


class Weekday(StrEnum):
    """The day of a weekly digest, in the order of the week (Monday first, as in Denmark)."""

    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"

    @property
    def index(self) -> int:
        """0 for Monday, as date.weekday() counts."""
        return list(Weekday).index(self)


class MeasureKind(StrEnum):
    OUTCOME = "outcome"
    PROCESS = "process"
    BALANCING = "balancing"


class ChartType(StrEnum):
    RUN = "run"
    I = "i"  # noqa: E741 - qicharts2's name for the individuals (XmR) chart
    P = "p"
    PP = "pp"
    U = "u"
    UP = "up"
    C = "c"

    @property
    def needs_denominator(self) -> bool:
        return self in (ChartType.P, ChartType.PP, ChartType.U, ChartType.UP)

    @property
    def allows_denominator(self) -> bool:
        return self is not ChartType.C


class Frequency(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


class Direction(StrEnum):
    UP = "up"
    DOWN = "down"


class ProjectStatus(StrEnum):
    DRAFT = "draft"
    CHARTER_SUBMITTED = "charter_submitted"
    ACTIVE = "active"
    CLOSED = "closed"


class Outcome(StrEnum):
    SUSTAINED = "sustained"
    SPREAD = "spread"
    STOPPED = "stopped"


class MeetingKind(StrEnum):
    STARTUP = "startup"
    COACHING = "coaching"
    POSTER = "poster"


class DriverKind(StrEnum):
    PRIMARY = "primary"
    SECONDARY = "secondary"
    CHANGE_IDEA = "change_idea"


class Phase(StrEnum):
    PLAN = "plan"
    DO = "do"
    STUDY = "study"
    CLOSED = "closed"
    CANCELLED = "cancelled"

    @property
    def is_open(self) -> bool:
        return self in (Phase.PLAN, Phase.DO, Phase.STUDY)


class Decision(StrEnum):
    ADOPT = "adopt"
    ADAPT = "adapt"
    ABANDON = "abandon"


class SignOffKind(StrEnum):
    CHARTER = "charter"
    SCALE_UP = "scale_up"
    CLOSURE = "closure"


class SignOffStatus(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    CHANGES_REQUESTED = "changes_requested"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class Actor:
    """Who did something and in which role. The role follows from the command, not from the person:
    someone who is both coach and sponsor acts as sponsor when deciding a sign-off.
    person_id refers to the Person aggregate; no personal data is copied into other aggregates."""

    person_id: UUID
    role: Role


# The engine acting on its own (the scheduler): its records say so, and no person's id stands in for it.
SYSTEM_ACTOR = Actor(UUID("00000000-0000-5000-8000-000000000000"), Role.SYSTEM)


@dataclass(frozen=True)
class Stamp:
    """The actor and the moment of a command, taken from the application's clock."""

    by: Actor
    at: datetime
