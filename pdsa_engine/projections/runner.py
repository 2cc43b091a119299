"""Catching the views up with the notification log.

The log is read once, in batches from the lowest position any view has reached; each event is decoded once and
handed to every view that has not yet seen it. Each view writes a batch of rows and its new position in one
transaction (store.py), so a crash at any moment leaves every view at a position it has fully applied, and the
next catch-up continues from there. The library's own ProjectionRunner needs the recorder's subscribe(), which
its SQLite recorder lacks, and commits once per event; this path is the same for both databases.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from sqlalchemy import Table
from sqlalchemy.engine import Connection

from pdsa_engine.application import PdsaApplication
from pdsa_engine.projections.kept import KeptReads
from pdsa_engine.projections.store import ViewStore

Progress = Callable[[int, int], None]  # (events read so far, events to read)
REBUILD_BATCH = 10_000  # fewer, larger transactions: each document is rewritten and each series analysed less often
BATCH = 2000  # events per transaction in a catch-up; a rebuild reads in larger batches


class Change(NamedTuple):
    """One stored event as the views see it: JSON-native values only (ids and moments as text).
    A tuple rather than a frozen dataclass: a rebuild makes one per stored event."""

    position: int
    aggregate_id: str
    version: int
    name: str  # e.g. "PDSACycle.Acted"
    at: str
    by: dict[str, str] | None
    data: dict[str, Any]
    stored: Any  # the Notification itself, for a view that needs the domain event


class View(ABC):
    name: str
    version: int  # raise it when the tables or the documents change: the view is then rebuilt
    tables: tuple[Table, ...]
    handles: frozenset[str]  # the event names it reads

    @abstractmethod
    def apply(self, connection: Connection, changes: Sequence[Change]) -> None:
        """Applies events, in order, to the view's rows within the caller's transaction."""


class Projections:
    def __init__(self, app: PdsaApplication, store: ViewStore, views: Sequence[View]) -> None:
        self.app = app
        self.store = store
        self.views = list(views)
        store.ensure(self.views)
        # The log's position every view had reached at this process's last catch-up of all of them; None
        # before one. Reads kept under it (kept.py) are served while it stays where it is.
        self.position: int | None = None
        self.kept = KeptReads()

    def view(self, name: str) -> View:
        for view in self.views:
            if view.name == name:
                return view
        raise KeyError(name)

    def catch_up(self, names: Sequence[str] | None = None, batch: int = BATCH,
                 progress: Progress | None = None) -> dict[str, int]:
        """Processes what the views have not seen; returns how many events each view processed."""
        views = [v for v in self.views if names is None or v.name in names]
        processed = dict.fromkeys((v.name for v in views), 0)
        end = self.app.recorder.max_notification_id() or 0
        if names is None and self.position is not None and end == self.position:
            return processed  # nothing stored since this process caught every view up to the log's end
        positions = self.store.positions()
        start = min((positions[v.name] for v in views), default=end) + 1
        first = start
        wanted = frozenset().union(*(v.handles for v in views))
        while start <= end:
            notifications = self.app.recorder.select_notifications(start, batch, stop=end)
            if not notifications:
                break
            changes = [_change(n, name) for n in notifications if (name := _name(n.topic)) in wanted]
            last = notifications[-1].id
            behind = [view for view in views if positions[view.name] < last]
            moved = self._write(behind, positions, last, changes)
            for view in behind:
                if view.name in moved:
                    processed[view.name] += moved[view.name]
                    positions[view.name] = last
                else:  # another process moved this view on: take up from where it is now
                    positions[view.name] = self.store.positions()[view.name]
            start = last + 1
            if progress:
                progress(last - first + 1, end - first + 1)
        if names is None:
            self.position = end
        return processed

    def rebuild(self, names: Sequence[str] | None = None, progress: Progress | None = None) -> dict[str, int]:
        """Empties the views and processes the whole log again."""
        views = [v for v in self.views if names is None or v.name in names]
        with self.store.engine.begin() as connection:
            for view in views:
                self.store.reset(connection, view)
        return self.catch_up([v.name for v in views], batch=REBUILD_BATCH, progress=progress)

    def _write(self, views: list[View], positions: dict[str, int], to: int,
               changes: list[Change]) -> dict[str, int]:
        """Moves every view from its position to `to` with its share of the batch, all in one transaction (one
        commit for the batch, not one per view). A view another process has already moved on is left out:
        its position is compare-and-set before its rows are written. Returns how many events each view
        that moved applied."""
        moved = {}
        with self.app.writing, self.store.engine.begin() as connection:  # writing: see application_base.py
            for view in views:
                was = positions[view.name]
                if not self.store.advance(connection, view.name, was, to):
                    continue
                mine = [c for c in changes if c.position > was and c.name in view.handles]
                if mine:
                    view.apply(connection, mine)
                moved[view.name] = len(mine)
        return moved


def _name(topic: str) -> str:
    """"pdsa_engine.aggregates.cycle:PDSACycle.Acted" → "PDSACycle.Acted"."""
    return topic[topic.find(":") + 1:]


def _change(notification: Any, name: str) -> Change:
    data = _DECODER.raw_decode(notification.state.decode())[0]
    return Change(notification.id, str(notification.originator_id), notification.originator_version, name,
                  data.pop("timestamp"), data.pop("by", None), data, notification)


def _plain(value: dict[str, Any]) -> Any:
    """eventsourcing's transcodings as plain JSON values: ids, moments, dates and decimals become text."""
    kind = value.get("_type_")
    if kind is None or len(value) != 2:
        return value
    data = value["_data_"]
    if kind == "uuid_hex":
        return _dashed(data)
    if kind == "actor":
        return {"person_id": _dashed(data["person_id"]), "role": data["role"]}
    return data  # datetime_iso, date_iso and decimal_str are already text


# One decoder for all events: json.loads(..., object_hook=...) would build a new one per call, a third of the cost.
_DECODER = json.JSONDecoder(object_hook=_plain)


def _dashed(hex32: str) -> str:
    """A UUID's hex as str(UUID(...)) writes it, without building the object (the hot path of a rebuild)."""
    return f"{hex32[:8]}-{hex32[8:12]}-{hex32[12:16]}-{hex32[16:20]}-{hex32[20:]}"
