"""Time as a dependency: the application asks its clock, never the system, so the demo can run a simulated
year and tests can pin the moment."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Protocol
from zoneinfo import ZoneInfo

LOCAL_ZONE = ZoneInfo("Europe/Copenhagen")


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, timezone-aware (UTC)."""


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class SimulatedClock:
    """A clock that only moves when told to."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("a simulated clock starts at a timezone-aware moment")
        self._now = start.astimezone(timezone.utc)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        if delta < timedelta(0):
            raise ValueError("time does not run backwards")
        self._now += delta

    def set(self, moment: datetime) -> None:
        self.advance(moment.astimezone(timezone.utc) - self._now)


def utc_text(moment: datetime) -> str:
    """A moment as UTC ISO 8601 text, the form stored moments take in the views: such texts sort in time order."""
    return moment.astimezone(timezone.utc).isoformat()


def local_date(moment: datetime) -> date:
    """The calendar date in Denmark at a moment: what "today" means to the programme's people."""
    return moment.astimezone(LOCAL_ZONE).date()
