"""How events are stored: eventsourcing 9.5's own sqlite and postgres modules, JSON with a few extra types.

The native modules were measured against eventsourcing-sqlalchemy (bench/persistence_choice.py) and chosen:
see the README's design notes for the figures and the reasons.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.persistence import JSONTranscoder, Transcoding

from pdsa_engine.aggregates.values import Actor, Role


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class ActorAsDict(Transcoding):
    type = Actor
    name = "actor"

    def encode(self, obj: Actor) -> dict[str, Any]:
        return {"person_id": obj.person_id.hex, "role": obj.role.value}

    def decode(self, data: dict[str, Any]) -> Actor:
        return Actor(UUID(data["person_id"]), Role(data["role"]))


def register_transcodings(transcoder: JSONTranscoder) -> None:
    transcoder.register(DateAsISO())
    transcoder.register(ActorAsDict())
