"""When the engine reminds people: a cohort's thresholds, and a person's own choice of digest.

Both are recorded whole (every field, not only those changed), so that a view or an auditor reads the settings
in force from the one latest event."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from pdsa_engine.aggregates.values import Weekday


@dataclass(frozen=True)
class ReminderSettings:
    """A cohort's thresholds, in days; the defaults are the programme's."""

    enabled: bool = True
    signoff_after: int = 3  # a sponsor is reminded of a waiting sign-off after this many days,
    signoff_every: int = 3  # and again every so many days
    escalate_after: int = 10  # administrators and the coach hear of it after this many, and every so many again
    overdue_after: int = 7  # a cycle in plan or do this long after its planned end is overdue,
    study_overdue_after: int = 14  # one in study this long after it
    coaching_gap: int = 42
    progress_stale: int = 30
    digest_day: Weekday = Weekday.MON
    digest_hour: int = 7  # Danish time

    def as_event(self) -> dict[str, Any]:
        return {**asdict(self), "digest_day": self.digest_day.value}

    @classmethod
    def of(cls, fields: dict[str, Any]) -> ReminderSettings:
        """From an event or a view; fields of later versions not known here are ignored, missing ones default."""
        known = {name: value for name, value in fields.items() if name in cls.__dataclass_fields__}
        if "digest_day" in known:
            known["digest_day"] = Weekday(known["digest_day"])
        return cls(**known)


@dataclass(frozen=True)
class DigestChoice:
    """A person's own digest: off, or on a day and hour of their choosing (None: the cohort's)."""

    enabled: bool = True
    day: Weekday | None = None
    hour: int | None = None
