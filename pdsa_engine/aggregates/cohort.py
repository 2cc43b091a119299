"""A cohort ("hold"): its dates and module schedule, seat quotas per region × sector, enrolments,
regional sparring groups and the projects of its participants.

A cohort's name is unique: like an e-mail address, it is claimed by an aggregate whose id is derived from the
normalised name and saved with the cohort, so two racing creations of one name cannot both be stored.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from pdsa_engine.aggregates.base import PdsaAggregate, require, require_role
from pdsa_engine.aggregates.quotas import DEFAULT_QUOTAS
from pdsa_engine.aggregates.reminders import ReminderSettings
from pdsa_engine.aggregates.values import Actor, Module, Region, Role, Sector, Stamp
from pdsa_engine.clock import local_date
from pdsa_engine.errors import InvalidInput, NotFound, Refused

GROUP_MIN, GROUP_MAX = 6, 10
# A cohort runs about a year; these bounds catch mistyped years, not unusual programmes.
LONGEST_COHORT = timedelta(days=3 * 366)
YEARS_FROM_TODAY = 5
_NAME_NAMESPACE = uuid5(NAMESPACE_URL, "https://pdsa-engine/cohort-name")
MODULE_ORDER = list(Module)


@dataclass(frozen=True)
class Enrolment:
    participant_id: UUID
    organisation: str
    region: Region
    sector: Sector
    withdrawal_reason: str | None = None

    @property
    def active(self) -> bool:
        return self.withdrawal_reason is None


@dataclass(frozen=True)
class SparringGroup:
    group_id: UUID
    name: str
    region: Region
    members: tuple[UUID, ...]

    @property
    def below_minimum(self) -> bool:
        """Flagged for the administrators after withdrawals; a group is never dissolved automatically."""
        return len(self.members) < GROUP_MIN


class Cohort(PdsaAggregate):
    # The programme's defaults until an administrator sets others; on the class, as Person.digest is, so that a
    # cohort whose reminders were never set holds the state it held before they could be.
    reminders = ReminderSettings()

    @classmethod
    def create(cls, cohort_id: UUID, stamp: Stamp, name: str, start: date, end: date) -> Cohort:
        require_role(stamp, Role.ADMINISTRATOR)
        if end <= start:
            raise InvalidInput("end", "must be after the start date {start}", start=start)
        if end - start > LONGEST_COHORT:
            raise InvalidInput("end", "a cohort runs about a year; {start} to {end} is more than three", start=start,
                               end=end)
        today = local_date(stamp.at)
        if abs(start.year - today.year) > YEARS_FROM_TODAY:
            raise InvalidInput("start", "{start} is more than {years} years from today ({today})", start=start,
                               years=YEARS_FROM_TODAY, today=today)
        quotas = {region.value: {s.value: n for s, n in seats.items()} for region, seats in DEFAULT_QUOTAS.items()}
        return cls._create(cls.Created, id=cohort_id, by=stamp.by, timestamp=stamp.at, name=name, start=start, end=end, quotas=quotas)

    @event("Created")
    def __init__(
        self, by: Actor, timestamp: datetime, name: str, start: date, end: date, quotas: dict[str, dict[str, int]]
    ) -> None:
        self.name = name
        self.start = start
        self.end = end
        self.quotas = {(Region(r), Sector(s)): n for r, seats in quotas.items() for s, n in seats.items()}
        self.schedule: dict[Module, date] = {}
        self.enrolments: dict[UUID, Enrolment] = {}
        self.groups: dict[UUID, SparringGroup] = {}
        self.projects: dict[UUID, UUID] = {}  # participant id -> project id
        self.closed = False

    # -- schedule and quotas -------------------------------------------------------------------------

    def schedule_module(self, stamp: Stamp, module: Module, on: date) -> None:
        self._require_open(stamp)
        if not self.start <= on <= self.end:
            raise InvalidInput("date", "must lie within the cohort, {start} to {end}", start=self.start, end=self.end)
        position = MODULE_ORDER.index(module)
        for other, other_on in self.schedule.items():
            other_position = MODULE_ORDER.index(other)
            if other_position < position and other_on >= on:
                raise InvalidInput("date", "must come after {module} on {on}", module=other, on=other_on)
            if other_position > position and other_on <= on:
                raise InvalidInput("date", "must come before {module} on {on}", module=other, on=other_on)
        self._module_scheduled(stamp.by, stamp.at, module, on)

    @event("ModuleScheduled")
    def _module_scheduled(self, by: Actor, timestamp: datetime, module: str, on: date) -> None:
        self.schedule = {**self.schedule, Module(module): on}

    def set_quota(self, stamp: Stamp, region: Region, sector: Sector, seats: int) -> None:
        self._require_open(stamp)
        taken = self.seats_taken(region, sector)
        require(seats >= taken, "{region}, {sector}: {taken} participants are enrolled, the quota cannot be {seats}",
                region=region, sector=sector, taken=taken, seats=seats)
        self._quota_set(stamp.by, stamp.at, region, sector, seats)

    @event("QuotaSet")
    def _quota_set(self, by: Actor, timestamp: datetime, region: str, sector: str, seats: int) -> None:
        self.quotas = {**self.quotas, (Region(region), Sector(sector)): seats}

    def seats_taken(self, region: Region, sector: Sector) -> int:
        return sum(1 for e in self.enrolments.values() if e.active and e.region == region and e.sector == sector)

    # -- reminders -----------------------------------------------------------------------------------

    def configure_reminders(self, stamp: Stamp, settings: ReminderSettings) -> None:
        """Allowed after the cohort is closed too: its follow-ups come after the end."""
        require_role(stamp, Role.ADMINISTRATOR)
        require(settings != self.reminders, "the cohort's reminders are already set exactly so")
        self._reminders_configured(stamp.by, stamp.at, settings.as_event())

    @event("RemindersConfigured")
    def _reminders_configured(self, by: Actor, timestamp: datetime, settings: dict[str, Any]) -> None:
        self.reminders = ReminderSettings.of(settings)

    # -- enrolments ----------------------------------------------------------------------------------

    def enrol(
        self, stamp: Stamp, participant_id: UUID, organisation: str, region: Region, sector: Sector
    ) -> None:
        self._require_open(stamp)
        existing = self.enrolments.get(participant_id)
        if existing is not None:
            raise Refused(
                "the participant is already enrolled in this cohort"
                if existing.active
                else "the participant withdrew from this cohort; a withdrawal is final"
            )
        quota = self.quotas[(region, sector)]  # a cohort is created with a quota for every region and sector
        require(quota > 0, "{region}, {sector}: no seats", region=region, sector=sector)
        require(self.seats_taken(region, sector) < quota, "{region}, {sector}: all {quota} seats are taken",
                region=region, sector=sector, quota=quota)
        self._enrolled(stamp.by, stamp.at, participant_id, organisation, region, sector)

    @event("Enrolled")
    def _enrolled(
        self, by: Actor, timestamp: datetime, participant_id: UUID, organisation: str, region: str, sector: str
    ) -> None:
        enrolment = Enrolment(participant_id, organisation, Region(region), Sector(sector))
        self.enrolments = {**self.enrolments, participant_id: enrolment}

    def withdraw(self, stamp: Stamp, participant_id: UUID, reason: str) -> None:
        self._require_open(stamp)
        enrolment = self.active_enrolment(participant_id)
        self._withdrawn(stamp.by, stamp.at, enrolment.participant_id, reason)

    @event("Withdrawn")
    def _withdrawn(self, by: Actor, timestamp: datetime, participant_id: UUID, reason: str) -> None:
        enrolment = replace(self.enrolments[participant_id], withdrawal_reason=reason)
        self.enrolments = {**self.enrolments, participant_id: enrolment}
        self.groups = {
            group_id: replace(group, members=tuple(m for m in group.members if m != participant_id))
            for group_id, group in self.groups.items()
        }

    def active_enrolment(self, participant_id: UUID) -> Enrolment:
        enrolment = self.enrolments.get(participant_id)
        if enrolment is None:
            raise NotFound("the person is not enrolled in this cohort")
        require(enrolment.active, "the participant has withdrawn from this cohort")
        return enrolment

    # -- sparring groups -----------------------------------------------------------------------------

    def form_group(self, stamp: Stamp, group_id: UUID, name: str, region: Region, members: list[UUID]) -> None:
        self._require_open(stamp)
        unique = list(dict.fromkeys(members))
        if not GROUP_MIN <= len(unique) <= GROUP_MAX:
            raise InvalidInput("member", "a sparring group has {least} to {most} members, not {count}", least=GROUP_MIN,
                               most=GROUP_MAX, count=len(unique))
        require(all(g.name != name for g in self.groups.values()), "a group named '{name}' already exists", name=name)
        grouped = {m for g in self.groups.values() for m in g.members}
        for member in unique:
            enrolment = self.active_enrolment(member)
            require(enrolment.region == region, "member {member} is enrolled in {enrolled}, not {region}", member=member,
                    enrolled=enrolment.region, region=region)
            require(member not in grouped, "member {member} is already in another sparring group", member=member)
        self._group_formed(stamp.by, stamp.at, group_id, name, region, unique)

    @event("GroupFormed")
    def _group_formed(
        self, by: Actor, timestamp: datetime, group_id: UUID, name: str, region: str, members: list[UUID]
    ) -> None:
        group = SparringGroup(group_id, name, Region(region), tuple(members))
        self.groups = {**self.groups, group_id: group}

    # -- projects and closing ------------------------------------------------------------------------

    def register_project(self, stamp: Stamp, participant_id: UUID, project_id: UUID) -> None:
        self._require_open(stamp)
        self.active_enrolment(participant_id)
        require(participant_id not in self.projects, "the participant already has a project in this cohort")
        self._project_registered(stamp.by, stamp.at, participant_id, project_id)

    @event("ProjectRegistered")
    def _project_registered(self, by: Actor, timestamp: datetime, participant_id: UUID, project_id: UUID) -> None:
        self.projects = {**self.projects, participant_id: project_id}

    def close(self, stamp: Stamp) -> None:
        self._require_open(stamp)
        self._closed(stamp.by, stamp.at)

    @event("Closed")
    def _closed(self, by: Actor, timestamp: datetime) -> None:
        self.closed = True

    def _require_open(self, stamp: Stamp) -> None:
        require_role(stamp, Role.ADMINISTRATOR)
        require(not self.closed, "the cohort '{name}' is closed", name=self.name)


def normalise_cohort_name(name: str) -> str:
    """"Hold 2027", "hold  2027 " and "HOLD 2027" are one name."""
    return " ".join(name.split()).casefold()


class CohortNameClaim(PdsaAggregate):
    """Holds a cohort's name for one cohort. Its id is derived from the normalised name."""

    @staticmethod
    def id_for(name: str) -> UUID:
        return uuid5(_NAME_NAMESPACE, normalise_cohort_name(name))

    @classmethod
    def claim(cls, stamp: Stamp, name: str, cohort_id: UUID) -> CohortNameClaim:
        return cls._create(cls.Claimed, id=cls.id_for(name), by=stamp.by, timestamp=stamp.at, cohort_id=cohort_id)

    @event("Claimed")
    def __init__(self, by: Actor, timestamp: datetime, cohort_id: UUID) -> None:
        self.cohort_id = cohort_id
