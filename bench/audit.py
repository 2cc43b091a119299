"""Audit: `verify` throughput next to the bare read rate of the same store, and replay times of long projects with
and without sealed snapshots — all measured in the same run; best of several, as the machine is shared."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, timedelta
from uuid import UUID

from bench import figures
from bench.projections import best
from pdsa_engine.application import PdsaApplication as A
from pdsa_engine.audit.replay import Replay
from pdsa_engine.audit.service import Audit
from pdsa_engine.commands import projects
from pdsa_engine.names import PersonNames
from pdsa_engine.runtime import open_application, open_projections
from tests.builders import ADMIN, PARTICIPANT, Programme, database_app, settings_for

MEASURES = 3


def verify_report(label: str, database: str, url: str) -> None:
    """Over a store that projections.fill() has filled."""
    settings = settings_for(url)
    app = open_application(settings)
    events = app.recorder.max_notification_id() or 0

    def read_all() -> None:
        start = 1
        while batch := app.recorder.select_notifications(start, 10_000):
            start = batch[-1].id + 1

    audit = Audit(app, settings)
    bare = events / best(read_all, 3)
    checked = events / best(lambda: audit.verify(ADMIN, []), 3)
    print(f"\n{label}: audit verify over {events} events")
    print(f"  bare read (select_notifications) {bare:>10,.0f} events/s")
    print(f"  audit verify (chain and seals)   {checked:>10,.0f} events/s   {checked / bare:5.0%} of bare "
          "(goal ≥ 30%)")
    figures.record(f"verify.{database}.events_per_s", checked)
    figures.record(f"verify.{database}.share", checked / bare)
    app.close()


def long_project(programme: Programme, events: int) -> UUID:
    """An active project whose own history (project, cycles, sign-offs, data) has about `events` events: one
    cycle for every 50 events (a long ramp of adapted cycles, six events each), the rest daily data points
    spread over three measures."""
    active = programme.active_project()
    measures = [programme.run(PARTICIPANT, A.add_measure, projects.AddMeasure, project=active.project,
                              name=f"Daglig måling {number}", kind="process", chart="i", definition="Pr. dag",
                              frequency="day", direction="down") for number in range(MEASURES)]
    previous = None
    for _ in range(events // 50):
        cycle = programme.plan(active.project, active.change_idea, continues=previous)
        programme.complete(cycle, "adapt")
        previous = cycle
    points = events - 15 - MEASURES * 2 - 6 * (events // 50)
    programme.years_later(points // MEASURES // 365 + 1)  # so that every day recorded has begun
    for number in range(points):
        day = date(2031, 1, 1) + timedelta(days=number // MEASURES)
        programme.run(PARTICIPANT, A.record_data, projects.RecordData, measure=measures[number % MEASURES],
                      period=day.isoformat(), value=str(40 + number % 11))
    return active.project


def events_of(app: A, project_id: UUID) -> int:
    project = app.repository.get(project_id)
    owned = [project_id, *project.cycles, *project.signoff_ids, *project.measures]
    return sum(len(app.recorder.select_events(aggregate_id)) for aggregate_id in owned)


def replay_report(label: str, database: str, urls: Callable[[str], str]) -> None:
    print(f"\n{label}: audit replay of one project (best of 5; 'now' and at its middle version; without snapshots, "
          "and with those the views took as the history grew)")
    print(f"  {'events':>8}{'snapshots':>11}{'now, none':>12}{'now, with':>12}{'middle, none':>15}"
          f"{'middle, with':>15}{'catch-up':>10}{'checkpoint':>12}")
    for size in (1_000, 10_000):
        url = urls(f"replay{size}")
        app = database_app(url)
        project = long_project(Programme(app, check_stamps=False).people(), size)
        settings = settings_for(url)
        views = open_projections(app, settings)
        audit = Audit(app, settings, views)
        plain = Replay(app, PersonNames(app))
        middle = app.repository.get(project).version // 2
        now_plain = best(lambda: plain.project(project), 5)  # noqa: B023 - called at once
        middle_plain = best(lambda: plain.project(project, version=middle), 5)  # noqa: B023
        started = time.perf_counter()
        views.catch_up()  # the views, and with them the snapshots taken as the history grew
        caught_up = time.perf_counter() - started
        taken = audit.snapshots.count()  # type: ignore[union-attr]
        started = time.perf_counter()
        audit.checkpoint(ADMIN, None)
        checkpoint = time.perf_counter() - started
        now_with = best(lambda: audit.replayer.project(project), 5)  # noqa: B023
        middle_with = best(lambda: audit.replayer.project(project, version=middle), 5)  # noqa: B023
        same = audit.replayer.project(project) == plain.project(project)
        prefix = f"replay.{database}.events_{size}"
        # What a user gets: the snapshots the views took as the history grew.
        figures.record(f"{prefix}_ms", now_with * 1000)
        figures.record(f"{prefix}.catch_up_ms", caught_up * 1000)
        figures.record(f"{prefix}.events", events_of(app, project))
        figures.record(f"{prefix}.without_snapshots_ms", now_plain * 1000)
        figures.record(f"{prefix}.with_snapshots_ms", now_with * 1000)
        figures.record(f"{prefix}.middle_without_snapshots_ms", middle_plain * 1000)
        figures.record(f"{prefix}.middle_with_snapshots_ms", middle_with * 1000)
        figures.record(f"{prefix}.checkpoint_ms", checkpoint * 1000)
        print(f"  {events_of(app, project):>8}{taken:>11}{now_plain * 1000:>10.0f}ms{now_with * 1000:>10.0f}ms"
              f"{middle_plain * 1000:>13.0f}ms{middle_with * 1000:>13.0f}ms{caught_up * 1000:>8.0f}ms"
              f"{checkpoint * 1000:>10.0f}ms"
              + ("" if same else "   (REPLAYS DIFFER)"))
        views.store.close()
        app.close()
    print("  goal: a 10,000-event project replayed in under 150 ms")
