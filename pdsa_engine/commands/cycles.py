from __future__ import annotations

from typing import Self

from pydantic import Field, model_validator

from pdsa_engine.aggregates.values import Decision
from pdsa_engine.commands.types import Command, Id, IsoDate, ShortText, Text
from pdsa_engine.errors import InvalidInput


class PlanCycle(Command):
    project: Id
    change_idea: Id
    objective: Text
    prediction: tuple[Text, ...] = Field(min_length=1)
    measure: tuple[Id, ...] = ()
    question: tuple[Text, ...] = ()
    who: ShortText | None = None
    where: ShortText | None = None
    data_plan: Text | None = None
    start: IsoDate
    end: IsoDate
    continues: Id | None = None


class DoCycle(Command):
    cycle: Id
    observations: Text
    problems: Text | None = None


class StudyCycle(Command):
    cycle: Id
    findings: Text


class ActCycle(Command):
    cycle: Id
    decision: Decision
    next_steps: Text | None = None


class AmendCycle(Command):
    """Amends the record of the phase the cycle is in; which fields belong to which phase is the cycle's rule."""

    cycle: Id
    objective: Text | None = None
    prediction: tuple[Text, ...] | None = None
    question: tuple[Text, ...] | None = None
    who: ShortText | None = None
    where: ShortText | None = None
    data_plan: Text | None = None
    start: IsoDate | None = None
    end: IsoDate | None = None
    observations: Text | None = None
    problems: Text | None = None
    findings: Text | None = None

    def changes(self) -> dict[str, object]:
        """The record fields to change, named as the cycle's records name them."""
        plural = {"prediction": "predictions", "question": "questions"}
        given = self.model_dump(exclude={"cycle"}, exclude_none=True)
        return {plural.get(name, name): value for name, value in given.items()}

    @model_validator(mode="after")
    def _something(self) -> Self:
        if not self.changes():
            raise InvalidInput("cycle", "give at least one field of the current phase's record to amend")
        return self


class CancelCycle(Command):
    cycle: Id
    reason: Text
