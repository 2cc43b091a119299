"""Opening the application from settings: the one place where configuration meets infrastructure."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID, uuid4

from eventsourcing.persistence import PersistenceError
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from sqlalchemy.exc import SQLAlchemyError

from pdsa_engine.application import PdsaApplication
from pdsa_engine.clock import Clock
from pdsa_engine.config import Settings
from pdsa_engine.errors import DatabaseUnavailable
from pdsa_engine.projections.dashboard import DashboardView
from pdsa_engine.projections.runner import Projections, View
from pdsa_engine.projections.series import SeriesView
from pdsa_engine.projections.store import open_store

ApplicationFactory = Callable[[Settings], PdsaApplication]
_SCHEMA_LOCK = 0x706473615F646462  # any fixed number: the advisory lock that serialises creating the tables


def open_application(
    settings: Settings, clock: Clock | None = None, new_id: Callable[[], UUID] = uuid4
) -> PdsaApplication:
    """Opens the event store named by the settings, creating its tables the first time."""
    settings.prepare()
    try:
        # The library would run its CREATE statements on every start; on PostgreSQL two processes doing that at
        # once collide ("tuple concurrently updated"). So: look first, and create only when missing, one at a time.
        app = PdsaApplication({**settings.eventsourcing_env(), "CREATE_TABLE": "no"}, clock=clock, new_id=new_id)
        if not _has_tables(app):
            _create_tables(app)
        return app
    except (PersistenceError, OSError) as problem:
        raise DatabaseUnavailable(f"cannot open the database {settings.describe()}: {problem}") from None


def open_projections(app: PdsaApplication, settings: Settings) -> Projections:
    """The read models, in the same database as the events."""
    try:
        return Projections(app, open_store(settings), default_views())
    except SQLAlchemyError as problem:
        raise DatabaseUnavailable(f"cannot open the views in {settings.describe()}: {problem}") from None


def default_views() -> list[View]:
    return [SeriesView(), DashboardView()]


def is_empty(app: PdsaApplication) -> bool:
    return app.recorder.max_notification_id() in (None, 0)


def _has_tables(app: PdsaApplication) -> bool:
    recorder = app.recorder
    if isinstance(recorder, SQLiteApplicationRecorder):
        with recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                           (recorder.events_table_name,))
            return cursor.fetchone() is not None
    assert isinstance(recorder, PostgresApplicationRecorder)
    with recorder.datastore.transaction(commit=False) as cursor:
        cursor.execute("SELECT to_regclass(%s) AS found",
                       (f"{recorder.datastore.schema or 'public'}.{recorder.events_table_name}",))
        row = cursor.fetchone()
        return row is not None and row["found"] is not None


def _create_tables(app: PdsaApplication) -> None:
    recorder = app.recorder
    if isinstance(recorder, SQLiteApplicationRecorder):
        recorder.create_table()  # SQLite serialises writers, and its statements say IF NOT EXISTS
        return
    assert isinstance(recorder, PostgresApplicationRecorder)
    with recorder.datastore.transaction(commit=True) as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
        if not _has_tables(app):  # whoever held the lock before us may have created them
            recorder.create_table()
