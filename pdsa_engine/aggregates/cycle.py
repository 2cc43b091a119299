"""A PDSA cycle: a test of one change idea, Plan → Do → Study → Act.

No phase is skipped or repeated. While a phase is current its record may be amended; once the cycle has moved
on, earlier records are history. Act records the decision (adopt, adapt, abandon) and closes the cycle for
good; a cycle may instead be cancelled, with a reason, in any open phase.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date, datetime, timedelta
from uuid import UUID

from eventsourcing.domain import event

from pdsa_engine.aggregates.base import PdsaAggregate, require, require_person
from pdsa_engine.aggregates.values import Actor, Decision, Phase, Role, Stamp
from pdsa_engine.clock import local_date
from pdsa_engine.errors import InvalidInput, Refused, Word

PLAN_REACH = timedelta(days=5 * 366)
LONGEST_CYCLE = timedelta(days=366)


@dataclass(frozen=True)
class PlanRecord:
    objective: str
    predictions: tuple[str, ...]
    start: date
    end: date
    questions: tuple[str, ...] = ()
    who: str | None = None
    where: str | None = None
    data_plan: str | None = None

    def check(self, now: datetime) -> None:
        if not self.predictions:
            raise InvalidInput("prediction", "a plan makes at least one prediction")
        if self.end < self.start:
            raise InvalidInput("end", "the planned end must come on or after the start {start}", start=self.start)
        # A test of change is small: weeks, a few months. These bounds catch mistyped years.
        today = local_date(now)
        if abs(self.start - today) > PLAN_REACH:
            raise InvalidInput("start", "{start} is more than five years from today ({today})", start=self.start,
                               today=today)
        if self.end - self.start > LONGEST_CYCLE:
            raise InvalidInput("end", "a cycle tests a change in weeks or months; {start} to {end} is more than a year",
                               start=self.start, end=self.end)

    def event_fields(self) -> dict[str, object]:
        return {**vars(self), "predictions": list(self.predictions), "questions": list(self.questions)}


@dataclass(frozen=True)
class DoRecord:
    observations: str
    problems: str | None = None


@dataclass(frozen=True)
class StudyRecord:
    findings: str


@dataclass(frozen=True)
class ActRecord:
    decision: Decision
    next_steps: str | None = None


_AMENDABLE = {Phase.PLAN: PlanRecord, Phase.DO: DoRecord, Phase.STUDY: StudyRecord}
_NEXT_STEP = {Phase.PLAN: Word("Do"), Phase.DO: Word("Study"), Phase.STUDY: Word("Act")}


def phase_of_field(name: str) -> Phase:
    for phase, record in _AMENDABLE.items():
        if name in {f.name for f in fields(record)}:
            return phase
    raise InvalidInput(name, "no phase record has such a field")


class PDSACycle(PdsaAggregate):
    @classmethod
    def plan(
        cls, cycle_id: UUID, stamp: Stamp, project_id: UUID, participant_id: UUID, change_idea_id: UUID,
        measure_ids: list[UUID], continues: UUID | None, record: PlanRecord,
    ) -> PDSACycle:
        require_person(stamp, participant_id, Role.PARTICIPANT, Word("project's participant"))
        record.check(stamp.at)
        return cls._create(
            cls.Planned, id=cycle_id, by=stamp.by, timestamp=stamp.at, project_id=project_id, participant_id=participant_id,
            change_idea_id=change_idea_id, measure_ids=list(dict.fromkeys(measure_ids)), continues=continues,
            **record.event_fields(),
        )

    @event("Planned")
    def __init__(
        self, by: Actor, timestamp: datetime, project_id: UUID, participant_id: UUID, change_idea_id: UUID,
        measure_ids: list[UUID], continues: UUID | None, objective: str, predictions: list[str], start: date,
        end: date, questions: list[str], who: str | None, where: str | None, data_plan: str | None,
    ) -> None:
        self.project_id = project_id
        self.participant_id = participant_id
        self.change_idea_id = change_idea_id
        self.measure_ids = tuple(measure_ids)
        self.continues = continues
        self.phase = Phase.PLAN
        self.planned = PlanRecord(objective, tuple(predictions), start, end, tuple(questions), who, where, data_plan)
        self.done: DoRecord | None = None
        self.studied: StudyRecord | None = None
        self.acted: ActRecord | None = None
        self.cancellation_reason: str | None = None
        self.cancelled_in: Phase | None = None

    def do(self, stamp: Stamp, observations: str, problems: str | None) -> None:
        self._require_step(stamp, Phase.PLAN, _NEXT_STEP[Phase.PLAN])
        self._carried_out(stamp.by, stamp.at, observations, problems)

    @event("CarriedOut")
    def _carried_out(self, by: Actor, timestamp: datetime, observations: str, problems: str | None) -> None:
        self.phase = Phase.DO
        self.done = DoRecord(observations, problems)

    def study(self, stamp: Stamp, findings: str) -> None:
        self._require_step(stamp, Phase.DO, _NEXT_STEP[Phase.DO])
        self._studied(stamp.by, stamp.at, findings)

    @event("Studied")
    def _studied(self, by: Actor, timestamp: datetime, findings: str) -> None:
        self.phase = Phase.STUDY
        self.studied = StudyRecord(findings)

    def act(self, stamp: Stamp, decision: Decision, next_steps: str | None) -> None:
        self._require_step(stamp, Phase.STUDY, _NEXT_STEP[Phase.STUDY])
        self._acted(stamp.by, stamp.at, decision, next_steps)

    @event("Acted")
    def _acted(self, by: Actor, timestamp: datetime, decision: str, next_steps: str | None) -> None:
        self.phase = Phase.CLOSED
        self.acted = ActRecord(Decision(decision), next_steps)

    def amend(self, stamp: Stamp, changes: dict[str, object]) -> None:
        """Amends the current phase's record; ``changes`` maps record fields to their new values."""
        self._require_participant(stamp)
        self._require_open()
        if not changes:
            raise InvalidInput("amend", "name at least one field of the {phase} record to amend", phase=self.phase)
        for name in changes:
            owner = phase_of_field(name)
            if owner is not self.phase:
                raise Refused("{name} belongs to the {owner} record; the cycle is in its {phase} phase, and only the "
                              "current phase's record may be amended", name=name, owner=owner, phase=self.phase)
        current = self._current_record()
        amended = replace(current, **changes)
        require(amended != current, "the amendment changes nothing")
        if isinstance(amended, PlanRecord):
            amended.check(stamp.at)
            self._plan_amended(stamp.by, stamp.at, **amended.event_fields())
        elif isinstance(amended, DoRecord):
            self._do_amended(stamp.by, stamp.at, amended.observations, amended.problems)
        else:
            self._study_amended(stamp.by, stamp.at, amended.findings)

    @event("PlanAmended")
    def _plan_amended(
        self, by: Actor, timestamp: datetime, objective: str, predictions: list[str], start: date, end: date,
        questions: list[str], who: str | None, where: str | None, data_plan: str | None,
    ) -> None:
        self.planned = PlanRecord(objective, tuple(predictions), start, end, tuple(questions), who, where, data_plan)

    @event("DoAmended")
    def _do_amended(self, by: Actor, timestamp: datetime, observations: str, problems: str | None) -> None:
        self.done = DoRecord(observations, problems)

    @event("StudyAmended")
    def _study_amended(self, by: Actor, timestamp: datetime, findings: str) -> None:
        self.studied = StudyRecord(findings)

    def cancel(self, stamp: Stamp, reason: str) -> None:
        self._require_participant(stamp)
        self._require_open()
        self._cancelled(stamp.by, stamp.at, reason)

    @event("Cancelled")
    def _cancelled(self, by: Actor, timestamp: datetime, reason: str) -> None:
        self.cancelled_in = self.phase
        self.phase = Phase.CANCELLED
        self.cancellation_reason = reason

    def _current_record(self) -> PlanRecord | DoRecord | StudyRecord:
        record = {Phase.PLAN: self.planned, Phase.DO: self.done, Phase.STUDY: self.studied}[self.phase]
        assert record is not None
        return record

    def _require_step(self, stamp: Stamp, expected: Phase, step: Word) -> None:
        self._require_participant(stamp)
        self._require_open()
        if self.phase is not expected:
            raise Refused("the cycle is in its {phase} phase: {next} comes next, not {step}", phase=self.phase,
                          next=_NEXT_STEP[self.phase], step=step)

    def _require_open(self) -> None:
        if not self.phase.is_open:
            raise Refused("the cycle is {phase}; nothing in it can change", phase=self.phase)

    def _require_participant(self, stamp: Stamp) -> None:
        require_person(stamp, self.participant_id, Role.PARTICIPANT, Word("project's participant"))
