"""Reading the outbox view for people: `pdsa outbox list`, the dashboards' counts of what was sent."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select

from pdsa_engine.projections.outbox import OUTBOX
from pdsa_engine.projections.store import ViewStore


def outbox_rows(store: ViewStore, status: str | None, kind: str | None, limit: int,
                name_of: Callable[[str], str]) -> list[dict[str, Any]]:
    query = select(OUTBOX).order_by(OUTBOX.c.changed_at.desc(), OUTBOX.c.id).limit(limit)
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


def sent_per_recipient(store: ViewStore, kinds: tuple[str, ...]) -> dict[str, int]:
    """How many messages of these kinds went to each person."""
    with store.engine.connect() as connection:
        rows = connection.execute(select(OUTBOX.c.recipient_id, func.count()).where(
            OUTBOX.c.status == "sent", OUTBOX.c.kind.in_(kinds)).group_by(OUTBOX.c.recipient_id))
        return dict(rows.all())


def failed_count(store: ViewStore, cohort_id: str) -> int:
    with store.engine.connect() as connection:
        return connection.execute(select(func.count()).where(
            OUTBOX.c.status == "failed", OUTBOX.c.cohort_id == cohort_id)).scalar() or 0
