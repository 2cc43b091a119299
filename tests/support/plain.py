"""An aggregate's whole state as plain JSON values, read without the engine's own code: the measure against which
stored histories are checked to load unchanged however the aggregates come to hold their state."""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

LIBRARY_FIELDS = ("_pending_events",)  # the library's bookkeeping of unsaved events, not state


def plain_state(aggregate: Any) -> dict[str, Any]:
    """Every attribute of an aggregate, its id, version and moments among them."""
    return {"type": type(aggregate).__qualname__,
            **{name: plain(value) for name, value in sorted(vars(aggregate).items()) if name not in LIBRARY_FIELDS}}


def plain(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, Enum):
        return plain(value.value)
    if isinstance(value, (Decimal, float)):
        return str(value)
    if isinstance(value, (UUID, date, datetime)):
        return str(value)
    if is_dataclass(value):  # before Mapping: a cycle ledger is both, and its fields keep the planned order
        return {"type": type(value).__qualname__, **{f.name: plain(getattr(value, f.name)) for f in fields(value)}}
    if isinstance(value, Mapping):  # any mapping, however it is kept
        return [[plain(key), plain(item)] for key, item in sorted(value.items(), key=lambda kv: str(kv[0]))]
    if isinstance(value, Set):
        return sorted((plain(item) for item in value), key=str)
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if hasattr(value, "__dict__"):
        return {"type": type(value).__qualname__, **{k: plain(v) for k, v in sorted(vars(value).items())}}
    raise TypeError(f"no plain form for {type(value).__qualname__}")
