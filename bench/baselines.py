"""What the scenario's writes cost without the engine: the bare eventsourcing library saving equivalent
events, and raw drivers inserting the same rows, one transaction per command."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import Notification

Transaction = list[Notification]


class Payload(Aggregate):
    """An aggregate whose events carry as many bytes as the engine's did."""

    @event("Created")
    def __init__(self, payload: str) -> None:
        self.payload = payload

    @event("Changed")
    def change(self, payload: str) -> None:
        self.payload = payload


def transactions_of(notifications: Sequence[Notification], bounds: Sequence[tuple[int, int]]) -> list[Transaction]:
    by_id = {n.id: n for n in notifications}
    return [[by_id[i] for i in range(first, last + 1)] for first, last in bounds if last >= first]


def bare_library(env: dict[str, str], transactions: list[Transaction]) -> list[float]:
    """Saves, per command, events of the same sizes on aggregates with the same ids and versions."""
    app = Application(env)
    live: dict[UUID, Payload] = {}
    latencies = []
    try:
        for transaction in transactions:
            started = time.perf_counter()
            touched = []
            for stored in transaction:
                payload = "x" * len(stored.state)
                aggregate = live.get(stored.originator_id)
                if aggregate is None:
                    aggregate = _created(stored, payload)
                    live[stored.originator_id] = aggregate
                else:
                    aggregate.change(payload)
                touched.append(aggregate)
            app.save(*touched)
            latencies.append(time.perf_counter() - started)
    finally:
        app.close()
    return latencies


def _created(stored: Notification, payload: str) -> Payload:
    return Payload._create(Payload.Created, id=stored.originator_id, payload=payload)


SQLITE_SCHEMA = (
    "CREATE TABLE stored_events (id INTEGER PRIMARY KEY AUTOINCREMENT, originator_id TEXT, "
    "originator_version INTEGER, topic TEXT, state BLOB)",
    "CREATE UNIQUE INDEX stored_events_index ON stored_events (originator_id, originator_version)",
)


def raw_sqlite(path: str, transactions: list[Transaction]) -> list[float]:
    """sqlite3 alone: the same rows into a table shaped like the library's, WAL mode, one transaction each."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    for statement in SQLITE_SCHEMA:
        connection.execute(statement)
    latencies = []
    for transaction in transactions:
        rows = [(n.originator_id.hex, n.originator_version, n.topic, n.state) for n in transaction]  # type: ignore[union-attr]
        started = time.perf_counter()
        connection.execute("BEGIN")
        connection.executemany("INSERT INTO stored_events (originator_id, originator_version, topic, state) "
                               "VALUES (?,?,?,?)", rows)
        connection.execute("COMMIT")
        latencies.append(time.perf_counter() - started)
    connection.close()
    return latencies


def raw_postgres(url: str, transactions: list[Transaction]) -> list[float]:
    """psycopg alone: the same rows into a table shaped like the library's, one transaction each."""
    latencies = []
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("CREATE TABLE raw_events (originator_id uuid NOT NULL, originator_version bigint NOT NULL, "
                           "topic text, state bytea, notification_id bigserial, "
                           "PRIMARY KEY (originator_id, originator_version))")
        for transaction in transactions:
            rows = [(n.originator_id, n.originator_version, n.topic, n.state) for n in transaction]
            started = time.perf_counter()
            with connection.transaction(), connection.cursor() as cursor:
                cursor.executemany("INSERT INTO raw_events (originator_id, originator_version, topic, state) "
                                   "VALUES (%s, %s, %s, %s)", rows)
            latencies.append(time.perf_counter() - started)
    return latencies


def all_notifications(recorder: Any) -> list[Notification]:
    found, start = [], 1
    while batch := recorder.select_notifications(start, 1000):
        found.extend(batch)
        start = batch[-1].id + 1
    return found
