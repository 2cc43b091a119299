"""Opening the application from settings: the one place where configuration meets infrastructure."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from pdsa_engine.config import Settings
from pdsa_engine.errors import AuditKeyUnusable, DatabaseUnavailable, PdsaError

if TYPE_CHECKING:  # each `pdsa` call imports only what its command opens (see bench/startup.py)
    from pdsa_engine.application import PdsaApplication
    from pdsa_engine.audit.keys import AuditKey
    from pdsa_engine.clock import Clock
    from pdsa_engine.projections.runner import Projections, View
    from pdsa_engine.projections.store import ViewStore

ApplicationFactory = Callable[[Settings], "PdsaApplication"]


def open_application(
    settings: Settings, clock: Clock | None = None, new_id: Callable[[], UUID] = uuid4
) -> PdsaApplication:
    """Opens the event store named by the settings, creating its tables the first time.

    The library would run its CREATE statements on every start; on PostgreSQL two processes doing that at once
    collide ("tuple concurrently updated"). So the tables are looked for first and created only when missing,
    one process at a time.

    Only settings that allow it (the set-up commands) create a database; otherwise a missing one is an error.
    """
    from eventsourcing.persistence import PersistenceError
    from eventsourcing.utils import get_topic

    from pdsa_engine.application import PdsaApplication

    if settings.is_sqlite and not settings.create_database and not _holds_a_database(settings.sqlite_path):
        raise _no_database(settings)
    app: PdsaApplication | None = None
    try:
        if settings.create_database:
            settings.prepare()
        recorder_class = _recorder_class(settings)
        env = {**settings.eventsourcing_env(), "CREATE_TABLE": "no",
               "APPLICATION_RECORDER_TOPIC": get_topic(recorder_class)}
        app = PdsaApplication(env, clock=clock, new_id=new_id)
        if not app.recorder.has_tables():
            if not settings.create_database:
                raise _no_database(settings)
            app.recorder.create_tables()
        app.recorder.key_path = settings.audit_key
        app.recorder.sealer = audit_key(settings, store_is_empty=is_empty(app))
        return app
    except BaseException as problem:
        if app is not None:
            app.close()  # no connection is left open behind a failure
        if isinstance(problem, (PersistenceError, OSError, sqlite3.Error)):
            raise database_problem(settings, problem) from None
        raise


def _holds_a_database(path: Path) -> bool:
    # An empty file is no database; SQLite would quietly make one of it.
    return path.is_file() and path.stat().st_size > 0


def database_problem(settings: Settings, problem: BaseException) -> PdsaError:
    """A failure of the database, said as what it means to the person running the command."""
    text = str(problem)
    if type(problem).__name__ == "Unsealed":  # the store is fine: the key that seals it is what is missing
        return AuditKeyUnusable(text)
    where = settings.describe()
    if "not a database" in text or "malformed" in text:
        return DatabaseUnavailable(f"{where} is not a pdsa database, or it is damaged ({text}): check "
                                   "PDSA_DATABASE_URL, or restore the file from its backup")
    if "unable to open database file" in text or "readonly" in text or "read-only" in text or \
            isinstance(problem, PermissionError):
        return DatabaseUnavailable(f"cannot open {where} for writing ({text}): the file and its folder must be "
                                   "writable (is the disk read-only or full?)")
    if isinstance(problem, OSError) and problem.filename:
        return DatabaseUnavailable(f"cannot create {problem.filename} for the database {where}: {problem.strerror} "
                                   "— choose a writable place with PDSA_DATABASE_URL")
    return DatabaseUnavailable(f"the database {where} failed: {text}")


def _no_database(settings: Settings) -> DatabaseUnavailable:
    return DatabaseUnavailable(
        f"there is no pdsa database at {settings.describe()} (PDSA_DATABASE_URL): create one with `pdsa init`, "
        "or check the path"
    )


def audit_key(settings: Settings, store_is_empty: bool) -> AuditKey | None:
    """The key that seals the history. A new, empty store gets a new key; a store with history never does
    (a lost key is restored from its backup, not silently replaced), so without it nothing can be stored."""
    from pdsa_engine.audit.keys import create_key, load_key

    if settings.audit_key.exists():
        return load_key(settings.audit_key)
    if not store_is_empty:
        return None
    return create_key(settings.audit_key)


def open_projections(app: PdsaApplication, settings: Settings) -> Projections:
    """The read models, in the same database as the events."""
    from sqlalchemy.exc import SQLAlchemyError

    from pdsa_engine.projections.runner import Projections
    from pdsa_engine.projections.store import open_store

    try:
        store = open_store(settings)
        return Projections(app, store, default_views(app, store))
    except SQLAlchemyError as problem:
        raise DatabaseUnavailable(f"cannot open the views in {settings.describe()}: {problem}") from None


def default_views(app: PdsaApplication, store: ViewStore) -> list[View]:
    from pdsa_engine.audit.growing import GrowingHistories
    from pdsa_engine.audit.snapshots import SealedSnapshots
    from pdsa_engine.projections.audit_log import AuditLogView
    from pdsa_engine.projections.dashboard import DashboardView
    from pdsa_engine.projections.outbox import OutboxView
    from pdsa_engine.projections.people import PeopleView
    from pdsa_engine.projections.series import SeriesView

    # The key that seals each new event also seals the snapshots, and checks them before one is used.
    snapshots = SealedSnapshots(store.engine, app.recorder, app.recorder.sealer)
    return [SeriesView(), DashboardView(), PeopleView(), OutboxView(), AuditLogView(app, snapshots),
            GrowingHistories(app, snapshots)]


def is_empty(app: PdsaApplication) -> bool:
    return app.recorder.max_notification_id() in (None, 0)


def _recorder_class(settings: Settings) -> Any:
    if settings.is_sqlite:
        from pdsa_engine.stores.sqlite import SealingSQLiteRecorder

        return SealingSQLiteRecorder
    from pdsa_engine.stores.postgres import SealingPostgresRecorder

    return SealingPostgresRecorder
