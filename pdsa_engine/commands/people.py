from __future__ import annotations

from pydantic import BaseModel, Field

from pdsa_engine.aggregates.values import Language, Role
from pdsa_engine.commands.types import COMMAND_CONFIG, Email, PersonRef, ShortText


class AddPerson(BaseModel):
    model_config = COMMAND_CONFIG
    name: ShortText
    email: Email
    language: Language = Language.DA
    role: tuple[Role, ...] = Field(min_length=1)


class GrantRole(BaseModel):
    model_config = COMMAND_CONFIG
    person: PersonRef
    role: Role
