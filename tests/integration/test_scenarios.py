"""The same scenarios on a real SQLite file and a real PostgreSQL server."""

from __future__ import annotations

import threading

import pytest

from pdsa_engine.aggregates.cycle import PDSACycle
from pdsa_engine.aggregates.measure_series import MeasureSeries
from pdsa_engine.aggregates.project import ImprovementProject
from pdsa_engine.aggregates.signoff import SignOff
from pdsa_engine.aggregates.values import Phase, ProjectStatus, Role, SignOffStatus
from pdsa_engine.application import PdsaApplication as A
from pdsa_engine.commands import cycles, parse, people, projects
from pdsa_engine.errors import ConcurrentModification, PdsaError, Refused
from tests.builders import ADMIN, PARTICIPANT, Programme, database_app


def test_a_project_runs_its_course_and_reads_back_the_same_from_a_fresh_application(database_url: str) -> None:
    programme = Programme(database_app(database_url)).people()
    active = programme.active_project()
    first = programme.plan(active.project, active.change_idea, measure=active.measure)
    programme.complete(first, "adapt")
    second = programme.plan(active.project, active.change_idea, continues=first)
    programme.complete(second, "adopt")
    scale_up = programme.run(PARTICIPANT, A.request_scale_up, projects.RequestScaleUp, project=active.project,
                             cycle=second)
    programme.decide(scale_up)
    programme.run(PARTICIPANT, A.record_data, projects.RecordData, measure=active.measure, period="2031-W05", value="3,5")
    programme.run(PARTICIPANT, A.correct_data, projects.CorrectData, measure=active.measure, period="2031-W05",
                  value="4", reason="Tastefejl")
    closure = programme.run(PARTICIPANT, A.request_closure, projects.RequestClosure, project=active.project,
                            outcome="sustained")
    programme.decide(closure)
    programme.app.close()

    reopened = database_app(database_url)
    project = reopened.load(ImprovementProject, active.project)
    assert (project.status, project.outcome) == (ProjectStatus.CLOSED, "sustained")
    assert second in project.scaled_up
    assert reopened.load(PDSACycle, second).continues == first
    assert reopened.load(SignOff, closure).status is SignOffStatus.APPROVED
    series = reopened.load(MeasureSeries, active.measure)
    assert [(p.period, str(p.value), p.corrections) for p in series.in_order()] == [("2031-W05", "4", 1)]
    history = [type(e).__name__ for e in reopened.events.get(active.measure)]
    assert history == ["Opened", "PointRecorded", "PointCorrected"]
    reopened.close()


def test_a_refused_command_stores_nothing(database_url: str) -> None:
    programme = Programme(database_app(database_url)).people()
    active = programme.active_project()
    cycle = programme.plan(active.project, active.change_idea)
    before = programme.app.recorder.max_notification_id()
    for attempt in (
        lambda: programme.run(PARTICIPANT, A.study_cycle, cycles.StudyCycle, cycle=cycle, findings="skipped do"),
        lambda: programme.plan(active.project, active.change_idea),
        lambda: programme.run(PARTICIPANT, A.request_closure, projects.RequestClosure, project=active.project,
                              outcome="stopped"),
    ):
        with pytest.raises(Refused):
            attempt()
    assert programme.app.recorder.max_notification_id() == before
    assert programme.app.load(PDSACycle, cycle).phase is Phase.PLAN


def test_of_two_applications_acting_on_one_cycle_at_the_same_version_one_wins(database_url: str) -> None:
    programme = Programme(database_app(database_url)).people()
    active = programme.active_project()
    cycle = programme.plan(active.project, active.change_idea)
    other = database_app(database_url)
    mine, theirs = programme.app.load(PDSACycle, cycle), other.load(PDSACycle, cycle)
    stamp = programme.app.acting(PARTICIPANT, Role.PARTICIPANT)
    mine.do(stamp, "Mine", None)
    theirs.do(stamp, "Theirs", None)
    programme.app.save(mine)
    with pytest.raises(ConcurrentModification):
        other.save(theirs)
    assert programme.app.load(PDSACycle, cycle).done.observations == "Mine"  # type: ignore[union-attr]
    other.close()


def test_racing_registrations_of_one_email_store_one_person(database_url: str) -> None:
    Programme(database_app(database_url)).people()
    apps = [database_app(database_url) for _ in range(2)]
    barrier, outcomes = threading.Barrier(2), []

    def register(app: A, name: str) -> None:
        command = parse(people.AddPerson, {"name": name, "email": "twin@example.dk", "role": ["coach"]})
        stamp = app.acting(ADMIN, Role.ADMINISTRATOR)
        original_save = app.save

        def save_at_barrier(*objs: object, **kwargs: object) -> object:
            barrier.wait(timeout=20)
            return original_save(*objs, **kwargs)

        app.save = save_at_barrier  # type: ignore[method-assign]
        app.acting = lambda actor, role: stamp  # type: ignore[method-assign]
        try:
            app.add_person(ADMIN, command)
            outcomes.append("stored")
        except PdsaError as error:
            outcomes.append(type(error).__name__)

    threads = [threading.Thread(target=register, args=(app, name)) for app, name in zip(apps, ("One", "Two"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["Refused", "stored"]
    assert apps[0].person("twin@example.dk").name in ("One", "Two")


def test_what_a_command_changed_but_did_not_save_never_reaches_the_next_command(database_url: str) -> None:
    programme = Programme(database_app(database_url)).people()
    active = programme.active_project()
    cycle = programme.plan(active.project, active.change_idea)
    loaded = programme.app.load(PDSACycle, cycle)  # the application keeps aggregates cached between commands
    loaded.do(programme.app.acting(PARTICIPANT, Role.PARTICIPANT), "Never saved", None)
    again = programme.app.load(PDSACycle, cycle)
    assert again.phase is Phase.PLAN and again.done is None and again.pending_events == []
