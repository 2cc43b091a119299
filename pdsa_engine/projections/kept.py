"""Reads of the views kept for as long as nothing new is stored.

A value is kept with the position of the notification log the views had caught up to before it was read, and
served again only to a read at that same position. Every stored event moves the position, so a kept value never
outlives a change of anything (a data point, a sign-off, a person's new name or their erasure): between two
events, any number of readers share one read. The value was read after its position was known, so it may show
more than that position, never less."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")
KEPT = 64  # values (one per cohort dashboard read): the least recently read go first


class KeptReads:
    def __init__(self, size: int = KEPT) -> None:
        self.size = size
        self._kept: OrderedDict[Hashable, tuple[int, object]] = OrderedDict()
        self._lock = threading.Lock()

    def read(self, key: Hashable, position: int | None, read: Callable[[], T]) -> T:
        """What `read` returns, read anew unless a value for `key` was kept at `position`. No position (views
        not caught up by this process) means nothing is kept. The value is shared: callers must not change it."""
        if position is None:
            return read()
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None and kept[0] == position:
                self._kept.move_to_end(key)
                return kept[1]  # type: ignore[return-value]
        value = read()  # outside the lock: readers of other keys, or of this one, need not wait on it
        with self._lock:
            if self._kept.get(key, (-1,))[0] <= position:  # never replace a value of a later position
                self._kept[key] = (position, value)
                self._kept.move_to_end(key)
                while len(self._kept) > self.size:
                    self._kept.popitem(last=False)
        return value
