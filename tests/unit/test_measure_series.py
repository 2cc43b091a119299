"""Measure data: one value per period, as the frequency says; corrections never erase the original."""

from __future__ import annotations

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


def series(chart: ChartType = ChartType.P, frequency: Frequency = Frequency.WEEK) -> MeasureSeries:
    return MeasureSeries.open(uuid4(), ME, uuid4(), PARTICIPANT_ID, chart, frequency)


def test_a_period_is_recorded_once_and_written_canonically() -> None:
    s = series()
    s.record(ME, "2031-w05", Decimal(3), Decimal(10))
    assert list(s.points) == ["2031-W05"]
    assert_refused(s, lambda: s.record(ME, "2031-W05", Decimal(4), Decimal(10)), Refused, "already recorded")


@pytest.mark.parametrize(("frequency", "bad"), [(Frequency.WEEK, "2031-02"), (Frequency.MONTH, "2031-W05"),
                                                (Frequency.DAY, "2031-02-30"), (Frequency.WEEK, "2031-W54")])
def test_the_period_must_match_the_frequency(frequency: Frequency, bad: str) -> None:
    s = series(ChartType.RUN, frequency)
    assert_refused(s, lambda: s.record(ME, bad, Decimal(1), None), InvalidInput, "period")


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
    assert_refused(p, lambda: p.record(ME, "2031-W05", Decimal(3), None), InvalidInput, "denominator")
    assert_refused(p, lambda: p.record(ME, "2031-W05", Decimal(11), Decimal(10)), InvalidInput, "between 0 and")
    assert_refused(c, lambda: c.record(ME, "2031-W05", Decimal(3), Decimal(10)), InvalidInput, "no denominator")
    assert_refused(c, lambda: c.record(ME, "2031-W05", Decimal(-1), None), InvalidInput, "negative")


def test_the_frequency_cannot_change_once_data_is_recorded() -> None:
    s = series(ChartType.RUN)
    s.redefine(ME, ChartType.I, Frequency.MONTH)
    s.record(ME, "2031-02", Decimal(3), None)
    assert_refused(s, lambda: s.redefine(ME, ChartType.I, Frequency.WEEK), Refused, "frequency cannot change")
    assert_refused(s, lambda: s.redefine(ME, ChartType.P, Frequency.MONTH), InvalidInput, "does not fit a p chart")


def test_only_the_participant_records_data() -> None:
    s = series(ChartType.RUN)
    assert_refused(s, lambda: s.record(stamp(Role.PARTICIPANT, uuid4()), "2031-W05", Decimal(1), None),
                   PermissionDenied, "participant")


def test_points_come_in_time_order() -> None:
    s = series(ChartType.RUN, Frequency.MONTH)
    for period in ("2031-03", "2030-12", "2031-01"):
        s.record(ME, period, Decimal(1), None)
    assert [p.period for p in s.in_order()] == ["2030-12", "2031-01", "2031-03"]
