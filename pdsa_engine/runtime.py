"""Opening the application from settings: the one place where configuration meets infrastructure."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID, uuid4

from eventsourcing.persistence import PersistenceError

from pdsa_engine.application import PdsaApplication
from pdsa_engine.clock import Clock
from pdsa_engine.config import Settings
from pdsa_engine.errors import DatabaseUnavailable

ApplicationFactory = Callable[[Settings], PdsaApplication]


def open_application(
    settings: Settings, clock: Clock | None = None, new_id: Callable[[], UUID] = uuid4
) -> PdsaApplication:
    """Opens the event store named by the settings, creating its tables if they are missing."""
    settings.prepare()
    try:
        return PdsaApplication(settings.eventsourcing_env(), clock=clock, new_id=new_id)
    except (PersistenceError, OSError) as problem:
        raise DatabaseUnavailable(f"cannot open the database {settings.describe()}: {problem}") from None


def is_empty(app: PdsaApplication) -> bool:
    return app.recorder.max_notification_id() in (None, 0)
