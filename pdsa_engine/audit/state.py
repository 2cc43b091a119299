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
_IDENTIFYING = ("id", "measure_id", "meeting_id", "node_id", "period")
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
                named = _identity(item)
                if named is None:
                    _walk(f"{path}.{index}", item, flat)
                else:  # the item's path carries its identity, which need not be repeated as a field
                    key, identity = named
                    _walk(f"{path}.{identity}", item, flat)
                    flat.pop(f"{path}.{identity}.{key}", None)
    elif isinstance(value, (set, frozenset)):
        flat[path] = ", ".join(sorted(_scalar(item) for item in value))
    else:
        flat[path] = _scalar(value)


def _identity(item: Any) -> tuple[str, str] | None:
    """What names an item of a list (a meeting, a cycle, a data point), so that a change to one item is not
    shown as a change to every item after it."""
    for key in _IDENTIFYING:
        found = item.get(key) if isinstance(item, dict) else getattr(item, key, None)
        if found is not None:
            return key, _scalar(found)
    return None


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, Decimal, date, UUID, Enum))


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, tuple):  # a compound key, e.g. a quota's (region, sector)
        return " / ".join(_scalar(part) for part in value)
    return str(value)


def differences(before: dict[str, str], after: dict[str, str]) -> list[dict[str, str | None]]:
    """Fields that changed, as old → new (None where a field was empty or did not exist: a record that appears,
    like a cycle's Do record, shows as its fields, not as "nothing → something")."""
    changed = []
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key) or None, after.get(key) or None
        if old != new:
            changed.append({"field": key, "old": old, "new": new})
    return changed
