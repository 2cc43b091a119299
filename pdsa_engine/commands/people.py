from __future__ import annotations

from pydantic import Field

from pdsa_engine.aggregates.values import Language, Role
from pdsa_engine.commands.types import Command, Email, PersonRef, ShortText


class AddPerson(Command):
    name: ShortText
    email: Email
    language: Language = Language.DA
    role: tuple[Role, ...] = Field(min_length=1)


class GrantRole(Command):
    person: PersonRef
    role: Role
