"""The standard scenario: projects created and chartered, PDSA cycles planned, done, studied and acted on,
data points recorded — each a real command through the application, timed one by one."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from pdsa_engine.application import PdsaApplication as A
from tests.builders import Programme, busy_cohort

PROJECTS, CYCLES_PER_PROJECT, POINTS_PER_PROJECT = 30, 5, 30


@dataclass
class Timings:
    latencies: list[float] = field(default_factory=list)  # seconds per command
    transactions: list[tuple[int, int]] = field(default_factory=list)  # (first, last) notification id per command

    def timed(self, app: A, call: object) -> object:
        before = app.recorder.max_notification_id() or 0
        started = time.perf_counter()
        result = call()  # type: ignore[operator]
        self.latencies.append(time.perf_counter() - started)
        self.transactions.append((before + 1, app.recorder.max_notification_id() or 0))
        return result


def run_scenario(app: A, projects: int = PROJECTS) -> Timings:
    """Sets up people and a cohort (not timed), then times every command of the scenario."""
    timings = Timings()
    busy_cohort(Programme(app, check_stamps=False), projects, CYCLES_PER_PROJECT, POINTS_PER_PROJECT,
                around=lambda call: timings.timed(app, call))
    return timings
