"""The two event stores: eventsourcing's own SQLite and PostgreSQL recorders, extended to seal the history.

Each module gives the recorder class, how to tell whether its tables exist, how to create them, and how to
read the chain back for verification. Only the one in use is imported (PostgreSQL's driver is slow to load).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent


def select_histories(recorder: Any, originator_ids: Sequence[UUID]) -> dict[UUID, list[StoredEvent]]:
    """The whole histories of several aggregates: in one query from our recorders (one query per aggregate would
    cost a round trip each, hundreds for a project's cycles), one by one from the library's in-memory recorder
    that tests of logic use."""
    if hasattr(recorder, "select_histories"):
        return recorder.select_histories(originator_ids)  # type: ignore[no-any-return]
    return {i: list(events) for i in originator_ids if (events := recorder.select_events(i))}
