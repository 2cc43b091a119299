"""Any sequence of commands, projected incrementally in arbitrary batch sizes, gives the same views as one
rebuild — on SQLite and on PostgreSQL."""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pdsa_engine.application import PdsaApplication as A
from pdsa_engine.commands import cycles, projects
from pdsa_engine.errors import PdsaError
from pdsa_engine.runtime import open_projections
from tests.builders import PARTICIPANT, Programme, database_app, settings_for
from tests.support.postgres import TemporaryPostgres
from tests.support.views import snapshot

_databases = itertools.count()
WEEKS = st.integers(1, 20)
STEP = st.one_of(
    st.tuples(st.just("record"), WEEKS, st.integers(0, 60)),
    st.tuples(st.just("correct"), WEEKS, st.integers(0, 60)),
    st.tuples(st.just("cycle"), st.sampled_from(["plan", "do", "study", "adopt", "adapt", "abandon", "cancel"])),
    st.tuples(st.just("phase"), WEEKS, st.booleans()),
    st.tuples(st.just("freeze"), st.integers(0, 8)),
    st.tuples(st.just("progress"), st.sampled_from(["1", "2,5", "4"])),
    st.tuples(st.just("catch_up"), st.integers(1, 40)),
)


class Scenario:
    """One project being worked on, with its own ways of being refused (which store nothing)."""

    def __init__(self, url: str) -> None:
        self.programme = Programme(database_app(url)).people()
        self.active = self.programme.active_project()
        self.views = open_projections(self.programme.app, settings_for(url))
        self.current_cycle: Any = None

    def step(self, step: tuple[Any, ...]) -> None:
        kind, *args = step
        if kind == "catch_up":
            self.views.catch_up(batch=args[0])
            return
        try:
            getattr(self, kind)(*args)
        except PdsaError:
            pass  # a refused command stores nothing, which the views must also reflect

    def run(self, method: Any, model: Any, **fields: Any) -> Any:
        return self.programme.run(PARTICIPANT, method, model, **fields)

    def record(self, week: int, value: int) -> None:
        self.run(A.record_data, projects.RecordData, measure=self.active.measure, period=f"2031-W{week:02d}",
                 value=str(value))

    def correct(self, week: int, value: int) -> None:
        self.run(A.correct_data, projects.CorrectData, measure=self.active.measure, period=f"2031-W{week:02d}",
                 value=str(value), reason="Rettet")

    def cycle(self, action: str) -> None:
        if action == "plan" or self.current_cycle is None:
            self.current_cycle = self.programme.plan(self.active.project, self.active.change_idea, measure=self.active.measure)
        elif action in ("do", "study"):
            model = cycles.DoCycle if action == "do" else cycles.StudyCycle
            field = "observations" if action == "do" else "findings"
            self.run(getattr(A, f"{action}_cycle"), model, cycle=self.current_cycle, **{field: "x"})
        elif action == "cancel":
            self.run(A.cancel_cycle, cycles.CancelCycle, cycle=self.current_cycle, reason="Stop")
        else:
            self.run(A.act_cycle, cycles.ActCycle, cycle=self.current_cycle, decision=action)

    def phase(self, week: int, start: bool) -> None:
        fields = {"measure": self.active.measure, "reason": "Skift", "from": f"2031-W{week:02d}"}
        self.run(A.start_phase if start else A.withdraw_phase, projects.StartPhase if start else
                 projects.WithdrawPhase, **fields)

    def freeze(self, baseline: int) -> None:
        self.run(A.freeze_baseline, projects.FreezeBaseline, measure=self.active.measure, baseline=baseline,
                 reason="Baseline")

    def progress(self, score: str) -> None:
        self.run(A.score_progress, projects.ScoreProgress, project=self.active.project, score=score)


def incremental_equals_rebuild(url: str, steps: list[tuple[Any, ...]]) -> None:
    scenario = Scenario(url)
    for step in steps:
        scenario.step(step)
    scenario.views.catch_up(batch=13)
    incremental = snapshot(scenario.views)
    scenario.views.rebuild()
    assert snapshot(scenario.views) == incremental
    scenario.views.store.close()
    scenario.programme.app.close()


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(st.lists(STEP, max_size=40))
def test_on_sqlite(steps: list[tuple[Any, ...]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        incremental_equals_rebuild(f"sqlite:///{Path(folder) / 'pdsa.sqlite'}", steps)


@pytest.mark.postgres
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(STEP, max_size=40))
def test_on_postgresql(postgres_server: TemporaryPostgres, steps: list[tuple[Any, ...]]) -> None:
    incremental_equals_rebuild(postgres_server.create_database(f"pdsa_batches_{next(_databases)}"), steps)
