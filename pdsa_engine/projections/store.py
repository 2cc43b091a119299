"""Where the read models live: tables in the events' own database, written through SQLAlchemy Core (one path
for SQLite and PostgreSQL), each view's rows and its tracking position committed in one transaction.

Tracking is compare-and-set: a batch first moves its view's position from where it read it to the new one;
if another process got there first nothing is written and the caller reads again. So a position is never
recorded without its writes, nor the same events applied twice.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Tracking, TrackingRecorder
from sqlalchemy import (
    BigInteger,
    Column,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    create_engine,
    event,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError, ProgrammingError

from pdsa_engine.config import Settings

METADATA = MetaData()
TRACKING = Table(
    "projection_tracking", METADATA,
    Column("view_name", String(64), primary_key=True),
    Column("notification_id", BigInteger, nullable=False),
    Column("version", Integer, nullable=False),
)
_SCHEMA_LOCK = 0x706473615F766965  # serialises creating the views' tables on PostgreSQL
# Statements run on every catch-up are built once: SQLAlchemy then finds them compiled in its cache.
_ADVANCE = (update(TRACKING).where(TRACKING.c.view_name == bindparam("view"), TRACKING.c.notification_id == bindparam("was"))
            .values(notification_id=bindparam("to")))
_POSITIONS = select(TRACKING.c.view_name, TRACKING.c.notification_id)


def open_store(settings: Settings) -> ViewStore:
    """The views' engine. Everything written through it is derived from the log (views, their positions, sealed
    snapshots), so its commits do not wait for the disk: atomic and in order still, a crash or power cut can only
    lose the last few, which leaves the views at an earlier position they catch up from again. Waiting for the
    disk was the largest single cost in a profile of catching up one event. Facts of their own (an outbox, sessions) need an engine that waits."""
    if not settings.is_sqlite:
        return ViewStore(create_engine(settings.sqlalchemy_url(), pool_size=2,
                                       connect_args={"options": "-c synchronous_commit=off"}))
    engine = create_engine(settings.sqlalchemy_url(), connect_args={"timeout": 10})
    event.listen(engine, "connect", _commit_without_waiting_for_the_disk)
    return ViewStore(engine)


def _commit_without_waiting_for_the_disk(connection: Any, _record: Any) -> None:
    # Only in the WAL mode the event store sets: in the rollback-journal mode a power cut could corrupt the file.
    if connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
        connection.execute("PRAGMA synchronous = NORMAL")


class ViewStore(TrackingRecorder):
    """The views' database, and eventsourcing's TrackingRecorder for their positions."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def ensure(self, views: Iterable[Any]) -> None:
        """Creates missing tables; a view whose stored version differs from the code's is emptied to rebuild."""
        views = list(views)
        with self.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK})
            _create_all(connection)
            known = {row.view_name: row.version for row in connection.execute(select(TRACKING))}
            for view in views:
                if view.name not in known:
                    upsert(connection, TRACKING, [{"view_name": view.name, "notification_id": 0,
                                                   "version": view.version}], "view_name")
                elif known[view.name] != view.version:
                    self._recreate(connection, view)
                    self.reset(connection, view)

    @staticmethod
    def _recreate(connection: Connection, view: Any) -> None:
        """A new version of a view may keep other columns: its tables are made anew (they hold nothing that is
        not derived from the events)."""
        for table in view.tables:
            table.drop(connection, checkfirst=True)
            table.create(connection)

    def reset(self, connection: Connection, view: Any) -> None:
        """Empties a view and sets its position to the start of the log."""
        for table in view.tables:
            connection.execute(table.delete())
        connection.execute(update(TRACKING).where(TRACKING.c.view_name == view.name)
                           .values(notification_id=0, version=view.version))

    def advance(self, connection: Connection, view_name: str, was: int, to: int) -> bool:
        """Moves a view's position, in the caller's transaction, only if it is still where it was read."""
        result = connection.execute(_ADVANCE, {"view": view_name, "was": was, "to": to})
        return result.rowcount == 1

    # -- eventsourcing's TrackingRecorder -------------------------------------------------------------

    def insert_tracking(self, tracking: Tracking) -> None:
        with self.engine.begin() as connection:
            connection.execute(update(TRACKING).where(TRACKING.c.view_name == tracking.application_name)
                               .values(notification_id=tracking.notification_id))

    def max_tracking_id(self, application_name: str) -> int | None:
        with self.engine.connect() as connection:
            return connection.execute(
                select(TRACKING.c.notification_id).where(TRACKING.c.view_name == application_name)
            ).scalar()

    def positions(self) -> dict[str, int]:
        with self.engine.connect() as connection:
            return {row.view_name: row.notification_id for row in connection.execute(_POSITIONS)}

    def close(self) -> None:
        self.engine.dispose()


def _create_all(connection: Connection) -> None:
    try:
        METADATA.create_all(connection, checkfirst=True)
    except (OperationalError, ProgrammingError) as problem:
        if "already exists" not in str(problem):  # another SQLite process created them a moment ago
            raise


def upsert(connection: Connection, table: Table, rows: Sequence[dict[str, Any]], key: str | tuple[str, ...]) -> None:
    """Inserts rows, or replaces those whose key exists: one statement for many rows."""
    if not rows:
        return
    keys = (key,) if isinstance(key, str) else key
    connection.execute(_upsert_statement(table, keys), list(rows))


@lru_cache(maxsize=64)
def _upsert_statement(table: Table, keys: tuple[str, ...]) -> Any:
    """Built once per table, as text with typed parameters: SQLAlchemy cannot cache the compiled form of its own
    INSERT … ON CONFLICT (it logs "no key") and compiled it anew on every write, a quarter of catching up one
    event. SQLite and PostgreSQL share this syntax, quoted names included."""
    names = [column.name for column in table.columns]
    updates = ", ".join(f'"{name}" = excluded."{name}"' for name in names if name not in keys)
    columns, values, conflict = (", ".join(f'"{n}"' for n in names), ", ".join(f":{n}" for n in names),
                                 ", ".join(f'"{k}"' for k in keys))
    statement = text(f'INSERT INTO "{table.name}" ({columns}) VALUES ({values}) ON CONFLICT ({conflict}) '
                     + (f"DO UPDATE SET {updates}" if updates else "DO NOTHING"))
    return statement.bindparams(*(bindparam(column.name, type_=column.type) for column in table.columns))


def load_documents(connection: Connection, table: Table, key: str, ids: set[Any]) -> dict[str, dict[str, Any]]:
    """The JSON documents of the given rows, by key; rows not stored yet are simply absent."""
    ids.discard(None)
    if not ids:
        return {}
    rows = connection.execute(_documents_statement(table, key), {"ids": sorted(ids)})
    return {row[0]: json.loads(row[1]) for row in rows}


@lru_cache(maxsize=64)
def _documents_statement(table: Table, key: str) -> Any:
    column = table.c[key]
    return select(column, table.c.document).where(column.in_(bindparam("ids", expanding=True)))


def dumps(document: Any) -> str:
    """Views store JSON documents written the same way every time, so that two builds compare equal."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain)


def _plain(value: Any) -> Any:
    if isinstance(value, (UUID, Decimal)):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not stored in a view")
