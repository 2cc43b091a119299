"""What a demo project does over the year, as data: the story engine (story.py) plays it through the
application's commands, so every rule of the domain applies to the demo as to anyone."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date

from pdsa_engine.aggregates.values import ChartType, Decision, Frequency, Outcome, Phase, SignOffStatus


@dataclass(frozen=True)
class Signal:
    """How a measure's data behaves: a level before and after ``change_on``, noise, and optional spikes."""

    before: float
    after: float
    change_on: date
    noise: float
    n_range: tuple[int, int] | None = None  # denominators, for proportions and rates
    spikes: tuple[tuple[date, date, float], ...] = ()  # (from, to, extra)

    def point(self, rng: random.Random, starts: date, chart: ChartType) -> tuple[float, int | None]:
        level = self.before if starts < self.change_on else self.after
        level += sum(extra for first, last, extra in self.spikes if first <= starts <= last)
        if self.n_range is None:
            value = max(0.0, rng.gauss(level, self.noise))
            return (round(value) if chart in (ChartType.C, ChartType.U, ChartType.RUN) else round(value, 1)), None
        n = rng.randint(*self.n_range)
        if chart in (ChartType.P, ChartType.PP):
            share = min(1.0, max(0.0, rng.gauss(level, self.noise)))
            return round(share * n), n
        return round(max(0.0, rng.gauss(level * n, self.noise * math.sqrt(n)))), n


@dataclass(frozen=True)
class MeasurePlan:
    name: str
    kind: str
    chart: ChartType
    definition: str
    frequency: Frequency
    direction: str
    signal: Signal
    first_period: date
    unit: str | None = None
    target: str | None = None


@dataclass(frozen=True)
class CyclePlan:
    """One test of a change idea. ``until`` is where the story leaves it: plan, do, study, closed or cancelled."""

    idea: int  # index into the project's change ideas, in the order they are listed
    objective: str
    predictions: tuple[str, ...]
    starts: date
    days: int
    until: Phase
    decision: Decision | None = None
    observations: str = "Gennemført som planlagt."
    problems: str | None = None
    findings: str = "Resultaterne svarede nogenlunde til forudsigelsen."
    next_steps: str | None = None
    continues_previous: bool = False
    measures: tuple[int, ...] = (0,)
    cancel_reason: str | None = None
    scale_up: SignOffStatus | None = None  # request a scale-up after adopting, and how the sponsor answers
    new_phase: bool = False  # after adopting, the first measure's chart starts a new part


@dataclass(frozen=True)
class ProjectPlan:
    title: str
    problem: str
    aim: tuple[str, str, date]
    measures: tuple[MeasurePlan, ...]
    drivers: tuple[tuple[str, tuple[tuple[str, tuple[str, ...]], ...]], ...]
    cycles: tuple[CyclePlan, ...] = ()
    submit_on: date | None = date(2026, 2, 23)  # None: the charter is still a draft
    sponsor_days: int | None = 5  # None: the sponsor has not answered yet
    first_answer: SignOffStatus = SignOffStatus.APPROVED  # changes_requested: the charter goes round twice
    sponsor_at_startup: bool = True
    coaching: tuple[date, ...] = (date(2026, 3, 10), date(2026, 6, 2), date(2026, 9, 15))
    progress: tuple[tuple[date, str], ...] = ((date(2026, 2, 9), "1,0"), (date(2026, 5, 18), "2,0"),
                                              (date(2026, 9, 1), "3,0"))
    # (when, outcome, the sponsor's answer or None while pending): closure is requested after the last cycle
    closure: tuple[date, Outcome, SignOffStatus | None] | None = None
    freeze: tuple[int, int] | None = None  # (measure, baseline points) frozen once the charter is approved
