"""The outbox view: every message with its status, for listing, for the dashboard's and the digests' counts, and
for finding what is due for a try. A row per message, in columns (not a document), so that those questions
are indexed queries. The messages' own events stay the truth: a sender loads the message before it claims it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Column, Integer, String, Table, Text, select
from sqlalchemy.engine import Connection

from pdsa_engine.projections.runner import Change, View
from pdsa_engine.projections.store import METADATA, upsert

OUTBOX = Table(
    "view_outbox", METADATA,
    Column("id", String(36), primary_key=True),
    Column("kind", String(40), nullable=False, index=True),
    Column("recipient_id", String(36), nullable=False, index=True),
    Column("project_id", String(36), index=True),
    Column("cohort_id", String(36)),
    Column("status", String(16), nullable=False, index=True),
    Column("attempts", Integer, nullable=False),
    Column("queued_at", String(40), nullable=False),
    Column("next_try", String(40)),  # UTC ISO text: compares in time order
    Column("claimed_until", String(40)),
    Column("changed_at", String(40), nullable=False),
    Column("message_id", Text),
    Column("last_error", Text),
)
_COLUMNS = [column.name for column in OUTBOX.columns]


class OutboxView(View):
    name = "outbox"
    version = 1
    tables = (OUTBOX,)
    handles = frozenset(f"OutboxMessage.{e}" for e in (
        "Queued", "Claimed", "Sent", "Deferred", "Failed", "Dropped", "Retried"))

    def apply(self, connection: Connection, changes: Sequence[Change]) -> None:
        ids = {c.aggregate_id for c in changes if c.name != "OutboxMessage.Queued"}
        rows: dict[str, dict[str, Any]] = {}
        if ids:
            query = select(OUTBOX).where(OUTBOX.c.id.in_(sorted(ids)))
            rows = {row.id: dict(row._mapping) for row in connection.execute(query)}
        for change in changes:
            _apply(rows, change)
        upsert(connection, OUTBOX, [{name: row.get(name) for name in _COLUMNS} for row in rows.values()], "id")


def _apply(rows: dict[str, dict[str, Any]], change: Change) -> None:
    data, event = change.data, change.name.split(".")[1]
    if event == "Queued":
        rows[change.aggregate_id] = {
            "id": change.aggregate_id, "kind": data["kind"], "recipient_id": data["recipient_id"],
            "project_id": data["about"].get("project_id"), "cohort_id": data["about"].get("cohort_id"),
            "status": "queued", "attempts": 0, "queued_at": change.at, "next_try": change.at, "claimed_until": None,
            "changed_at": change.at, "message_id": None, "last_error": None,
        }
        return
    row = rows[change.aggregate_id]
    row["changed_at"] = change.at
    if event == "Claimed":
        row.update(status="sending", attempts=data["attempt"], claimed_until=data["until"])
    elif event == "Sent":
        row.update(status="sent", message_id=data["message_id"], claimed_until=None, next_try=None)
    elif event == "Deferred":
        row.update(status="deferred", last_error=data["error"], next_try=data["next_try"], claimed_until=None)
    elif event in ("Failed", "Dropped"):
        row.update(status=event.lower(), last_error=data.get("error") or data.get("reason"), claimed_until=None,
                   next_try=None)
    elif event == "Retried":
        row.update(status="queued", attempts=0, next_try=change.at)
