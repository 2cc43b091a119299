"""OS processes run commands through the real CLI at the same moment. Two that load the same aggregate at the
same version wait at a barrier just before saving, then save: one wins; the other is run again on the fresh
state, where the rules decide (exit 3 for a real conflict). Writers whose changes do not conflict all succeed."""

from __future__ import annotations

import multiprocessing
import os
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from pdsa_engine.aggregates.cycle import PDSACycle
from pdsa_engine.aggregates.measure_series import MeasureSeries
from pdsa_engine.aggregates.project import ImprovementProject
from pdsa_engine.application import PdsaApplication as A
from pdsa_engine.commands import cycles, projects
from pdsa_engine.config import Settings
from pdsa_engine.errors import ConcurrentModification
from tests.builders import ADMIN, PARTICIPANT, Programme, database_app, settings_for

SPAWN = multiprocessing.get_context("spawn")


def _run_cli_saving_at_barrier(url: str, argv: list[str], barrier: Any, exits: Any) -> None:
    """The child process: the real `pdsa` entry point, with an application that waits before it saves."""
    from pdsa_engine.cli import main
    from pdsa_engine.runtime import open_application
    from tests.builders import RunningClock

    def application_waiting_to_save(settings: Settings) -> Any:
        app = open_application(settings, clock=RunningClock())  # the tests' moment, whatever today is
        save = app.save
        saves = []

        def save_at_barrier(*objs: Any, **kwargs: Any) -> Any:
            saves.append(objs)
            if len(saves) == 1:
                barrier.wait(timeout=30)  # both have loaded and decided; now both try to store
            return save(*objs, **kwargs)

        app.save = save_at_barrier  # type: ignore[method-assign]
        return app

    os.environ["PDSA_DATABASE_URL"] = url
    os.environ["PDSA_AUDIT_KEY"] = str(settings_for(url).audit_key)
    try:
        main(argv, app_factory=application_waiting_to_save)
    except SystemExit as done:
        exits.put(done.code)


def race(url: str, *argvs: list[str]) -> list[int]:
    barrier, exits = SPAWN.Barrier(len(argvs)), SPAWN.Queue()
    children = [SPAWN.Process(target=_run_cli_saving_at_barrier, args=(url, argv, barrier, exits)) for argv in argvs]
    for child in children:
        child.start()
    for child in children:
        child.join(timeout=120)
    return sorted(exits.get(timeout=5) for _ in children)


def test_two_processes_acting_on_one_cycle_one_succeeds_the_other_is_refused(database_url: str) -> None:
    programme = Programme(database_app(database_url)).people()
    active = programme.active_project()
    cycle = programme.plan(active.project, active.change_idea)
    programme.run(PARTICIPANT, A.do_cycle, cycles.DoCycle, cycle=cycle, observations="Gjort")
    programme.run(PARTICIPANT, A.study_cycle, cycles.StudyCycle, cycle=cycle, findings="Lært")
    version = programme.app.load(PDSACycle, cycle).version

    act = ["--as", PARTICIPANT, "cycle", "act", str(cycle), "--decision"]
    assert race(database_url, act + ["adopt"], act + ["abandon"]) == [0, 3]  # run again: the cycle is acted on

    stored = database_app(database_url)
    cycle_events = list(stored.events.get(cycle))
    assert [type(e).__name__ for e in cycle_events][-1] == "Acted"
    assert stored.load(PDSACycle, cycle).version == version + 1  # one act stored, nothing merged
    project = stored.load(ImprovementProject, active.project)
    assert project.cycles[cycle].decision == stored.load(PDSACycle, cycle).acted.decision  # type: ignore[union-attr]


def test_two_processes_registering_one_email_store_one_person(database_url: str) -> None:
    Programme(database_app(database_url)).people()
    add = ["--as", ADMIN, "person", "add", "--email", "twin@example.dk", "--role", "coach", "--name"]
    assert race(database_url, add + ["One"], add + ["Two"]) == [0, 3]


def test_two_processes_creating_one_cohort_name_store_one_cohort(database_url: str) -> None:
    Programme(database_app(database_url)).people()
    create = ["--as", ADMIN, "cohort", "create", "--start", "2031-01-10", "--end", "2031-12-10", "--name"]
    assert race(database_url, create + ["Hold 2032"], create + ["hold 2032"]) == [0, 3]


def _record_weeks(url: str, measure: str, weeks: list[int], barrier: Any, exits: Any) -> None:
    from pdsa_engine.cli import main
    from pdsa_engine.runtime import open_application
    from tests.builders import RunningClock

    clock = RunningClock()  # the weeks have begun at the tests' moment, whatever today is

    os.environ["PDSA_DATABASE_URL"] = url
    os.environ["PDSA_AUDIT_KEY"] = str(settings_for(url).audit_key)
    barrier.wait(timeout=60)
    for week in weeks:
        try:
            main(["--as", PARTICIPANT, "project", "measure", "record", measure, "--period", f"2031-W{week:02d}",
                  "--value", str(week)], app_factory=lambda settings: open_application(settings, clock=clock))
        except SystemExit as done:
            exits.put((week, done.code))


def test_six_processes_recording_different_weeks_of_one_measure_all_succeed(database_url: str) -> None:
    programme = Programme(database_app(database_url)).people()
    measure = str(programme.active_project().measure)
    barrier, exits = SPAWN.Barrier(6), SPAWN.Queue()
    children = [SPAWN.Process(target=_record_weeks, args=(database_url, measure, list(range(1 + i, 37, 6)), barrier,
                                                          exits)) for i in range(6)]
    for child in children:
        child.start()
    for child in children:
        child.join(timeout=300)
    outcomes = sorted(exits.get(timeout=5) for _ in range(36))
    assert outcomes == [(week, 0) for week in range(1, 37)]
    stored = database_app(database_url).load(MeasureSeries, UUID(measure))
    assert sorted(stored.points) == [f"2031-W{week:02d}" for week in range(1, 37)]


def test_a_caller_that_names_the_version_it_decided_on_sees_the_conflict(database_url: str) -> None:
    programme = Programme(database_app(database_url)).people()
    measure = programme.active_project().measure
    racing, app = database_app(database_url), programme.app
    save, other_weeks = app.save, iter(["2031-W02", "2031-W04"])

    def someone_else_saves_first(*objs: Any, **kwargs: Any) -> Any:
        app.save = save  # type: ignore[method-assign]
        racing.record_data(PARTICIPANT, projects.RecordData(measure=measure, period=next(other_weeks), value=Decimal(2)))
        return save(*objs, **kwargs)

    def record(period: str) -> projects.RecordData:
        return projects.RecordData(measure=measure, period=period, value=Decimal(1))

    app.save = someone_else_saves_first  # type: ignore[method-assign]
    with pytest.raises(ConcurrentModification):
        app.run_command(A.record_data, PARTICIPANT, record("2031-W01"), retry_on_conflict=False)
    app.save = someone_else_saves_first  # type: ignore[method-assign]
    app.run_command(A.record_data, PARTICIPANT, record("2031-W03"))
    stored = database_app(database_url).load(MeasureSeries, measure)
    assert sorted(stored.points) == ["2031-W02", "2031-W03", "2031-W04"]


def _open_at_barrier(url: str, barrier: Any, outcomes: Any) -> None:
    from pdsa_engine.errors import PdsaError
    from pdsa_engine.runtime import open_application

    barrier.wait(timeout=30)
    try:
        open_application(settings_for(url)).close()
        outcomes.put("opened")
    except PdsaError as error:
        outcomes.put(error.message)


def test_many_processes_starting_at_once_all_open_the_database(database_url: str) -> None:
    database_app(database_url).close()  # the tables exist, as after `pdsa init`
    barrier, outcomes = SPAWN.Barrier(6), SPAWN.Queue()
    children = [SPAWN.Process(target=_open_at_barrier, args=(database_url, barrier, outcomes)) for _ in range(6)]
    for child in children:
        child.start()
    for child in children:
        child.join(timeout=120)
    assert [outcomes.get(timeout=5) for _ in children] == ["opened"] * 6
