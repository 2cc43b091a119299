"""Given a read model, when the rules are evaluated at a moment, then exactly these notices are due: each
kind at the edges of its thresholds, and the cases where nothing may be said."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from pdsa_engine.aggregates.reminders import DigestChoice, ReminderSettings
from pdsa_engine.aggregates.values import Frequency, Weekday
from pdsa_engine.clock import LOCAL_ZONE
from pdsa_engine.notifications.rules import Kind, Notice, digest_slot, due
from tests.notifications.facts import (
    ADMIN,
    AUDITOR,
    COACH,
    COHORT,
    PARTICIPANT,
    SPONSOR,
    cohort,
    cycle,
    facts,
    local,
    measure,
    project,
    signoff,
)

REQUESTED = local(date(2031, 3, 3), 10)
SECOND = timedelta(seconds=1)


def of(kind: Kind, model, at: datetime) -> list[Notice]:
    return [n for n in due(model, at) if n.kind is kind]


def to(notices: list[Notice]) -> set[str]:
    return {n.recipient for n in notices}


def pending(**changes) -> object:
    return facts(project(signoffs=(signoff(REQUESTED),), **changes))


# -- sign-offs -------------------------------------------------------------------------------------------


def test_a_request_is_told_to_the_sponsor_at_once_and_again_when_readdressed():
    assert to(of(Kind.SIGNOFF_REQUESTED, pending(), REQUESTED)) == {SPONSOR}
    readdressed = facts(project(signoffs=(signoff(REQUESTED, sponsor_id=COACH, addressed_at=REQUESTED + timedelta(days=1),
                                                  readdressed=1),)))
    [notice] = of(Kind.SIGNOFF_REQUESTED, readdressed, REQUESTED + timedelta(days=1))
    assert notice.recipient == COACH and notice.key != of(Kind.SIGNOFF_REQUESTED, pending(), REQUESTED)[0].key


def test_the_sponsor_is_reminded_after_three_days_then_every_three_with_the_latest_occurrence_only():
    model = pending()
    assert of(Kind.SIGNOFF_REMINDER, model, REQUESTED + timedelta(days=3) - SECOND) == []
    [first] = of(Kind.SIGNOFF_REMINDER, model, REQUESTED + timedelta(days=3))
    assert first.recipient == SPONSOR and first.occurrence == "0"
    assert [n.occurrence for n in of(Kind.SIGNOFF_REMINDER, model, REQUESTED + timedelta(days=6) - SECOND)] == ["0"]
    assert [n.occurrence for n in of(Kind.SIGNOFF_REMINDER, model, REQUESTED + timedelta(days=6))] == ["1"]
    # A scheduler down for three weeks sends one reminder, the latest: no backlog.
    late = of(Kind.SIGNOFF_REMINDER, model, REQUESTED + timedelta(days=24))
    assert [n.occurrence for n in late] == ["7"] and late[0].due_at == REQUESTED + timedelta(days=24)


def test_the_thresholds_are_the_cohorts():
    settings = replace(ReminderSettings(), signoff_after=1, signoff_every=2)
    model = facts(project(signoffs=(signoff(REQUESTED),)), cohorts=[cohort(reminders=settings)])
    assert of(Kind.SIGNOFF_REMINDER, model, REQUESTED + timedelta(days=1) - SECOND) == []
    assert [n.occurrence for n in of(Kind.SIGNOFF_REMINDER, model, REQUESTED + timedelta(days=3))] == ["1"]


def test_a_wait_escalates_to_the_administrators_and_the_coach_after_ten_days_and_every_ten():
    model = pending()
    assert of(Kind.SIGNOFF_ESCALATION, model, REQUESTED + timedelta(days=10) - SECOND) == []
    assert to(of(Kind.SIGNOFF_ESCALATION, model, REQUESTED + timedelta(days=10))) == {ADMIN, COACH}
    assert {n.occurrence for n in of(Kind.SIGNOFF_ESCALATION, model, REQUESTED + timedelta(days=20))} == {"1"}


def test_a_decision_is_told_to_the_participant_and_the_coach_while_it_is_news():
    decided = REQUESTED + timedelta(days=2)
    model = facts(project(signoffs=(signoff(REQUESTED, status="changes_requested", decided_at=decided),)))
    assert of(Kind.SIGNOFF_DECIDED, model, decided - SECOND) == []
    assert to(of(Kind.SIGNOFF_DECIDED, model, decided)) == {PARTICIPANT, COACH}
    assert of(Kind.SIGNOFF_DECIDED, model, decided + timedelta(days=7)) == []


@pytest.mark.parametrize("status", ["approved", "changes_requested", "declined", "withdrawn"])
def test_nothing_reminds_of_a_signoff_no_longer_waiting(status):
    model = facts(project(signoffs=(signoff(REQUESTED, status=status, decided_at=REQUESTED + timedelta(days=1)),)))
    later = REQUESTED + timedelta(days=30)
    for kind in (Kind.SIGNOFF_REQUESTED, Kind.SIGNOFF_REMINDER, Kind.SIGNOFF_ESCALATION):
        assert of(kind, model, later) == []
    assert of(Kind.SIGNOFF_DECIDED, model, REQUESTED + timedelta(days=2)) == (
        [] if status == "withdrawn" else of(Kind.SIGNOFF_DECIDED, model, REQUESTED + timedelta(days=2)))


# -- cycles, meetings, progress, data ------------------------------------------------------------------------


@pytest.mark.parametrize(("phase", "grace"), [("plan", 7), ("do", 7), ("study", 14)])
def test_a_cycle_is_overdue_some_days_after_its_planned_end_once_per_phase(phase, grace):
    end = date(2031, 3, 14)
    model = facts(project(cycles=(cycle(end, phase),)))
    assert of(Kind.CYCLE_OVERDUE, model, local(end + timedelta(days=grace), 0) - SECOND) == []
    notices = of(Kind.CYCLE_OVERDUE, model, local(end + timedelta(days=grace), 0))
    assert to(notices) == {PARTICIPANT, COACH} and {n.occurrence for n in notices} == {phase}
    assert {n.key for n in notices} == {n.key for n in of(Kind.CYCLE_OVERDUE, model, local(end + timedelta(days=90)))}


@pytest.mark.parametrize("phase", ["closed", "cancelled"])
def test_a_closed_or_cancelled_cycle_is_never_overdue(phase):
    model = facts(project(cycles=(cycle(date(2031, 3, 14), phase),)))
    assert of(Kind.CYCLE_OVERDUE, model, local(date(2031, 6, 1))) == []


def test_the_startup_meeting_is_missed_from_two_weeks_before_module_1_until_it():
    model = facts(project(startup_with_sponsor=False, status="draft"))
    module_1 = date(2031, 2, 10)
    assert of(Kind.STARTUP_MEETING_MISSING, model, local(module_1 - timedelta(days=14), 0) - SECOND) == []
    assert to(of(Kind.STARTUP_MEETING_MISSING, model, local(module_1 - timedelta(days=14), 0))) == {
        PARTICIPANT, SPONSOR, COACH}
    assert of(Kind.STARTUP_MEETING_MISSING, model, local(module_1, 0)) == []
    held = facts(project(startup_with_sponsor=True, status="draft"))
    assert of(Kind.STARTUP_MEETING_MISSING, held, local(module_1 - timedelta(days=3))) == []


def test_coaching_is_due_42_days_after_the_last_session_or_the_charters_approval():
    last = date(2031, 3, 1)
    model = facts(project(last_coaching=last))
    assert of(Kind.COACHING_GAP, model, local(last + timedelta(days=42), 0) - SECOND) == []
    assert to(of(Kind.COACHING_GAP, model, local(last + timedelta(days=42), 0))) == {PARTICIPANT, COACH}
    never = facts(project(last_coaching=None, active_since=local(date(2031, 2, 1), 15)))
    assert of(Kind.COACHING_GAP, never, local(date(2031, 3, 15), 0) - SECOND) == []
    assert of(Kind.COACHING_GAP, never, local(date(2031, 3, 15), 0)) != []
    assert of(Kind.COACHING_GAP, facts(project(status="draft", active_since=None)), local(date(2031, 9, 1))) == []


def test_a_progress_score_is_asked_for_when_30_days_old():
    scored = date(2031, 4, 1)
    model = facts(project(last_progress=scored))
    assert of(Kind.PROGRESS_STALE, model, local(scored + timedelta(days=30), 0) - SECOND) == []
    assert to(of(Kind.PROGRESS_STALE, model, local(scored + timedelta(days=30), 0))) == {PARTICIPANT}


@pytest.mark.parametrize(("frequency", "last", "missing_from"), [
    (Frequency.WEEK, date(2031, 3, 3), date(2031, 3, 24)),  # data for the week of 3 March; two weeks missing by the 24th
    (Frequency.MONTH, date(2031, 3, 1), date(2031, 6, 1)),  # April and May missing by June
    (Frequency.DAY, date(2031, 3, 3), date(2031, 3, 6)),
])
def test_data_is_missing_two_whole_periods_after_the_last(frequency, last, missing_from):
    model = facts(project(measures=(measure(last, frequency),)))
    assert of(Kind.DATA_MISSING, model, local(missing_from, 0) - SECOND) == []
    assert to(of(Kind.DATA_MISSING, model, local(missing_from, 0))) == {PARTICIPANT}


def test_a_measure_without_data_counts_from_the_period_it_was_defined_in():
    model = facts(project(measures=(measure(None, Frequency.WEEK, defined=date(2031, 2, 5)),)))  # a Wednesday
    assert of(Kind.DATA_MISSING, model, local(date(2031, 2, 17), 0) - SECOND) == []
    assert of(Kind.DATA_MISSING, model, local(date(2031, 2, 17), 0)) != []


# -- the programme's dates -----------------------------------------------------------------------------------


def test_sponsors_are_invited_21_and_3_days_before_the_poster_presentation():
    poster = date(2031, 12, 10)
    model = facts(project())
    assert of(Kind.POSTER_INVITATION, model, local(poster - timedelta(days=21), 0) - SECOND) == []
    [first] = of(Kind.POSTER_INVITATION, model, local(poster - timedelta(days=21), 0))
    assert first.recipient == SPONSOR and first.occurrence == "d21"
    assert [n.occurrence for n in of(Kind.POSTER_INVITATION, model, local(poster - timedelta(days=3), 0))] == ["d3"]
    assert of(Kind.POSTER_INVITATION, model, local(poster, 0)) == []


def test_followups_3_6_and_12_months_after_the_end_with_the_sponsor_in_copy():
    end = date(2031, 12, 12)
    model = facts(project(status="closed", outcome="sustained"))
    assert of(Kind.FOLLOWUP, model, local(date(2032, 3, 12), 0) - SECOND) == []
    [notice] = of(Kind.FOLLOWUP, model, local(date(2032, 3, 12), 0))
    assert notice.recipient == PARTICIPANT and notice.about_dict()["copy_to"] == SPONSOR and notice.occurrence == "m3"
    assert [n.occurrence for n in of(Kind.FOLLOWUP, model, local(date(2032, 6, 12)))] == ["m6"]
    assert [n.occurrence for n in of(Kind.FOLLOWUP, model, local(date(2032, 12, 12)))] == ["m12"]
    stopped = facts(project(status="closed", outcome="stopped"))
    assert of(Kind.FOLLOWUP, stopped, local(end + timedelta(days=100))) == []


# -- what silences everything --------------------------------------------------------------------------------


def _busy(**changes) -> object:
    return project(signoffs=(signoff(REQUESTED),), cycles=(cycle(date(2031, 3, 1)),), last_coaching=date(2031, 1, 1),
                   last_progress=date(2031, 1, 1), measures=(measure(date(2031, 1, 6)),), startup_with_sponsor=False,
                   **changes)


MOMENTS = (local(date(2031, 2, 1)), local(date(2031, 4, 20)), local(date(2031, 12, 1)), local(date(2032, 4, 1)))


def test_a_cohort_with_reminders_off_hears_nothing_but_the_auditors_weekly_checkpoint():
    quiet = cohort(reminders=replace(ReminderSettings(), enabled=False))
    for moment in MOMENTS:
        assert {n.kind for n in due(facts(_busy(), cohorts=[quiet]), moment)} <= {Kind.AUDITOR_CHECKPOINT}


def test_nothing_is_said_about_a_withdrawn_participants_project():
    withdrawn = cohort(withdrawn=frozenset({PARTICIPANT}))
    for moment in MOMENTS:
        notices = due(facts(_busy(), cohorts=[withdrawn]), moment)
        assert {n.kind for n in notices} <= {Kind.ADMINISTRATOR_DIGEST, Kind.AUDITOR_CHECKPOINT}


def test_a_closed_project_hears_only_its_followups_and_the_poster_invitation():
    closed = _busy(status="closed", outcome="sustained")
    kinds = {n.kind for moment in (local(date(2031, 4, 20)), local(date(2031, 12, 1)), local(date(2032, 4, 1)))
             for n in due(facts(closed), moment)}
    assert kinds <= {Kind.FOLLOWUP, Kind.POSTER_INVITATION, Kind.ADMINISTRATOR_DIGEST, Kind.AUDITOR_CHECKPOINT,
                     Kind.SPONSOR_DIGEST}
    assert Kind.FOLLOWUP in kinds


# -- digests -------------------------------------------------------------------------------------------------


def test_the_digest_slot_is_the_latest_monday_at_seven_danish_time_summer_and_winter():
    winter = digest_slot(Weekday.MON, 7, datetime(2031, 1, 15, 12, tzinfo=LOCAL_ZONE))
    assert winter == datetime(2031, 1, 13, 7, tzinfo=LOCAL_ZONE) and winter.utcoffset() == timedelta(hours=1)
    summer = digest_slot(Weekday.MON, 7, datetime(2031, 7, 2, 12, tzinfo=LOCAL_ZONE))
    assert summer == datetime(2031, 6, 30, 7, tzinfo=LOCAL_ZONE) and summer.utcoffset() == timedelta(hours=2)
    # Monday 06:59 belongs to the week before; 07:00 begins a new one.
    assert digest_slot(Weekday.MON, 7, datetime(2031, 1, 13, 6, 59, tzinfo=LOCAL_ZONE)).date() == date(2031, 1, 6)
    assert digest_slot(Weekday.MON, 7, datetime(2031, 1, 13, 7, 0, tzinfo=LOCAL_ZONE)).date() == date(2031, 1, 13)


def test_a_sponsor_digest_goes_weekly_when_something_waits_or_happened_and_never_empty():
    monday = local(date(2031, 3, 10), 7)
    waiting = facts(project(signoffs=(signoff(REQUESTED),), last_activity=REQUESTED))
    assert of(Kind.SPONSOR_DIGEST, waiting, monday - SECOND)[0].occurrence == "2031-03-03"
    assert [n.occurrence for n in of(Kind.SPONSOR_DIGEST, waiting, monday)] == ["2031-03-10"]
    quiet = facts(project(last_activity=local(date(2031, 2, 1))))
    assert of(Kind.SPONSOR_DIGEST, quiet, monday) == []
    busy = facts(project(last_activity=monday - timedelta(days=2)))
    assert to(of(Kind.SPONSOR_DIGEST, busy, monday)) == {SPONSOR}


def test_a_person_may_move_their_digest_or_turn_it_off_but_never_their_reminders():
    model = facts(project(signoffs=(signoff(REQUESTED),), last_activity=REQUESTED),
                  sponsor=DigestChoice(True, Weekday.FRI, 16))
    friday = local(date(2031, 3, 14), 16)
    assert [n.occurrence for n in of(Kind.SPONSOR_DIGEST, model, friday)] == ["2031-03-14"]
    assert [n.occurrence for n in of(Kind.SPONSOR_DIGEST, model, friday - SECOND)] == ["2031-03-07"]
    off = facts(project(signoffs=(signoff(REQUESTED),), last_activity=REQUESTED), sponsor=DigestChoice(False))
    assert of(Kind.SPONSOR_DIGEST, off, friday) == []
    assert to(of(Kind.SIGNOFF_REMINDER, off, friday)) == {SPONSOR}


def test_coaches_administrators_and_auditors_have_their_weekly_mail_at_the_cohorts_hour():
    settings = replace(ReminderSettings(), digest_day=Weekday.TUE, digest_hour=8)
    model = facts(project(), cohorts=[cohort(reminders=settings)])
    tuesday = local(date(2031, 3, 11), 8)
    assert to(of(Kind.COACH_DIGEST, model, tuesday)) == {COACH}
    assert to(of(Kind.ADMINISTRATOR_DIGEST, model, tuesday)) == {ADMIN}
    assert to(of(Kind.AUDITOR_CHECKPOINT, model, tuesday)) == {AUDITOR}
    assert {n.occurrence for n in of(Kind.COACH_DIGEST, model, tuesday)} == {"2031-03-11"}
    assert {n.occurrence for n in of(Kind.COACH_DIGEST, model, tuesday - SECOND)} == {"2031-03-04"}


def test_digests_stop_a_month_after_the_cohort_ends():
    model = facts(project())
    end = date(2031, 12, 12)
    assert of(Kind.COACH_DIGEST, model, local(end + timedelta(days=30), 23)) != []
    assert of(Kind.COACH_DIGEST, model, local(end + timedelta(days=31), 8)) == []


def test_every_key_names_its_kind_series_occurrence_and_recipient():
    model = facts(_busy())
    notices = [n for moment in (local(date(2031, 2, 1)), local(date(2031, 4, 20)), local(date(2031, 12, 1)))
               for n in due(model, moment)]
    assert notices
    for notice in notices:
        assert notice.key == f"{notice.kind}:{notice.series}:{notice.occurrence}:{notice.recipient}"
        assert notice.kind.is_digest or dict(notice.about).get("cohort_id") == COHORT
