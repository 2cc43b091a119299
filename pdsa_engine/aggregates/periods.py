"""Periods of measure data, written as the measure's frequency says: an ISO date (2031-02-05) for daily
measures, an ISO week (2031-W05) for weekly ones, a month (2031-02) for monthly ones."""

from __future__ import annotations

import re
from datetime import date, datetime

from pdsa_engine.aggregates.values import Frequency
from pdsa_engine.clock import local_date
from pdsa_engine.errors import InvalidInput, Word

# Baseline data may reach back before the cohort starts, but not further than this.
BASELINE_YEARS = 3

_EXAMPLES = {Frequency.DAY: Word("an ISO date like 2031-02-05"), Frequency.WEEK: Word("an ISO week like 2031-W05"),
             Frequency.MONTH: Word("a month like 2031-02")}
_WEEK = re.compile(r"(\d{4})-W(\d{2})")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def period_start(period: str, frequency: Frequency) -> date:
    """The first day of the period; raises InvalidInput naming the rule when the text is not such a period."""
    text = period.strip().upper()
    try:
        if frequency is Frequency.WEEK and (match := _WEEK.fullmatch(text)):
            return date.fromisocalendar(int(match[1]), int(match[2]), 1)
        if frequency is Frequency.MONTH and (match := _MONTH.fullmatch(text)):
            return date(int(match[1]), int(match[2]), 1)
        if frequency is Frequency.DAY and _DAY.fullmatch(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise InvalidInput("period", "a {frequency} measure takes {example}, not '{period}'", frequency=frequency,
                       example=_EXAMPLES[frequency], period=period)


def canonical_period(period: str, frequency: Frequency) -> str:
    start = period_start(period, frequency)
    if frequency is Frequency.WEEK:
        year, week, _ = start.isocalendar()
        return f"{year:04d}-W{week:02d}"
    if frequency is Frequency.MONTH:
        return f"{start.year:04d}-{start.month:02d}"
    return start.isoformat()


def check_recordable(period: str, frequency: Frequency, now: datetime, cohort_start: date | None) -> None:
    """Data is recorded for the current period or one before it, back to a few years before the cohort."""
    starts, today = period_start(period, frequency), local_date(now)
    if starts > today:
        raise InvalidInput("period", "{period} has not begun yet; data is recorded for {today}'s period or earlier "
                                     "ones", period=period, today=today)
    reference = cohort_start or today
    earliest = _years_before(reference, BASELINE_YEARS)
    if starts < earliest:
        since = Word("the cohort starts") if cohort_start else Word("today")
        raise InvalidInput("period", "{period} lies more than {years} years before {since}; baseline data goes back "
                                     "to {earliest} at the most", period=period, years=BASELINE_YEARS, since=since,
                           earliest=earliest)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)
