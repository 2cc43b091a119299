"""Improvement project: its charter, status, cycles' rules and sign-off requests."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import date
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from pdsa_engine.aggregates.charter import MeasureDefinition
from pdsa_engine.aggregates.project import ImprovementProject
from pdsa_engine.aggregates.values import (
    ChartType,
    Decision,
    Direction,
    DriverKind,
    Frequency,
    MeasureKind,
    MeetingKind,
    Outcome,
    ProjectStatus,
    Role,
    SignOffStatus,
)
from pdsa_engine.errors import InvalidInput, NotFound, PermissionDenied, Refused
from tests.builders import stamp
from tests.unit.support import assert_refused

PARTICIPANT_ID, SPONSOR_ID, ADMIN_ID = uuid4(), uuid4(), uuid4()
ME = stamp(Role.PARTICIPANT, PARTICIPANT_ID)
SPONSOR = stamp(Role.SPONSOR, SPONSOR_ID)
ADMIN = stamp(Role.ADMINISTRATOR, ADMIN_ID)
COHORT_START = date(2031, 1, 10)


def draft() -> ImprovementProject:
    return ImprovementProject.create(uuid4(), ADMIN, uuid4(), COHORT_START, PARTICIPANT_ID, "Title", "Problem",
                                     SPONSOR_ID, uuid4())


def measure(name: str = "Bed days") -> MeasureDefinition:
    return MeasureDefinition(uuid4(), name, MeasureKind.OUTCOME, "per week", ChartType.RUN, Frequency.WEEK,
                             Direction.DOWN)


def with_charter() -> tuple[ImprovementProject, UUID]:
    project = draft()
    project.set_aim(ME, "Fewer bed days", "40%", date(2031, 10, 1))
    project.define_measure(ME, measure())
    primary, secondary, idea = uuid4(), uuid4(), uuid4()
    project.add_driver(ME, primary, DriverKind.PRIMARY, "Home first", None)
    project.add_driver(ME, secondary, DriverKind.SECONDARY, "Planning", primary)
    project.add_driver(ME, idea, DriverKind.CHANGE_IDEA, "Consultant on rounds", secondary)
    return project, idea


def active() -> tuple[ImprovementProject, UUID]:
    project, idea = with_charter()
    signoff = uuid4()
    project.submit_charter(ME, signoff)
    project.resolve_signoff(SPONSOR, signoff, SignOffStatus.APPROVED)
    return project, idea


def test_a_new_project_is_a_draft_of_what_it_was_created_with() -> None:
    project_id, cohort_id, coach_id = uuid4(), uuid4(), uuid4()
    project = ImprovementProject.create(project_id, ADMIN, cohort_id, COHORT_START, PARTICIPANT_ID, "Title",
                                        "Problem", SPONSOR_ID, coach_id)
    assert project.status is ProjectStatus.DRAFT
    assert (project.id, project.cohort_id, project.cohort_start, project.participant_id, project.title,
            project.problem, project.sponsor_id, project.coach_id) == (
        project_id, cohort_id, COHORT_START, PARTICIPANT_ID, "Title", "Problem", SPONSOR_ID, coach_id)


def test_submitting_needs_an_aim_a_measure_and_a_change_idea() -> None:
    project = draft()
    assert_refused(project, lambda: project.submit_charter(ME, uuid4()), Refused,
                   "the charter needs an aim before it can be submitted", exactly=True)
    project.set_aim(ME, "Fewer", "40%", date(2031, 10, 1))
    assert_refused(project, lambda: project.submit_charter(ME, uuid4()), Refused,
                   "the charter needs at least one measure before it can be submitted", exactly=True)
    project.define_measure(ME, measure())
    assert_refused(project, lambda: project.submit_charter(ME, uuid4()), Refused,
                   "the charter needs at least one change idea in its driver diagram", exactly=True)


def test_the_charter_is_frozen_while_its_signoff_is_pending() -> None:
    project, _ = with_charter()
    project.submit_charter(ME, uuid4())
    assert project.status is ProjectStatus.CHARTER_SUBMITTED
    assert_refused(project, lambda: project.set_aim(ME, "Other", "10%", date(2031, 9, 1)), Refused,
                   "the charter cannot change while its sign-off is pending; withdraw the request to edit it", exactly=True)
    assert_refused(project, lambda: project.define_measure(ME, measure("New")), Refused,
                   "the charter cannot change while its sign-off is pending; withdraw the request to edit it", exactly=True)
    assert_refused(project, lambda: project.add_driver(ME, uuid4(), DriverKind.PRIMARY, "X", None), Refused,
                   "the charter cannot change while its sign-off is pending; withdraw the request to edit it", exactly=True)


@pytest.mark.parametrize("answer", [SignOffStatus.CHANGES_REQUESTED, SignOffStatus.DECLINED, SignOffStatus.WITHDRAWN])
def test_a_charter_not_approved_returns_the_project_to_draft(answer: SignOffStatus) -> None:
    project, _ = with_charter()
    signoff = uuid4()
    project.submit_charter(ME, signoff)
    project.resolve_signoff(SPONSOR, signoff, answer)
    assert project.status is ProjectStatus.DRAFT
    assert project.pending == {}


def test_an_approved_charter_makes_the_project_active() -> None:
    project, _ = active()
    assert project.status is ProjectStatus.ACTIVE
    assert not project.charter_changed_since_approval


def test_changing_the_aim_or_a_measure_of_an_active_project_marks_the_charter_changed() -> None:
    project, _ = active()
    project.set_aim(ME, "Fewer bed days", "50%", date(2031, 10, 1))
    assert project.charter_changed_since_approval
    project2, _ = active()
    definition = next(iter(project2.measures.values()))
    project2.redefine_measure(ME, replace(definition, target=Decimal("30")))
    assert project2.charter_changed_since_approval


def test_a_measure_keeps_its_whole_definition_defined_and_redefined() -> None:
    project = draft()
    definition = replace(measure(), unit="days", target=Decimal("4.5"))
    project.define_measure(ME, definition)
    assert project.measure(definition.measure_id) == definition
    redefined = replace(definition, unit="bed days", target=Decimal("4"))
    project.redefine_measure(ME, redefined)
    assert project.measure(definition.measure_id) == redefined


def test_the_aim_is_not_due_before_the_cohort_starts() -> None:
    project = draft()
    assert_refused(project, lambda: project.set_aim(ME, "x", "y", date(2031, 1, 9)), InvalidInput,
                   "by: the aim cannot be due before the cohort starts on 2031-01-10", exactly=True)
    project.set_aim(ME, "x", "y", date(2031, 1, 10))  # due the day the cohort starts
    assert project.aim is not None and project.aim.achieve_by == date(2031, 1, 10)


def test_measure_names_are_unique_in_a_project() -> None:
    project = draft()
    project.define_measure(ME, measure("Bed days"))
    assert_refused(project, lambda: project.define_measure(ME, measure("bed DAYS")), Refused,
                   "the project already has a measure named 'bed DAYS'", exactly=True)


def test_only_the_participant_edits_the_charter() -> None:
    project = draft()
    assert_refused(project, lambda: project.set_aim(SPONSOR, "x", "y", date(2031, 5, 1)), PermissionDenied,
                   "only the project's participant may do this", exactly=True)


def test_cycles_are_planned_only_on_an_active_project() -> None:
    project, idea = with_charter()
    assert_refused(project, lambda: project.open_cycle(ME, uuid4(), idea, None, []), Refused,
                   "cycles are planned only on an active project; this one is draft", exactly=True)


def test_one_open_cycle_per_change_idea() -> None:
    project, idea = active()
    first = uuid4()
    project.open_cycle(ME, first, idea, None, [])
    assert_refused(project, lambda: project.open_cycle(ME, uuid4(), idea, None, []), Refused,
                   f"cycle {first} on this change idea is still open", exactly=True)
    project.conclude_cycle(ME, first, Decision.ADOPT)
    project.open_cycle(ME, uuid4(), idea, first, [])


def test_after_adapt_the_next_cycle_continues_the_ramp() -> None:
    project, idea = active()
    first = uuid4()
    project.open_cycle(ME, first, idea, None, [])
    project.conclude_cycle(ME, first, Decision.ADAPT)
    assert_refused(project, lambda: project.open_cycle(ME, uuid4(), idea, None, []), Refused,
                   f"cycle {first} on this change idea was adapted: the next cycle on it continues it", exactly=True)
    second = uuid4()
    project.open_cycle(ME, second, idea, first, [])
    assert project.cycles[second].continues == first
    assert_refused(project, lambda: project.open_cycle(ME, uuid4(), idea, first, []), Refused,
                   f"cycle {second} on this change idea is still open", exactly=True)


def test_a_cancelled_continuation_leaves_the_ramp_to_be_continued() -> None:
    project, idea = active()
    first, second = uuid4(), uuid4()
    project.open_cycle(ME, first, idea, None, [])
    project.conclude_cycle(ME, first, Decision.ADAPT)
    project.open_cycle(ME, second, idea, first, [])
    project.cancel_cycle(ME, second)
    assert_refused(project, lambda: project.open_cycle(ME, uuid4(), idea, None, []), Refused,
                   f"cycle {first} on this change idea was adapted: the next cycle on it continues it", exactly=True)
    third = uuid4()
    project.open_cycle(ME, third, idea, first, [])
    assert project.cycles[third].continues == first
    project.conclude_cycle(ME, third, Decision.ADAPT)
    assert_refused(project, lambda: project.open_cycle(ME, uuid4(), idea, first, []), Refused,
                   "that cycle has already been continued", exactly=True)


def test_an_abandoned_cycle_cannot_be_continued() -> None:
    project, idea = active()
    first = uuid4()
    project.open_cycle(ME, first, idea, None, [])
    project.conclude_cycle(ME, first, Decision.ABANDON)
    assert_refused(project, lambda: project.open_cycle(ME, uuid4(), idea, first, []), Refused,
                   "only an adapted or adopted cycle can be continued", exactly=True)


def test_a_cycle_names_an_existing_change_idea_and_measures() -> None:
    project, idea = active()
    unknown_idea, unknown_measure = uuid4(), uuid4()
    assert_refused(project, lambda: project.open_cycle(ME, uuid4(), unknown_idea, None, []), NotFound,
                   f"the driver diagram has no change idea {unknown_idea}", exactly=True)
    assert_refused(project, lambda: project.open_cycle(ME, uuid4(), idea, None, [unknown_measure]), NotFound,
                   f"the project has no measure {unknown_measure}", exactly=True)


def test_scale_up_is_requested_for_an_adopted_cycle_only() -> None:
    project, idea = active()
    cycle = uuid4()
    project.open_cycle(ME, cycle, idea, None, [])
    assert_refused(project, lambda: project.request_scale_up(ME, uuid4(), cycle), Refused,
                   "only a cycle whose change was adopted can be scaled up", exactly=True)
    project.conclude_cycle(ME, cycle, Decision.ADOPT)
    request = uuid4()
    project.request_scale_up(ME, request, cycle)
    assert_refused(project, lambda: project.request_scale_up(ME, uuid4(), cycle), Refused,
                   "a scale-up of this cycle already awaits the sponsor", exactly=True)
    project.resolve_signoff(SPONSOR, request, SignOffStatus.APPROVED)
    assert cycle in project.scaled_up


def test_closure_waits_for_open_cycles_and_closes_with_its_outcome() -> None:
    project, idea = active()
    cycle = uuid4()
    project.open_cycle(ME, cycle, idea, None, [])
    assert_refused(project, lambda: project.request_closure(ME, uuid4(), Outcome.SUSTAINED), Refused,
                   f"finish or cancel the open cycles first: {cycle}", exactly=True)
    project.cancel_cycle(ME, cycle)
    request = uuid4()
    project.request_closure(ME, request, Outcome.SUSTAINED)
    assert_refused(project, lambda: project.open_cycle(ME, uuid4(), idea, None, []), Refused,
                   "closure of the project awaits the sponsor; no new cycles", exactly=True)
    project.resolve_signoff(SPONSOR, request, SignOffStatus.APPROVED)
    assert (project.status, project.outcome) == (ProjectStatus.CLOSED, Outcome.SUSTAINED)
    assert_refused(project, lambda: project.score_progress(ME, Decimal("3"), date(2031, 11, 1)), Refused,
                   "the project is closed", exactly=True)


def test_progress_scores_follow_the_ihi_scale() -> None:
    project = draft()
    project.score_progress(ME, Decimal("3.5"), date(2031, 3, 1))
    assert project.progress[-1].score == Decimal("3.5")
    assert_refused(project, lambda: project.score_progress(ME, Decimal("3.7"), date(2031, 3, 1)), InvalidInput,
                   "score: must be 0.5 to 5.0 in steps of 0.5, not 3.7", exactly=True)


def test_meetings_record_who_attended() -> None:
    project = draft()
    project.record_meeting(ME, uuid4(), MeetingKind.STARTUP, date(2031, 1, 20), [PARTICIPANT_ID, SPONSOR_ID])
    assert project.meetings[0].attendees == (PARTICIPANT_ID, SPONSOR_ID)
    assert_refused(project, lambda: project.record_meeting(ME, uuid4(), MeetingKind.COACHING, date(2031, 2, 1), []),
                   InvalidInput, "attendee: a meeting needs at least one attendee", exactly=True)


def test_reassigning_the_sponsor_needs_another_person_and_returns_pending_signoffs() -> None:
    project, _ = with_charter()
    signoff = uuid4()
    project.submit_charter(ME, signoff)
    assert_refused(project, lambda: project.reassign_sponsor(ADMIN, SPONSOR_ID, "no change"), Refused,
                   "that person is already the project's sponsor", exactly=True)
    new_sponsor = uuid4()
    assert project.reassign_sponsor(ADMIN, new_sponsor, "moved to another hospital") == [signoff]
    assert project.sponsor_id == new_sponsor


def test_a_change_idea_tested_by_a_cycle_stays_in_the_diagram() -> None:
    project, idea = active()
    project.open_cycle(ME, uuid4(), idea, None, [])
    assert_refused(project, lambda: project.remove_driver(ME, idea), Refused,
                   "cycles have tested this change idea; it stays in the diagram as their record", exactly=True)


def test_progress_is_scored_for_a_day_between_the_cohort_start_and_today() -> None:
    project, _ = active()
    today = ME.at.date()
    assert_refused(project, lambda: project.score_progress(ME, Decimal("3"), date(9999, 12, 31)), InvalidInput,
                   f"date: 9999-12-31 is in the future; record what has happened, by today ({today})", exactly=True)
    assert_refused(project, lambda: project.score_progress(ME, Decimal("3"), date(1, 1, 1)), InvalidInput,
                   "date: 0001-01-01 is before the cohort starts (2031-01-10)", exactly=True)
    project.score_progress(ME, Decimal("3"), today)
    project.score_progress(ME, Decimal("2"), date(2031, 3, 1))
    assert [entry.on for entry in project.progress] == [date(2031, 3, 1), today]


def test_meetings_are_recorded_once_they_have_happened() -> None:
    project, _ = active()
    attendees = [PARTICIPANT_ID]
    assert_refused(project, lambda: project.record_meeting(ME, uuid4(), MeetingKind.COACHING, date(9999, 1, 1),
                                                           attendees), InvalidInput,
                   f"date: 9999-01-01 is in the future; record what has happened, by today ({ME.at.date()})", exactly=True)
    assert_refused(project, lambda: project.record_meeting(ME, uuid4(), MeetingKind.STARTUP, date(2029, 12, 1),
                                                           attendees), InvalidInput,
                   "date: 2029-12-01 is before a year before the cohort starts (2030-01-10)", exactly=True)
    meeting = uuid4()
    project.record_meeting(ME, meeting, MeetingKind.STARTUP, date(2030, 1, 10), attendees)  # the earliest day
    assert (project.meetings[-1].meeting_id, project.meetings[-1].on) == (meeting, date(2030, 1, 10))


def test_the_aim_is_due_within_a_few_years_of_the_cohort() -> None:
    project = draft()
    assert_refused(project, lambda: project.set_aim(ME, "w", "h", date(9999, 12, 31)), InvalidInput,
                   "by: an aim is due within the programme's reach: by 2036-01-14 at the latest, not 9999-12-31",
                   exactly=True)
    project.set_aim(ME, "w", "h", date(2035, 12, 31))


def test_every_command_builds_new_state_and_leaves_the_copy_it_was_loaded_as_as_it_was() -> None:
    """The application hands out a shallow copy of the cached project; a command that changed a mapping or list
    in place would change the cache too, and a refused command would leave its trace there."""
    project, idea = with_charter()
    charter, cycle, scale_up, closure = uuid4(), uuid4(), uuid4(), uuid4()
    steps = [
        lambda: project.submit_charter(ME, charter),
        lambda: project.resolve_signoff(SPONSOR, charter, SignOffStatus.APPROVED),
        lambda: project.set_aim(ME, "Fewer bed days", "50%", date(2031, 11, 1)),
        lambda: project.define_measure(ME, measure("Falls")),
        lambda: project.add_driver(ME, uuid4(), DriverKind.PRIMARY, "Safety", None),
        lambda: project.score_progress(ME, Decimal("2.5"), date(2031, 3, 1)),
        lambda: project.record_meeting(ME, uuid4(), MeetingKind.COACHING, date(2031, 3, 2), [PARTICIPANT_ID]),
        lambda: project.open_cycle(ME, cycle, idea, None, []),
        lambda: project.conclude_cycle(ME, cycle, Decision.ADOPT),
        lambda: project.request_scale_up(ME, scale_up, cycle),
        lambda: project.resolve_signoff(SPONSOR, scale_up, SignOffStatus.APPROVED),
        lambda: project.request_closure(ME, closure, Outcome.SPREAD),
        lambda: project.resolve_signoff(SPONSOR, closure, SignOffStatus.APPROVED),
    ]
    for step in steps:
        loaded = copy.copy(project)
        as_loaded = copy.deepcopy({k: v for k, v in vars(loaded).items() if k != "_pending_events"})
        step()
        assert {k: v for k, v in vars(loaded).items() if k != "_pending_events"} == as_loaded
    assert project.status is ProjectStatus.CLOSED


def test_only_the_projects_own_participant_works_on_its_charter_diagram_and_cycles() -> None:
    project, idea = active()
    someone_else = stamp(Role.PARTICIPANT, uuid4())
    its_participant_as_sponsor = stamp(Role.SPONSOR, PARTICIPANT_ID)
    commands = [
        lambda by: project.add_driver(by, uuid4(), DriverKind.PRIMARY, "Safety", None),
        lambda by: project.rename_driver(by, idea, "Consultant on every round"),
        lambda by: project.remove_driver(by, idea),
        lambda by: project.set_aim(by, "Fewer", "50%", date(2031, 11, 1)),
        lambda by: project.define_measure(by, measure("Falls")),
        lambda by: project.score_progress(by, Decimal("3"), date(2031, 3, 1)),
        lambda by: project.open_cycle(by, uuid4(), idea, None, []),
        lambda by: project.request_closure(by, uuid4(), Outcome.SUSTAINED),
    ]
    for command in commands:
        for intruder in (someone_else, its_participant_as_sponsor):
            assert_refused(project, lambda: command(intruder), PermissionDenied,  # noqa: B023
                           "^only the project's participant may do this$")


def diagram_of(project: ImprovementProject) -> dict[UUID, tuple[DriverKind, str, UUID | None]]:
    return {n.node_id: (n.kind, n.text, n.parent_id) for n in project.diagram.nodes}


def drivers(project: ImprovementProject) -> tuple[UUID, UUID, UUID]:
    primary, secondary, idea = (n.node_id for n in project.diagram.nodes)
    return primary, secondary, idea


def test_renaming_a_driver_changes_that_nodes_text_and_nothing_else() -> None:
    project, idea = with_charter()
    primary, secondary, _ = drivers(project)
    project.rename_driver(ME, secondary, "Discharge planning")
    assert diagram_of(project) == {
        primary: (DriverKind.PRIMARY, "Home first", None),
        secondary: (DriverKind.SECONDARY, "Discharge planning", primary),
        idea: (DriverKind.CHANGE_IDEA, "Consultant on rounds", secondary),
    }
    renamed = project.pending_events[-1]
    assert (renamed.node_id, renamed.text) == (secondary, "Discharge planning")
    assert_refused(project, lambda: project.rename_driver(ME, secondary, "Discharge planning"), Refused,
                   "the node already has that text", exactly=True)
    unknown = uuid4()
    assert_refused(project, lambda: project.rename_driver(ME, unknown, "x"), NotFound,
                   f"the driver diagram has no node {unknown}", exactly=True)


def test_moving_a_driver_hangs_that_node_under_its_new_parent_and_nothing_else() -> None:
    project, idea = with_charter()
    primary, secondary, _ = drivers(project)
    other = uuid4()
    project.add_driver(ME, other, DriverKind.SECONDARY, "Transport", primary)
    project.move_driver(ME, idea, other)
    assert diagram_of(project) == {
        primary: (DriverKind.PRIMARY, "Home first", None),
        secondary: (DriverKind.SECONDARY, "Planning", primary),
        idea: (DriverKind.CHANGE_IDEA, "Consultant on rounds", other),
        other: (DriverKind.SECONDARY, "Transport", primary),
    }
    moved = project.pending_events[-1]
    assert (moved.node_id, moved.parent_id) == (idea, other)
    assert_refused(project, lambda: project.move_driver(ME, idea, other), Refused, "the node is already there",
                   exactly=True)
    assert_refused(project, lambda: project.move_driver(ME, primary, other), Refused,
                   "a primary driver hangs under the aim and cannot be moved", exactly=True)


def test_removing_a_driver_takes_that_node_alone_out_of_the_diagram() -> None:
    project, idea = with_charter()
    primary, secondary, _ = drivers(project)
    other = uuid4()
    project.add_driver(ME, other, DriverKind.CHANGE_IDEA, "Pharmacist on rounds", secondary)
    assert_refused(project, lambda: project.remove_driver(ME, secondary), Refused,
                   "remove or move the nodes under it first", exactly=True)
    project.remove_driver(ME, idea)
    assert diagram_of(project) == {
        primary: (DriverKind.PRIMARY, "Home first", None),
        secondary: (DriverKind.SECONDARY, "Planning", primary),
        other: (DriverKind.CHANGE_IDEA, "Pharmacist on rounds", secondary),
    }
    assert project.pending_events[-1].node_id == idea
    assert_refused(project, lambda: project.remove_driver(ME, idea), NotFound,
                   f"the driver diagram has no node {idea}", exactly=True)


def test_a_driver_is_added_under_a_node_of_the_level_above() -> None:
    project = draft()
    assert_refused(project, lambda: project.add_driver(ME, uuid4(), DriverKind.CHANGE_IDEA, "x", None), InvalidInput,
                   "under: a change idea needs --under, the id of a secondary driver", exactly=True)


def test_an_aim_or_a_measure_set_again_unchanged_is_refused() -> None:
    project = draft()
    project.set_aim(ME, "Fewer bed days", "40%", date(2031, 10, 1))
    assert_refused(project, lambda: project.set_aim(ME, "Fewer bed days", "40%", date(2031, 10, 1)), Refused,
                   "the aim is already exactly that", exactly=True)
    definition = measure()
    project.define_measure(ME, definition)
    assert_refused(project, lambda: project.redefine_measure(ME, definition), Refused,
                   "the measure is already defined exactly so", exactly=True)
    unknown = measure("Readmissions")
    assert_refused(project, lambda: project.redefine_measure(ME, unknown), NotFound,
                   f"the project has no measure {unknown.measure_id}", exactly=True)
    project.define_measure(ME, measure("Readmissions"))
    assert_refused(project, lambda: project.redefine_measure(ME, replace(definition, name="READMISSIONS")), Refused,
                   "the project already has a measure named 'READMISSIONS'", exactly=True)


def test_the_coach_is_reassigned_to_another_person_by_an_administrator() -> None:
    project = draft()
    coach = uuid4()
    project.reassign_coach(ADMIN, coach, "new coach")
    assert project.coach_id == coach
    assert_refused(project, lambda: project.reassign_coach(ADMIN, coach, "again"), Refused,
                   "that person is already the project's coach", exactly=True)
    assert_refused(project, lambda: project.reassign_coach(ME, uuid4(), "mine"), PermissionDenied,
                   "only someone acting as administrator may do this", exactly=True)


def test_only_an_administrator_creates_a_project() -> None:
    with pytest.raises(PermissionDenied) as refused:
        ImprovementProject.create(uuid4(), ME, uuid4(), COHORT_START, PARTICIPANT_ID, "T", "P", SPONSOR_ID, uuid4())
    assert str(refused.value) == "only someone acting as administrator may do this"


def test_a_charter_is_submitted_once_and_only_from_a_draft() -> None:
    project, _ = with_charter()
    project.submit_charter(ME, uuid4())
    assert_refused(project, lambda: project.submit_charter(ME, uuid4()), Refused,
                   "the charter is already awaiting its sign-off", exactly=True)
    approved, _ = active()
    assert_refused(approved, lambda: approved.submit_charter(ME, uuid4()), Refused,
                   "the project is active; only a draft charter is submitted", exactly=True)


def test_scale_up_and_closure_are_requested_on_an_active_project_once() -> None:
    project, idea = with_charter()
    assert_refused(project, lambda: project.request_scale_up(ME, uuid4(), uuid4()), Refused,
                   "a scale-up is requested only on an active project; this one is draft", exactly=True)
    assert_refused(project, lambda: project.request_closure(ME, uuid4(), Outcome.SUSTAINED), Refused,
                   "closure is requested only on an active project; this one is draft", exactly=True)
    project, idea = active()
    unknown = uuid4()
    assert_refused(project, lambda: project.request_scale_up(ME, uuid4(), unknown), NotFound,
                   f"the project has no cycle {unknown}", exactly=True)
    cycle = uuid4()
    project.open_cycle(ME, cycle, idea, None, [])
    project.conclude_cycle(ME, cycle, Decision.ADOPT)
    request = uuid4()
    project.request_scale_up(ME, request, cycle)
    project.resolve_signoff(SPONSOR, request, SignOffStatus.APPROVED)
    assert_refused(project, lambda: project.request_scale_up(ME, uuid4(), cycle), Refused,
                   "scaling up this change was already approved", exactly=True)
    project.request_closure(ME, uuid4(), Outcome.SUSTAINED)
    assert_refused(project, lambda: project.request_closure(ME, uuid4(), Outcome.SUSTAINED), Refused,
                   "a closure request already awaits the sponsor", exactly=True)


def test_closure_names_every_open_cycle() -> None:
    project, idea = active()
    other = uuid4()
    _, secondary, _ = drivers(project)
    project.add_driver(ME, other, DriverKind.CHANGE_IDEA, "Pharmacist", secondary)
    first, second = uuid4(), uuid4()
    project.open_cycle(ME, first, idea, None, [])
    project.open_cycle(ME, second, other, None, [])
    assert_refused(project, lambda: project.request_closure(ME, uuid4(), Outcome.SUSTAINED), Refused,
                   f"finish or cancel the open cycles first: {first}, {second}", exactly=True)


def test_only_a_pending_signoff_is_resolved_and_by_a_decision_or_withdrawal() -> None:
    project, _ = with_charter()
    signoff = uuid4()
    assert_refused(project, lambda: project.resolve_signoff(SPONSOR, signoff, SignOffStatus.APPROVED), Refused,
                   "that sign-off is not pending on this project", exactly=True)
    project.submit_charter(ME, signoff)
    assert_refused(project, lambda: project.resolve_signoff(SPONSOR, signoff, SignOffStatus.REQUESTED), Refused,
                   "a sign-off is resolved by a decision or a withdrawal", exactly=True)


def test_only_an_open_cycle_is_concluded_or_cancelled() -> None:
    project, idea = active()
    cycle = uuid4()
    project.open_cycle(ME, cycle, idea, None, [])
    project.conclude_cycle(ME, cycle, Decision.ABANDON)
    assert_refused(project, lambda: project.conclude_cycle(ME, cycle, Decision.ADOPT), Refused,
                   "the cycle is not open", exactly=True)
    assert_refused(project, lambda: project.cancel_cycle(ME, cycle), Refused, "the cycle is not open", exactly=True)


def test_a_cycle_continues_one_on_the_same_change_idea() -> None:
    project, idea = active()
    other = uuid4()
    _, secondary, _ = drivers(project)
    project.add_driver(ME, other, DriverKind.CHANGE_IDEA, "Pharmacist", secondary)
    first = uuid4()
    project.open_cycle(ME, first, idea, None, [])
    project.conclude_cycle(ME, first, Decision.ADAPT)
    assert_refused(project, lambda: project.open_cycle(ME, uuid4(), other, first, []), Refused,
                   "a cycle continues a cycle on the same change idea", exactly=True)
