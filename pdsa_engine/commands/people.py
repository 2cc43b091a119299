from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from pdsa_engine.aggregates.values import Language, Role
from pdsa_engine.commands.types import Command, DayOfWeek, Email, Hour, PersonRef, ShortText


def _a_person_s_role(role: Role) -> Role:
    if role is Role.SYSTEM:
        raise PydanticCustomError("role", "system is the engine's own role, never a person's")
    return role


PersonRole = Annotated[Role, AfterValidator(_a_person_s_role)]


class AddPerson(Command):
    name: ShortText
    email: Email
    language: Language = Language.DA
    role: tuple[PersonRole, ...] = Field(min_length=1)


class GrantRole(Command):
    person: PersonRef
    role: PersonRole


class SetNotifications(Command):
    """A person's own digest: on or off, and on which day and hour; what waits for their decision is always sent."""

    person: PersonRef
    digest: bool | None = None
    digest_day: DayOfWeek | None = None
    digest_hour: Hour | None = None
