"""PDSA cycle: Plan → Do → Study → Act, nothing skipped or repeated, only the current record amendable."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import uuid4

import pytest

from pdsa_engine.aggregates.cycle import PLAN_REACH, PDSACycle, PlanRecord
from pdsa_engine.aggregates.cycle_ledger import CycleLedger
from pdsa_engine.aggregates.values import Decision, Phase, Role
from pdsa_engine.clock import local_date
from pdsa_engine.errors import InvalidInput, PermissionDenied, Refused
from tests.builders import stamp
from tests.unit.support import assert_raises_exactly, assert_refused

PARTICIPANT_ID = uuid4()
BY_PARTICIPANT = stamp(Role.PARTICIPANT, PARTICIPANT_ID)
TODAY = local_date(BY_PARTICIPANT.at)


def planned_cycle() -> PDSACycle:
    record = PlanRecord("Test the question guide", ("9 of 10 at home",), date(2031, 2, 1), date(2031, 2, 14))
    return PDSACycle.plan(uuid4(), BY_PARTICIPANT, uuid4(), PARTICIPANT_ID, uuid4(), [], None, record)


def test_a_planned_cycle_goes_through_do_study_and_act_to_closed() -> None:
    cycle = planned_cycle()
    cycle.do(BY_PARTICIPANT, "Done with 3 patients", "One phone number was wrong")
    cycle.study(BY_PARTICIPANT, "Close to the prediction")
    cycle.act(BY_PARTICIPANT, Decision.ADAPT, "Shorter guide")
    assert cycle.phase is Phase.CLOSED
    assert cycle.acted is not None and cycle.acted.decision is Decision.ADAPT
    assert [type(e).__name__ for e in cycle.pending_events] == ["Planned", "CarriedOut", "Studied", "Acted"]


@pytest.mark.parametrize("step", ["study", "act"])
def test_no_phase_can_be_skipped(step: str) -> None:
    cycle = planned_cycle()
    command = {"study": lambda: cycle.study(BY_PARTICIPANT, "x"), "act": lambda: cycle.act(BY_PARTICIPANT, Decision.ADOPT, None)}
    assert_refused(cycle, command[step], Refused, f"the cycle is in its Plan phase: Do comes next, not {step.capitalize()}",
                   exactly=True)


def test_no_phase_can_be_repeated() -> None:
    cycle = planned_cycle()
    cycle.do(BY_PARTICIPANT, "Done", None)
    assert_refused(cycle, lambda: cycle.do(BY_PARTICIPANT, "Again", None), Refused,
                   "the cycle is in its Do phase: Study comes next, not Do", exactly=True)


def test_act_closes_the_cycle_for_good() -> None:
    cycle = planned_cycle()
    cycle.do(BY_PARTICIPANT, "Done", None)
    cycle.study(BY_PARTICIPANT, "Learned")
    cycle.act(BY_PARTICIPANT, Decision.ADOPT, None)
    assert_refused(cycle, lambda: cycle.cancel(BY_PARTICIPANT, "late"), Refused,
                   "the cycle is closed; nothing in it can change", exactly=True)
    assert_refused(cycle, lambda: cycle.amend(BY_PARTICIPANT, {"findings": "x"}), Refused,
                   "the cycle is closed; nothing in it can change", exactly=True)
    assert_refused(cycle, lambda: cycle.do(BY_PARTICIPANT, "x", None), Refused,
                   "the cycle is closed; nothing in it can change", exactly=True)


def test_the_current_phase_record_may_be_amended() -> None:
    cycle = planned_cycle()
    cycle.amend(BY_PARTICIPANT, {"objective": "Test a shorter guide", "predictions": ("8 of 10",)})
    assert cycle.planned.objective == "Test a shorter guide"
    assert cycle.planned.predictions == ("8 of 10",)
    assert type(cycle.pending_events[-1]).__name__ == "PlanAmended"


def test_an_earlier_phase_record_may_not_be_amended() -> None:
    cycle = planned_cycle()
    cycle.do(BY_PARTICIPANT, "Done", None)
    assert_refused(cycle, lambda: cycle.amend(BY_PARTICIPANT, {"objective": "Rewritten"}), Refused,
                   "objective belongs to the Plan record; the cycle is in its Do phase, and only the current "
                   "phase's record may be amended", exactly=True)


def test_an_amendment_that_changes_nothing_is_refused() -> None:
    cycle = planned_cycle()
    assert_refused(cycle, lambda: cycle.amend(BY_PARTICIPANT, {"objective": "Test the question guide"}), Refused,
                   "the amendment changes nothing", exactly=True)


def test_an_amended_plan_still_ends_after_it_starts() -> None:
    cycle = planned_cycle()
    assert_refused(cycle, lambda: cycle.amend(BY_PARTICIPANT, {"end": date(2031, 1, 1)}), InvalidInput,
                   "end: the planned end must come on or after the start 2031-02-01", exactly=True)


@pytest.mark.parametrize("phases", [0, 1, 2])
def test_a_cycle_can_be_cancelled_in_any_open_phase(phases: int) -> None:
    cycle = planned_cycle()
    steps = [lambda: cycle.do(BY_PARTICIPANT, "Done", None), lambda: cycle.study(BY_PARTICIPANT, "Learned")]
    for step in steps[:phases]:
        step()
    open_phase = cycle.phase
    cycle.cancel(BY_PARTICIPANT, "The ward closed for renovation")
    assert cycle.phase is Phase.CANCELLED
    assert cycle.cancelled_in is open_phase
    assert cycle.cancellation_reason == "The ward closed for renovation"


def test_only_the_projects_participant_may_work_on_the_cycle() -> None:
    cycle = planned_cycle()
    intruder = stamp(Role.PARTICIPANT, uuid4())
    assert_refused(cycle, lambda: cycle.do(intruder, "Done", None), PermissionDenied,
                   "only the project's participant may do this", exactly=True)


def test_a_plan_needs_a_prediction_and_an_end_after_its_start() -> None:
    assert_raises_exactly(lambda: PlanRecord("x", (), date(2031, 2, 1), date(2031, 2, 2)).check(BY_PARTICIPANT.at),
                          InvalidInput, "prediction: a plan makes at least one prediction")
    assert_raises_exactly(lambda: PlanRecord("x", ("p",), date(2031, 2, 2), date(2031, 2, 1)).check(BY_PARTICIPANT.at),
                          InvalidInput, "end: the planned end must come on or after the start 2031-02-02")


@pytest.mark.parametrize(("start", "end", "rule"), [
    (date(1, 1, 1), date(2031, 2, 14), f"start: 0001-01-01 is more than five years from today ({TODAY})"),
    (date(2031, 2, 1), date(9999, 12, 31),
     "end: a cycle tests a change in weeks or months; 2031-02-01 to 9999-12-31 is more than a year"),
    (date(2031, 2, 1), date(2032, 2, 3),
     "end: a cycle tests a change in weeks or months; 2031-02-01 to 2032-02-03 is more than a year"),
    (date(2031, 2, 14), date(2031, 2, 1), "end: the planned end must come on or after the start 2031-02-14"),
])
def test_a_plan_is_dated_as_a_small_test_near_today(start: date, end: date, rule: str) -> None:
    record = PlanRecord("Test the question guide", ("9 of 10 at home",), start, end)
    error = assert_raises_exactly(
        lambda: PDSACycle.plan(uuid4(), BY_PARTICIPANT, uuid4(), PARTICIPANT_ID, uuid4(), [], None, record),
        InvalidInput, rule)
    assert error.field == rule.split(":")[0]


def test_a_cycle_of_a_year_is_still_a_small_test() -> None:
    record = PlanRecord("Test the question guide", ("9 of 10 at home",), date(2031, 2, 1), date(2032, 2, 2))
    PDSACycle.plan(uuid4(), BY_PARTICIPANT, uuid4(), PARTICIPANT_ID, uuid4(), [], None, record)


def test_only_the_projects_participant_plans_a_cycle() -> None:
    record = PlanRecord("Test the question guide", ("9 of 10 at home",), date(2031, 2, 1), date(2031, 2, 14))
    assert_raises_exactly(
        lambda: PDSACycle.plan(uuid4(), stamp(Role.PARTICIPANT, uuid4()), uuid4(), PARTICIPANT_ID, uuid4(), [], None,
                               record), PermissionDenied, "only the project's participant may do this")


def test_an_amendment_names_at_least_one_field_of_a_phase_record() -> None:
    cycle = planned_cycle()
    assert_refused(cycle, lambda: cycle.amend(BY_PARTICIPANT, {}), InvalidInput,
                   "amend: name at least one field of the Plan record to amend", exactly=True)
    assert_refused(cycle, lambda: cycle.amend(BY_PARTICIPANT, {"colour": "red"}), InvalidInput,
                   "colour: no phase record has such a field", exactly=True)


def test_an_amended_plan_is_checked_as_a_new_plan_is() -> None:
    cycle = planned_cycle()
    assert_refused(cycle, lambda: cycle.amend(BY_PARTICIPANT, {"predictions": ()}), InvalidInput,
                   "prediction: a plan makes at least one prediction", exactly=True)


def test_a_cancelled_cycle_changes_no_more() -> None:
    cycle = planned_cycle()
    cycle.cancel(BY_PARTICIPANT, "Ward closed")
    assert_refused(cycle, lambda: cycle.cancel(BY_PARTICIPANT, "again"), Refused,
                   "the cycle is cancelled; nothing in it can change", exactly=True)


def test_each_record_keeps_what_was_written_in_it() -> None:
    cycle = planned_cycle()
    cycle.do(BY_PARTICIPANT, "Done with 3 patients", None)
    cycle.amend(BY_PARTICIPANT, {"observations": "Done with 4 patients", "problems": "One phone number was wrong"})
    assert (cycle.done.observations, cycle.done.problems) == ("Done with 4 patients", "One phone number was wrong")
    cycle.study(BY_PARTICIPANT, "Close to the prediction")
    cycle.act(BY_PARTICIPANT, Decision.ADAPT, "Shorter guide")
    assert (cycle.acted.decision, cycle.acted.next_steps) == (Decision.ADAPT, "Shorter guide")


def test_a_plan_may_start_and_end_on_one_day_and_start_as_far_from_today_as_the_reach() -> None:
    PlanRecord("One morning's test", ("9 of 10",), date(2031, 2, 1), date(2031, 2, 1)).check(BY_PARTICIPANT.at)
    furthest = TODAY - PLAN_REACH
    PlanRecord("x", ("p",), furthest, furthest).check(BY_PARTICIPANT.at)
    assert_raises_exactly(
        lambda: PlanRecord("x", ("p",), furthest - timedelta(days=1), furthest).check(BY_PARTICIPANT.at),
        InvalidInput, f"start: {furthest - timedelta(days=1)} is more than five years from today ({TODAY})")


def test_a_ledger_asked_for_a_cycle_it_does_not_hold_names_it() -> None:
    unknown = uuid4()
    with pytest.raises(KeyError, match=str(unknown)):
        CycleLedger()[unknown]


def test_a_cycle_is_planned_under_the_id_it_was_given() -> None:
    cycle_id, project_id, idea = uuid4(), uuid4(), uuid4()
    record = PlanRecord("Test the question guide", ("9 of 10 at home",), date(2031, 2, 1), date(2031, 2, 14))
    cycle = PDSACycle.plan(cycle_id, BY_PARTICIPANT, project_id, PARTICIPANT_ID, idea, [], None, record)
    assert (cycle.id, cycle.project_id, cycle.change_idea_id) == (cycle_id, project_id, idea)
