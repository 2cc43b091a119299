"""The application's plumbing: configuration, storage, who is acting, and loading aggregates.

The commands themselves are in application.py; this base keeps them to a few lines each.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from copy import copy
from typing import Any, TypeVar
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import JSONTranscoder, RecordConflictError
from eventsourcing.utils import Environment

from pdsa_engine.aggregates.cohort import Cohort
from pdsa_engine.aggregates.cycle import PDSACycle
from pdsa_engine.aggregates.measure_series import MeasureSeries
from pdsa_engine.aggregates.person import EmailClaim, Person
from pdsa_engine.aggregates.project import ImprovementProject
from pdsa_engine.aggregates.signoff import SignOff
from pdsa_engine.aggregates.values import Actor, Role, Stamp
from pdsa_engine.clock import Clock, SystemClock
from pdsa_engine.errors import ConcurrentModification, NotFound, PermissionDenied, Refused
from pdsa_engine.persistence import register_transcodings

A = TypeVar("A")

_KIND_NAMES = {
    Person: "person", Cohort: "cohort", ImprovementProject: "project", PDSACycle: "cycle",
    SignOff: "sign-off", MeasureSeries: "measure",
}


def _apply_events(aggregate: Any, events: Iterable[Any]) -> Any:
    """Replays events onto an aggregate. The library's default projector asserts a runtime-checkable
    Protocol on every event, which on Python 3.11 cost more than decoding the event (see bench/)."""
    for domain_event in events:
        aggregate = domain_event.mutate(aggregate)
    return aggregate


class ApplicationBase(Application):

    def __init__(
        self, env: dict[str, str], clock: Clock | None = None, new_id: Callable[[], UUID] = uuid4
    ) -> None:
        self.clock = clock or SystemClock()
        self.new_id = new_id
        super().__init__(env)

    def construct_env(self, name: str, env: Any = None) -> Environment:
        # Configuration is read once, at the entry point; the process environment is not consulted here.
        return Environment(name, dict(env or {}))

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_transcodings(transcoder)

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        try:
            return super().save(*objs, **kwargs)
        except RecordConflictError as conflict:
            raise ConcurrentModification(
                "someone else changed this record at the same moment; nothing was saved — look again and retry"
            ) from conflict

    # -- who is acting, and loading ------------------------------------------------------------------

    def acting(self, actor: str | None, role: Role) -> Stamp:
        """The stamp of a command: the acting person, who must hold the role the command is done in."""
        if actor is None:
            raise PermissionDenied("this command needs an acting person: give --as PERSON or set PDSA_ACTOR")
        person = self.person(actor)
        if not person.holds(role):
            raise PermissionDenied(f"{person.name} does not hold the {role} role this command is done in")
        return Stamp(Actor(person.id, role), self.clock.now())

    def person(self, ref: str) -> Person:
        """A person by id or e-mail address."""
        try:
            return self.load(Person, UUID(ref))
        except ValueError:
            pass
        try:
            claim = self.load(EmailClaim, EmailClaim.id_for(ref))
        except NotFound:
            raise NotFound(f"no person has the e-mail address {ref}") from None
        return self.load(Person, claim.person_id)

    def holder(self, ref: str, role: Role) -> Person:
        person = self.person(ref)
        if not person.holds(role):
            raise Refused(f"{person.name} does not hold the {role} role")
        return person

    def load(self, kind: type[A], aggregate_id: UUID) -> A:
        try:
            aggregate = self.repository.get(aggregate_id, projector_func=_apply_events)
        except AggregateNotFoundError:
            aggregate = None
        if not isinstance(aggregate, kind):
            raise NotFound(f"no {_KIND_NAMES.get(kind, kind.__name__)} has the id {aggregate_id}")
        return copy(aggregate)  # never the repository's cached object: a refused command leaves it untouched

    def _require_unclaimed(self, email: str) -> None:
        if EmailClaim.id_for(email) in self.repository:
            raise Refused(f"{email} already belongs to a registered person")

    def _save_claim(self, *aggregates: Any) -> None:
        """Saves aggregates that include e-mail claims: a collision means someone registered the address first."""
        try:
            self.save(*aggregates)
        except ConcurrentModification:
            claims = [a for a in aggregates if isinstance(a, EmailClaim)]
            if any(claim.id in self.repository for claim in claims):
                raise Refused("that e-mail address was registered by someone else at the same moment") from None
            raise
