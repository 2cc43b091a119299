"""What the reminder rules know: the stored views read into plain, typed values, once per evaluation.

The rules (rules.py) are pure functions of these facts and a moment; this module is the only one of them that
reads the database. Ids stay text, as the views hold them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select

from pdsa_engine.aggregates.reminders import DigestChoice, ReminderSettings
from pdsa_engine.aggregates.values import Frequency, Weekday
from pdsa_engine.projections.dashboard import COHORTS, PROJECTS
from pdsa_engine.projections.people import PEOPLE
from pdsa_engine.projections.series import POINTS
from pdsa_engine.projections.store import ViewStore


@dataclass(frozen=True, slots=True)
class SignOffFacts:
    id: str
    kind: str
    sponsor_id: str
    status: str
    requested_at: datetime
    addressed_at: datetime  # when the current sponsor was asked: a re-addressed request starts their wait anew
    readdressed: int
    decided_at: datetime | None

    @property
    def pending(self) -> bool:
        return self.status == "requested"


@dataclass(frozen=True, slots=True)
class CycleFacts:
    id: str
    phase: str
    since: datetime | None
    planned_end: date | None
    decision: str | None


@dataclass(frozen=True, slots=True)
class MeasureFacts:
    id: str
    frequency: Frequency
    defined_at: datetime | None
    last_period_start: date | None


@dataclass(frozen=True, slots=True)
class ProjectFacts:
    id: str
    title: str
    cohort_id: str
    participant_id: str
    sponsor_id: str
    coach_id: str
    status: str
    outcome: str | None
    active_since: datetime | None
    last_activity: datetime | None
    last_progress: date | None
    last_coaching: date | None
    startup_with_sponsor: bool
    progress: tuple[tuple[date, str], ...] = ()  # (date, score as recorded) in the order scored
    cycles: tuple[CycleFacts, ...] = ()
    signoffs: tuple[SignOffFacts, ...] = ()
    measures: tuple[MeasureFacts, ...] = ()

    @property
    def closed(self) -> bool:
        return self.status == "closed"


@dataclass(frozen=True, slots=True)
class CohortFacts:
    id: str
    name: str
    start: date
    end: date
    schedule: dict[str, date]
    closed: bool
    reminders: ReminderSettings
    withdrawn: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class PersonFacts:
    id: str
    roles: frozenset[str]
    digest: DigestChoice = DigestChoice()


@dataclass(frozen=True)
class Facts:
    cohorts: dict[str, CohortFacts]
    projects: tuple[ProjectFacts, ...]
    people: dict[str, PersonFacts]
    holders: dict[str, tuple[str, ...]] = field(default_factory=dict)  # role → people holding it, in id order

    @classmethod
    def of(cls, cohorts: list[CohortFacts], projects: list[ProjectFacts], people: list[PersonFacts]) -> Facts:
        roles: dict[str, list[str]] = {}
        for person in sorted(people, key=lambda p: p.id):
            for role in person.roles:
                roles.setdefault(role, []).append(person.id)
        return cls({c.id: c for c in cohorts}, tuple(sorted(projects, key=lambda p: p.id)),
                   {p.id: p for p in people}, {role: tuple(ids) for role, ids in roles.items()})


def load_facts(store: ViewStore) -> Facts:
    """Reads the views as they stand (the caller has caught them up)."""
    with store.engine.connect() as connection:
        cohorts = [_cohort(json.loads(d)) for d in connection.execute(select(COHORTS.c.document)).scalars()]
        last_starts = dict(connection.execute(select(POINTS.c.measure_id, func.max(POINTS.c.start))
                                              .group_by(POINTS.c.measure_id)).all())
        projects = [_project(json.loads(d), last_starts)
                    for d in connection.execute(select(PROJECTS.c.document)).scalars()]
        people = [_person(json.loads(d)) for d in connection.execute(select(PEOPLE.c.document)).scalars()]
    return Facts.of(cohorts, projects, people)


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _cohort(document: dict[str, Any]) -> CohortFacts:
    return CohortFacts(
        id=document["cohort_id"], name=document["name"], start=date.fromisoformat(document["start"]),
        end=date.fromisoformat(document["end"]),
        schedule={module: date.fromisoformat(on) for module, on in document["schedule"].items()},
        closed=document["closed"], reminders=ReminderSettings.of(document.get("reminders") or {}),
        withdrawn=frozenset(p for p, e in document["enrolments"].items() if e["withdrawal_reason"] is not None),
    )


def _project(document: dict[str, Any], last_starts: dict[str, str]) -> ProjectFacts:
    sponsor = document["sponsor_id"]
    meetings = document["meetings"]
    coaching = [m["on"] for m in meetings if m["kind"] == "coaching"]
    progress = [entry["on"] for entry in document["progress"]]
    measures = document.get("measures", {})
    return ProjectFacts(
        id=document["project_id"], title=document["title"], cohort_id=document["cohort_id"], participant_id=document["participant_id"],
        sponsor_id=sponsor, coach_id=document["coach_id"], status=document["status"], outcome=document["outcome"],
        active_since=_moment(document.get("active_since")), last_activity=_moment(document.get("last_activity")),
        last_progress=_day(max(progress, default=None)), last_coaching=_day(max(coaching, default=None)),
        startup_with_sponsor=any(m["kind"] == "startup" and sponsor in m["attendees"] for m in meetings),
        progress=tuple((date.fromisoformat(entry["on"]), entry["score"]) for entry in document["progress"]),
        cycles=tuple(
            CycleFacts(cycle_id, c["phase"], _moment(c.get("since")), _day(c.get("planned_end")), c.get("decision"))
            for cycle_id, c in sorted(document["cycles"].items())
        ),
        signoffs=tuple(
            SignOffFacts(signoff_id, s["kind"], s["sponsor_id"], s["status"], _moment(s["requested_at"]),
                         _moment(s.get("addressed_at") or s["requested_at"]), s.get("readdressed", 0),
                         _moment(s["decided_at"]))
            for signoff_id, s in sorted(document["signoffs"].items())
        ),
        measures=tuple(
            MeasureFacts(measure_id, Frequency(m.get("frequency", "week")), _moment(m.get("defined_at")),
                         _day(last_starts.get(measure_id)))
            for measure_id, m in sorted(measures.items())
        ),
    )


def _person(document: dict[str, Any]) -> PersonFacts:
    digest = document.get("digest") or {}
    return PersonFacts(document["person_id"], frozenset(document["roles"]), DigestChoice(
        digest.get("enabled", True), Weekday(digest["day"]) if digest.get("day") else None, digest.get("hour")))
