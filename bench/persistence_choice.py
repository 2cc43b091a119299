"""eventsourcing 9.5's own sqlite/postgres modules against eventsourcing-sqlalchemy, on the same databases:
writes (one save per transaction) and reads (whole aggregates, and the notification log)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from eventsourcing.application import Application

from bench.baselines import Payload

AGGREGATES, EVENTS_EACH = 200, 10  # 2,000 events written in 2,000 transactions, then read back


@dataclass
class Rates:
    write: float  # events/s
    read_aggregates: float  # events/s, through the repository
    read_log: float  # events/s, select_notifications in pages of 500


def measure(env: dict[str, str]) -> Rates:
    app = Application(env)
    try:
        aggregates = []
        started = time.perf_counter()
        for _ in range(AGGREGATES):
            aggregate = Payload(payload="x" * 200)
            app.save(aggregate)
            for _ in range(EVENTS_EACH - 1):
                aggregate.change("y" * 200)
                app.save(aggregate)
            aggregates.append(aggregate.id)
        write = AGGREGATES * EVENTS_EACH / (time.perf_counter() - started)
        started = time.perf_counter()
        for aggregate_id in aggregates:
            app.repository.get(aggregate_id)
        read = AGGREGATES * EVENTS_EACH / (time.perf_counter() - started)
        started, start, count = time.perf_counter(), 1, 0
        while batch := app.recorder.select_notifications(start, 500):
            count += len(batch)
            start = batch[-1].id + 1
        log = count / (time.perf_counter() - started)
        return Rates(write, read, log)
    finally:
        app.close()


def native_sqlite(path: str) -> dict[str, str]:
    return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": path}


def sqlalchemy_url(url: str) -> dict[str, str]:
    return {"PERSISTENCE_MODULE": "eventsourcing_sqlalchemy", "SQLALCHEMY_URL": url}


def native_postgres(host: str, port: int, dbname: str) -> dict[str, str]:
    return {"PERSISTENCE_MODULE": "eventsourcing.postgres", "POSTGRES_DBNAME": dbname, "POSTGRES_HOST": host,
            "POSTGRES_PORT": str(port), "POSTGRES_USER": "postgres", "POSTGRES_PASSWORD": ""}
