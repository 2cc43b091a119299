"""A coach's projects as the coach follows them: each open cycle, overdue or not by its cohort's grace (the same
as the reminders' rule), and the days since the last coaching session. The coach's digest and the coach's page
read this one list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from pdsa_engine.aggregates.reminders import ReminderSettings
from pdsa_engine.notifications.facts import Facts, ProjectFacts

OPEN_PHASES = ("plan", "do", "study")


@dataclass(frozen=True)
class OpenCycle:
    id: str
    phase: str
    planned_end: date | None
    overdue: bool


@dataclass(frozen=True)
class Coached:
    project: ProjectFacts
    open_cycles: tuple[OpenCycle, ...]
    last_coaching: date | None
    days_since_coaching: int | None
    coaching_due: bool  # longer since the last session than the cohort's coaching reminder allows


def coached(facts: Facts, coach_id: str, today: date) -> list[Coached]:
    """The coach's projects not closed, in the facts' order (by id)."""
    found = []
    for project in facts.projects:
        if project.coach_id != coach_id or project.closed:
            continue
        cohort = facts.cohorts.get(project.cohort_id)
        grace = cohort.reminders if cohort else ReminderSettings()
        cycles = tuple(_open(cycle.id, cycle.phase, cycle.planned_end, grace, today)
                       for cycle in project.cycles if cycle.phase in OPEN_PHASES)
        since = (today - project.last_coaching).days if project.last_coaching else None
        found.append(Coached(project, cycles, project.last_coaching, since,
                             since is not None and since > grace.coaching_gap))
    return found


def _open(cycle_id: str, phase: str, planned_end: date | None, grace: ReminderSettings, today: date) -> OpenCycle:
    allowed = grace.study_overdue_after if phase == "study" else grace.overdue_after
    return OpenCycle(cycle_id, phase, planned_end,
                     planned_end is not None and today >= planned_end + timedelta(days=allowed))
