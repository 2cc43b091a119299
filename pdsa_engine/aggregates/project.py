"""An improvement project: one per enrolled participant, from draft charter to closure.

Status: draft → charter_submitted → active → closed. The charter (aim, measures, driver diagram) is frozen
while its sign-off is pending; once active, the aim and measure definitions may still change, and each such
change marks the charter "changed since approval". The project also keeps what its rules need to know of
its cycles (at most one open cycle per change idea; ramps) and of its pending sign-offs.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from uuid import UUID

from eventsourcing.domain import event

from pdsa_engine.aggregates.base import PdsaAggregate, check_moment, require, require_person, require_role
from pdsa_engine.aggregates.charter import (
    Aim,
    MeasureDefinition,
    Meeting,
    PendingSignOff,
    ProgressEntry,
    is_progress_score,
)
from pdsa_engine.aggregates.cycle_ledger import CycleLedger, CycleRef
from pdsa_engine.aggregates.driver_diagram import DriverDiagram, DriverNode
from pdsa_engine.aggregates.values import (
    Actor,
    Decision,
    DriverKind,
    MeetingKind,
    Outcome,
    ProjectStatus,
    Role,
    SignOffKind,
    SignOffStatus,
    Stamp,
)
from pdsa_engine.errors import InvalidInput, NotFound, Refused, Word

# A project runs through the year of its cohort and is spread afterwards; an aim further off is a mistyped year.
AIM_REACH = timedelta(days=5 * 366)


class ImprovementProject(PdsaAggregate):
    @classmethod
    def create(
        cls, project_id: UUID, stamp: Stamp, cohort_id: UUID, cohort_start: date, participant_id: UUID,
        title: str, problem: str, sponsor_id: UUID, coach_id: UUID,
    ) -> ImprovementProject:
        require_role(stamp, Role.ADMINISTRATOR)
        return cls._create(
            cls.Created, id=project_id, by=stamp.by, timestamp=stamp.at, cohort_id=cohort_id, cohort_start=cohort_start,
            participant_id=participant_id, title=title, problem=problem, sponsor_id=sponsor_id, coach_id=coach_id,
        )

    @event("Created")
    def __init__(
        self, by: Actor, timestamp: datetime, cohort_id: UUID, cohort_start: date, participant_id: UUID,
        title: str, problem: str, sponsor_id: UUID, coach_id: UUID,
    ) -> None:
        self.cohort_id = cohort_id
        self.cohort_start = cohort_start
        self.participant_id = participant_id
        self.title = title
        self.problem = problem
        self.sponsor_id = sponsor_id
        self.coach_id = coach_id
        self.status = ProjectStatus.DRAFT
        self.outcome: Outcome | None = None
        self.aim: Aim | None = None
        self.measures: dict[UUID, MeasureDefinition] = {}
        self.diagram = DriverDiagram()
        self.progress: tuple[ProgressEntry, ...] = ()
        self.meetings: tuple[Meeting, ...] = ()
        self.cycles = CycleLedger()
        self.pending: dict[UUID, PendingSignOff] = {}
        self.signoff_ids: tuple[UUID, ...] = ()
        self.scaled_up: frozenset[UUID] = frozenset()
        self.charter_changed_since_approval = False

    # -- sponsor and coach (administrators) ----------------------------------------------------------

    def reassign_sponsor(self, stamp: Stamp, sponsor_id: UUID, reason: str) -> list[UUID]:
        """Returns the pending sign-offs, which the caller re-addresses to the new sponsor."""
        require_role(stamp, Role.ADMINISTRATOR)
        self._require_not_closed()
        require(sponsor_id != self.sponsor_id, "that person is already the project's sponsor")
        self._sponsor_reassigned(stamp.by, stamp.at, sponsor_id, reason)
        return list(self.pending)

    @event("SponsorReassigned")
    def _sponsor_reassigned(self, by: Actor, timestamp: datetime, sponsor_id: UUID, reason: str) -> None:
        self.sponsor_id = sponsor_id

    def reassign_coach(self, stamp: Stamp, coach_id: UUID, reason: str) -> None:
        require_role(stamp, Role.ADMINISTRATOR)
        self._require_not_closed()
        require(coach_id != self.coach_id, "that person is already the project's coach")
        self._coach_reassigned(stamp.by, stamp.at, coach_id, reason)

    @event("CoachReassigned")
    def _coach_reassigned(self, by: Actor, timestamp: datetime, coach_id: UUID, reason: str) -> None:
        self.coach_id = coach_id

    # -- the charter: aim, measures, driver diagram (the participant) --------------------------------

    def set_aim(self, stamp: Stamp, what: str, how_much: str, achieve_by: date) -> None:
        self._require_charter_editable(stamp)
        if achieve_by < self.cohort_start:
            raise InvalidInput("by", "the aim cannot be due before the cohort starts on {start}", start=self.cohort_start)
        if achieve_by - self.cohort_start > AIM_REACH:
            raise InvalidInput("by", "an aim is due within the programme's reach: by {latest} at the latest, not {by}",
                               latest=self.cohort_start + AIM_REACH, by=achieve_by)
        require(self.aim != Aim(what, how_much, achieve_by), "the aim is already exactly that")
        self._aim_set(stamp.by, stamp.at, what, how_much, achieve_by)

    @event("AimSet")
    def _aim_set(self, by: Actor, timestamp: datetime, what: str, how_much: str, achieve_by: date) -> None:
        self.aim = Aim(what, how_much, achieve_by)
        self._note_charter_change()

    def define_measure(self, stamp: Stamp, definition: MeasureDefinition) -> None:
        self._require_charter_editable(stamp)
        self._require_unique_measure_name(definition)
        self._measure_defined(stamp.by, stamp.at, **definition.event_fields())

    @event("MeasureDefined")
    def _measure_defined(
        self, by: Actor, timestamp: datetime, measure_id: UUID, name: str, kind: str, definition: str,
        chart: str, frequency: str, direction: str, unit: str | None, target: Decimal | None,
    ) -> None:
        measure = MeasureDefinition.of(measure_id, name, kind, definition, chart, frequency, direction, unit, target)
        self.measures = {**self.measures, measure_id: measure}
        self._note_charter_change()

    def redefine_measure(self, stamp: Stamp, definition: MeasureDefinition) -> None:
        self._require_charter_editable(stamp)
        require(self.measure(definition.measure_id) != definition, "the measure is already defined exactly so")
        self._require_unique_measure_name(definition)
        self._measure_redefined(stamp.by, stamp.at, **definition.event_fields())

    @event("MeasureRedefined")
    def _measure_redefined(
        self, by: Actor, timestamp: datetime, measure_id: UUID, name: str, kind: str, definition: str,
        chart: str, frequency: str, direction: str, unit: str | None, target: Decimal | None,
    ) -> None:
        measure = MeasureDefinition.of(measure_id, name, kind, definition, chart, frequency, direction, unit, target)
        self.measures = {**self.measures, measure_id: measure}
        self._note_charter_change()

    def measure(self, measure_id: UUID) -> MeasureDefinition:
        try:
            return self.measures[measure_id]
        except KeyError:
            raise NotFound("the project has no measure {measure}", measure=measure_id) from None

    def add_driver(self, stamp: Stamp, node_id: UUID, kind: DriverKind, text: str, parent_id: UUID | None) -> None:
        self._require_charter_editable(stamp)
        self.diagram.check_parent(kind, parent_id)
        self._driver_added(stamp.by, stamp.at, node_id, kind, text, parent_id)

    @event("DriverAdded")
    def _driver_added(
        self, by: Actor, timestamp: datetime, node_id: UUID, kind: str, text: str, parent_id: UUID | None
    ) -> None:
        self.diagram = self.diagram.with_node(DriverNode(node_id, DriverKind(kind), text, parent_id))

    def rename_driver(self, stamp: Stamp, node_id: UUID, text: str) -> None:
        self._require_charter_editable(stamp)
        require(self.diagram.node(node_id).text != text, "the node already has that text")
        self._driver_renamed(stamp.by, stamp.at, node_id, text)

    @event("DriverRenamed")
    def _driver_renamed(self, by: Actor, timestamp: datetime, node_id: UUID, text: str) -> None:
        self.diagram = self.diagram.with_text(node_id, text)

    def move_driver(self, stamp: Stamp, node_id: UUID, parent_id: UUID) -> None:
        self._require_charter_editable(stamp)
        self.diagram.check_move(node_id, parent_id)
        self._driver_moved(stamp.by, stamp.at, node_id, parent_id)

    @event("DriverMoved")
    def _driver_moved(self, by: Actor, timestamp: datetime, node_id: UUID, parent_id: UUID) -> None:
        self.diagram = self.diagram.with_parent(node_id, parent_id)

    def remove_driver(self, stamp: Stamp, node_id: UUID) -> None:
        self._require_charter_editable(stamp)
        self.diagram.check_remove(node_id)
        require(
            not self.cycles.on_idea(node_id),
            "cycles have tested this change idea; it stays in the diagram as their record",
        )
        self._driver_removed(stamp.by, stamp.at, node_id)

    @event("DriverRemoved")
    def _driver_removed(self, by: Actor, timestamp: datetime, node_id: UUID) -> None:
        self.diagram = self.diagram.without(node_id)

    # -- progress and meetings (the participant) -----------------------------------------------------

    def score_progress(self, stamp: Stamp, score: Decimal, on: date) -> None:
        self._require_participant(stamp)
        self._require_not_closed()
        if not is_progress_score(score):
            raise InvalidInput("score", "must be 0.5 to 5.0 in steps of 0.5, not {score}", score=score)
        check_moment("date", on, stamp.at, not_before=self.cohort_start, earliest_is=Word("the cohort starts"))
        self._progress_scored(stamp.by, stamp.at, score, on)

    @event("ProgressScored")
    def _progress_scored(self, by: Actor, timestamp: datetime, score: Decimal, on: date) -> None:
        self.progress = tuple(sorted((*self.progress, ProgressEntry(score, on)), key=lambda entry: entry.on))

    def record_meeting(
        self, stamp: Stamp, meeting_id: UUID, kind: MeetingKind, on: date, attendees: list[UUID]
    ) -> None:
        self._require_participant(stamp)
        self._require_not_closed()
        if not attendees:
            raise InvalidInput("attendee", "a meeting needs at least one attendee")
        # The start-up meeting with the sponsor may come before the kick-off, but not by more than a year.
        check_moment("date", on, stamp.at, not_before=self.cohort_start - timedelta(days=365),
                     earliest_is=Word("a year before the cohort starts"))
        self._meeting_recorded(stamp.by, stamp.at, meeting_id, kind, on, list(dict.fromkeys(attendees)))

    @event("MeetingRecorded")
    def _meeting_recorded(
        self, by: Actor, timestamp: datetime, meeting_id: UUID, kind: str, on: date, attendees: list[UUID]
    ) -> None:
        self.meetings = (*self.meetings, Meeting(meeting_id, MeetingKind(kind), on, tuple(attendees)))

    # -- sign-off requests (the participant) and their resolution ------------------------------------

    def submit_charter(self, stamp: Stamp, signoff_id: UUID) -> None:
        self._require_participant(stamp)
        require(self.status is not ProjectStatus.CHARTER_SUBMITTED, "the charter is already awaiting its sign-off")
        require(self.status is ProjectStatus.DRAFT, "the project is {status}; only a draft charter is submitted",
                status=self.status)
        require(self.aim is not None, "the charter needs an aim before it can be submitted")
        require(bool(self.measures), "the charter needs at least one measure before it can be submitted")
        require(bool(self.diagram.change_idea_ids()), "the charter needs at least one change idea in its driver diagram")
        self._charter_submitted(stamp.by, stamp.at, signoff_id)

    @event("CharterSubmitted")
    def _charter_submitted(self, by: Actor, timestamp: datetime, signoff_id: UUID) -> None:
        self.status = ProjectStatus.CHARTER_SUBMITTED
        self._add_pending(PendingSignOff(signoff_id, SignOffKind.CHARTER))

    def request_scale_up(self, stamp: Stamp, signoff_id: UUID, cycle_id: UUID) -> None:
        self._require_participant(stamp)
        self._require_active(Word("a scale-up is requested"))
        cycle = self.cycles.find(cycle_id)
        require(cycle.decision is Decision.ADOPT, "only a cycle whose change was adopted can be scaled up")
        require(cycle_id not in self.scaled_up, "scaling up this change was already approved")
        require(
            all(p.cycle_id != cycle_id for p in self.pending.values()),
            "a scale-up of this cycle already awaits the sponsor",
        )
        self._scale_up_requested(stamp.by, stamp.at, signoff_id, cycle_id)

    @event("ScaleUpRequested")
    def _scale_up_requested(self, by: Actor, timestamp: datetime, signoff_id: UUID, cycle_id: UUID) -> None:
        self._add_pending(PendingSignOff(signoff_id, SignOffKind.SCALE_UP, cycle_id=cycle_id))

    def request_closure(self, stamp: Stamp, signoff_id: UUID, outcome: Outcome,
                        cycle_names: Mapping[UUID, str] | None = None) -> None:
        """``cycle_names``: what to call an open cycle in the refusal (its objective), when the caller knows it."""
        self._require_participant(stamp)
        self._require_active(Word("closure is requested"))
        require(
            all(p.kind is not SignOffKind.CLOSURE for p in self.pending.values()),
            "a closure request already awaits the sponsor",
        )
        open_cycles = tuple((cycle_names or {}).get(c.cycle_id, str(c.cycle_id)) for c in self.cycles.open_ones())
        require(not open_cycles, "finish or cancel the open cycles first: {cycles}", cycles=open_cycles)
        self._closure_requested(stamp.by, stamp.at, signoff_id, outcome)

    @event("ClosureRequested")
    def _closure_requested(self, by: Actor, timestamp: datetime, signoff_id: UUID, outcome: str) -> None:
        self._add_pending(PendingSignOff(signoff_id, SignOffKind.CLOSURE, outcome=Outcome(outcome)))

    def resolve_signoff(self, stamp: Stamp, signoff_id: UUID, status: SignOffStatus) -> None:
        """Applies a sponsor's decision, or the participant's withdrawal, of a pending sign-off."""
        require(signoff_id in self.pending, "that sign-off is not pending on this project")
        require(status is not SignOffStatus.REQUESTED, "a sign-off is resolved by a decision or a withdrawal")
        self._signoff_resolved(stamp.by, stamp.at, signoff_id, status)

    @event("SignOffResolved")
    def _signoff_resolved(self, by: Actor, timestamp: datetime, signoff_id: UUID, status: str) -> None:
        request = self.pending[signoff_id]
        self.pending = {k: v for k, v in self.pending.items() if k != signoff_id}
        approved = status == SignOffStatus.APPROVED
        if request.kind is SignOffKind.CHARTER:
            self.status = ProjectStatus.ACTIVE if approved else ProjectStatus.DRAFT
            self.charter_changed_since_approval = False if approved else self.charter_changed_since_approval
        elif request.kind is SignOffKind.CLOSURE and approved:
            self.status = ProjectStatus.CLOSED
            self.outcome = request.outcome
        elif request.kind is SignOffKind.SCALE_UP and approved:
            self.scaled_up = self.scaled_up | {request.cycle_id}

    def pending_closure(self) -> PendingSignOff | None:
        return next((p for p in self.pending.values() if p.kind is SignOffKind.CLOSURE), None)

    # -- cycles: what the project's rules need to know ------------------------------------------------

    def open_cycle(
        self, stamp: Stamp, cycle_id: UUID, change_idea_id: UUID, continues: UUID | None, measure_ids: list[UUID]
    ) -> None:
        self._require_participant(stamp)
        self._require_active(Word("cycles are planned"))
        require(self.pending_closure() is None, "closure of the project awaits the sponsor; no new cycles")
        if not self.diagram.has_change_idea(change_idea_id):
            raise NotFound("the driver diagram has no change idea {node}", node=change_idea_id)
        for measure_id in measure_ids:
            self.measure(measure_id)
        self.cycles.check_can_open(change_idea_id, continues)
        self._cycle_opened(stamp.by, stamp.at, cycle_id, change_idea_id, continues)

    @event("CycleOpened")
    def _cycle_opened(
        self, by: Actor, timestamp: datetime, cycle_id: UUID, change_idea_id: UUID, continues: UUID | None
    ) -> None:
        self.cycles = self.cycles.with_opened(CycleRef(cycle_id, change_idea_id, continues))

    def conclude_cycle(self, stamp: Stamp, cycle_id: UUID, decision: Decision) -> None:
        self._require_participant(stamp)
        require(self.cycles.find(cycle_id).open, "the cycle is not open")
        self._cycle_concluded(stamp.by, stamp.at, cycle_id, decision)

    @event("CycleConcluded")
    def _cycle_concluded(self, by: Actor, timestamp: datetime, cycle_id: UUID, decision: str) -> None:
        self.cycles = self.cycles.with_decision(cycle_id, Decision(decision))

    def cancel_cycle(self, stamp: Stamp, cycle_id: UUID) -> None:
        self._require_participant(stamp)
        require(self.cycles.find(cycle_id).open, "the cycle is not open")
        self._cycle_cancelled(stamp.by, stamp.at, cycle_id)

    @event("CycleCancelled")
    def _cycle_cancelled(self, by: Actor, timestamp: datetime, cycle_id: UUID) -> None:
        self.cycles = self.cycles.with_cancelled(cycle_id)

    # -- helpers: checks raise, notes only assign ----------------------------------------------------

    def _add_pending(self, request: PendingSignOff) -> None:
        self.pending = {**self.pending, request.signoff_id: request}
        self.signoff_ids = (*self.signoff_ids, request.signoff_id)

    def _note_charter_change(self) -> None:
        if self.status is ProjectStatus.ACTIVE:
            self.charter_changed_since_approval = True

    def _require_participant(self, stamp: Stamp) -> None:
        require_person(stamp, self.participant_id, Role.PARTICIPANT, Word("project's participant"))

    def _require_not_closed(self) -> None:
        require(self.status is not ProjectStatus.CLOSED, "the project is closed")

    def _require_active(self, what: Word) -> None:
        require(self.status is ProjectStatus.ACTIVE, "{what} only on an active project; this one is {status}",
                what=what, status=self.status)

    def _require_charter_editable(self, stamp: Stamp) -> None:
        self._require_participant(stamp)
        self._require_not_closed()
        if self.status is ProjectStatus.CHARTER_SUBMITTED:
            raise Refused("the charter cannot change while its sign-off is pending; withdraw the request to edit it")

    def _require_unique_measure_name(self, definition: MeasureDefinition) -> None:
        clash = [m for m in self.measures.values()
                 if m.name.casefold() == definition.name.casefold() and m.measure_id != definition.measure_id]
        require(not clash, "the project already has a measure named '{name}'", name=definition.name)
