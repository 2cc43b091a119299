"""Facts for the rules' tests: a cohort with one project, each field at a sensible default a test overrides."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from pdsa_engine.aggregates.reminders import DigestChoice, ReminderSettings
from pdsa_engine.aggregates.values import Frequency
from pdsa_engine.clock import LOCAL_ZONE
from pdsa_engine.notifications.facts import (
    CohortFacts,
    CycleFacts,
    Facts,
    MeasureFacts,
    PersonFacts,
    ProjectFacts,
    SignOffFacts,
)

COHORT, PROJECT = "c0000000-0000-4000-8000-000000000001", "b0000000-0000-4000-8000-000000000001"
PARTICIPANT, SPONSOR, COACH = ("a0000000-0000-4000-8000-00000000000" + n for n in "123")
ADMIN, AUDITOR = "a0000000-0000-4000-8000-000000000004", "a0000000-0000-4000-8000-000000000005"
SIGNOFF, CYCLE, MEASURE = ("d0000000-0000-4000-8000-00000000000" + n for n in "123")
START = date(2031, 1, 13)  # a Monday


def local(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL_ZONE)


def cohort(**changes: Any) -> CohortFacts:
    base = CohortFacts(COHORT, "Hold 2031", START, date(2031, 12, 12),
                       {"kickoff": START, "1": date(2031, 2, 10), "poster": date(2031, 12, 10)}, False,
                       ReminderSettings())
    return replace(base, **changes)


def project(**changes: Any) -> ProjectFacts:
    base = ProjectFacts(
        id=PROJECT, title="Færre færdigbehandlingsdage", cohort_id=COHORT, participant_id=PARTICIPANT,
        sponsor_id=SPONSOR, coach_id=COACH, status="active", outcome=None, active_since=local(date(2031, 2, 1)),
        last_activity=local(date(2031, 2, 1)), last_progress=None, last_coaching=None, startup_with_sponsor=True,
    )
    return replace(base, **changes)


def signoff(requested: datetime, **changes: Any) -> SignOffFacts:
    base = SignOffFacts(SIGNOFF, "charter", SPONSOR, "requested", requested, requested, 0, None)
    return replace(base, **changes)


def cycle(planned_end: date, phase: str = "plan", **changes: Any) -> CycleFacts:
    return replace(CycleFacts(CYCLE, phase, local(planned_end - timedelta(days=14)), planned_end, None), **changes)


def measure(last: date | None, frequency: Frequency = Frequency.WEEK, defined: date = date(2031, 2, 1)) -> MeasureFacts:
    return MeasureFacts(MEASURE, frequency, local(defined), last)


def people(**digests: DigestChoice) -> list[PersonFacts]:
    roles = {PARTICIPANT: "participant", SPONSOR: "sponsor", COACH: "coach", ADMIN: "administrator",
             AUDITOR: "auditor"}
    return [PersonFacts(person, frozenset({role}), digests.get(role, DigestChoice())) for person, role in roles.items()]


def facts(*projects: ProjectFacts, cohorts: list[CohortFacts] | None = None, **digests: DigestChoice) -> Facts:
    return Facts.of(cohorts or [cohort()], list(projects) or [project()], people(**digests))
