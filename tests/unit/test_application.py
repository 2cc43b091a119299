"""The application: who may do what, commands that touch two aggregates, and a refused command storing nothing."""

from __future__ import annotations

import random
import threading
import time
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import ConnectionUnavailableError, OperationalError

from pdsa_engine.aggregates.audit_record import AuditRecord
from pdsa_engine.aggregates.cohort import Cohort, CohortNameClaim
from pdsa_engine.aggregates.cycle import PDSACycle
from pdsa_engine.aggregates.measure_series import MeasureSeries
from pdsa_engine.aggregates.project import ImprovementProject
from pdsa_engine.aggregates.signoff import SignOff
from pdsa_engine.aggregates.values import (
    Actor,
    ChartType,
    Frequency,
    Outcome,
    ProjectStatus,
    Region,
    Role,
    Sector,
    SignOffStatus,
)
from pdsa_engine.application import PdsaApplication as A
from pdsa_engine.application_base import CONFLICT_ATTEMPTS, CONFLICT_PAUSE, CONFLICT_PAUSE_MOST, SHORT_ID_CANDIDATES
from pdsa_engine.clock import SimulatedClock
from pdsa_engine.commands import cohorts, cycles, parse, people, projects, signoffs
from pdsa_engine.errors import (
    ConcurrentModification,
    DatabaseBusy,
    InvalidInput,
    NotFound,
    PermissionDenied,
    Refused,
    StaleVersion,
)
from pdsa_engine.ids import id_range
from pdsa_engine.runtime import open_application
from tests.builders import (
    ADMIN,
    AUDITOR,
    COACH,
    MOMENT,
    OTHER_PARTICIPANT,
    OTHER_SPONSOR,
    PARTICIPANT,
    SPONSOR,
    Programme,
    memory_app,
    settings_for,
    stamp,
)


@pytest.fixture
def programme() -> Programme:
    return Programme(memory_app()).people()


def stored(programme: Programme) -> int:
    return programme.app.recorder.max_notification_id() or 0


def test_the_first_person_needs_no_actor_and_must_be_an_administrator() -> None:
    fresh = Programme(memory_app())
    with pytest.raises(Refused,
                       match=r"^the first person registered must be an administrator \(--role administrator\)$"):
        fresh.run(None, A.add_person, people.AddPerson, name="C", email="c@x.dk", role=["coach"])
    fresh.run(None, A.add_person, people.AddPerson, name="Ada", email=ADMIN, role=["administrator"])
    with pytest.raises(PermissionDenied,
                       match="^this command needs an acting person: give --as PERSON or set PDSA_ACTOR$"):
        fresh.run(None, A.add_person, people.AddPerson, name="Eve", email="eve@x.dk", role=["administrator"])


def test_an_email_belongs_to_one_person(programme: Programme) -> None:
    with pytest.raises(Refused, match="already belongs"):
        programme.run(ADMIN, A.add_person, people.AddPerson, name="Per Again", email="PER.participant@example.dk",
                      role=["coach"])


def test_people_are_found_by_id_or_email(programme: Programme) -> None:
    person = programme.app.person(PARTICIPANT)
    assert programme.app.person(str(person.id)).email == PARTICIPANT
    with pytest.raises(NotFound, match="no person has the e-mail address nobody@x.dk"):
        programme.app.person("nobody@x.dk")


@pytest.mark.parametrize("actor", [PARTICIPANT, SPONSOR, COACH, AUDITOR])
def test_only_administrators_manage_people_and_cohorts(programme: Programme, actor: str) -> None:
    before = stored(programme)
    with pytest.raises(PermissionDenied, match="administrator role"):
        programme.run(actor, A.create_cohort, cohorts.CreateCohort, name="x", start="2031-01-01", end="2031-12-01")
    assert stored(programme) == before


@pytest.mark.parametrize("actor", [ADMIN, SPONSOR, COACH, AUDITOR, OTHER_PARTICIPANT])
def test_only_the_projects_participant_works_on_it(programme: Programme, actor: str) -> None:
    project = programme.project()
    before = stored(programme)
    with pytest.raises(PermissionDenied):
        programme.run(actor, A.set_aim, projects.SetAim, project=project, what="w", how_much="h", by="2031-06-01")
    assert stored(programme) == before


def test_projects_need_an_enrolled_participant_and_people_holding_the_roles(programme: Programme) -> None:
    cohort = programme.cohort()
    fields = dict(cohort=cohort, participant=PARTICIPANT, title="t", problem="p", sponsor=SPONSOR, coach=COACH)
    with pytest.raises(NotFound, match="not enrolled"):
        programme.run(ADMIN, A.create_project, projects.CreateProject, **fields)
    programme.enrol(cohort)
    with pytest.raises(Refused, match="does not hold the sponsor role"):
        programme.run(ADMIN, A.create_project, projects.CreateProject, **{**fields, "sponsor": COACH})
    programme.run(ADMIN, A.create_project, projects.CreateProject, **fields)
    with pytest.raises(Refused, match="already has a project"):
        programme.run(ADMIN, A.create_project, projects.CreateProject, **fields)


def test_an_approved_charter_records_both_versions_and_activates_the_project(programme: Programme) -> None:
    active = programme.active_project()
    project = programme.app.load(ImprovementProject, active.project)
    signoff = programme.app.load(SignOff, active.charter_signoff)
    assert project.status is ProjectStatus.ACTIVE
    assert signoff.requested_on_version == signoff.decided_on_version == project.version - 1


def test_the_sponsor_decides_on_the_version_they_saw(programme: Programme) -> None:
    project = programme.project()
    measure, _, _ = programme.charter(project)
    request = programme.submit(project)
    programme.run(PARTICIPANT, A.record_data, projects.RecordData, measure=measure, period="2031-W05", value="3")
    programme.run(PARTICIPANT, A.score_progress, projects.ScoreProgress, project=project, score="1,5")
    programme.decide(request, "changes_requested", "Sharpen the aim")
    signoff = programme.app.load(SignOff, request)
    assert signoff.decided_on_version == signoff.requested_on_version + 1
    assert programme.app.load(ImprovementProject, project).status is ProjectStatus.DRAFT


def test_only_the_addressed_sponsor_decides(programme: Programme) -> None:
    project = programme.project()
    programme.charter(project)
    request = programme.submit(project)
    before = stored(programme)
    with pytest.raises(PermissionDenied, match="addressed"):
        programme.decide(request, sponsor=OTHER_SPONSOR)
    with pytest.raises(PermissionDenied, match="sponsor role"):
        programme.decide(request, sponsor=PARTICIPANT)
    assert stored(programme) == before


def test_reassigning_the_sponsor_readdresses_the_pending_signoff(programme: Programme) -> None:
    project = programme.project()
    programme.charter(project)
    request = programme.submit(project)
    programme.run(ADMIN, A.reassign, projects.Reassign, project=project, sponsor=OTHER_SPONSOR, reason="New job")
    with pytest.raises(PermissionDenied):
        programme.decide(request, sponsor=SPONSOR)
    programme.decide(request, sponsor=OTHER_SPONSOR)
    signoff = programme.app.load(SignOff, request)
    assert signoff.status is SignOffStatus.APPROVED
    history = [type(e).__name__ for e in programme.app.events.get(request)]
    assert history == ["Requested", "Readdressed", "Decided"]


def test_withdrawing_a_charter_request_returns_the_project_to_draft(programme: Programme) -> None:
    project = programme.project()
    programme.charter(project)
    request = programme.submit(project)
    programme.run(PARTICIPANT, A.withdraw_signoff, signoffs.WithdrawSignOff, signoff=request)
    assert programme.app.load(ImprovementProject, project).status is ProjectStatus.DRAFT
    assert programme.app.load(SignOff, request).status is SignOffStatus.WITHDRAWN


def test_acting_on_a_cycle_concludes_it_on_the_project_in_the_same_save(programme: Programme) -> None:
    active = programme.active_project()
    cycle = programme.plan(active.project, active.change_idea, measure=active.measure)
    programme.complete(cycle, "adapt")
    project = programme.app.load(ImprovementProject, active.project)
    assert project.cycles[cycle].decision == "adapt"
    with pytest.raises(Refused, match="the next cycle on it continues it") as refused:
        programme.plan(active.project, active.change_idea)
    assert refused.value.field == "continues"  # the option to give, named for each edge to say in its way
    programme.plan(active.project, active.change_idea, continues=cycle)


def test_updating_a_measure_follows_through_to_its_data(programme: Programme) -> None:
    active = programme.active_project()
    programme.run(PARTICIPANT, A.record_data, projects.RecordData, measure=active.measure, period="2031-W05", value="7")
    with pytest.raises(InvalidInput, match="does not fit a p chart"):
        programme.run(PARTICIPANT, A.update_measure, projects.UpdateMeasure, measure=active.measure, chart="p")
    programme.run(PARTICIPANT, A.update_measure, projects.UpdateMeasure, measure=active.measure, chart="i", target="5")
    project = programme.app.load(ImprovementProject, active.project)
    assert project.measure(active.measure).chart == "i" and project.charter_changed_since_approval


def test_unknown_ids_are_not_found(programme: Programme) -> None:
    with pytest.raises(NotFound, match="no cycle has the id"):
        programme.run(PARTICIPANT, A.do_cycle, cycles.DoCycle, cycle=str(UUID(int=7)), observations="x")
    project = programme.project()
    with pytest.raises(NotFound, match="no cycle"):  # a project's id is not a cycle's
        programme.run(PARTICIPANT, A.do_cycle, cycles.DoCycle, cycle=project, observations="x")


def test_a_bulk_import_enrols_everyone_or_no_one(programme: Programme) -> None:
    cohort = programme.cohort()
    rows = (
        (2, {"email": PARTICIPANT, "organisation": "AUH", "region": "Midtjylland", "sector": "regional"}),
        (3, {"email": "new.person@x.dk", "name": "New Person", "organisation": "AUH", "region": "Midtjylland",
             "sector": "regional"}),
        (4, {"email": "nameless@x.dk", "organisation": "AUH", "region": "Midtjylland", "sector": "regional"}),
        (5, {"email": COACH, "organisation": "AUH", "region": "Midtjylland", "sector": "regional"}),
        (6, {"email": OTHER_PARTICIPANT, "organisation": "Praksis", "region": "Midtjylland",
             "sector": "general_practice"}),
        (7, {"email": "x@x.dk", "organisation": "AUH", "region": "Jylland", "sector": "regional"}),
    )
    before = stored(programme)
    with pytest.raises(InvalidInput) as refused:
        programme.run(ADMIN, A.import_enrolments, cohorts.ImportEnrolments, cohort=cohort, rows=rows)
    message = refused.value.message
    for expected in ("line 4: name:", "line 5: " + COACH + " does not hold", "line 6: Region Midtjylland, "
                     "general practice: no seats", "line 7: region:"):
        assert expected in message
    assert "line 2" not in message and "line 3" not in message
    assert stored(programme) == before
    with pytest.raises(NotFound):
        programme.app.person("new.person@x.dk")
    enrolled = programme.run(ADMIN, A.import_enrolments, cohorts.ImportEnrolments, cohort=cohort, rows=rows[:2])
    assert len(enrolled) == 2 and programme.app.person("new.person@x.dk").name == "New Person"


def test_people_are_found_by_the_beginning_of_their_id_on_a_database(tmp_path: Path) -> None:
    ids = iter(UUID(f"{prefix}{number:04x}" + "0" * 24) for prefix, number in
               [("a1b2", 1), ("a1b2", 2), ("c3d4", 3), ("c3d4", 4), ("e5f6", 5)] + [("9999", n) for n in range(50)])
    settings = settings_for(f"sqlite:///{tmp_path / 'pdsa.sqlite'}")
    app = Programme(open_application(settings, clock=SimulatedClock(MOMENT), new_id=lambda: next(ids))).app
    first = Programme(app)
    first.run(None, A.add_person, people.AddPerson, name="Ada", email=ADMIN, role=["administrator"])  # a1b20001
    first.run(ADMIN, A.add_person, people.AddPerson, name="Per", email=PARTICIPANT, role=["participant"])  # a1b20002
    first.run(ADMIN, A.add_person, people.AddPerson, name="Kim", email=COACH, role=["coach"])  # c3d40003
    first.cohort(name="Hold A")  # c3d40004
    first.cohort(name="Hold B")  # e5f60005

    assert app.person("a1b20002").email == PARTICIPANT
    assert app.person(" A1B2-0001 ").email == ADMIN  # as people copy it: spaces, capitals, a hyphen
    assert app.person("c3d4").email == COACH  # the other id beginning so is a cohort's
    with pytest.raises(NotFound, match="more than one person's id begins with a1b2: give more of its digits"):
        app.person("a1b2")
    with pytest.raises(NotFound, match="no person has an id beginning e5f6"):
        app.person("e5f6")
    with pytest.raises(NotFound, match="no person has the id or e-mail address not-hex"):
        app.person("not-hex")


def test_without_an_index_of_ids_a_person_is_found_by_whole_id_or_e_mail_only() -> None:
    programme = Programme(memory_app())
    programme.run(None, A.add_person, people.AddPerson, name="Ada", email=ADMIN, role=["administrator"])
    ada = programme.app.person(ADMIN)
    assert programme.app.person(str(ada.id)).email == ADMIN
    with pytest.raises(NotFound, match=f"^no person has the id or e-mail address {ada.id.hex[:8]}$"):
        programme.app.person(ada.id.hex[:8])


def test_a_beginning_that_too_many_records_share_asks_for_more_digits(tmp_path: Path) -> None:
    """Among the first records whose ids begin so there may be one person, and another just after them."""
    shared = [UUID(f"7777{number:04x}" + "0" * 24) for number in range(SHORT_ID_CANDIDATES)]
    ids = iter([UUID("1111" + "0" * 28), *shared, UUID("7777ffff" + "0" * 24),
                *(UUID(f"9999{n:04x}" + "0" * 24) for n in range(100))])
    settings = settings_for(f"sqlite:///{tmp_path / 'pdsa.sqlite'}")
    programme = Programme(open_application(settings, clock=SimulatedClock(MOMENT), new_id=lambda: next(ids)))
    programme.run(None, A.add_person, people.AddPerson, name="Ada", email=ADMIN, role=["administrator"])
    for number in range(SHORT_ID_CANDIDATES):
        programme.cohort(name=f"Hold {number}")
    assert programme.app.recorder.ids_between(*id_range("7777"), 100)[:SHORT_ID_CANDIDATES] == shared
    programme.run(ADMIN, A.add_person, people.AddPerson, name="Per", email=PARTICIPANT, role=["participant"])
    with pytest.raises(NotFound, match="^too many records' ids begin with 7777 to tell whose it is: give more"):
        programme.app.person("7777")
    assert programme.app.person("7777f").email == PARTICIPANT


def test_an_administrator_reassigns_the_coach_to_someone_holding_the_role(programme: Programme) -> None:
    project = programme.active_project().project
    programme.run(ADMIN, A.add_person, people.AddPerson, name="Kai", email="kai.coach@example.dk", role=["coach"])
    with pytest.raises(PermissionDenied):
        programme.run(PARTICIPANT, A.reassign, projects.Reassign, project=project, coach="kai.coach@example.dk",
                      reason="Ny stilling")
    with pytest.raises(Refused, match="does not hold the coach role"):
        programme.run(ADMIN, A.reassign, projects.Reassign, project=project, coach=SPONSOR, reason="Ny stilling")
    with pytest.raises(Refused, match="already the project's coach"):
        programme.run(ADMIN, A.reassign, projects.Reassign, project=project, coach=COACH, reason="Ny stilling")
    sponsor = programme.app.load(ImprovementProject, project).sponsor_id
    programme.run(ADMIN, A.reassign, projects.Reassign, project=project, coach="kai.coach@example.dk",
                  reason="Ny stilling")
    reassigned = programme.app.load(ImprovementProject, project)
    assert reassigned.coach_id == programme.app.person("kai.coach@example.dk").id
    last = programme.app.recorder.select_notifications(programme.app.recorder.max_notification_id(), 1)[0]
    assert programme.app.mapper.to_domain_event(last).reason == "Ny stilling"  # the audit log shows why
    assert reassigned.sponsor_id == sponsor


def test_a_bulk_import_that_holds_keeps_every_enrolment_and_registers_the_newcomers(programme: Programme) -> None:
    cohort = programme.cohort()
    rows = (
        (2, {"email": PARTICIPANT, "organisation": "AUH", "region": "Midtjylland", "sector": "regional"}),
        (3, {"email": "new.person@x.dk", "name": "New Person", "organisation": "RH", "region": "Hovedstaden",
             "sector": "regional"}),
    )
    enrolled = programme.run(ADMIN, A.import_enrolments, cohorts.ImportEnrolments, cohort=cohort, rows=rows)
    newcomer = programme.app.person("new.person@x.dk")
    assert enrolled == [programme.app.person(PARTICIPANT).id, newcomer.id]
    kept = programme.app.load(Cohort, cohort).enrolments
    assert {person: (e.organisation, str(e.region)) for person, e in kept.items()} == {
        enrolled[0]: ("AUH", "Region Midtjylland"), newcomer.id: ("RH", "Region Hovedstaden")}


def test_cohort_and_diagram_commands_keep_what_they_were_given(programme: Programme) -> None:
    cohort = programme.cohort()
    members = [f"member{i}@example.dk" for i in range(6)]
    for email in members:
        programme.run(ADMIN, A.add_person, people.AddPerson, name="M", email=email, role=["participant"])
        programme.enrol(cohort, email)
    group = programme.run(ADMIN, A.form_group, cohorts.FormGroup, cohort=cohort, name="Gruppe Øst",
                          region="Midtjylland", member=members)
    programme.run(ADMIN, A.withdraw, cohorts.Withdraw, cohort=cohort, person=members[0], reason="Nyt job")
    kept = programme.app.load(Cohort, cohort)
    assert isinstance(group, UUID) and kept.groups[group].name == "Gruppe Øst"
    assert kept.enrolments[programme.app.person(members[0]).id].withdrawal_reason == "Nyt job"

    active = programme.active_project(cohort)
    primary = programme.run(PARTICIPANT, A.add_driver, projects.AddDriver, project=active.project, primary="Flow")
    programme.run(PARTICIPANT, A.rename_driver, projects.RenameDriver, project=active.project, node=primary,
                  text="Flow hjem")
    assert programme.app.load(ImprovementProject, active.project).diagram.node(primary).text == "Flow hjem"


def test_an_export_is_recorded_by_whoever_exported_it(programme: Programme) -> None:
    project = programme.project()
    programme.app.new_id = lambda: UUID(int=42)  # the application names its records, never the library
    record = programme.app.record_export(AUDITOR, project, "html")
    assert record == UUID(int=42)
    exported = programme.app.load(AuditRecord, record)
    assert (exported.project_id, exported.format) == (project, "html")
    last = programme.app.recorder.select_notifications(programme.app.recorder.max_notification_id(), 1)[0]
    assert last.originator_id == record
    assert programme.app.mapper.to_domain_event(last).by == Actor(programme.app.person(AUDITOR).id, Role.AUDITOR)


def test_a_phase_names_a_cycle_of_its_own_project_and_keeps_why_it_began(programme: Programme) -> None:
    mine = programme.active_project()
    theirs = programme.active_project(participant=OTHER_PARTICIPANT)
    their_cycle = programme.plan(theirs.project, theirs.change_idea, participant=OTHER_PARTICIPANT)
    with pytest.raises(Refused, match="^that cycle belongs to another project$"):
        programme.run(PARTICIPANT, A.start_phase, projects.StartPhase, measure=mine.measure, **{"from": "2031-W05"},
                      reason="Ny plan", cycle=their_cycle)
    my_cycle = programme.plan(mine.project, mine.change_idea)
    programme.run(PARTICIPANT, A.start_phase, projects.StartPhase, measure=mine.measure, **{"from": "2031-W05"},
                  reason="Ny plan", cycle=my_cycle)
    last = programme.app.recorder.select_notifications(programme.app.recorder.max_notification_id(), 1)[0]
    started = programme.app.mapper.to_domain_event(last)
    assert (started.period, started.reason, started.cycle_id) == ("2031-W05", "Ny plan", my_cycle)


def test_a_withdrawn_phase_and_a_frozen_baseline_keep_why(programme: Programme) -> None:
    mine = programme.active_project()

    def last_event() -> Any:
        last = programme.app.recorder.select_notifications(programme.app.recorder.max_notification_id(), 1)[0]
        return programme.app.mapper.to_domain_event(last)

    programme.run(PARTICIPANT, A.start_phase, projects.StartPhase, measure=mine.measure, **{"from": "2031-W05"},
                  reason="Ny plan")
    programme.run(PARTICIPANT, A.withdraw_phase, projects.WithdrawPhase, measure=mine.measure,
                  **{"from": "2031-W05"}, reason="Tastefejl")
    assert (type(last_event()).__name__, last_event().period, last_event().reason) == (
        "PhaseWithdrawn", "2031-W05", "Tastefejl")
    programme.run(PARTICIPANT, A.freeze_baseline, projects.FreezeBaseline, measure=mine.measure, baseline=8,
                  reason="Før forandringen")
    assert (type(last_event()).__name__, last_event().baseline, last_event().reason) == (
        "BaselineFrozen", 8, "Før forandringen")


class Collisions:
    """A command that loses the race to another writer a number of times, then succeeds."""

    def __init__(self, losses: int) -> None:
        self.losses, self.runs = losses, 0

    def __call__(self, app: Any, actor: Any, cmd: Any) -> str:
        self.runs += 1
        if self.runs <= self.losses:
            raise ConcurrentModification("another writer saved first")
        return "done"


def test_a_command_that_collides_is_run_again_up_to_its_attempts_with_growing_random_pauses(
        monkeypatch: pytest.MonkeyPatch) -> None:
    pauses: list[float] = []
    monkeypatch.setattr(time, "sleep", pauses.append)
    random.seed(20311)
    app = memory_app()
    last_chance = Collisions(CONFLICT_ATTEMPTS - 1)
    assert app.run_command(last_chance, None, None) == "done" and last_chance.runs == CONFLICT_ATTEMPTS
    assert len(pauses) == CONFLICT_ATTEMPTS - 1
    bounds = [min(CONFLICT_PAUSE * 2 ** attempt, CONFLICT_PAUSE_MOST) for attempt in range(1, CONFLICT_ATTEMPTS)]
    assert all(0 <= pause <= bound for pause, bound in zip(pauses, bounds))
    assert bounds == sorted(bounds) and bounds[-1] == CONFLICT_PAUSE_MOST

    never = Collisions(CONFLICT_ATTEMPTS)
    with pytest.raises(ConcurrentModification):
        app.run_command(never, None, None)
    assert never.runs == CONFLICT_ATTEMPTS

    decided_on_a_version = Collisions(1)
    with pytest.raises(ConcurrentModification):
        app.run_command(decided_on_a_version, None, None, retry_on_conflict=False)
    assert decided_on_a_version.runs == 1


class Waits:
    """A command whose wait for the database times out a number of times (nothing written), then succeeds."""

    def __init__(self, timeouts: int, error: Exception | None = None) -> None:
        self.timeouts, self.runs = timeouts, 0
        self.error = error or ConnectionUnavailableError("Timed out waiting for return of writer")

    def __call__(self, app: Any, actor: Any, cmd: Any) -> str:
        self.runs += 1
        if self.runs <= self.timeouts:
            raise self.error
        return "done"


def test_a_command_that_waited_too_long_for_the_database_is_run_again_and_then_called_busy(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(time, "sleep", lambda _: None)
    app = memory_app()
    twice = Waits(2)
    assert app.run_command(twice, None, None) == "done" and twice.runs == 3
    locked = Waits(1, OperationalError("database is locked"))
    assert app.run_command(locked, None, None, decided_on=(UUID(int=1), 1)) == "done" and locked.runs == 2
    never = Waits(CONFLICT_ATTEMPTS)
    with pytest.raises(DatabaseBusy, match="nothing was stored"):
        app.run_command(never, None, None)
    assert never.runs == CONFLICT_ATTEMPTS
    broken = Waits(1, OperationalError("disk I/O error"))  # not a wait: never run again
    with pytest.raises(OperationalError):
        app.run_command(broken, None, None)
    assert broken.runs == 1


def test_a_command_decided_on_a_version_is_refused_when_it_finds_another_and_stores_nothing(
        programme: Programme) -> None:
    """The site checks an If-Match before it runs the command; another request's write can land in between, so
    the command checks again on the project it loads itself (the save that follows is bound to what it loaded)."""
    project = programme.active_project().project
    app = programme.app
    seen = app.load(ImprovementProject, project).version
    score = parse(projects.ScoreProgress, {"project": str(project), "score": "2"})

    def another_request_writes_first(app_: A, actor: str, cmd: projects.ScoreProgress) -> None:
        other = threading.Thread(target=app_.score_progress, args=(actor, cmd))  # a request of its own
        other.start()
        other.join()
        app_.score_progress(actor, cmd)

    with pytest.raises(StaleVersion, match=rf"the project has changed since you read it \(version {seen}, now {seen + 1}\)"):
        app.run_command(another_request_writes_first, PARTICIPANT, score, decided_on=(project, seen))
    assert app.load(ImprovementProject, project).version == seen + 1  # the other request's score, not this one's
    app.run_command(A.score_progress, PARTICIPANT, score, decided_on=(project, seen + 1))
    assert app.load(ImprovementProject, project).version == seen + 2
    with pytest.raises(StaleVersion):  # a version not yet reached is as wrong as one gone by
        app.run_command(A.score_progress, PARTICIPANT, score, decided_on=(project, seen + 5))
    assert app.load(ImprovementProject, project).version == seen + 2
    app.score_progress(PARTICIPANT, score)  # the expectation ended with its command
    assert app.load(ImprovementProject, project).version == seen + 3


def test_the_pauses_between_attempts_are_spread_over_their_whole_doubling_range(
        monkeypatch: pytest.MonkeyPatch) -> None:
    pauses: list[float] = []
    monkeypatch.setattr(time, "sleep", pauses.append)
    random.seed(20312)
    for _ in range(200):
        memory_app().run_command(Collisions(4), None, None)  # pauses after attempts 1 to 4
    for attempt in range(1, 5):
        bound, these = CONFLICT_PAUSE * 2 ** attempt, pauses[attempt - 1::4]
        assert max(these) <= bound and max(these) > 0.9 * bound and min(these) < 0.1 * bound, attempt


def test_a_measure_updated_to_another_chart_takes_its_data_series_along(programme: Programme) -> None:
    project = programme.project()
    measure, _, _ = programme.charter(project)
    programme.run(PARTICIPANT, A.update_measure, projects.UpdateMeasure, measure=measure, chart="i",
                  frequency="month")
    series = programme.app.load(MeasureSeries, measure)
    assert (series.chart, series.frequency) == (ChartType.I, Frequency.MONTH)
    assert programme.app.load(ImprovementProject, project).measure(measure).chart is ChartType.I


def test_a_recorded_meeting_is_stored_under_the_id_returned(programme: Programme) -> None:
    project = programme.active_project().project
    meeting = programme.run(PARTICIPANT, A.record_meeting, projects.RecordMeeting, project=project, kind="coaching",
                            date="2031-02-03", attendee=[PARTICIPANT, COACH])
    stored = programme.app.load(ImprovementProject, project).meetings[-1]
    assert isinstance(meeting, UUID) and stored.meeting_id == meeting and stored.on.isoformat() == "2031-02-03"


def test_a_cohort_knows_each_participant_s_project_by_its_id(programme: Programme) -> None:
    project = programme.active_project().project
    stored = programme.app.load(ImprovementProject, project)
    cohort = programme.app.load(Cohort, stored.cohort_id)
    assert cohort.projects == {stored.participant_id: project}


def last_event_of(programme: Programme, aggregate_id: UUID) -> Any:
    return list(programme.app.events.get(aggregate_id))[-1]


def test_a_correction_changes_the_denominator_too(programme: Programme) -> None:
    measure, _, _ = programme.charter(programme.project())
    programme.years_later(1)
    programme.run(PARTICIPANT, A.record_data, projects.RecordData, measure=measure, period="2031-W05", value="3",
                  n="10")
    recorded = programme.app.load(MeasureSeries, measure).points["2031-W05"]
    assert (recorded.value, recorded.n) == (3, 10)
    programme.run(PARTICIPANT, A.correct_data, projects.CorrectData, measure=measure, period="2031-W05", value="3",
                  n="12", reason="Two cases were missed")
    point = programme.app.load(MeasureSeries, measure).points["2031-W05"]
    assert (point.value, point.n) == (3, 12)


def test_a_withdrawn_signoff_is_resolved_on_its_project_as_withdrawn(programme: Programme) -> None:
    project = programme.project()
    programme.charter(project)
    request = programme.submit(project)
    programme.run(PARTICIPANT, A.withdraw_signoff, signoffs.WithdrawSignOff, signoff=request)
    resolved = last_event_of(programme, project)
    assert (type(resolved).__name__, resolved.signoff_id, resolved.status) == (
        "SignOffResolved", request, SignOffStatus.WITHDRAWN)


def test_a_signoff_readdressed_with_its_project_keeps_why(programme: Programme) -> None:
    project = programme.project()
    programme.charter(project)
    request = programme.submit(project)
    programme.run(ADMIN, A.reassign, projects.Reassign, project=project, sponsor=OTHER_SPONSOR, reason="New job")
    readdressed = last_event_of(programme, request)
    assert (type(readdressed).__name__, readdressed.reason) == ("Readdressed", "New job")


def test_a_cycle_keeps_every_field_written_through_its_commands(programme: Programme) -> None:
    active = programme.active_project()
    cycle = programme.run(PARTICIPANT, A.plan_cycle, cycles.PlanCycle, project=active.project,
                          change_idea=active.change_idea, objective="Afprøve idéen", prediction=["Færre dage"],
                          question=["Hvor mange?"], who="Sygeplejersker", where="Afsnit 3", data_plan="Tælle dagligt",
                          start="2031-02-01", end="2031-02-14")
    programme.run(PARTICIPANT, A.do_cycle, cycles.DoCycle, cycle=cycle, observations="Gennemført",
                  problems="Én dag mangler")
    programme.run(PARTICIPANT, A.study_cycle, cycles.StudyCycle, cycle=cycle, findings="Det virkede")
    programme.run(PARTICIPANT, A.act_cycle, cycles.ActCycle, cycle=cycle, decision="adapt", next_steps="Kortere")
    kept = programme.app.load(PDSACycle, cycle)
    assert (kept.planned.questions, kept.planned.who, kept.planned.where, kept.planned.data_plan) == (
        ("Hvor mange?",), "Sygeplejersker", "Afsnit 3", "Tælle dagligt")
    assert (kept.done.problems, kept.acted.next_steps) == ("Én dag mangler", "Kortere")


def test_a_closure_requested_carries_its_outcome_to_the_sponsor(programme: Programme) -> None:
    project = programme.active_project().project
    request = programme.run(PARTICIPANT, A.request_closure, projects.RequestClosure, project=project,
                            outcome="spread")
    assert programme.app.load(SignOff, request).outcome is Outcome.SPREAD
    assert programme.app.load(ImprovementProject, project).pending_closure().outcome is Outcome.SPREAD


def test_what_a_participant_adds_is_stored_as_given_under_the_ids_the_application_gives(
        programme: Programme, monkeypatch: pytest.MonkeyPatch) -> None:
    given: list[UUID] = []
    new_id = programme.app.new_id
    monkeypatch.setattr(programme.app, "new_id", lambda: given.append(new_id()) or given[-1])
    active = programme.active_project()
    measure = programme.run(PARTICIPANT, A.add_measure, projects.AddMeasure, project=active.project,
                            name="Genindlæggelser", kind="outcome", chart="p", definition="Andel pr. uge",
                            frequency="week", direction="down", unit="%", target="5")
    definition = programme.app.load(ImprovementProject, active.project).measure(measure)
    assert (definition.unit, definition.target) == ("%", 5) and measure in given
    node = programme.run(PARTICIPANT, A.add_driver, projects.AddDriver, project=active.project,
                         change_idea="Tjekliste ved udskrivelse", under=programme.app.load(
                             ImprovementProject, active.project).diagram.node(active.change_idea).parent_id)
    assert programme.app.load(ImprovementProject, active.project).diagram.node(node).text == (
        "Tjekliste ved udskrivelse") and node in given
    first = programme.plan(active.project, active.change_idea)
    programme.complete(first, decision="adapt")
    second = programme.plan(active.project, active.change_idea, continues=first)
    assert programme.app.load(PDSACycle, second).continues == first and {first, second} <= set(given)


def test_an_address_claimed_by_another_writer_at_the_same_moment_is_refused_and_nothing_stored(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = settings_for(f"sqlite:///{tmp_path / 'pdsa.sqlite'}")
    this = Programme(open_application(settings, clock=SimulatedClock(MOMENT))).people()
    other = Programme(open_application(settings, clock=SimulatedClock(MOMENT)))
    monkeypatch.setattr(this.app, "_require_unclaimed", lambda email: None)  # it looked before the other saved
    other.run(ADMIN, A.add_person, people.AddPerson, name="Bo", email="bo@x.dk", role=["coach"])
    before = stored(this)
    with pytest.raises(Refused, match="^that e-mail address was registered by someone else at the same moment$"):
        this.run(ADMIN, A.add_person, people.AddPerson, name="Bo Andersen", email="BO@x.dk", role=["coach"])
    assert stored(this) == before and this.app.person("bo@x.dk").name == "Bo"


def test_a_project_and_an_enrolment_keep_what_the_administrator_wrote(programme: Programme) -> None:
    project = programme.app.load(ImprovementProject, programme.project())
    assert (project.title, project.problem) == ("Færre færdigbehandlingsdage", "Patienter venter.")
    cohort = programme.app.load(Cohort, project.cohort_id)
    assert cohort.enrolments[programme.app.person(PARTICIPANT).id].organisation == "Aarhus Universitetshospital"


def test_a_cohort_name_is_taken_once_whatever_its_spacing_and_case(programme: Programme) -> None:
    cohort = programme.cohort(name="Hold 2032")
    assert programme.app.load(Cohort, cohort).name == "Hold 2032"
    claim = programme.app.load(CohortNameClaim, CohortNameClaim.id_for("Hold 2032"))
    assert claim.cohort_id == cohort
    before = stored(programme)
    with pytest.raises(Refused, match="^a cohort named 'hold  2032' already exists; give the new one another name$"):
        programme.cohort(name=" hold  2032")
    assert stored(programme) == before


def test_a_cohort_name_claimed_by_another_writer_at_the_same_moment_is_refused_in_the_command_s_words(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = settings_for(f"sqlite:///{tmp_path / 'pdsa.sqlite'}")
    this = Programme(open_application(settings, clock=SimulatedClock(MOMENT))).people()
    other = Programme(open_application(settings, clock=SimulatedClock(MOMENT)))
    create, raced, mine = Cohort.create, [], []

    def created_as_another_writer_claims_the_name(*args: Any) -> Cohort:
        if not raced:  # after this command looked for the name, before it saved
            raced.append(None)
            raced[0] = other.cohort(name="Hold 2032")
            mine.append(args[0])
        return create(*args)

    monkeypatch.setattr(Cohort, "create", created_as_another_writer_claims_the_name)
    with pytest.raises(Refused, match="^a cohort named 'Hold 2032' already exists; give the new one another name$"):
        this.cohort(name="Hold 2032")
    assert this.app.load(CohortNameClaim, CohortNameClaim.id_for("Hold 2032")).cohort_id == raced[0]
    assert mine[0] not in this.app.repository, "this writer's cohort was not stored without its name"


def test_a_stale_write_is_refused_with_advice_and_stores_nothing(programme: Programme) -> None:
    cohort = programme.cohort()
    admin = programme.app.person(ADMIN)
    seen_first, seen_second = programme.app.load(Cohort, cohort), programme.app.load(Cohort, cohort)
    seen_first.set_quota(stamp(Role.ADMINISTRATOR, admin.id), Region.SYDDANMARK, Sector.MUNICIPAL, 3)
    programme.app.save(seen_first)
    seen_second.set_quota(stamp(Role.ADMINISTRATOR, admin.id), Region.SYDDANMARK, Sector.MUNICIPAL, 4)
    before = stored(programme)
    with pytest.raises(ConcurrentModification, match="^someone else changed this record at the same moment; "
                                                     "nothing was saved — look again and retry$"):
        programme.app.save(seen_second)
    assert stored(programme) == before
    assert programme.app.load(Cohort, cohort).quotas[(Region.SYDDANMARK, Sector.MUNICIPAL)] == 3


def test_a_command_without_an_acting_person_says_how_to_give_one(programme: Programme) -> None:
    with pytest.raises(PermissionDenied, match="^this command needs an acting person: give --as PERSON or set "
                                               "PDSA_ACTOR$"):
        programme.run(None, A.create_cohort, cohorts.CreateCohort, name="Hold 2040", start="2031-01-10",
                      end="2031-12-12")


def test_what_is_not_found_is_named_by_its_kind(programme: Programme) -> None:
    missing = UUID(int=7)
    with pytest.raises(NotFound, match=f"^no cohort has the id {missing}$"):
        programme.app.load(Cohort, missing)
    with pytest.raises(NotFound, match=f"^no record has the id {missing}$"):  # a kind without a name of its own
        programme.app.load(AuditRecord, missing)
    project = programme.project()
    with pytest.raises(NotFound, match=f"^no cycle has the id {project}$"):
        programme.app.load(PDSACycle, project)
