"""The read models on a real SQLite file and a real PostgreSQL server."""

from __future__ import annotations

import json
import statistics
import threading
from datetime import timedelta

from sqlalchemy import update

from pdsa_engine.application import PdsaApplication as A
from pdsa_engine.commands import cycles, people, projects
from pdsa_engine.projections import reading
from pdsa_engine.projections.series import SERIES
from pdsa_engine.runtime import open_projections
from tests.builders import ADMIN, OTHER_SPONSOR, PARTICIPANT, SPONSOR, Programme, database_app, settings_for
from tests.support.views import snapshot


def opened(url: str) -> tuple[Programme, object]:
    app = database_app(url)
    return Programme(app).people(), open_projections(app, settings_for(url))


def test_a_second_catch_up_processes_nothing_and_the_views_equal_a_rebuild(database_url: str) -> None:
    programme, views = opened(database_url)
    active = programme.active_project()
    programme.run(PARTICIPANT, A.record_data, projects.RecordData, measure=active.measure, period="2031-W05", value="4")
    first = views.catch_up()
    assert first["series"] > 0 and first["dashboard"] > 0 and first["people"] > 0 and first["audit"] > 0
    assert views.catch_up() == {"series": 0, "dashboard": 0, "people": 0, "outbox": 0, "audit": 0, "snapshots": 0}
    built = snapshot(views)
    views.rebuild()
    assert snapshot(views) == built


def test_the_series_applies_corrections_phases_and_the_baseline_and_shows_the_cycles(database_url: str) -> None:
    programme, views = opened(database_url)
    active = programme.active_project()
    measure = active.measure
    for week, value in enumerate([50, 52, 49, 51, 50, 53, 48, 50, 30, 31, 29, 30, 32, 28], start=1):
        programme.run(PARTICIPANT, A.record_data, projects.RecordData, measure=measure, period=f"2031-W{week:02d}",
                      value=str(value))
    programme.run(PARTICIPANT, A.correct_data, projects.CorrectData, measure=measure, period="2031-W03", value="50",
                  reason="Tastefejl")
    cycle = programme.plan(active.project, active.change_idea, measure=measure)
    programme.complete(cycle, "adopt")
    programme.run(PARTICIPANT, A.start_phase, projects.StartPhase, measure=measure, reason="Indført",
                  cycle=cycle, **{"from": "2031-W09"})
    programme.run(PARTICIPANT, A.freeze_baseline, projects.FreezeBaseline, measure=measure, baseline=6,
                  reason="Før")
    views.catch_up()
    series = reading.series(views.store, str(measure))
    assert [p["value"] for p in series["points"]][:3] == ["50", "52", "50"]
    assert series["points"][2]["corrections"] == 1
    spc = series["spc"]
    assert [(p["start"], p["end"]) for p in spc["parts"]] == [(1, 8), (9, 14)]
    assert spc["chart"] == "run"  # a run chart's centre line is the median of its baseline
    assert spc["points"][0]["cl"] == statistics.median([50, 52, 50, 51, 50, 53])  # frozen on the first 6 points
    assert spc["points"][-1]["cl"] == statistics.median([30, 31, 29, 30, 32, 28])
    (annotation,) = series["annotations"]
    assert (annotation["cycle_id"], annotation["decision"], annotation["start"]) == (str(cycle), "adopt",
                                                                                     "2031-02-01")


def test_the_dashboard_follows_statuses_signoffs_and_sponsors(database_url: str) -> None:
    programme, views = opened(database_url)
    cohort = programme.cohort()
    active = programme.active_project(cohort)
    other = programme.project(cohort, "olga.participant@example.dk")
    programme.charter(other, "olga.participant@example.dk")
    pending = programme.submit(other, "olga.participant@example.dk")
    programme.run(ADMIN, A.reassign, projects.Reassign, project=other, sponsor=OTHER_SPONSOR, reason="Nyt job")
    cycle = programme.plan(active.project, active.change_idea)
    programme.run(PARTICIPANT, A.do_cycle, cycles.DoCycle, cycle=cycle, observations="Gjort")
    programme.clock.advance(timedelta(days=3))
    views.catch_up()
    board = reading.cohort_dashboard(views.store, str(cohort), lambda pid: pid[:4], programme.clock.now())
    by_id = {p["id"]: p for p in board["projects"]}
    assert by_id[str(active.project)]["status"] == "active"
    assert by_id[str(active.project)]["open_cycles"] == [{"id": str(cycle), "phase": "do"}]
    waiting = by_id[str(other)]["pending_signoffs"]
    assert [(s["id"], s["kind"], s["age_days"] >= 3) for s in waiting] == [(str(pending), "charter", True)]
    sponsors = {s["sponsor"]["id"]: s for s in board["sponsors"]}
    new_sponsor = str(programme.app.person(OTHER_SPONSOR).id)
    assert sponsors[new_sponsor]["signoffs_waiting"] == 1
    assert sponsors[str(programme.app.person(SPONSOR).id)]["median_response_days"] is not None


def test_reads_come_from_the_stored_view(database_url: str) -> None:
    programme, views = opened(database_url)
    active = programme.active_project()
    programme.run(PARTICIPANT, A.record_data, projects.RecordData, measure=active.measure, period="2031-W05", value="4")
    views.catch_up()
    with views.store.engine.begin() as connection:  # change the stored row behind the projection's back
        document = json.loads(connection.execute(SERIES.select()).first().document)
        document["name"] = "read from the view"
        connection.execute(update(SERIES).values(document=json.dumps(document)))
    views.catch_up()
    assert reading.series(views.store, str(active.measure))["name"] == "read from the view"


def test_two_catch_ups_at_once_apply_each_event_once(database_url: str) -> None:
    programme, views = opened(database_url)
    for number in range(3):
        participant = f"p{number}@example.dk"
        programme.run(ADMIN, A.add_person, people.AddPerson,
                      name="P", email=participant, role=["participant"])
        active = programme.active_project(participant=participant)
        for week in range(1, 30):
            programme.run(participant, A.record_data, projects.RecordData, measure=active.measure,
                          period=f"2031-W{week:02d}", value=str(week % 5))
    other = open_projections(database_app(database_url), settings_for(database_url))
    done: list[dict[str, int]] = []
    threads = [threading.Thread(target=lambda v=v: done.append(v.catch_up(batch=7))) for v in (views, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    together = snapshot(views)
    assert sum(d["series"] for d in done) == views.rebuild()["series"]
    assert snapshot(views) == together
