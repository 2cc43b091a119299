from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Self

from pydantic import AfterValidator, BaseModel, Field, model_validator
from pydantic_core import PydanticCustomError

from pdsa_engine.aggregates.charter import is_progress_score
from pdsa_engine.aggregates.values import (
    ChartType,
    Direction,
    DriverKind,
    Frequency,
    MeasureKind,
    MeetingKind,
    Outcome,
)
from pdsa_engine.commands.types import Command, Count, Id, IsoDate, Number, PersonRef, ShortText, Text
from pdsa_engine.errors import InvalidInput


def _progress_score(score: Decimal) -> Decimal:
    if not is_progress_score(score):
        raise PydanticCustomError("progress_score", "must be 0.5 to 5.0 in steps of 0.5 (IHI's scale)")
    return score


def _exactly_one(model: BaseModel, names: tuple[str, ...]) -> None:
    given = [name for name in names if getattr(model, name) is not None]
    if len(given) != 1:
        options = tuple(f"--{name.replace('_', '-')}" for name in names)
        raise InvalidInput(names[0], "give exactly one of {options}", options=options)


class CreateProject(Command):
    cohort: Id
    participant: PersonRef
    title: ShortText
    problem: Text
    sponsor: PersonRef
    coach: PersonRef


class Reassign(Command):
    project: Id
    sponsor: PersonRef | None = None
    coach: PersonRef | None = None
    reason: Text

    @model_validator(mode="after")
    def _one_role(self) -> Self:
        _exactly_one(self, ("sponsor", "coach"))
        return self


class SetAim(Command):
    project: Id
    what: Text
    how_much: ShortText
    by: IsoDate


class AddMeasure(Command):
    project: Id
    name: ShortText
    kind: MeasureKind
    chart: ChartType
    definition: Text
    frequency: Frequency
    direction: Direction
    unit: ShortText | None = None
    target: Number | None = None


class UpdateMeasure(Command):
    measure: Id
    name: ShortText | None = None
    kind: MeasureKind | None = None
    chart: ChartType | None = None
    definition: Text | None = None
    frequency: Frequency | None = None
    direction: Direction | None = None
    unit: ShortText | None = None
    target: Number | None = None

    def changes(self) -> dict[str, object]:
        return self.model_dump(exclude={"measure"}, exclude_none=True)

    @model_validator(mode="after")
    def _something(self) -> Self:
        if not self.changes():
            raise InvalidInput("measure", "give at least one field to change")
        return self


class RecordData(Command):
    measure: Id
    period: Annotated[str, Field(min_length=1, max_length=20)]
    value: Number
    n: Number | None = None


class CorrectData(RecordData):
    reason: Text


class AddDriver(Command):
    project: Id
    primary: ShortText | None = None
    secondary: ShortText | None = None
    change_idea: ShortText | None = None
    under: Id | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Self:
        _exactly_one(self, ("primary", "secondary", "change_idea"))
        return self

    @property
    def kind(self) -> DriverKind:
        if self.primary is not None:
            return DriverKind.PRIMARY
        return DriverKind.SECONDARY if self.secondary is not None else DriverKind.CHANGE_IDEA

    @property
    def text(self) -> str:
        return self.primary or self.secondary or self.change_idea or ""


class RenameDriver(Command):
    project: Id
    node: Id
    text: ShortText


class MoveDriver(Command):
    project: Id
    node: Id
    under: Id


class RemoveDriver(Command):
    project: Id
    node: Id


class ScoreProgress(Command):
    project: Id
    score: Annotated[Number, AfterValidator(_progress_score)]
    date: IsoDate | None = None


class RecordMeeting(Command):
    project: Id
    kind: MeetingKind
    date: IsoDate
    attendee: tuple[PersonRef, ...] = Field(min_length=1)


class SubmitCharter(Command):
    project: Id


class RequestScaleUp(Command):
    project: Id
    cycle: Id


class RequestClosure(Command):
    project: Id
    outcome: Outcome


class StartPhase(Command):
    measure: Id
    from_: Annotated[str, Field(alias="from", min_length=1, max_length=20)]
    reason: Text
    cycle: Id | None = None


class WithdrawPhase(Command):
    measure: Id
    from_: Annotated[str, Field(alias="from", min_length=1, max_length=20)]
    reason: Text


class FreezeBaseline(Command):
    measure: Id
    baseline: Count
    reason: Text
