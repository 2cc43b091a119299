"""People's names as they are now. Other records refer to people by id only, so a name is looked up when a
record is read: a renamed person shows under the new name everywhere, and an erased one leaves no copies."""

from __future__ import annotations

from uuid import UUID

from pdsa_engine.aggregates.person import Person
from pdsa_engine.aggregates.values import SYSTEM_ACTOR
from pdsa_engine.application import PdsaApplication
from pdsa_engine.errors import NotFound

# What the engine's own acts (the reminders, the digests) are shown as done by: no person, so a name in no language.
SYSTEM_NAME = "pdsa-engine"


class PersonNames:
    """Callable: a person's current name from their id (a UUID or its text), remembered for one reading."""

    def __init__(self, app: PdsaApplication) -> None:
        self.app = app
        self._names: dict[UUID, str] = {}

    def __call__(self, person_id: UUID | str) -> str:
        try:
            key = person_id if isinstance(person_id, UUID) else UUID(person_id)
        except ValueError:
            return str(person_id)
        if key == SYSTEM_ACTOR.person_id:
            return SYSTEM_NAME
        if key not in self._names:
            try:
                self._names[key] = self.app.load(Person, key).name
            except NotFound:  # a reference to someone erased must not break a read
                self._names[key] = f"(unknown person {key})"
        return self._names[key]
