"""Which of several schedulers sends: exactly one leads, the others wait to take over.

On PostgreSQL the leader holds a session-level advisory lock on a connection of its own; on SQLite, an
exclusive lock on a file beside the database. Either is released by the operating system or the server the
moment the leader's process dies, however it dies, so a waiting scheduler takes over at its next try.

Correctness never rests on this: two leaders at once (a network partition, a clock gone wrong) still send
nothing twice, because the outbox queues a notice once and a message is claimed before it is sent.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import Any

from pdsa_engine.config import Settings

_LOCK_KEY = 0x70647361_6C656164  # "pdsalead": the advisory lock's key, the same for every scheduler of a database


class FileLeadership:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: Any = None

    def try_to_lead(self) -> bool:
        if self._file is not None:
            return True
        handle = open(self.path, "a+")  # noqa: SIM115 - held open for as long as this process leads
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")  # for the operator who wonders who leads
        handle.flush()
        self._file = handle
        return True

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None


class PostgresLeadership:
    def __init__(self, conninfo: str) -> None:
        self.conninfo = conninfo
        self._connection: Any = None

    def try_to_lead(self) -> bool:
        import psycopg

        if self._connection is not None:
            try:  # still ours? A broken connection has lost the lock with it
                self._connection.execute("SELECT 1")
                return True
            except psycopg.Error:
                self.release()
        try:
            connection = psycopg.connect(self.conninfo, autocommit=True, connect_timeout=10,
                                         application_name="pdsa scheduler")
        except psycopg.Error:
            return False
        if connection.execute("SELECT pg_try_advisory_lock(%s)", (_LOCK_KEY,)).fetchone()[0]:
            self._connection = connection
            return True
        connection.close()
        return False

    def release(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()  # the server releases the session's lock
            except Exception:  # noqa: BLE001 - a connection already gone has released it too
                pass
            self._connection = None


def leadership_for(settings: Settings) -> FileLeadership | PostgresLeadership:
    if settings.is_sqlite:
        return FileLeadership(settings.sqlite_path.with_name(settings.sqlite_path.name + ".scheduler-lock"))
    env = settings.eventsourcing_env()
    conninfo = " ".join(f"{key}={_quoted(env[name])}" for key, name in (
        ("host", "POSTGRES_HOST"), ("port", "POSTGRES_PORT"), ("dbname", "POSTGRES_DBNAME"),
        ("user", "POSTGRES_USER"), ("password", "POSTGRES_PASSWORD")) if env.get(name))
    return PostgresLeadership(conninfo)


def _quoted(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
