"""The application's plumbing: configuration, storage, who is acting, and loading aggregates.

The commands themselves are in application.py; this base keeps them to a few lines each.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from contextvars import ContextVar
from copy import copy
from typing import Any, TypeVar
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import ConnectionUnavailableError, JSONTranscoder, OperationalError, RecordConflictError
from eventsourcing.sqlite import SQLiteAggregateRecorder
from eventsourcing.utils import Environment

from pdsa_engine.aggregates.cohort import Cohort, CohortNameClaim
from pdsa_engine.aggregates.cycle import PDSACycle
from pdsa_engine.aggregates.measure_series import MeasureSeries
from pdsa_engine.aggregates.person import EmailClaim, Person
from pdsa_engine.aggregates.project import ImprovementProject
from pdsa_engine.aggregates.signoff import SignOff
from pdsa_engine.aggregates.values import Actor, Role, Stamp
from pdsa_engine.clock import Clock, SystemClock
from pdsa_engine.errors import (
    ConcurrentModification,
    DatabaseBusy,
    NotFound,
    PermissionDenied,
    Refused,
    StaleVersion,
    record_kind,
)
from pdsa_engine.ids import id_digits, id_range
from pdsa_engine.persistence import register_transcodings

A = TypeVar("A")
R = TypeVar("R")

# A collision means another process saved the same aggregate a moment before: a short, random pause, growing
# with each attempt, lets the racing writers fall out of step.
CONFLICT_ATTEMPTS = 10
CONFLICT_PAUSE, CONFLICT_PAUSE_MOST = 0.01, 0.5  # seconds; attempt k waits up to CONFLICT_PAUSE × 2^k, capped

_KIND_NAMES = {
    Person: record_kind("person"), Cohort: record_kind("cohort"), ImprovementProject: record_kind("project"),
    PDSACycle: record_kind("cycle"), SignOff: record_kind("signoff"), MeasureSeries: record_kind("measure"),
}


def _apply_events(aggregate: Any, events: Iterable[Any]) -> Any:
    """Replays events onto an aggregate. The library's default projector asserts a runtime-checkable
    Protocol on every event, which on Python 3.11 cost more than decoding the event (see bench/)."""
    for domain_event in events:
        aggregate = domain_event.mutate(aggregate)
    return aggregate


# The version a command was decided on (an HTTP If-Match): (aggregate id, version), checked where the command
# loads that aggregate, so that the check and the save that follows it are one step — a check made before the
# command began would let a write made in between through.
_DECIDED_ON: ContextVar[tuple[UUID, int] | None] = ContextVar("decided_on", default=None)

# How many records whose ids begin alike are read to find the one person among them: the eight digits tables
# show are shared by hardly any two, and a beginning of one or two digits must not read thousands of records.
SHORT_ID_CANDIDATES = 20


def _waited_for_the_database(error: OperationalError) -> bool:
    """A wait that timed out, before anything was written: a pool with no connection free, or SQLite's lock."""
    return isinstance(error, ConnectionUnavailableError) or "database is locked" in str(error)


class ApplicationBase(Application):

    def __init__(
        self, env: dict[str, str], clock: Clock | None = None, new_id: Callable[[], UUID] = uuid4
    ) -> None:
        self.clock = clock or SystemClock()
        self.new_id = new_id
        super().__init__(env)
        # On SQLite, one writer at a time within this process: the events saved here, and the views' batches
        # (projections/runner.py), which read through this application's connection pool while they hold
        # SQLite's write lock. Without it they deadlocked for the pool's timeout (5 s): the batch waited for
        # the pool, the pool's queue for its writer, and the writer for SQLite's lock the batch held. Across
        # processes there is no such ring: each pool waits only on its own process's writers.
        self.writing: AbstractContextManager[Any] = (
            threading.Lock() if isinstance(self.recorder, SQLiteAggregateRecorder) else nullcontext())

    def construct_env(self, name: str, env: Any = None) -> Environment:
        # Configuration is read once, at the entry point; the process environment is not consulted here.
        return Environment(name, dict(env or {}))

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_transcodings(transcoder)

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        try:
            with self.writing:
                return super().save(*objs, **kwargs)
        except RecordConflictError as conflict:
            raise ConcurrentModification(
                "someone else changed this record at the same moment; nothing was saved — look again and retry"
            ) from conflict

    def run_command(self, action: Callable[[Any, Any, Any], R], actor: str | None, cmd: Any,
                    retry_on_conflict: bool = True, decided_on: tuple[UUID, int] | None = None) -> R:
        """Runs one command method. A command that lost a race to another writer of the same aggregate is run
        again on the fresh state, a few times with jitter: the aggregates check every rule again, so a real
        conflict is still refused (Refused), and writes that merely collided in time both succeed.

        A caller that decided on a version it saw (an HTTP If-Match) names it, ``decided_on=(id, version)``:
        the command is then refused (StaleVersion) unless it finds that aggregate at that version, and is not
        run again after a collision — the state it was decided on is gone, so the conflict is theirs to see."""
        if decided_on is not None:
            retry_on_conflict = False
        expected = _DECIDED_ON.set(decided_on)
        try:
            attempt = 1
            while True:
                try:
                    return action(self, actor, cmd)
                except ConcurrentModification:
                    if not retry_on_conflict or attempt == CONFLICT_ATTEMPTS:
                        raise
                except OperationalError as busy:
                    # Waiting for the database (SQLite's one writer, a pool's last connection) timed out before
                    # anything was written: run again, the rules checked anew on what is stored by then.
                    if not _waited_for_the_database(busy):
                        raise
                    if attempt == CONFLICT_ATTEMPTS:
                        raise DatabaseBusy("the database stayed busy with other writes; nothing was stored — "
                                           "try again in a moment") from busy
                time.sleep(random.uniform(0, min(CONFLICT_PAUSE * 2 ** attempt, CONFLICT_PAUSE_MOST)))
                attempt += 1
        finally:
            _DECIDED_ON.reset(expected)

    # -- who is acting, and loading ------------------------------------------------------------------

    def acting(self, actor: str | None, role: Role) -> Stamp:
        """The stamp of a command: the acting person, who must hold the role the command is done in."""
        if actor is None:
            raise PermissionDenied("this command needs an acting person: give --as PERSON or set PDSA_ACTOR")
        person = self.person(actor)
        if not person.holds(role):
            raise PermissionDenied("{name} does not hold the {role} role this command is done in", name=person.name,
                                   role=role)
        return Stamp(Actor(person.id, role), self.clock.now())

    def person(self, ref: str) -> Person:
        """A person by id or e-mail address."""
        try:
            return self.load(Person, UUID(ref))
        except ValueError:
            pass
        if "@" not in ref:
            return self._person_by_short_id(ref)
        try:
            claim = self.load(EmailClaim, EmailClaim.id_for(ref))
        except NotFound:
            raise NotFound("no person has the e-mail address {email}", email=ref) from None
        return self.load(Person, claim.person_id)

    def _person_by_short_id(self, ref: str) -> Person:
        """A person by the beginning of their id, as lists show it."""
        digits = id_digits(ref)
        between = getattr(self.recorder, "ids_between", None)  # the in-memory recorder of unit tests has none
        if digits is None or between is None:
            raise NotFound("no person has the id or e-mail address {ref}", ref=ref)
        candidates = between(*id_range(digits), SHORT_ID_CANDIDATES)
        people = [found for found in candidates if isinstance(self._maybe(found), Person)]
        if len(people) > 1:
            raise NotFound("more than one person's id begins with {ref}: give more of its digits", ref=ref)
        if len(candidates) == SHORT_ID_CANDIDATES:  # more records may begin so, and another person among them
            raise NotFound("too many records' ids begin with {ref} to tell whose it is: give more of its digits", ref=ref)
        if not people:
            raise NotFound("no person has an id beginning {ref}", ref=ref)
        return self.load(Person, people[0])

    def _maybe(self, aggregate_id: UUID) -> Any:
        try:
            return self.repository.get(aggregate_id, projector_func=_apply_events)
        except AggregateNotFoundError:
            return None

    def holder(self, ref: str, role: Role) -> Person:
        person = self.person(ref)
        if not person.holds(role):
            raise Refused("{name} does not hold the {role} role", name=person.name, role=role)
        return person

    def load(self, kind: type[A], aggregate_id: UUID) -> A:
        try:
            aggregate = self.repository.get(aggregate_id, projector_func=_apply_events)
        except AggregateNotFoundError:
            aggregate = None
        if not isinstance(aggregate, kind):
            raise NotFound("no {kind} has the id {id}", kind=_KIND_NAMES.get(kind, record_kind("")), id=aggregate_id)
        decided_on = _DECIDED_ON.get()
        if decided_on is not None and decided_on[0] == aggregate_id and decided_on[1] != aggregate.version:
            raise StaleVersion.of(_KIND_NAMES.get(kind, record_kind("")), decided_on[1], aggregate.version)
        return copy(aggregate)  # never the repository's cached object: a refused command leaves it untouched

    def _require_unclaimed(self, email: str) -> None:
        if EmailClaim.id_for(email) in self.repository:
            raise Refused("{email} already belongs to a registered person", email=email)

    def _save_claim(self, *aggregates: Any, taken: Refused | None = None) -> None:
        """Saves aggregates that include claims (of an e-mail address, a cohort's name): a collision on a
        claim's id means someone claimed the same first, at the same moment."""
        try:
            self.save(*aggregates)
        except ConcurrentModification:
            claims = [a for a in aggregates if isinstance(a, (EmailClaim, CohortNameClaim))]
            if any(claim.id in self.repository for claim in claims):
                raise taken or Refused("that e-mail address was registered by someone else at the same moment") from None
            raise
