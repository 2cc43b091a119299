"""A replay's changes as a reader follows them: the ids in a field's path and in its values named as the reader
knows them (a person by name, a driver by its text, a measure by its name, a cycle by its objective), a person's id
beside their name (and an id beside what it names) left out, and days and moments as the reader writes them. The records, and the exports, keep
the ids and the UTC moments."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from pdsa_engine.notifications.i18n import Words

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?")


def names_in(state: dict[str, Any]) -> dict[str, str]:
    """The ids a replayed project holds, each by what a reader knows it as."""
    names: dict[str, str] = {}

    def person(ref: Any) -> None:
        if isinstance(ref, dict) and ref.get("id") and ref.get("name"):
            names[str(ref["id"])] = str(ref["name"])

    def walk(nodes: list[dict[str, Any]]) -> None:
        for node in nodes:
            names[str(node["id"])] = str(node["text"])
            walk(node.get("children") or [])

    if state.get("id") and state.get("title"):
        names[str(state["id"])] = str(state["title"])
    for role in ("participant", "sponsor", "coach"):
        person(state.get(role))
    walk(state.get("driver_diagram") or [])
    for measure in state.get("measures") or []:
        names[str(measure["measure_id"])] = str(measure["name"])
    for cycle in state.get("cycle_records") or []:
        names[str(cycle["id"])] = str((cycle.get("plan") or {}).get("objective") or cycle["id"])
    for signoff in state.get("signoff_records") or []:
        for key in ("sponsor", "requested_by"):
            person(signoff.get(key))
    return names


def readable(changes: list[dict[str, Any]] | None, names: dict[str, str],
             language: str | None) -> list[dict[str, Any]] | None:
    if changes is None:
        return None
    fields = {change["field"] for change in changes}
    shown = []
    for change in changes:
        path = change["field"]
        if path.endswith(".id") and f"{path[:-3]}.name" in fields:
            continue  # the person's name beside it says who
        if path.endswith("_id") and path[:-3] in fields:
            continue  # the thing itself beside it says which (a cycle's change_idea beside its change_idea_id)
        # A name's own full stops would read as the path's: they are written as the one-dot leader, which looks
        # the same.
        named = ".".join(names.get(part, part).replace(".", "\u2024") for part in path.split("."))
        shown.append({**change, "field": named,
                      "old": _value(change["old"], names, language), "new": _value(change["new"], names, language)})
    return shown


def _value(value: Any, names: dict[str, str], language: str | None) -> Any:
    if not isinstance(value, str) or not value:
        return value
    parts = value.split(", ")
    if all(part in names for part in parts):
        return ", ".join(names[part] for part in parts)
    words = Words(language or "en")  # as the pages write days and moments
    if _DAY.fullmatch(value):
        return words.date(value)
    if _MOMENT.fullmatch(value):
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return words.moment(moment) if moment.tzinfo is not None else words.date(moment.date())
    return value
