"""The audit log view: every event of every aggregate as a line — when, who and in which role, the project it
belongs to, the reason given, and the fields it changed as old → new, computed from the aggregate's state just
before and just after the event (not a dump of the event). Sentences and names are added when it is read."""

from __future__ import annotations

from collections.abc import Sequence
from copy import copy
from typing import Any
from uuid import UUID

from sqlalchemy import BigInteger, Column, String, Table, Text
from sqlalchemy.engine import Connection

from pdsa_engine.application import PdsaApplication
from pdsa_engine.audit.sentences import EVENT_NAMES, PERSON_FIELDS, PERSON_LISTS
from pdsa_engine.audit.state import PERSONAL, changed_fields
from pdsa_engine.projections.runner import Change, View
from pdsa_engine.projections.store import METADATA, dumps, upsert
from pdsa_engine.stores import select_histories

AUDIT = Table(
    "view_audit", METADATA,
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("at", String(40), nullable=False, index=True),
    Column("aggregate_id", String(36), nullable=False),
    Column("event", String(64), nullable=False, index=True),
    Column("actor_id", String(36)),
    Column("actor_role", String(32)),
    Column("project_id", String(36), index=True),
    Column("people", Text, nullable=False),  # everyone the event is by or about, for filtering by person
    Column("document", Text, nullable=False),  # {"data": …, "changes": […], "reason": …}
)


class AuditLogView(View):
    name = "audit"
    version = 3
    tables = (AUDIT,)
    handles = frozenset(EVENT_NAMES)

    def __init__(self, app: PdsaApplication) -> None:
        self.app = app

    def apply(self, connection: Connection, changes: Sequence[Change]) -> None:
        states = self._states(changes)
        rows = []
        for change in changes:
            changed, project_id = states[(change.aggregate_id, change.version)]
            personal = change.name.startswith("Person.")
            data = {k: v for k, v in change.data.items()
                    if k != "originator_topic" and not (personal and k in PERSONAL)}
            people = {change.by["person_id"]} if change.by else set()
            people |= {data[k] for k in PERSON_FIELDS if data.get(k)}
            people |= {p for k in PERSON_LISTS for p in data.get(k) or []}
            if personal:
                people.add(change.aggregate_id)
            rows.append({
                "position": change.position, "at": change.at, "aggregate_id": change.aggregate_id,
                "event": change.name, "actor_id": change.by["person_id"] if change.by else None,
                "actor_role": change.by["role"] if change.by else None, "project_id": project_id,
                "people": " ".join(sorted(people)),
                "document": dumps({"data": data, "changes": changed,
                                   "reason": data.get("reason") or data.get("comment")}),
            })
        upsert(connection, AUDIT, rows, "position")

    def _states(self, changes: Sequence[Change]) -> dict[tuple[str, int], tuple[list[Any], str | None]]:
        """For each event: the fields it changed and its project, replaying each aggregate once per batch, all
        of their histories read in one query."""
        versions: dict[str, list[int]] = {}
        for change in changes:
            versions.setdefault(change.aggregate_id, []).append(change.version)
        histories = select_histories(self.app.recorder, [UUID(aggregate_id) for aggregate_id in versions])
        found: dict[tuple[str, int], tuple[list[Any], str | None]] = {}
        for aggregate_id, numbers in versions.items():
            first, last = min(numbers), max(numbers)
            aggregate = None
            for stored in histories[UUID(aggregate_id)]:
                if stored.originator_version > last:  # stored after this batch's end: a later batch's
                    break
                before = aggregate
                domain_event = self.app.mapper.to_domain_event(stored)
                aggregate = domain_event.mutate(copy(before) if before is not None else None)
                if stored.originator_version >= first:
                    found[(aggregate_id, stored.originator_version)] = (changed_fields(before, aggregate),
                                                                        _project_of(aggregate))
        return found


def _project_of(aggregate: Any) -> str | None:
    if type(aggregate).__name__ == "ImprovementProject":
        return str(aggregate.id)
    project_id = getattr(aggregate, "project_id", None)
    return str(project_id) if project_id else None
