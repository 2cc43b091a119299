"""Sealing: recorders extend the hash chain, and seal each new link, in the same transaction as the events.

Writers are already serialised (SQLite has one writer; eventsourcing's PostgreSQL recorder locks the events
table while it inserts), so reading the last link and appending the next ones cannot race. A store that holds
events but no chain was written before sealing existed: `pdsa init` seals it; until then nothing is stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import PersistenceError, StoredEvent

from pdsa_engine.audit.chain import GENESIS, next_link
from pdsa_engine.audit.keys import AuditKey

CHAIN_TABLE = "pdsa_audit_chain"
SEALING_BATCH = 10_000  # events read and sealed at a time by `pdsa init` on a history written before sealing


class Unsealed(PersistenceError):
    """Events cannot be stored without the audit key, or on a history that was never sealed."""


class Sealing:
    """What both recorders share: given the last link, the rows that extend the chain."""

    sealer: AuditKey | None = None
    key_path: object = "PDSA_AUDIT_KEY"  # where the key was looked for, for the message when it is missing

    def chain_rows(self, last: tuple[int, bytes] | None, ids: Sequence[int], events: Sequence[StoredEvent],
                   older_events: bool) -> list[tuple[int, int, bytes, bytes]]:
        """Rows (position, previous position, link, seal). Each names the event before it, so a deleted event
        is found at its own position, whatever gaps the database's numbering has."""
        if self.sealer is None:
            raise Unsealed(f"the audit key is missing at {self.key_path} (PDSA_AUDIT_KEY), so no event can be "
                           "stored: restore the key file from its backup, or point PDSA_AUDIT_KEY at it")
        if last is None and older_events:
            raise Unsealed("this database's history has not been sealed yet: run `pdsa init` first")
        previous, link = last or (0, GENESIS)
        rows = []
        for notification_id, event in zip(ids, events):
            link = next_link(link, notification_id, event.originator_id, event.originator_version, event.topic,
                             event.state)
            rows.append((notification_id, previous, link, self.sealer.seal(notification_id, previous, link)))
            previous = notification_id
        return rows


def seal_history(recorder: Any, key: AuditKey) -> int:
    """Seals a history written before sealing existed (`pdsa init`); returns how many events it sealed.
    Only a store with no seal at all is adopted: sealing a tail after existing seals would bless forgeries."""
    if recorder.select_chain(1, 1):
        return 0
    previous, link, start, sealed = 0, GENESIS, 1, 0
    while batch := recorder.select_notifications(start, SEALING_BATCH):
        rows = []
        for event in batch:
            link = next_link(link, event.id, event.originator_id, event.originator_version, event.topic,
                             event.state)
            rows.append((event.id, previous, link, key.seal(event.id, previous, link)))
            previous = event.id
        recorder.insert_chain(rows)
        sealed += len(rows)
        start = batch[-1].id + 1
    return sealed
