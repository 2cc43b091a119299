"""Sealed snapshots taken as histories grow, so that a long history is never replayed from its first event.

A view like the others (the runner brings it every event once, in order, crash-safe): it verifies the chain as
the events pass, link by link and seal by seal, exactly as `pdsa audit verify` does, from the last position it
verified (kept sealed in audit_verified, so that it cannot be moved on by hand); and whenever an event brings an
aggregate to a multiple of snapshots.EVERY versions, it seals a snapshot of that aggregate there, as `pdsa audit
checkpoint` does after a full verification. The first link or seal that does not hold stops it: from there on
no snapshot is taken (verify names the break), until the view is rebuilt over a sound history.

The snapshots themselves are not the view's rows: rebuilding the view verifies the history again, and keeps
the snapshots that still hold.
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import BigInteger, Column, LargeBinary, String, Table, select
from sqlalchemy.engine import Connection

from pdsa_engine.audit import snapshots as sealed
from pdsa_engine.audit.chain import GENESIS, next_link
from pdsa_engine.audit.sentences import EVENT_NAMES
from pdsa_engine.audit.snapshots import SNAPSHOTS, SealedSnapshots
from pdsa_engine.projections.runner import Change, View
from pdsa_engine.projections.store import METADATA, upsert

VERIFIED = Table(
    "audit_verified", METADATA,
    Column("name", String(16), primary_key=True),  # one row, "chain"
    Column("position", BigInteger, nullable=False),
    Column("link", LargeBinary, nullable=False),
    Column("seal", LargeBinary, nullable=False),
)
_ROW = "chain"
_WHERE_VERIFIED = select(VERIFIED).where(VERIFIED.c.name == _ROW)  # built once: run on every catch-up


class GrowingHistories(View):
    name = "snapshots"
    version = 1
    tables = (VERIFIED,)
    handles = frozenset(EVENT_NAMES)

    def __init__(self, app: Any, snapshots: SealedSnapshots) -> None:
        self.app = app
        self.snapshots = snapshots

    def apply(self, connection: Connection, changes: Sequence[Change]) -> None:
        key = self.snapshots.key
        verified = self._verified(connection)
        if key is None or verified is None:
            return  # no key to check seals with, or a break found before: nothing is taken
        position, link = verified
        first, last = changes[0].position, changes[-1].position
        chain = {row[0]: row for row in self.app.recorder.select_chain(first, last - first + 1)}
        due = []
        for change in changes:
            stored = change.stored
            row = chain.get(change.position)
            link = next_link(link, change.position, stored.originator_id, stored.originator_version, stored.topic,
                             stored.state)
            if row is None or row[1] != position or row[2] != link or \
                    not hmac.compare_digest(row[3], key.seal(row[0], row[1], row[2])):
                self._stop(connection)
                return
            position = change.position
            if change.version % sealed.EVERY == 0:
                due.append(change)
        upsert(connection, VERIFIED, [{"name": _ROW, "position": position, "link": link,
                                       "seal": key.seal_verified(position, link)}], "name")
        rows = [row for change in due
                if (row := self.snapshots.take_at(self.app, UUID(change.aggregate_id), change.version)) is not None]
        upsert(connection, SNAPSHOTS, rows, ("aggregate_id", "version"))

    def _verified(self, connection: Connection) -> tuple[int, bytes] | None:
        """Where the chain was last verified, and its link there; None once verification has stopped."""
        row = connection.execute(_WHERE_VERIFIED).first()
        if row is None:
            return 0, GENESIS
        key = self.snapshots.key
        if key is None or not row.seal or not hmac.compare_digest(bytes(row.seal),
                                                                  key.seal_verified(row.position, bytes(row.link))):
            return None
        return row.position, bytes(row.link)

    def _stop(self, connection: Connection) -> None:
        upsert(connection, VERIFIED, [{"name": _ROW, "position": 0, "link": GENESIS, "seal": b""}], "name")
