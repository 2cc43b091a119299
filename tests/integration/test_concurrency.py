"""Two OS processes run the same command through the real CLI: both load the same aggregate at the same
version, wait at a barrier just before saving, then save. Exactly one wins; the other exits 5."""

from __future__ import annotations

import multiprocessing
import os
from typing import Any

from pdsa_engine.aggregates.cycle import PDSACycle
from pdsa_engine.aggregates.project import ImprovementProject
from pdsa_engine.application import PdsaApplication as A
from pdsa_engine.commands import cycles
from pdsa_engine.config import Settings
from tests.builders import ADMIN, PARTICIPANT, Programme, database_app, settings_for

SPAWN = multiprocessing.get_context("spawn")


def _run_cli_saving_at_barrier(url: str, argv: list[str], barrier: Any, exits: Any) -> None:
    """The child process: the real `pdsa` entry point, with an application that waits before it saves."""
    from pdsa_engine.cli import main
    from pdsa_engine.runtime import open_application

    def application_waiting_to_save(settings: Settings) -> Any:
        app = open_application(settings)
        save = app.save

        def save_at_barrier(*objs: Any, **kwargs: Any) -> Any:
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


def test_two_processes_acting_on_one_cycle_one_succeeds_the_other_exits_5(database_url: str) -> None:
    programme = Programme(database_app(database_url)).people()
    active = programme.active_project()
    cycle = programme.plan(active.project, active.change_idea)
    programme.run(PARTICIPANT, A.do_cycle, cycles.DoCycle, cycle=cycle, observations="Gjort")
    programme.run(PARTICIPANT, A.study_cycle, cycles.StudyCycle, cycle=cycle, findings="Lært")
    version = programme.app.load(PDSACycle, cycle).version

    act = ["--as", PARTICIPANT, "cycle", "act", str(cycle), "--decision"]
    assert race(database_url, act + ["adopt"], act + ["abandon"]) == [0, 5]

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
