"""Direct access to a test database's stored rows, as someone with write access to the database (but not to
the key files) has it: for the tamper tests."""

from __future__ import annotations

import sqlite3
from typing import Any

import psycopg


class Database:
    """Direct access to the stored rows, as someone with write access to the database (but not the key)."""

    def __init__(self, url: str) -> None:
        self.sqlite = url.startswith("sqlite")
        self.url = url
        self.events, self.id = ("stored_events", "rowid") if self.sqlite else ("pdsa_events", "notification_id")

    def run(self, statement: str, *params: Any) -> list[tuple[Any, ...]]:
        if self.sqlite:
            with sqlite3.connect(self.url.removeprefix("sqlite:///")) as connection:
                return connection.execute(statement, params).fetchall()
        with psycopg.connect(self.url, autocommit=True) as connection:
            cursor = connection.execute(statement.replace("?", "%s"), params)
            return cursor.fetchall() if cursor.description else []

    def row(self, position: int) -> tuple[Any, ...]:
        return self.run(f"SELECT originator_id, originator_version, topic, state FROM {self.events} "
                        f"WHERE {self.id} = ?", position)[0]

    def put(self, position: int, row: tuple[Any, ...]) -> None:
        self.run(f"UPDATE {self.events} SET originator_id = ?, originator_version = ?, topic = ?, state = ? "
                 f"WHERE {self.id} = ?", *row, position)

    def insert(self, position: int, row: tuple[Any, ...]) -> None:
        self.run(f"INSERT INTO {self.events} ({self.id}, originator_id, originator_version, topic, state) "
                 "VALUES (?, ?, ?, ?, ?)", position, *row)

    def renumber_after(self, position: int) -> None:
        """Moves every event after a position one place up, making room for a forged one."""
        for table, column in ((self.events, self.id), ("pdsa_audit_chain", "notification_id")):
            self.run(f"UPDATE {table} SET {column} = -{column} - 1 WHERE {column} > ?", position)
            self.run(f"UPDATE {table} SET {column} = -{column} WHERE {column} < 0")
