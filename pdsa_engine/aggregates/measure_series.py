"""The data of one measure: a value (and a denominator where the chart needs one) per period.

The measure's definition belongs to the project's charter; its data lives here, one aggregate per measure,
so recording a data point touches nothing else. A period is recorded once; a correction is its own event
with a reason, and the original stays in the history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from eventsourcing.domain import event
from immutables import Map

from pdsa_engine.aggregates.base import PdsaAggregate, require, require_person
from pdsa_engine.aggregates.periods import canonical_period, check_recordable, period_start
from pdsa_engine.aggregates.values import Actor, ChartType, Frequency, Role, Stamp
from pdsa_engine.errors import InvalidInput, NotFound, Word


@dataclass(frozen=True)
class DataPoint:
    period: str
    value: Decimal
    n: Decimal | None
    corrections: int = 0


class MeasureSeries(PdsaAggregate):
    @classmethod
    def open(
        cls, measure_id: UUID, stamp: Stamp, project_id: UUID, participant_id: UUID, chart: ChartType,
        frequency: Frequency, cohort_start: date,
    ) -> MeasureSeries:
        return cls._create(
            cls.Opened, id=measure_id, by=stamp.by, timestamp=stamp.at, project_id=project_id, participant_id=participant_id,
            chart=chart, frequency=frequency, cohort_start=cohort_start,
        )

    # cohort_start bounds how far back baseline data may go; series opened before it was recorded have none.
    @event("Opened")
    def __init__(
        self, by: Actor, timestamp: datetime, project_id: UUID, participant_id: UUID, chart: str, frequency: str,
        cohort_start: date | None = None,
    ) -> None:
        self.project_id = project_id
        self.cohort_start = cohort_start
        self.participant_id = participant_id
        self.chart = ChartType(chart)
        self.frequency = Frequency(frequency)
        # A persistent map: recording a point shares every other point with the state before, so an event costs
        # what it changes, not the size of the series (a weekly measure gains a point a week for years).
        self.points: Map[str, DataPoint] = Map()
        self.phases: tuple[str, ...] = ()  # periods where a new part of the chart starts
        self.baseline: int | None = None  # the first points that fix the centre line and limits


    def record(self, stamp: Stamp, period: str, value: Decimal, n: Decimal | None) -> None:
        self._require_participant(stamp)
        period = canonical_period(period, self.frequency)
        check_recordable(period, self.frequency, stamp.at, self.cohort_start)
        require(period not in self.points, "{period} is already recorded; correct it with a reason instead", period=period)
        _check_point(self.chart, value, n)
        self._recorded(stamp.by, stamp.at, period, value, n)

    @event("PointRecorded")
    def _recorded(self, by: Actor, timestamp: datetime, period: str, value: Decimal, n: Decimal | None) -> None:
        self.points = self.points.set(period, DataPoint(period, value, n))

    def correct(self, stamp: Stamp, period: str, value: Decimal, n: Decimal | None, reason: str) -> None:
        self._require_participant(stamp)
        period = canonical_period(period, self.frequency)
        if period not in self.points:
            raise NotFound("no data point is recorded for {period}", period=period)
        current = self.points[period]
        require((current.value, current.n) != (value, n), "{period} already holds exactly that", period=period)
        _check_point(self.chart, value, n)
        self._corrected(stamp.by, stamp.at, period, value, n, reason)

    @event("PointCorrected")
    def _corrected(
        self, by: Actor, timestamp: datetime, period: str, value: Decimal, n: Decimal | None, reason: str
    ) -> None:
        previous = self.points[period]
        self.points = self.points.set(period, DataPoint(period, value, n, previous.corrections + 1))

    def redefine(self, stamp: Stamp, chart: ChartType, frequency: Frequency) -> None:
        """Follows a change of the measure's definition; refused when the data recorded so far would not fit."""
        self._require_participant(stamp)
        require(
            frequency is self.frequency or not self.points,
            "data is already recorded {frequency}; the frequency cannot change", frequency=self.frequency,
        )
        for point in self.points.values():
            try:
                _check_point(chart, point.value, point.n)
            except InvalidInput as misfit:
                raise InvalidInput("chart", "the data of {period} does not fit a {chart}: {why}", period=point.period,
                                   chart=chart, why=misfit) from None
        self._redefined(stamp.by, stamp.at, chart, frequency)

    @event("Redefined")
    def _redefined(self, by: Actor, timestamp: datetime, chart: str, frequency: str) -> None:
        self.chart = ChartType(chart)
        self.frequency = Frequency(frequency)

    def start_phase(self, stamp: Stamp, period: str, reason: str, cycle_id: UUID | None) -> None:
        """A new part of the chart, with its own centre line and limits, from this period on."""
        self._require_participant(stamp)
        period = canonical_period(period, self.frequency)
        require(period not in self.phases, "a new phase already starts at {period}", period=period)
        self._phase_started(stamp.by, stamp.at, period, reason, cycle_id)

    @event("PhaseStarted")
    def _phase_started(self, by: Actor, timestamp: datetime, period: str, reason: str, cycle_id: UUID | None) -> None:
        self.phases = tuple(sorted((*self.phases, period), key=lambda p: period_start(p, self.frequency)))

    def end_phase(self, stamp: Stamp, period: str, reason: str) -> None:
        """Withdraws a phase start recorded by mistake; the history keeps both."""
        self._require_participant(stamp)
        period = canonical_period(period, self.frequency)
        if period not in self.phases:
            raise NotFound("no phase starts at {period}", period=period)
        self._phase_withdrawn(stamp.by, stamp.at, period, reason)

    @event("PhaseWithdrawn")
    def _phase_withdrawn(self, by: Actor, timestamp: datetime, period: str, reason: str) -> None:
        self.phases = tuple(p for p in self.phases if p != period)

    def freeze(self, stamp: Stamp, baseline: int, reason: str) -> None:
        """Fixes the centre line and limits on the first ``baseline`` points; 0 lifts the freeze."""
        self._require_participant(stamp)
        if baseline < 0:
            raise InvalidInput("baseline", "give the number of baseline points, or 0 to lift the freeze")
        require((baseline or None) != self.baseline, "the baseline is already so")
        self._baseline_frozen(stamp.by, stamp.at, baseline, reason)

    @event("BaselineFrozen")
    def _baseline_frozen(self, by: Actor, timestamp: datetime, baseline: int, reason: str) -> None:
        self.baseline = baseline or None

    def in_order(self) -> list[DataPoint]:
        return sorted(self.points.values(), key=lambda p: period_start(p.period, self.frequency))

    def _require_participant(self, stamp: Stamp) -> None:
        require_person(stamp, self.participant_id, Role.PARTICIPANT, Word("project's participant"))


def _check_point(chart: ChartType, value: Decimal, n: Decimal | None) -> None:
    if n is None and chart.needs_denominator:
        raise InvalidInput("n", "a {chart} needs the denominator of every point (--n)", chart=chart)
    if n is not None and not chart.allows_denominator:
        raise InvalidInput("n", "a c chart counts events and takes no denominator")
    if n is not None and n <= 0:
        raise InvalidInput("n", "the denominator must be greater than 0, not {n}", n=n)
    if chart in _COUNTING_CHARTS and not _is_whole(value):
        raise InvalidInput("value", "a {chart} counts, so its value is a whole number, not {value}", chart=chart,
                           value=value)
    if chart in _PROPORTION_CHARTS and n is not None and not _is_whole(n):
        raise InvalidInput("n", "a proportion's denominator counts cases, so it is a whole number, not {n}", n=n)
    if chart in _PROPORTION_CHARTS and n is not None and not 0 <= value <= n:
        raise InvalidInput("value", "a proportion's numerator lies between 0 and the denominator {n}, not {value}",
                           n=n, value=value)
    if chart in _COUNTING_CHARTS and value < 0:
        raise InvalidInput("value", "a count cannot be negative, not {value}", value=value)


# p and p′ count cases with the property among n cases; c, u and u′ count events (u per unit of exposure n).
_PROPORTION_CHARTS = (ChartType.P, ChartType.PP)
_COUNTING_CHARTS = (ChartType.P, ChartType.PP, ChartType.U, ChartType.UP, ChartType.C)


def _is_whole(number: Decimal) -> bool:
    return number == number.to_integral_value()
