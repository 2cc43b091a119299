"""Command inputs: frozen pydantic models that check the shape of what comes in at the edges (CLI, later HTTP).

The rules of the domain (phase order, quotas, pending sign-offs) are the aggregates' business; these models
only make sure that what reaches the application is well-formed, and say which field broke which rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from pdsa_engine.errors import InvalidInput, PatientIdentifierFound, Problem

if TYPE_CHECKING:  # pydantic is imported by the models themselves: `pdsa --help` and parse_id go without it
    from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound="BaseModel")


def parse(model: type[M], data: dict[str, Any]) -> M:
    """Builds a command from raw input, or raises InvalidInput naming the field and the rule."""
    from pydantic import ValidationError

    try:
        return model.model_validate(data)
    except ValidationError as invalid:
        raise invalid_input_from(invalid) from None


def parse_id(field: str, text: str) -> UUID:
    """An id given on the command line (the UUID a create command printed)."""
    try:
        return UUID(text.strip())
    except ValueError:
        from pdsa_engine.commands.types import ID_RULE

        raise InvalidInput(field, ID_RULE) from None


def invalid_input_from(invalid: ValidationError) -> InvalidInput:
    errors = invalid.errors(include_url=False)
    first = errors[0]
    field = _field_name(first["loc"])
    rules = "; ".join(
        f"{_field_name(e['loc'])}: {e['msg']}" if i else e["msg"] for i, e in enumerate(errors)
    )
    error_class = PatientIdentifierFound if first["type"] == "patient_identifier" else InvalidInput
    problems = tuple(Problem(_field_name(e["loc"]), e["msg"], dict(e.get("ctx") or {})) for e in errors)
    return error_class(field, rules, problems)


def _field_name(loc: tuple[int | str, ...]) -> str:
    parts = [str(part) for part in loc if not isinstance(part, int)]
    return ".".join(parts) or "input"
