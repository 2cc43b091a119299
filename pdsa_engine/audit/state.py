"""An aggregate's state as flat "path → value" text, so that two moments can be compared field by field.

The aggregates' own kinds (a cycle ledger, a driver diagram) are known here by name: the CLI imports this module
for its help, which must not load the event store's library.

Personal data (a person's name and e-mail) is left out: it lives only in the Person aggregate and is read from
there when a log is shown, so that erasing a person never leaves copies in the audit log.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from copy import copy
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any
from uuid import UUID

from immutables import Map

PERSONAL = frozenset({"name", "email"})
_IDENTIFYING = ("id", "measure_id", "meeting_id", "node_id", "period")
_HIDDEN = frozenset({"_id", "_version", "_created_on", "_modified_on", "_pending_events"})


def flatten(aggregate: Any) -> dict[str, str]:
    """The state of an aggregate (or of a replayed view) as flat, comparable text values."""
    flat: dict[str, str] = {}
    personal = type(aggregate).__name__ == "Person"
    items = aggregate.items() if isinstance(aggregate, Mapping) else vars(aggregate).items()
    for name, value in items:
        if name in _HIDDEN or (personal and name in PERSONAL):
            continue
        _walk(name, value, flat)
    return flat


def changed_fields(before: Any, after: Any,
                   touched: Mapping[str, Collection[Any]] | None = None) -> list[dict[str, str | None]]:
    """The same as differences(flatten(before), flatten(after)), walking only the parts of the two states that
    are not the very same objects. Aggregates change copy-on-write, so whatever an event left alone is shared
    between before and after; a series of hundreds of points is not walked again for every point added.
    `touched` names, per field holding a map, the only keys whose values may differ (applied() knows them)."""
    old: dict[str, str] = {}
    new: dict[str, str] = {}
    old_fields, new_fields = _top_level(before), _top_level(after)
    known = touched or {}
    for name in old_fields.keys() | new_fields.keys():
        was, now = old_fields.get(name, _MISSING), new_fields.get(name, _MISSING)
        if name in known and type(was) is Map and type(now) is Map:  # only these keys can differ
            for key in known[name]:
                _compare(f"{name}.{_scalar(key)}", was.get(key, _MISSING), now.get(key, _MISSING), old, new)
        else:
            _compare(name, was, now, old, new)
    return differences(old, new)


def applied(domain_event: Any, before: Any) -> tuple[Any, list[dict[str, str | None]]]:
    """An event applied to a shallow copy of an aggregate's state (never to the state itself), and the fields it
    changed. The persistent maps of the state are watched while the event runs, so that the keys it sets are
    known: a series of thousands of points is then compared at the point the event recorded, not walked whole.
    A map the event made otherwise (delete(), update(), a new one) is compared whole."""
    if before is None:
        after = domain_event.mutate(None)
        return after, changed_fields(None, after)
    state = copy(before)
    watched = {name: _Watched(value) for name, value in vars(state).items() if type(value) is Map}
    vars(state).update(watched)
    after = domain_event.mutate(state)
    touched = {}
    for name, value in vars(after).items():
        if isinstance(value, _Watched):  # left as it was (or copied under another name): the map itself
            vars(after)[name] = value.inner
        elif name in watched and value is watched[name].result:
            # The map the event kept is what set() made of the one before (a persistent map: nothing else can
            # change it), so it differs at the keys set() was given, if anywhere.
            touched[name] = watched[name].noted
    return after, changed_fields(before, after, touched)


class _Watched(Mapping[Any, Any]):
    """A persistent map while one event is applied: reads pass through, and set() notes its key."""

    def __init__(self, inner: Map[Any, Any]) -> None:
        self.inner = inner
        self.noted: set[Any] = set()  # the keys set() was given
        self.result: Map[Any, Any] | None = None  # what the last set() gave

    def set(self, key: Any, value: Any) -> Map[Any, Any]:
        self.noted.add(key)
        self.result = self.inner.set(key, value)
        return self.result

    def __getitem__(self, key: Any) -> Any:
        return self.inner[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.inner)

    def __len__(self) -> int:
        return len(self.inner)

    def __getattr__(self, name: str) -> Any:  # delete(), update(), mutate(): what they give is not the result
        return getattr(self.inner, name)


_MISSING = object()
_MAPS = (dict, Map)


def _top_level(aggregate: Any) -> dict[str, Any]:
    """An aggregate's own fields, as flatten() reads them (the audit log compares aggregates, never views)."""
    if aggregate is None:
        return {}
    personal = type(aggregate).__name__ == "Person"
    return {name: value for name, value in vars(aggregate).items()
            if name not in _HIDDEN and not (personal and name in PERSONAL)}


def _compare(path: str, old: Any, new: Any, old_flat: dict[str, str], new_flat: dict[str, str]) -> None:
    if old is new:
        return
    if type(old) is type(new) and type(old) in _MAPS:
        # Only the keys whose values are not the very same object: a dict of hundreds of data points gains one.
        changed = [key for key, value in old.items() if new.get(key, _MISSING) is not value]
        changed += [key for key in new if key not in old]
        for key in changed:
            _compare(f"{path}.{_scalar(key)}", old.get(key, _MISSING), new.get(key, _MISSING), old_flat, new_flat)
        return
    old_parts, new_parts = _parts(old), _parts(new)
    if old_parts is not None and new_parts is not None and type(old) is type(new):
        for key in old_parts.keys() | new_parts.keys():
            _compare(f"{path}.{key}", old_parts.get(key, _MISSING), new_parts.get(key, _MISSING), old_flat, new_flat)
        return
    if old is not _MISSING:
        _walk(path, old, old_flat)
    if new is not _MISSING:
        _walk(path, new, new_flat)


def _parts(value: Any) -> dict[str, Any] | None:
    """The named parts of a cycle ledger, a driver diagram or a dataclass, as _walk descends into them (lists are
    walked whole: their items are named by identity, which _walk works out)."""
    if value is _MISSING or _is_scalar(value):
        return None
    kind = type(value).__name__
    if kind == "CycleLedger":
        return {str(ref.cycle_id): ref for ref in value.refs}
    if kind == "DriverDiagram":
        return {str(node.node_id): node for node in value.nodes}
    names = _field_names(type(value))
    return None if names is None else {name: getattr(value, name) for name in names}


@cache
def _field_names(kind: type) -> tuple[str, ...] | None:
    return tuple(f.name for f in fields(kind)) if is_dataclass(kind) else None


def _walk(path: str, value: Any, flat: dict[str, str]) -> None:
    if _is_scalar(value):
        flat[path] = _scalar(value)
    elif type(value).__name__ == "CycleLedger":  # its cycles by id
        for ref in value.refs:
            _walk(f"{path}.{ref.cycle_id}", ref, flat)
    elif type(value).__name__ == "DriverDiagram":  # its nodes by id
        for node in value.nodes:
            _walk(f"{path}.{node.node_id}", node, flat)
    elif (names := _field_names(type(value))) is not None:
        for name in names:
            _walk(f"{path}.{name}", getattr(value, name), flat)
    elif isinstance(value, Mapping):
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
