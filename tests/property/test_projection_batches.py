"""Any sequence of commands, projected incrementally in arbitrary batch sizes, gives the same views as one
rebuild — on SQLite and on PostgreSQL. The histories include the sponsor's work: the charter, scale-ups and
closure requested, approved, sent back or declined, requests withdrawn, and the sponsor reassigned with
requests pending (so the dashboards, the audit log and the series are all compared over them)."""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from pdsa_engine.aggregates.measure_series import MeasureSeries
from pdsa_engine.application import PdsaApplication as A
from pdsa_engine.commands import cohorts, projects
from pdsa_engine.errors import PdsaError
from pdsa_engine.runtime import open_projections
from tests.builders import ADMIN, PARTICIPANT, Programme, database_app, settings_for
from tests.support.examples import examples
from tests.support.histories import ProjectHistory
from tests.support.postgres import TemporaryPostgres
from tests.support.views import snapshot

_databases = itertools.count()
WEEKS = st.integers(2, 20)
# Besides the project's own steps (tests/support/histories.py: the charter, cycles, data, sign-offs requested,
# decided, withdrawn and readdressed): the chart's phases and baseline, the cohort's quotas, and the views
# catching up.
EXTRA = st.one_of(
    st.tuples(st.just("phase"), WEEKS, st.booleans()),
    st.tuples(st.just("freeze"), st.integers(0, 8)),
    st.tuples(st.just("catch_up"), st.integers(1, 40)),
    st.tuples(st.just("quota"), st.integers(0, 9)),
)


class Scenario:
    """One project being worked on, its views caught up in batches of random sizes along the way."""

    def __init__(self, url: str) -> None:
        self.programme = Programme(database_app(url)).people()
        self.history = ProjectHistory(self.programme)
        self.views = open_projections(self.programme.app, settings_for(url))

    def play(self, data: st.DataObject, length: int) -> None:
        for number in range(length):
            if data.draw(st.integers(0, 4), label="extra") == 0:
                kind, *args = data.draw(EXTRA, label="extra step")
                getattr(self, kind)(*args)
            else:
                self.history.step(data, late=number >= length * 3 // 4)
        self.history.label()

    def catch_up(self, batch: int) -> None:
        self.views.catch_up(batch=batch)

    def quota(self, seats: int) -> None:
        """The cohort's seats change after it was created: every view must read its creation as it was."""
        self.programme.run(ADMIN, A.set_quota, cohorts.SetQuota, cohort=self.history.now().cohort_id,
                           region="Region Syddanmark", sector="municipal", seats=seats)

    def phase(self, week: int, start: bool) -> None:
        measure = self.history.measures[0]
        period = f"2031-W{week:02d}"
        if start == (period in self.programme.app.load(MeasureSeries, measure).phases):
            event("refused: a phase started twice or withdrawn where none starts")
            with pytest.raises(PdsaError):
                self._phase(measure, period, start)
            return
        self._phase(measure, period, start)

    def _phase(self, measure: Any, period: str, start: bool) -> None:
        fields = {"measure": measure, "reason": "Skift", "from": period}
        self.programme.run(PARTICIPANT, A.start_phase if start else A.withdraw_phase,
                           projects.StartPhase if start else projects.WithdrawPhase, **fields)

    def freeze(self, baseline: int) -> None:
        measure = self.history.measures[0]
        run = lambda: self.programme.run(PARTICIPANT, A.freeze_baseline, projects.FreezeBaseline,  # noqa: E731
                                         measure=measure, baseline=baseline, reason="Baseline")
        if (baseline or None) == self.programme.app.load(MeasureSeries, measure).baseline:
            event("refused: the same baseline again")
            with pytest.raises(PdsaError):
                run()
            return
        run()


def incremental_equals_rebuild(url: str, data: st.DataObject) -> None:
    scenario = Scenario(url)
    scenario.play(data, data.draw(st.integers(15, 45), label="length"))
    scenario.views.catch_up(batch=13)
    incremental = snapshot(scenario.views)
    scenario.views.rebuild()
    assert snapshot(scenario.views) == incremental
    scenario.views.store.close()
    scenario.programme.app.close()


SETTINGS = settings(max_examples=examples(30), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(st.data())
def test_on_sqlite(data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as folder:
        incremental_equals_rebuild(f"sqlite:///{Path(folder) / 'pdsa.sqlite'}", data)


@pytest.mark.postgres
@settings(max_examples=examples(12), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_on_postgresql(postgres_server: TemporaryPostgres, data: st.DataObject) -> None:
    incremental_equals_rebuild(postgres_server.create_database(f"pdsa_batches_{next(_databases)}"), data)
