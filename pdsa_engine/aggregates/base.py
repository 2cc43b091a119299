"""What every aggregate shares.

Each public command method checks the rules and raises before anything happens; only then does it call a
private ``@event`` method, whose body assigns and nothing else (it re-runs on every replay). Every event
records ``by`` (an Actor: person and role) and its ``timestamp`` is the command's moment from the
application's clock, so that simulated time (the demo) and replay at a moment mean something.

Aggregate state is immutable values (frozen dataclasses, tuples, frozensets, persistent maps) or containers that
an ``@event`` body replaces whole (``self.quotas = {**self.quotas, ...}``), never changes in place. That makes a shallow copy
a safe copy, which is what the application hands out from its aggregate cache.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from pdsa_engine.aggregates.values import Actor, Role, Stamp
from pdsa_engine.clock import local_date
from pdsa_engine.errors import InvalidInput, PermissionDenied, Refused, Word


class PdsaAggregate(Aggregate):
    class Event(Aggregate.Event):
        by: Actor

    def __copy__(self) -> PdsaAggregate:
        clone = object.__new__(type(self))
        clone.__dict__.update(self.__dict__)
        clone._pending_events = []  # the one mutable list: the copy collects its own new events
        return clone


def require(condition: bool, message: str, **values: Any) -> None:
    """Refuse a command (exit 3) unless the condition holds; the message is a sentence and its values (see
    errors.PdsaError)."""
    if not condition:
        raise Refused(message, **values)


def require_role(stamp: Stamp, role: Role) -> None:
    """Refuse unless the command is done in that role (the application checked the person holds it)."""
    if stamp.by.role != role:
        raise PermissionDenied("only someone acting as {role} may do this", role=role)


def require_person(stamp: Stamp, person_id: UUID, role: Role, what: Word) -> None:
    """Refuse unless the acting person is exactly ``person_id`` acting as ``role``."""
    if stamp.by.role != role or stamp.by.person_id != person_id:
        raise PermissionDenied("only the {what} may do this", what=what)


def check_moment(field: str, on: date, now: datetime, not_before: date, earliest_is: Word) -> None:
    """What happened on a day happened by today, and not before the project's time began."""
    today = local_date(now)
    if on > today:
        raise InvalidInput(field, "{on} is in the future; record what has happened, by today ({today})", on=on,
                           today=today)
    if on < not_before:
        raise InvalidInput(field, "{on} is before {earliest_is} ({not_before})", on=on, earliest_is=earliest_is,
                           not_before=not_before)
