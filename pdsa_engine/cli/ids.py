"""Ids as people paste them: a whole id, or any beginning of one that only one record has (tables show the
first eight digits). Aggregates are found through the events' own index; the nodes of a driver diagram,
which are not aggregates, within the project the command names."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Annotated, Any, get_args, get_origin
from uuid import UUID

from pdsa_engine.errors import InvalidInput, NotFound
from pdsa_engine.ids import id_digits, id_range

# Fields whose ids name nodes of the project's driver diagram rather than aggregates.
DIAGRAM_FIELDS = ("node", "under", "change_idea")


def resolve_id(recorder: Any, field: str, text: str, nodes: Callable[[], Iterable[UUID]] | None = None) -> UUID:
    text = text.strip()
    try:
        return UUID(text)
    except ValueError:
        pass
    digits = id_digits(text)
    if digits is None:
        from pdsa_engine.commands.types import ID_RULE  # the command models' (pydantic): for this message only

        raise InvalidInput(field, ID_RULE + ", or its beginning (the short id a table shows)")
    found = recorder.ids_between(*id_range(digits), 2)
    if not found and nodes is not None:
        found = [node for node in nodes() if node.hex.startswith(digits)][:2]
    if not found:
        raise NotFound(f"no record has an id beginning {text} ({field.replace('_', ' ')})")
    if len(found) > 1:
        raise InvalidInput(field, f"more than one id begins with {text}: give more of its digits")
    return found[0]


def is_id_field(annotation: Any) -> bool:
    """UUID, an optional UUID, or a tuple of them, as the command models declare their id fields."""
    if get_origin(annotation) is Annotated:
        return is_id_field(get_args(annotation)[0])
    if annotation is UUID:
        return True
    members = [a for a in get_args(annotation) if a is not type(None) and a is not Ellipsis]
    return bool(members) and all(is_id_field(member) for member in members)
