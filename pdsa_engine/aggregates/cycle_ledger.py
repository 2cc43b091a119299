"""What a project knows of its cycles, to keep its own rules: at most one open cycle per change idea, and ramps
(after "adapt" the next cycle on that idea continues the last one; a cycle is continued at most once, not
counting a continuation that was cancelled).
The cycles' records live in the PDSACycle aggregates; this is an immutable value held by the project."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from uuid import UUID

from pdsa_engine.aggregates.base import require
from pdsa_engine.aggregates.values import Decision
from pdsa_engine.errors import NotFound, Refused


@dataclass(frozen=True)
class CycleRef:
    cycle_id: UUID
    change_idea_id: UUID
    continues: UUID | None
    decision: Decision | None = None
    cancelled: bool = False

    @property
    def open(self) -> bool:
        return self.decision is None and not self.cancelled


@dataclass(frozen=True)
class CycleLedger(Mapping[UUID, CycleRef]):
    refs: tuple[CycleRef, ...] = ()  # in the order the cycles were planned

    def __getitem__(self, cycle_id: UUID) -> CycleRef:
        for ref in self.refs:
            if ref.cycle_id == cycle_id:
                return ref
        raise KeyError(cycle_id)

    def __iter__(self) -> Iterator[UUID]:
        return (ref.cycle_id for ref in self.refs)

    def __len__(self) -> int:
        return len(self.refs)

    def find(self, cycle_id: UUID) -> CycleRef:
        try:
            return self[cycle_id]
        except KeyError:
            raise NotFound("the project has no cycle {cycle}", cycle=cycle_id) from None

    def open_ones(self) -> list[CycleRef]:
        return [ref for ref in self.refs if ref.open]

    def on_idea(self, change_idea_id: UUID) -> list[CycleRef]:
        return [ref for ref in self.refs if ref.change_idea_id == change_idea_id]

    def check_can_open(self, change_idea_id: UUID, continues: UUID | None) -> None:
        on_idea = self.on_idea(change_idea_id)
        for ref in on_idea:
            require(not ref.open, "cycle {cycle} on this change idea is still open", cycle=ref.cycle_id)
        if continues is None:
            concluded = [ref for ref in on_idea if ref.decision is not None]
            if concluded and concluded[-1].decision is Decision.ADAPT:
                raise Refused("cycle {cycle} on this change idea was adapted: the next cycle on it continues it",
                              field="continues", cycle=concluded[-1].cycle_id)
            return
        previous = self.find(continues)
        require(previous.change_idea_id == change_idea_id, "a cycle continues a cycle on the same change idea")
        require(previous.decision in (Decision.ADAPT, Decision.ADOPT), "only an adapted or adopted cycle can be "
                                                                       "continued")
        # A cancelled cycle tested nothing: the ramp goes on from the cycle it was to continue.
        require(all(ref.continues != continues or ref.cancelled for ref in on_idea),
                "that cycle has already been continued")

    def with_opened(self, ref: CycleRef) -> CycleLedger:
        return CycleLedger((*self.refs, ref))

    def with_decision(self, cycle_id: UUID, decision: Decision) -> CycleLedger:
        return CycleLedger(tuple(replace(r, decision=decision) if r.cycle_id == cycle_id else r for r in self.refs))

    def with_cancelled(self, cycle_id: UUID) -> CycleLedger:
        return CycleLedger(tuple(replace(r, cancelled=True) if r.cycle_id == cycle_id else r for r in self.refs))
