from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg.sql import SQL, Identifier

from pdsa_engine.audit.sealing import CHAIN_TABLE, Sealing

_SCHEMA_LOCK = 0x706473615F646462  # serialises creating the tables: concurrent CREATE OR REPLACE statements collide


class SealingPostgresRecorder(Sealing, PostgresApplicationRecorder):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        schema = Identifier(self.datastore.schema or "public")
        table = SQL("{0}.{1}").format(schema, Identifier(CHAIN_TABLE))
        self.sql_create_statements.append(SQL(
            "CREATE TABLE IF NOT EXISTS {0} (notification_id bigint PRIMARY KEY, previous_id bigint NOT NULL, "
            "link bytea NOT NULL, seal bytea NOT NULL)").format(table))
        self._schema = self.datastore.schema or "public"
        self._select_last_link = SQL("SELECT notification_id, link FROM {0} ORDER BY notification_id DESC "
                                     "LIMIT 1").format(table)
        self._insert_links = SQL("INSERT INTO {0} VALUES (%s, %s, %s, %s)").format(table)
        self._select_links = SQL("SELECT notification_id, previous_id, link, seal FROM {0} "
                                 "WHERE notification_id >= %s ORDER BY notification_id LIMIT %s").format(table)
        events = SQL("{0}.{1}").format(schema, Identifier(self.events_table_name))
        self._position_of = SQL("SELECT notification_id FROM {0} WHERE originator_id = %s "
                                "AND originator_version = %s").format(events)
        self._aggregate_heads = SQL("SELECT originator_id, MAX(originator_version) AS version FROM {0} "
                                    "WHERE notification_id <= %s GROUP BY originator_id "
                                    "HAVING MAX(originator_version) >= %s").format(events)
        self._select_histories = SQL("SELECT originator_id, originator_version, topic, state FROM {0} "
                                     "WHERE originator_id = ANY(%s) ORDER BY originator_id, "
                                     "originator_version").format(events)
        self._ids_between = SQL("SELECT DISTINCT originator_id FROM {0} WHERE originator_id BETWEEN %s AND %s "
                                "LIMIT %s").format(events)
        self._older_events = SQL("SELECT 1 FROM {0}.{1} WHERE notification_id < %s LIMIT 1").format(
            schema, Identifier(self.events_table_name))

    def _fetch_ids_after_insert_events(self, curs: Any, stored_events: Sequence[StoredEvent],
                                       **kwargs: Any) -> Sequence[int] | None:
        ids = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs) or []
        if ids:  # still inside the insert's transaction, with the events table locked
            curs.execute(self._select_last_link)
            last = curs.fetchone()
            older = False
            if last is None:
                curs.execute(self._older_events, (ids[0],))
                older = curs.fetchone() is not None
            previous = (last["notification_id"], bytes(last["link"])) if last else None
            curs.executemany(self._insert_links, self.chain_rows(previous, ids, stored_events, older))
        return ids

    def has_tables(self) -> bool:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute("SELECT count(to_regclass(name)) AS found FROM unnest(%s::text[]) AS name",
                           ([f"{self._schema}.{self.events_table_name}", f"{self._schema}.{CHAIN_TABLE}"],))
            return cursor.fetchone()["found"] == 2

    def create_tables(self) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
            if not self.has_tables():  # whoever held the lock before us may have created them
                self.create_table()

    def select_chain(self, start: int, limit: int) -> list[tuple[int, int, bytes, bytes]]:
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(self._select_links, (start, limit))
            return [(r["notification_id"], r["previous_id"], bytes(r["link"]), bytes(r["seal"]))
                    for r in cursor.fetchall()]

    def insert_chain(self, rows: list[tuple[int, int, bytes, bytes]]) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.executemany(self._insert_links, rows)

    def ids_between(self, lowest: UUID, highest: UUID, limit: int) -> list[UUID]:
        """Aggregate ids in a range (those that begin with the same digits), through the events' index."""
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(self._ids_between, (lowest, highest, limit))
            return [row["originator_id"] for row in cursor.fetchall()]

    def position_of(self, originator_id: UUID, version: int) -> int | None:
        """The notification id of an aggregate's event at a version."""
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(self._position_of, (originator_id, version))
            row = cursor.fetchone()
            return None if row is None else row["notification_id"]

    def aggregate_heads(self, up_to: int, min_version: int) -> list[tuple[UUID, int]]:
        """Aggregates whose histories up to a position reach a version, with the version they reach."""
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(self._aggregate_heads, (up_to, min_version))
            return [(row["originator_id"], row["version"]) for row in cursor.fetchall()]

    def select_histories(self, originator_ids: Iterable[UUID]) -> dict[UUID, list[StoredEvent]]:
        """The whole histories of several aggregates in one query (one query each would cost a round trip each:
        a project has hundreds of cycles)."""
        found: dict[UUID, list[StoredEvent]] = {}
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(self._select_histories, (list(originator_ids),))
            for row in cursor.fetchall():
                found.setdefault(row["originator_id"], []).append(StoredEvent(
                    row["originator_id"], row["originator_version"], row["topic"], bytes(row["state"])))
        return found
