"""The audit log view: every event of every aggregate as a line — when, who and in which role, the project it
belongs to, the reason given, and the fields it changed as old → new, computed from the aggregate's state just
before and just after the event (not a dump of the event). Sentences and names are added when it is read.

The view keeps the state it has seen of each aggregate (its state after the last event the view applied), so each
event is decoded once and applied once, and compared where it changed the state: a rebuild reads the log in one
pass, and catching up one new point of a long series costs what the point changed. A state not at hand (a new
process, or one pushed out of the cache) is loaded at the version just before the event, from its newest sealed
snapshot (growing.py takes them as histories grow) and the events since.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import BigInteger, Column, String, Table, Text, select
from sqlalchemy.engine import Connection

from pdsa_engine.application import PdsaApplication
from pdsa_engine.audit.sentences import EVENT_NAMES, PERSON_FIELDS, PERSON_LISTS
from pdsa_engine.audit.snapshots import SealedSnapshots
from pdsa_engine.audit.state import PERSONAL, applied
from pdsa_engine.projections.runner import Change, View
from pdsa_engine.projections.store import METADATA, dumps, upsert

SEEN_STATES = 20_000  # aggregates whose latest state the view keeps at hand; beyond them, the least recent go

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

    def __init__(self, app: PdsaApplication, snapshots: SealedSnapshots | None = None) -> None:
        self.app = app
        self.snapshots = snapshots
        self._seen: OrderedDict[str, Any] = OrderedDict()  # aggregate id → its state at the last event applied

    def apply(self, connection: Connection, changes: Sequence[Change]) -> None:
        rows = []
        for change in changes:
            changed, project_id = self._applied(change)
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

    def _applied(self, change: Change) -> tuple[list[Any], str | None]:
        """The fields one event changed, and the project its aggregate belongs to."""
        before = self._state_before(change)
        after, changed = applied(self.app.mapper.to_domain_event(change.stored), before)
        self._seen[change.aggregate_id] = after
        self._seen.move_to_end(change.aggregate_id)
        if len(self._seen) > SEEN_STATES:
            self._seen.popitem(last=False)
        return changed, _project_of(after)

    def _state_before(self, change: Change) -> Any:
        if change.version == 1:
            return None
        seen = self._seen.get(change.aggregate_id)
        if seen is not None and seen.version == change.version - 1:
            return seen
        aggregate_id, version = UUID(change.aggregate_id), change.version - 1
        state = self.snapshots.latest(aggregate_id, version) if self.snapshots is not None else None
        for domain_event in self.app.events.get(aggregate_id, gt=state.version if state else None, lte=version):
            state = domain_event.mutate(state)
        return state


def _project_of(aggregate: Any) -> str | None:
    if type(aggregate).__name__ == "ImprovementProject":
        return str(aggregate.id)
    project_id = getattr(aggregate, "project_id", None)
    return str(project_id) if project_id else None


def periods_recorded_since(connection: Connection, measure_ids: Sequence[str], since: str) -> dict[str, set[str]]:
    """The periods of each series whose value was recorded or corrected at or after `since` (UTC ISO text): the
    audit log holds when each point came."""
    found: dict[str, set[str]] = {measure_id: set() for measure_id in measure_ids}
    if not found:
        return found
    rows = connection.execute(select(AUDIT.c.aggregate_id, AUDIT.c.document).where(
        AUDIT.c.aggregate_id.in_(sorted(found)), AUDIT.c.at >= since,
        AUDIT.c.event.in_(("MeasureSeries.PointRecorded", "MeasureSeries.PointCorrected"))))
    for measure_id, document in rows:
        found[measure_id].add(json.loads(document)["data"]["period"])
    return found
