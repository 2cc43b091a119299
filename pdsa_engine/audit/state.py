"""An aggregate's state as flat "path → value" text, so that two moments can be compared field by field.

Personal data (a person's name and e-mail) is left out: it lives only in the Person aggregate and is read from
there when a log is shown, so that erasing a person never leaves copies in the audit log.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

PERSONAL = frozenset({"name", "email"})
_HIDDEN = frozenset({"_id", "_version", "_created_on", "_modified_on", "_pending_events"})


def flatten(aggregate: Any) -> dict[str, str]:
    """The state of an aggregate (or of a replayed view) as flat, comparable text values."""
    flat: dict[str, str] = {}
    personal = type(aggregate).__name__ == "Person"
    items = aggregate.items() if isinstance(aggregate, dict) else vars(aggregate).items()
    for name, value in items:
        if name in _HIDDEN or (personal and name in PERSONAL):
            continue
        _walk(name, value, flat)
    return flat


def _walk(path: str, value: Any, flat: dict[str, str]) -> None:
    if hasattr(value, "refs") and hasattr(value, "find"):  # a CycleLedger: its cycles by id
        for ref in value.refs:
            _walk(f"{path}.{ref.cycle_id}", ref, flat)
    elif hasattr(value, "nodes") and hasattr(value, "children"):  # a DriverDiagram: its nodes by id
        for node in value.nodes:
            _walk(f"{path}.{node.node_id}", node, flat)
    elif is_dataclass(value) and not isinstance(value, type):
        for f in fields(value):
            _walk(f"{path}.{f.name}", getattr(value, f.name), flat)
    elif isinstance(value, dict):
        for key, item in value.items():
            _walk(f"{path}.{_scalar(key)}", item, flat)
    elif isinstance(value, (list, tuple)):
        if all(_is_scalar(item) for item in value):
            flat[path] = ", ".join(_scalar(item) for item in value)
        else:
            for index, item in enumerate(value, start=1):
                _walk(f"{path}.{index}", item, flat)
    elif isinstance(value, (set, frozenset)):
        flat[path] = ", ".join(sorted(_scalar(item) for item in value))
    else:
        flat[path] = _scalar(value)


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, Decimal, date, UUID, Enum))


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def differences(before: dict[str, str], after: dict[str, str]) -> list[dict[str, str | None]]:
    """Fields that changed, as old → new (None where a field did not exist)."""
    return [
        {"field": key, "old": before.get(key), "new": after.get(key)}
        for key in sorted(before.keys() | after.keys())
        if before.get(key) != after.get(key)
    ]
