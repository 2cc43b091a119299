"""The parts of a project charter that are plain values: the aim and the measure definitions, plus the other
small records a project keeps (meetings, progress scores, pending sign-offs)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from pdsa_engine.aggregates.values import (
    ChartType,
    Direction,
    Frequency,
    MeasureKind,
    MeetingKind,
    Outcome,
    SignOffKind,
)

PROGRESS_SCORES = tuple(Decimal(n) / 2 for n in range(1, 11))  # IHI's scale: 0.5, 1.0, ... 5.0


def is_progress_score(score: Decimal) -> bool:
    return score in PROGRESS_SCORES


@dataclass(frozen=True)
class Aim:
    """What, how much, by when: "X-town has reduced home visits by 2% by the end of July 2023"."""

    what: str
    how_much: str
    achieve_by: date


@dataclass(frozen=True)
class MeasureDefinition:
    measure_id: UUID
    name: str
    kind: MeasureKind
    definition: str
    chart: ChartType
    frequency: Frequency
    direction: Direction
    unit: str | None = None
    target: Decimal | None = None

    @classmethod
    def of(
        cls,
        measure_id: UUID,
        name: str,
        kind: str,
        definition: str,
        chart: str,
        frequency: str,
        direction: str,
        unit: str | None,
        target: Decimal | None,
    ) -> MeasureDefinition:
        """Builds a definition from event fields, which come back from storage as plain strings."""
        return cls(
            measure_id, name, MeasureKind(kind), definition, ChartType(chart), Frequency(frequency),
            Direction(direction), unit, target,
        )

    def event_fields(self) -> dict[str, object]:
        return {
            "measure_id": self.measure_id, "name": self.name, "kind": self.kind, "definition": self.definition,
            "chart": self.chart, "frequency": self.frequency, "direction": self.direction,
            "unit": self.unit, "target": self.target,
        }


@dataclass(frozen=True)
class Meeting:
    meeting_id: UUID
    kind: MeetingKind
    on: date
    attendees: tuple[UUID, ...]


@dataclass(frozen=True)
class ProgressEntry:
    score: Decimal
    on: date


@dataclass(frozen=True)
class PendingSignOff:
    signoff_id: UUID
    kind: SignOffKind
    cycle_id: UUID | None = None
    outcome: Outcome | None = None
