"""Measure data: one value per period, as the frequency says; corrections never erase the original."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import uuid4

import pytest

from pdsa_engine.aggregates.measure_series import MeasureSeries
from pdsa_engine.aggregates.values import ChartType, Frequency, Role
from pdsa_engine.errors import InvalidInput, NotFound, PermissionDenied, Refused
from tests.builders import stamp
from tests.unit.support import assert_refused

PARTICIPANT_ID = uuid4()
ME = stamp(Role.PARTICIPANT, PARTICIPANT_ID)


COHORT_START = date(2031, 1, 10)


def series(chart: ChartType = ChartType.P, frequency: Frequency = Frequency.WEEK) -> MeasureSeries:
    return MeasureSeries.open(uuid4(), ME, uuid4(), PARTICIPANT_ID, chart, frequency, COHORT_START)


def test_a_period_is_recorded_once_and_written_canonically() -> None:
    s = series()
    s.record(ME, "2031-w05", Decimal(3), Decimal(10))
    assert list(s.points) == ["2031-W05"]
    assert_refused(s, lambda: s.record(ME, "2031-W05", Decimal(4), Decimal(10)), Refused, "already recorded")


@pytest.mark.parametrize(("frequency", "bad"), [(Frequency.WEEK, "2031-02"), (Frequency.MONTH, "2031-W05"),
                                                (Frequency.DAY, "2031-02-30"), (Frequency.WEEK, "2031-W54")])
def test_the_period_must_match_the_frequency(frequency: Frequency, bad: str) -> None:
    s = series(ChartType.RUN, frequency)
    assert_refused(s, lambda: s.record(ME, bad, Decimal(1), None), InvalidInput, "period: ")


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
    assert_refused(s, lambda: s.correct(ME, "2031-W05", Decimal(1), Decimal(2), "x"), NotFound, "no data point")
    s.record(ME, "2031-W05", Decimal(3), Decimal(10))
    assert_refused(s, lambda: s.correct(ME, "2031-W05", Decimal(3), Decimal(10), "x"), Refused, "exactly that")


def test_denominators_follow_the_chart() -> None:
    p, c = series(ChartType.P), series(ChartType.C)
    assert_refused(p, lambda: p.record(ME, "2031-W05", Decimal(3), None), InvalidInput, "n: a p chart needs the denominator")
    assert_refused(p, lambda: p.record(ME, "2031-W05", Decimal(11), Decimal(10)), InvalidInput, "value: a proportion's numerator lies between 0 and")
    assert_refused(c, lambda: c.record(ME, "2031-W05", Decimal(3), Decimal(10)), InvalidInput, "n: a c chart counts events and takes no denominator")
    assert_refused(c, lambda: c.record(ME, "2031-W05", Decimal(-1), None), InvalidInput, "value: a count cannot be negative")


def test_the_frequency_cannot_change_once_data_is_recorded() -> None:
    s = series(ChartType.RUN)
    s.redefine(ME, ChartType.I, Frequency.MONTH)
    s.record(ME, "2031-02", Decimal(3), None)
    assert_refused(s, lambda: s.redefine(ME, ChartType.I, Frequency.WEEK), Refused, "frequency cannot change")
    assert_refused(s, lambda: s.redefine(ME, ChartType.P, Frequency.MONTH), InvalidInput, "chart: the data of .* does not fit a p chart")


def test_only_the_participant_records_data() -> None:
    s = series(ChartType.RUN)
    assert_refused(s, lambda: s.record(stamp(Role.PARTICIPANT, uuid4()), "2031-W05", Decimal(1), None),
                   PermissionDenied, "participant")


def test_points_come_in_time_order() -> None:
    s = series(ChartType.RUN, Frequency.MONTH)
    for period in ("2031-03", "2030-12", "2031-01"):
        s.record(ME, period, Decimal(1), None)
    assert [p.period for p in s.in_order()] == ["2030-12", "2031-01", "2031-03"]


@pytest.mark.parametrize(("chart", "value", "n", "rule"), [
    (ChartType.C, "3.7", None, "value: .*whole number"),
    (ChartType.U, "2.5", "10", "value: .*whole number"),
    (ChartType.UP, "0.1", "10", "value: .*whole number"),
    (ChartType.P, "2.5", "10", "value: .*whole number"),
    (ChartType.PP, "3", "10.5", "n: .*whole number"),
    (ChartType.U, "-1", "10", "value: a count cannot be negative"),
])
def test_counts_are_whole_numbers_as_each_chart_counts_them(chart: ChartType, value: str, n: str | None,
                                                             rule: str) -> None:
    s = series(chart)
    assert_refused(s, lambda: s.record(ME, "2031-W05", Decimal(value), None if n is None else Decimal(n)),
                   InvalidInput, rule)


def test_measurements_and_exposures_may_be_fractions() -> None:
    i, u = series(ChartType.I), series(ChartType.U)
    i.record(ME, "2031-W05", Decimal("3.7"), None)
    u.record(ME, "2031-W05", Decimal(3), Decimal("2.25"))
    assert (i.points["2031-W05"].value, u.points["2031-W05"].n) == (Decimal("3.7"), Decimal("2.25"))


def test_data_is_recorded_for_periods_that_have_begun() -> None:
    s = series(ChartType.RUN)
    current_week = "{0}-W{1:02d}".format(*ME.at.isocalendar())
    s.record(ME, current_week, Decimal(1), None)
    assert_refused(s, lambda: s.record(ME, "2099-W01", Decimal(1), None), InvalidInput, "period: 2099-W01 has not begun")
    monthly = series(ChartType.RUN, Frequency.MONTH)
    assert_refused(monthly, lambda: monthly.record(ME, "2099-01", Decimal(1), None), InvalidInput, "period: 2099-01 has not begun")


def test_baseline_data_reaches_back_a_few_years_before_the_cohort_and_no_further() -> None:
    s = series(ChartType.RUN, Frequency.MONTH)
    s.record(ME, "2028-02", Decimal(1), None)
    assert_refused(s, lambda: s.record(ME, "2027-12", Decimal(1), None), InvalidInput, "period: 2027-12 lies more than 3 years before")
    assert_refused(s, lambda: s.record(ME, "0001-01", Decimal(1), None), InvalidInput, "period: ")
