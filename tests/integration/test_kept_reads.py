"""A dashboard read is kept until the next event, and only until then; its ages follow the clock all the same."""

from __future__ import annotations

from datetime import timedelta

from pdsa_engine.application import PdsaApplication as A
from pdsa_engine.commands import cycles
from pdsa_engine.projections.kept import KeptReads
from pdsa_engine.queries import Queries
from tests.builders import ADMIN, PARTICIPANT
from tests.integration.test_projections import opened


def test_a_kept_dashboard_is_read_anew_after_any_event_and_dated_at_every_read(database_url: str) -> None:
    programme, views = opened(database_url)
    cohort = programme.cohort()
    active = programme.active_project(cohort)
    cycle = programme.plan(active.project, active.change_idea)
    admin = str(programme.app.person(ADMIN).id)

    def board() -> dict:
        views.catch_up()
        return Queries(programme.app, views).cohort(admin, cohort)

    def project_of(dashboard: dict) -> dict:
        return next(p for p in dashboard["projects"] if p["id"] == str(active.project))

    first = project_of(board())
    programme.clock.advance(timedelta(days=2))  # no event: the kept read is served, its ages as of now
    later = project_of(board())
    assert later["open_cycles"] == first["open_cycles"] == [{"id": str(cycle), "phase": "plan"}]
    assert later["days_since_last_activity"] == first["days_since_last_activity"] + 2

    programme.run(PARTICIPANT, A.do_cycle, cycles.DoCycle, cycle=cycle, observations="Gjort")
    assert project_of(board())["open_cycles"] == [{"id": str(cycle), "phase": "do"}]


def test_kept_reads_serve_a_value_only_at_its_position_and_never_go_back() -> None:
    kept = KeptReads(size=2)
    reads: list[str] = []

    def read(value: str):
        return lambda: reads.append(value) or value

    assert kept.read("a", 5, read("a@5")) == "a@5"
    assert kept.read("a", 5, read("never")) == "a@5"  # the same position: kept
    assert kept.read("a", 6, read("a@6")) == "a@6"  # the log moved on: read anew
    assert kept.read("a", 5, read("a@5 again")) == "a@5 again"  # a reader behind is served its own read ...
    assert kept.read("a", 6, read("never")) == "a@6"  # ... which does not replace the later one
    assert kept.read("b", None, read("b")) == "b" and kept.read("b", None, read("b anew")) == "b anew"
    kept.read("c", 1, read("c")), kept.read("d", 1, read("d"))  # two more keys: "a", the least recent, goes
    assert kept.read("a", 6, read("a@6 anew")) == "a@6 anew"
    assert reads == ["a@5", "a@6", "a@5 again", "b", "b anew", "c", "d", "a@6 anew"]
