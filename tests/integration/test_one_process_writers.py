"""Commands and the views' catch-ups in the threads of one process, on a real SQLite file: none waits on another
for good. (They did: a batch of the views held SQLite's write lock and read through the application's connection
pool, whose queue stood behind a writer waiting for that same lock, until the pool gave up after 5 s.)"""

from __future__ import annotations

import threading

import pytest

from pdsa_engine import application_base
from pdsa_engine.application import PdsaApplication as A
from pdsa_engine.commands import parse, projects
from pdsa_engine.projections import reading
from pdsa_engine.runtime import open_projections
from tests.builders import PARTICIPANT, Programme, database_app, settings_for

WRITERS, READERS, POINTS = 3, 2, 12
waiting_timed_out = application_base._waited_for_the_database


def period(writer: int, week: int) -> str:
    return f"2029-W{writer * POINTS + week:02d}"  # each writer its own weeks: no point is refused as a repeat


def test_commands_and_catch_ups_in_threads_of_one_process_all_finish_without_a_busy_database(
        sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[str] = []  # the commands' retries hide a wait that timed out: each is recorded here

    def waited(error: Exception) -> bool:
        waits.append(repr(error))
        return waiting_timed_out(error)

    monkeypatch.setattr(application_base, "_waited_for_the_database", waited)
    app = database_app(sqlite_url)
    programme = Programme(app).people()
    views = open_projections(app, settings_for(sqlite_url))
    active = programme.active_project()
    failures: list[str] = []
    writing_done = threading.Event()

    def write(writer: int) -> None:
        for week in range(1, POINTS + 1):
            try:
                # as the site and the CLI run a command: a collision with another writer is run again
                app.run_command(A.record_data, PARTICIPANT, parse(projects.RecordData, {
                    "measure": active.measure, "period": period(writer, week), "value": str(week)}))
            except Exception as failure:  # any failure at all is the finding
                failures.append(f"writer {writer}: {failure!r}")

    def catch_up(reader: int) -> None:
        while not writing_done.is_set():
            try:
                views.catch_up()
            except Exception as failure:
                failures.append(f"reader {reader}: {failure!r}")

    writers = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    readers = [threading.Thread(target=catch_up, args=(n,)) for n in range(READERS)]
    for thread in readers + writers:
        thread.start()
    for thread in writers:
        thread.join()
    writing_done.set()
    for thread in readers:
        thread.join()

    assert failures == [] and waits == []
    views.catch_up()
    stored = reading.series(views.store, str(active.measure))
    assert stored is not None
    assert {period(w, k) for w in range(WRITERS) for k in range(1, POINTS + 1)} <= {p["period"] for p in stored["points"]}
