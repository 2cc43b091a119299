from __future__ import annotations

from typing import Annotated, Self

from pydantic import Field, model_validator

from pdsa_engine.aggregates.values import SignOffStatus
from pdsa_engine.commands.types import Command, Id, Text
from pdsa_engine.errors import InvalidInput


class DecideSignOff(Command):
    signoff: Id
    decision: SignOffStatus
    comment: Text | None = None
    # The project's version as the sponsor saw it; when given, a project that has changed since is refused.
    project_version: Annotated[int, Field(ge=1)] | None = None

    @model_validator(mode="after")
    def _comment_unless_approved(self) -> Self:
        if self.decision in (SignOffStatus.REQUESTED, SignOffStatus.WITHDRAWN):
            raise InvalidInput("decision", "a sponsor approves, requests changes or declines")
        if self.decision is not SignOffStatus.APPROVED and self.comment is None:
            raise InvalidInput("comment", "required when requesting changes or declining: say what or why")
        return self


class WithdrawSignOff(Command):
    signoff: Id
