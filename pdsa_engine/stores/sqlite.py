from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder

from pdsa_engine.audit.sealing import CHAIN_TABLE, Sealing


class SealingSQLiteRecorder(Sealing, SQLiteApplicationRecorder):
    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(),
                f"CREATE TABLE IF NOT EXISTS {CHAIN_TABLE} (notification_id INTEGER PRIMARY KEY, "
                "previous_id INTEGER NOT NULL, link BLOB NOT NULL, seal BLOB NOT NULL)"]

    def _insert_events(self, c: Any, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        ids = super()._insert_events(c, stored_events, **kwargs) or []
        if ids:
            c.execute(f"SELECT notification_id, link FROM {CHAIN_TABLE} ORDER BY notification_id DESC LIMIT 1")
            last = c.fetchone()
            older = False
            if last is None:
                c.execute(f"SELECT 1 FROM {self.events_table_name} WHERE rowid < ? LIMIT 1", (ids[0],))
                older = c.fetchone() is not None
            c.executemany(f"INSERT INTO {CHAIN_TABLE} VALUES (?, ?, ?, ?)",
                          self.chain_rows((last[0], bytes(last[1])) if last else None, ids, stored_events, older))
        return ids

    def has_tables(self) -> bool:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN (?, ?)",
                           (self.events_table_name, CHAIN_TABLE))
            return cursor.fetchone()[0] == 2

    def create_tables(self) -> None:
        self.create_table()  # SQLite serialises writers, and its statements say IF NOT EXISTS

    def select_chain(self, start: int, limit: int) -> list[tuple[int, int, bytes, bytes]]:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(f"SELECT notification_id, previous_id, link, seal FROM {CHAIN_TABLE} "
                           "WHERE notification_id >= ? ORDER BY notification_id LIMIT ?", (start, limit))
            return [(row[0], row[1], bytes(row[2]), bytes(row[3])) for row in cursor.fetchall()]

    def insert_chain(self, rows: list[tuple[int, int, bytes, bytes]]) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.executemany(f"INSERT INTO {CHAIN_TABLE} VALUES (?, ?, ?, ?)", rows)

    def ids_between(self, lowest: UUID, highest: UUID, limit: int) -> list[UUID]:
        """Aggregate ids in a range (those that begin with the same digits), through the events' index."""
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(f"SELECT DISTINCT originator_id FROM {self.events_table_name} WHERE originator_id "
                           "BETWEEN ? AND ? LIMIT ?", (lowest.hex, highest.hex, limit))
            return [UUID(row[0]) for row in cursor.fetchall()]

    def position_of(self, originator_id: UUID, version: int) -> int | None:
        """The notification id of an aggregate's event at a version."""
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(f"SELECT rowid FROM {self.events_table_name} WHERE originator_id = ? "
                           "AND originator_version = ?", (originator_id.hex, version))
            row = cursor.fetchone()
            return None if row is None else row[0]

    def aggregate_heads(self, up_to: int, min_version: int) -> list[tuple[UUID, int]]:
        """Aggregates whose histories up to a position reach a version, with the version they reach."""
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(f"SELECT originator_id, MAX(originator_version) FROM {self.events_table_name} "
                           "WHERE rowid <= ? GROUP BY originator_id HAVING MAX(originator_version) >= ?",
                           (up_to, min_version))
            return [(UUID(row[0]), row[1]) for row in cursor.fetchall()]

    def select_histories(self, originator_ids: Iterable[UUID]) -> dict[UUID, list[StoredEvent]]:
        """The whole histories of several aggregates in one query per 500 (one query each would cost a round
        trip each: a project has hundreds of cycles)."""
        wanted = [originator_id.hex for originator_id in originator_ids]
        found: dict[UUID, list[StoredEvent]] = {}
        with self.datastore.transaction(commit=False) as cursor:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start:start + 500]
                cursor.execute(f"SELECT originator_id, originator_version, topic, state "
                               f"FROM {self.events_table_name} WHERE originator_id IN ({', '.join('?' * len(chunk))}) "
                               "ORDER BY originator_id, originator_version", chunk)
                for row in cursor.fetchall():
                    originator_id = UUID(row[0])
                    found.setdefault(originator_id, []).append(StoredEvent(originator_id, row[1], row[2], row[3]))
        return found
