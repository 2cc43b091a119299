"""Measure data: one value per period, as the frequency says; corrections never erase the original."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal
from uuid import uuid4

import pytest

from pdsa_engine.aggregates.measure_series import MeasureSeries
from pdsa_engine.aggregates.periods import check_recordable, period_start
from pdsa_engine.aggregates.values import ChartType, Frequency, Role
from pdsa_engine.clock import local_date
from pdsa_engine.errors import InvalidInput, NotFound, PermissionDenied, Refused
from tests.builders import stamp
from tests.unit.support import assert_refused

PARTICIPANT_ID = uuid4()
ME = stamp(Role.PARTICIPANT, PARTICIPANT_ID)
TODAY = local_date(ME.at)


COHORT_START = date(2031, 1, 10)


def series(chart: ChartType = ChartType.P, frequency: Frequency = Frequency.WEEK) -> MeasureSeries:
    return MeasureSeries.open(uuid4(), ME, uuid4(), PARTICIPANT_ID, chart, frequency, COHORT_START)


def test_a_period_is_recorded_once_and_written_canonically() -> None:
    s = series()
    s.record(ME, "2031-w05", Decimal(3), Decimal(10))
    assert list(s.points) == ["2031-W05"]
    assert_refused(s, lambda: s.record(ME, "2031-W05", Decimal(4), Decimal(10)), Refused,
                   "2031-W05 is already recorded; correct it with a reason instead", exactly=True)


@pytest.mark.parametrize(("frequency", "bad", "message"), [
    (Frequency.WEEK, "2031-02", "period: a weekly measure takes an ISO week like 2031-W05, not '2031-02'"),
    (Frequency.MONTH, "2031-W05", "period: a monthly measure takes a month like 2031-02, not '2031-W05'"),
    (Frequency.DAY, "2031-02-30", "period: a daily measure takes an ISO date like 2031-02-05, not '2031-02-30'"),
    (Frequency.WEEK, "2031-W54", "period: a weekly measure takes an ISO week like 2031-W05, not '2031-W54'"),
    (Frequency.WEEK, "2031-02-05", "period: a weekly measure takes an ISO week like 2031-W05, not '2031-02-05'"),
    (Frequency.MONTH, "2031-02-05", "period: a monthly measure takes a month like 2031-02, not '2031-02-05'"),
])
def test_the_period_must_match_the_frequency(frequency: Frequency, bad: str, message: str) -> None:
    s = series(ChartType.RUN, frequency)
    assert_refused(s, lambda: s.record(ME, bad, Decimal(1), None), InvalidInput, message, exactly=True)


def test_a_correction_keeps_the_original_in_the_history() -> None:
    s = series()
    s.record(ME, "2031-W05", Decimal(3), Decimal(10))
    s.correct(ME, "2031-W05", Decimal(4), Decimal(10), "Counted one patient twice")
    point = s.points["2031-W05"]
    assert (point.value, point.corrections) == (Decimal(4), 1)
    recorded, corrected = s.pending_events[1:]
    assert (recorded.value, corrected.value, corrected.reason) == (Decimal(3), Decimal(4), "Counted one patient twice")


def test_a_correction_needs_a_recorded_period_and_a_change() -> None:
    s = series()
    assert_refused(s, lambda: s.correct(ME, "2031-W05", Decimal(1), Decimal(2), "x"), NotFound,
                   "no data point is recorded for 2031-W05", exactly=True)
    s.record(ME, "2031-W05", Decimal(3), Decimal(10))
    assert_refused(s, lambda: s.correct(ME, "2031-W05", Decimal(3), Decimal(10), "x"), Refused,
                   "2031-W05 already holds exactly that", exactly=True)


def test_denominators_follow_the_chart() -> None:
    p, c = series(ChartType.P), series(ChartType.C)
    assert_refused(p, lambda: p.record(ME, "2031-W05", Decimal(3), None), InvalidInput,
                   "n: a p chart needs the denominator of every point (--n)", exactly=True)
    assert_refused(p, lambda: p.record(ME, "2031-W05", Decimal(11), Decimal(10)), InvalidInput,
                   "value: a proportion's numerator lies between 0 and the denominator 10, not 11", exactly=True)
    assert_refused(c, lambda: c.record(ME, "2031-W05", Decimal(3), Decimal(10)), InvalidInput,
                   "n: a c chart counts events and takes no denominator", exactly=True)
    assert_refused(c, lambda: c.record(ME, "2031-W05", Decimal(-1), None), InvalidInput,
                   "value: a count cannot be negative, not -1", exactly=True)
    u = series(ChartType.U)
    assert_refused(u, lambda: u.record(ME, "2031-W05", Decimal(3), Decimal(0)), InvalidInput,
                   "n: the denominator must be greater than 0, not 0", exactly=True)


def test_the_edges_of_each_chart_s_data_are_data() -> None:
    p, c = series(ChartType.P), series(ChartType.C)
    for week, (value, n) in enumerate([(0, 1), (1, 1), (0, 10), (10, 10)], start=5):
        p.record(ME, f"2031-W{week:02d}", Decimal(value), Decimal(n))  # none and all of one case, or of ten
    c.record(ME, "2031-W05", Decimal(0), None)  # no events at all
    assert len(p.points) == 4 and c.points["2031-W05"].value == 0


def test_the_frequency_cannot_change_once_data_is_recorded() -> None:
    s = series(ChartType.RUN)
    s.redefine(ME, ChartType.I, Frequency.MONTH)
    s.record(ME, "2031-02", Decimal(3), None)
    assert_refused(s, lambda: s.redefine(ME, ChartType.I, Frequency.WEEK), Refused,
                   "data is already recorded monthly; the frequency cannot change", exactly=True)
    assert_refused(s, lambda: s.redefine(ME, ChartType.P, Frequency.MONTH), InvalidInput,
                   "chart: the data of 2031-02 does not fit a p chart: a p chart needs the denominator of every point (--n)",
                   exactly=True)


def test_only_the_participant_records_data() -> None:
    s = series(ChartType.RUN)
    assert_refused(s, lambda: s.record(stamp(Role.PARTICIPANT, uuid4()), "2031-W05", Decimal(1), None),
                   PermissionDenied, "only the project's participant may do this", exactly=True)


def test_points_come_in_time_order() -> None:
    s = series(ChartType.RUN, Frequency.MONTH)
    for period in ("2031-03", "2030-12", "2031-01"):
        s.record(ME, period, Decimal(1), None)
    assert [p.period for p in s.in_order()] == ["2030-12", "2031-01", "2031-03"]


@pytest.mark.parametrize(("chart", "value", "n", "rule"), [
    (ChartType.C, "3.7", None, "value: a c chart counts, so its value is a whole number, not 3.7"),
    (ChartType.U, "2.5", "10", "value: a u chart counts, so its value is a whole number, not 2.5"),
    (ChartType.UP, "0.1", "10", "value: a u′ chart counts, so its value is a whole number, not 0.1"),
    (ChartType.P, "2.5", "10", "value: a p chart counts, so its value is a whole number, not 2.5"),
    (ChartType.PP, "3", "10.5", "n: a proportion's denominator counts cases, so it is a whole number, not 10.5"),
    (ChartType.U, "-1", "10", "value: a count cannot be negative, not -1"),
])
def test_counts_are_whole_numbers_as_each_chart_counts_them(chart: ChartType, value: str, n: str | None,
                                                             rule: str) -> None:
    s = series(chart)
    assert_refused(s, lambda: s.record(ME, "2031-W05", Decimal(value), None if n is None else Decimal(n)),
                   InvalidInput, rule, exactly=True)


def test_measurements_and_exposures_may_be_fractions() -> None:
    i, u = series(ChartType.I), series(ChartType.U)
    i.record(ME, "2031-W05", Decimal("3.7"), None)
    u.record(ME, "2031-W05", Decimal(3), Decimal("2.25"))
    assert (i.points["2031-W05"].value, u.points["2031-W05"].n) == (Decimal("3.7"), Decimal("2.25"))


def test_data_is_recorded_for_periods_that_have_begun() -> None:
    s = series(ChartType.RUN)
    current_week = "{0}-W{1:02d}".format(*ME.at.isocalendar())
    s.record(ME, current_week, Decimal(1), None)
    assert_refused(s, lambda: s.record(ME, "2099-W01", Decimal(1), None), InvalidInput,
                   f"period: 2099-W01 has not begun yet; data is recorded for {TODAY}'s period or earlier ones", exactly=True)
    monthly = series(ChartType.RUN, Frequency.MONTH)
    assert_refused(monthly, lambda: monthly.record(ME, "2099-01", Decimal(1), None), InvalidInput,
                   f"period: 2099-01 has not begun yet; data is recorded for {TODAY}'s period or earlier ones", exactly=True)


def test_baseline_data_reaches_back_a_few_years_before_the_cohort_and_no_further() -> None:
    s = series(ChartType.RUN, Frequency.MONTH)
    s.record(ME, "2028-02", Decimal(1), None)
    assert_refused(s, lambda: s.record(ME, "2027-12", Decimal(1), None), InvalidInput,
                   "period: 2027-12 lies more than 3 years before the cohort starts; baseline data goes back to 2028-01-10 "
                   "at the most", exactly=True)
    assert_refused(s, lambda: s.record(ME, "0001-01", Decimal(1), None), InvalidInput,
                   "period: 0001-01 lies more than 3 years before the cohort starts; baseline data goes back to "
                   "2028-01-10 at the most", exactly=True)


def test_a_series_opened_before_its_cohort_start_was_kept_reaches_back_from_today() -> None:
    s = MeasureSeries.open(uuid4(), ME, uuid4(), PARTICIPANT_ID, ChartType.RUN, Frequency.MONTH, None)  # type: ignore[arg-type]
    earliest = TODAY.replace(year=TODAY.year - 3)
    assert_refused(s, lambda: s.record(ME, "0001-01", Decimal(1), None), InvalidInput,
                   f"period: 0001-01 lies more than 3 years before today; baseline data goes back to {earliest} at the most",
                   exactly=True)


def test_a_phase_starts_once_at_a_period_and_is_withdrawn_only_where_it_starts() -> None:
    s = series(ChartType.RUN)
    s.start_phase(ME, "2031-w05", "New guide", None)
    assert s.phases == ("2031-W05",)
    assert_refused(s, lambda: s.start_phase(ME, "2031-W05", "again", None), Refused,
                   "a new phase already starts at 2031-W05", exactly=True)
    assert_refused(s, lambda: s.end_phase(ME, "2031-W06", "mistake"), NotFound, "no phase starts at 2031-W06",
                   exactly=True)
    s.end_phase(ME, "2031-W05", "mistake")
    assert s.phases == ()


def test_a_baseline_is_a_number_of_points_and_is_set_once_to_each_value() -> None:
    s = series(ChartType.RUN)
    assert_refused(s, lambda: s.freeze(ME, -1, "x"), InvalidInput,
                   "baseline: give the number of baseline points, or 0 to lift the freeze", exactly=True)
    assert_refused(s, lambda: s.freeze(ME, 0, "x"), Refused, "the baseline is already so", exactly=True)
    s.freeze(ME, 12, "Before the change")
    assert s.baseline == 12
    assert_refused(s, lambda: s.freeze(ME, 12, "x"), Refused, "the baseline is already so", exactly=True)


@pytest.mark.parametrize(("frequency", "typed", "written"), [
    (Frequency.MONTH, "0999-12", "0999-12"), (Frequency.WEEK, "0999-w05", "0999-W05"),
    (Frequency.DAY, "0999-12-31", "0999-12-31"),
])
def test_an_early_year_keeps_its_four_digits(frequency: Frequency, typed: str, written: str) -> None:
    s = series(ChartType.RUN, frequency)
    assert_refused(s, lambda: s.record(ME, typed, Decimal(1), None), InvalidInput,
                   f"period: {written} lies more than 3 years before the cohort starts; baseline data goes back to "
                   "2028-01-10 at the most", exactly=True)


def test_a_new_chart_must_fit_every_value_and_denominator_recorded() -> None:
    proportions = series(ChartType.P)
    proportions.record(ME, "2031-W05", Decimal(3), Decimal(10))
    proportions.redefine(ME, ChartType.U, Frequency.WEEK)  # 3 events in 10 units of exposure
    assert proportions.chart is ChartType.U
    measured = series(ChartType.I)
    measured.record(ME, "2031-W05", Decimal("2.5"), None)
    assert_refused(measured, lambda: measured.redefine(ME, ChartType.C, Frequency.WEEK), InvalidInput,
                   "chart: the data of 2031-W05 does not fit a c chart: a c chart counts, so its value is a whole "
                   "number, not 2.5", exactly=True)
    counted = series(ChartType.I)
    counted.record(ME, "2031-W05", Decimal(3), None)
    counted.redefine(ME, ChartType.C, Frequency.WEEK)
    assert counted.chart is ChartType.C


def test_phases_and_baselines_keep_why_in_their_events() -> None:
    s = series(ChartType.RUN)
    s.start_phase(ME, "2031-W05", "New guide", None)
    s.end_phase(ME, "2031-W05", "Started by mistake")
    s.freeze(ME, 12, "Before the change")
    assert [(type(e).__name__, e.reason) for e in s.collect_events()[1:]] == [
        ("PhaseStarted", "New guide"), ("PhaseWithdrawn", "Started by mistake"), ("BaselineFrozen", "Before the change")]


def test_a_period_may_be_recorded_from_the_day_it_begins() -> None:
    on_the_first = datetime(2031, 3, 1, 9, tzinfo=timezone.utc)
    check_recordable("2031-03", Frequency.MONTH, on_the_first, COHORT_START)
    check_recordable("2031-03-01", Frequency.DAY, on_the_first, COHORT_START)
    assert period_start("2031-03", Frequency.MONTH) == date(2031, 3, 1)


def test_baseline_data_reaches_back_to_the_same_day_three_years_before_or_the_28th_for_29_february() -> None:
    now = datetime(2033, 1, 5, 9, tzinfo=timezone.utc)
    check_recordable("2029-02-28", Frequency.DAY, now, date(2032, 2, 29))
    with pytest.raises(InvalidInput, match="^period: 2029-02-27 lies more than 3 years before the cohort starts; "
                                           "baseline data goes back to 2029-02-28 at the most$"):
        check_recordable("2029-02-27", Frequency.DAY, now, date(2032, 2, 29))
    check_recordable("2028-01-10", Frequency.DAY, datetime(2031, 1, 10, 9, tzinfo=timezone.utc), COHORT_START)
