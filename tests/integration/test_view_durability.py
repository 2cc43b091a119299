"""The views' commits do not wait for the disk (all they hold is derived from the log); the event store's do."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import text

from pdsa_engine.runtime import open_projections
from tests.builders import database_app, settings_for
from tests.support.postgres import TemporaryPostgres


@pytest.fixture(scope="module")
def durable_postgres() -> Iterator[TemporaryPostgres]:
    """A server that waits for the disk, as deployed: the other tests' server does not, so it cannot tell."""
    server = TemporaryPostgres(durable=True).start()
    yield server
    server.stop()


def test_on_sqlite_the_views_commit_in_normal_mode_and_the_events_in_full(sqlite_url: str) -> None:
    assert _asked(sqlite_url, "PRAGMA synchronous", lambda row: row[0]) == (1, 2)  # NORMAL in WAL mode, FULL


@pytest.mark.postgres
def test_on_postgres_only_the_views_commit_asynchronously(durable_postgres: TemporaryPostgres) -> None:
    url = durable_postgres.create_database("durability")
    assert _asked(url, "SHOW synchronous_commit", lambda row: row["synchronous_commit"]) == ("off", "on")


def _asked(url: str, question: str, value_of: Callable[[Any], object]) -> tuple[object, object]:
    """The answer of the views' connection and of the event store's."""
    app = database_app(url)
    views = open_projections(app, settings_for(url))
    with views.store.engine.connect() as connection:
        of_views = connection.execute(text(question)).scalar()
    with app.recorder.datastore.transaction(commit=False) as cursor:
        cursor.execute(question)
        of_events = value_of(cursor.fetchone())
    views.store.close()
    app.close()
    return of_views, of_events
