"""Reading the outbox view for people: `pdsa outbox list`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select

from pdsa_engine.projections.outbox import OUTBOX
from pdsa_engine.projections.store import ViewStore


def outbox_counts(store: ViewStore) -> dict[str, int]:
    """How many messages are in each state."""
    query = select(OUTBOX.c.status, func.count()).group_by(OUTBOX.c.status)
    with store.engine.connect() as connection:
        return {status: count for status, count in connection.execute(query)}


def outbox_rows(store: ViewStore, status: str | None, kind: str | None, limit: int,
                name_of: Callable[[str], str], offset: int = 0) -> list[dict[str, Any]]:
    query = select(OUTBOX).order_by(OUTBOX.c.changed_at.desc(), OUTBOX.c.id).limit(limit).offset(offset)
    if status:
        query = query.where(OUTBOX.c.status == status)
    if kind:
        query = query.where(OUTBOX.c.kind == kind)
    with store.engine.connect() as connection:
        rows = [dict(row._mapping) for row in connection.execute(query)]
    return [{"id": row["id"], "kind": row["kind"], "recipient": {"id": row["recipient_id"],
                                                                  "name": name_of(row["recipient_id"])},
             "status": row["status"], "attempts": row["attempts"], "message_id": row["message_id"],
             "project_id": row["project_id"], "queued_at": row["queued_at"], "changed_at": row["changed_at"],
             "next_try": row["next_try"], "last_error": row["last_error"]} for row in rows]

