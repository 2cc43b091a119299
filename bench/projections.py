"""Projection throughput: rebuild and catch-up, per view and for all of them, next to the bare read rate of the
same store (select_notifications), all measured in the same run; best of several, as the machine is shared.

Three stores: the standard one (about 10,000 events), one of about 100,000 events (a full cohort of 100 projects,
each of about 1,000 events), and long histories (40 projects with 1,000 weekly points each). Then the cost of catching up ONE new data point on a series
that already holds 100, 1,000 or 10,000 points: what the web will pay after every command.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from itertools import count
from typing import NamedTuple
from uuid import UUID

from bench import figures
from pdsa_engine.application import PdsaApplication as A
from pdsa_engine.commands import projects
from pdsa_engine.projections.runner import BATCH, Projections
from pdsa_engine.runtime import open_application, open_projections
from tests.builders import PARTICIPANT, Programme, busy_cohort, database_app, settings_for

REPEATS = 3
CATCH_UPS = 15  # new points recorded and caught up, one at a time, per series size


class Store(NamedTuple):
    name: str  # in the figures' names
    title: str
    projects: int
    cycles: int
    points: int
    repeats: int  # a large store is rebuilt fewer times


STANDARD = Store("events_10k", "the standard store", 41, 6, 200, REPEATS)
# A cohort holds at most 100 seats, so the larger store has longer histories as well as more projects.
STORES = (STANDARD, Store("events_100k", "100 projects of 40 cycles and 745 weekly points", 100, 40, 745, 1),
          Store("long_history", "40 projects × 1,000 weekly points", 40, 6, 1000, 2))
SERIES_SIZES = (100, 1_000, 10_000)


def fill(url: str, store: Store = STANDARD) -> int:
    """Projects, cycles and weekly data of the standard kind, through the commands."""
    app = database_app(url)
    busy_cohort(Programme(app, check_stamps=False), projects=store.projects, cycles_per_project=store.cycles,
                points_per_project=store.points)
    count = app.recorder.max_notification_id() or 0
    app.close()
    return count


def best(work: Callable[[], object], repeats: int = REPEATS) -> float:
    """The shortest of several runs: the machine is shared, and noise only ever adds time."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def _catch_up_from_empty(views: Projections, names: list[str] | None) -> None:
    """The incremental path, in its ordinary batch size, over the whole log."""
    with views.store.engine.begin() as connection:
        for view in views.views if names is None else [views.view(n) for n in names]:
            views.store.reset(connection, view)
    views.catch_up(names, batch=BATCH)


def report(label: str, database: str, url: str, store: Store = STANDARD) -> dict[str, float]:
    """Prints and records the rates over a filled store; returns each group's rebuild share of the bare read."""
    settings = settings_for(url)
    app = open_application(settings)
    views = open_projections(app, settings)
    events = app.recorder.max_notification_id() or 0

    def read_all() -> None:
        start = 1
        while batch := app.recorder.select_notifications(start, 10_000):
            start = batch[-1].id + 1

    bare = events / best(read_all, store.repeats)
    prefix = f"projections.{database}.{store.name}"
    figures.record(f"{prefix}.events", events)
    figures.record(f"{prefix}.bare_events_per_s", bare)
    print(f"\n{label}, {store.title}: projections over {events:,} events; bare read (select_notifications) "
          f"{bare:,.0f} events/s")
    print(f"  {'view':<14}{'rebuild ev/s':>14}{'of bare':>9}{'catch-up ev/s':>16}{'of bare':>9}")
    single = [view.name for view in views.views]
    # The audit view works out each event's changes from the aggregate's state before it, a different order of
    # work from the others; the rows without it show what the read-side views cost on their own.
    groups = {**{name: [name] for name in single}, "all": None,
              "all but audit": [name for name in single if name != "audit"]}
    shares = {}
    for name, names in groups.items():
        rebuild = events / best(partial(views.rebuild, names), store.repeats)
        catch_up = events / best(partial(_catch_up_from_empty, views, names), store.repeats)
        goal = {"all": "  (goal ≥ 25%)", "audit": "  (goal ≥ 30%)"}.get(name, "")
        print(f"  {name:<14}{rebuild:>14,.0f}{rebuild / bare:>9.0%}{catch_up:>16,.0f}{catch_up / bare:>9.0%}{goal}")
        key = name.replace(" ", "_")
        shares[key] = figures.record(f"{prefix}.{key}.rebuild_share", rebuild / bare)
        figures.record(f"{prefix}.{key}.rebuild_events_per_s", rebuild)
        figures.record(f"{prefix}.{key}.catchup_share", catch_up / bare)
    views.store.close()
    app.close()
    return shares


def report_stores(label: str, database: str, url_for: Callable[[str], str]) -> None:
    """Every store; `projections.<database>.<view>.rebuild_share` is then the lowest share over the stores (the
    goal must hold on each)."""
    lowest: dict[str, float] = {}
    for store in STORES:
        url = url_for(f"projections_{store.name}")
        started = time.perf_counter()
        events = fill(url, store)
        print(f"\n{label}: {store.title} filled with {events:,} events through the commands in "
              f"{time.perf_counter() - started:.0f} s")
        for name, share in report(label, database, url, store).items():
            lowest[name] = min(share, lowest.get(name, share))
    for name, share in lowest.items():
        figures.record(f"projections.{database}.{name}.rebuild_share", share)
    print(f"\n{label}: lowest rebuild share over the stores: all views {lowest['all']:.0%} (goal ≥ 25%), "
          f"audit view {lowest['audit']:.0%} (goal ≥ 30%)")


def series_project(programme: Programme, points: int) -> UUID:
    """An active project with one daily measure holding `points` points; returns the measure."""
    active = programme.active_project()
    measure = programme.run(PARTICIPANT, A.add_measure, projects.AddMeasure, project=active.project,
                            name="Daglig måling", kind="process", chart="i", definition="Pr. dag", frequency="day",
                            direction="down")
    programme.years_later((points + 20 * CATCH_UPS) // 365 + 1)  # so that every day recorded has begun
    for number in range(points):
        record_point(programme, measure, number)
    return measure


def record_point(programme: Programme, measure: UUID, number: int) -> None:
    day = date(2031, 1, 1) + timedelta(days=number)
    programme.run(PARTICIPANT, A.record_data, projects.RecordData, measure=measure, period=day.isoformat(),
                  value=str(40 + number % 11))


def report_catch_up(label: str, database: str, url_for: Callable[[str], str]) -> None:
    """One new point, recorded and then caught up by every view, on series of several lengths: warm (the views
    object that caught up the point before, as a long-running server keeps it) and cold (a new one, as a CLI
    call opens)."""
    print(f"\n{label}: catching up one new data point (all views; median of {CATCH_UPS})")
    print(f"  {'points':>8}{'warm':>10}{'cold':>10}   per view, warm")
    for size in SERIES_SIZES:
        url = url_for(f"catchup{size}")
        app = database_app(url)
        programme = Programme(app, check_stamps=False).people()
        measure = series_project(programme, size)
        settings = settings_for(url)
        views = open_projections(app, settings)
        views.catch_up()
        warm: list[float] = []
        cold: list[float] = []
        per_view: dict[str, list[float]] = {view.name: [] for view in views.views}
        numbers = count(size)
        for _ in range(CATCH_UPS):
            record_point(programme, measure, next(numbers))
            started = time.perf_counter()
            views.catch_up()
            warm.append(time.perf_counter() - started)
        for _ in range(CATCH_UPS):  # after the warm ones: a cold catch-up leaves the warm object behind
            record_point(programme, measure, next(numbers))
            fresh = open_projections(app, settings)
            started = time.perf_counter()
            fresh.catch_up()
            cold.append(time.perf_counter() - started)
            fresh.store.close()
        views.catch_up()
        for view in views.views:  # each view alone, one new point each
            for _ in range(CATCH_UPS):
                record_point(programme, measure, next(numbers))
                started = time.perf_counter()
                views.catch_up([view.name])
                per_view[view.name].append(time.perf_counter() - started)
            views.catch_up()
        warm_ms, cold_ms = statistics.median(warm) * 1000, statistics.median(cold) * 1000
        figures.record(f"catchup.{database}.points_{size}_ms", warm_ms)
        figures.record(f"catchup.{database}.points_{size}.cold_ms", cold_ms)
        cells = []
        for name, times in per_view.items():
            ms = figures.record(f"catchup.{database}.points_{size}.{name}_ms", statistics.median(times) * 1000)
            cells.append(f"{name} {ms:.2f}")
        print(f"  {size:>8,}{warm_ms:>8.2f}ms{cold_ms:>8.2f}ms   " + ", ".join(cells))
        views.store.close()
        app.close()
    print("  goals: under 2 ms at 1,000 points, under 3 ms at 10,000")
