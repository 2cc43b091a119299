"""Projection throughput: catch-up and rebuild, per view and for all of them, next to the bare read rate of
the same store (select_notifications), all measured in the same run; best of three, as the machine is shared."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial

from pdsa_engine.projections.runner import BATCH, Projections
from pdsa_engine.runtime import open_application, open_projections
from tests.builders import Programme, busy_cohort, database_app, settings_for

REPEATS = 3


def fill(url: str) -> int:
    """More than 10,000 events of the standard kind: projects, cycles, weekly data."""
    app = database_app(url)
    busy_cohort(Programme(app, check_stamps=False), projects=41, cycles_per_project=6, points_per_project=200)
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


def report(label: str, url: str) -> None:
    settings = settings_for(url)
    app = open_application(settings)
    views = open_projections(app, settings)
    events = app.recorder.max_notification_id() or 0

    def read_all() -> None:
        start = 1
        while batch := app.recorder.select_notifications(start, 10_000):
            start = batch[-1].id + 1

    bare = events / best(read_all)
    print(f"\n{label}: projections over {events} events; bare read (select_notifications) {bare:,.0f} events/s")
    print(f"  {'view':<14}{'rebuild ev/s':>14}{'of bare':>9}{'catch-up ev/s':>16}{'of bare':>9}")
    single = [view.name for view in views.views]
    # The audit view rebuilds each aggregate's state before and after every event, a different order of work from
    # the others; the rows without it show what the read-side views cost on their own.
    groups = {**{name: [name] for name in single}, "all": None,
              "all but audit": [name for name in single if name != "audit"]}
    for name, names in groups.items():
        rebuild = events / best(partial(views.rebuild, names))
        catch_up = events / best(partial(_catch_up_from_empty, views, names))
        goal = "  (goal ≥ 25%)" if name == "all" else ""
        print(f"  {name:<14}{rebuild:>14,.0f}{rebuild / bare:>9.0%}{catch_up:>16,.0f}{catch_up / bare:>9.0%}{goal}")
    views.store.close()
    app.close()
