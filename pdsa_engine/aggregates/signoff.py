"""A sponsor sign-off: a request addressed to the project's sponsor about the charter, scaling up an adopted
change, or closing the project.

requested → approved | changes_requested | declined (by the addressed sponsor), or withdrawn (by the
participant). It records the project version the request was made on and the version the sponsor decided
on, so an auditor can show exactly what was signed, and whether the decision came through a link mailed to the
sponsor rather than from a logged-in session.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import event

from pdsa_engine.aggregates.base import PdsaAggregate, require, require_person, require_role
from pdsa_engine.aggregates.values import Actor, Outcome, Role, SignOffKind, SignOffStatus, Stamp
from pdsa_engine.errors import InvalidInput, Word

DECISIONS = (SignOffStatus.APPROVED, SignOffStatus.CHANGES_REQUESTED, SignOffStatus.DECLINED)


class SignOff(PdsaAggregate):
    # A class default, set on the instance only when true: histories stored before these links existed read
    # back, and show in the audit's changes, exactly as they did.
    decided_by_mailed_link = False

    @classmethod
    def request(
        cls, signoff_id: UUID, stamp: Stamp, kind: SignOffKind, project_id: UUID, project_version: int,
        sponsor_id: UUID, cycle_id: UUID | None = None, outcome: Outcome | None = None,
    ) -> SignOff:
        return cls._create(
            cls.Requested, id=signoff_id, by=stamp.by, timestamp=stamp.at, kind=kind, project_id=project_id,
            project_version=project_version, sponsor_id=sponsor_id, cycle_id=cycle_id, outcome=outcome,
        )

    @event("Requested")
    def __init__(
        self, by: Actor, timestamp: datetime, kind: str, project_id: UUID, project_version: int, sponsor_id: UUID,
        cycle_id: UUID | None, outcome: str | None,
    ) -> None:
        self.kind = SignOffKind(kind)
        self.project_id = project_id
        self.requested_by = by.person_id
        self.requested_on_version = project_version
        self.requested_at = timestamp
        self.sponsor_id = sponsor_id
        self.cycle_id = cycle_id
        self.outcome = Outcome(outcome) if outcome else None
        self.status = SignOffStatus.REQUESTED
        self.decided_on_version: int | None = None
        self.decided_at: datetime | None = None
        self.comment: str | None = None

    def decide(self, stamp: Stamp, decision: SignOffStatus, comment: str | None, project_version: int,
               by_mailed_link: bool = False) -> None:
        require_person(stamp, self.sponsor_id, Role.SPONSOR, Word("sponsor the sign-off is addressed to"))
        require(decision in DECISIONS, "a sponsor decides by approving, requesting changes or declining, not {decision}",
                decision=decision)
        self._require_pending()
        if decision is not SignOffStatus.APPROVED and not comment:
            raise InvalidInput("comment", "say what should change, or why the request is declined")
        self._decided(stamp.by, stamp.at, decision, comment, project_version, by_mailed_link)

    # Decisions stored before the mailed links existed carry no by_mailed_link: they read back as False.
    @event("Decided")
    def _decided(
        self, by: Actor, timestamp: datetime, decision: str, comment: str | None, project_version: int,
        by_mailed_link: bool = False,
    ) -> None:
        self.status = SignOffStatus(decision)
        if by_mailed_link:
            self.decided_by_mailed_link = True
        self.comment = comment
        self.decided_on_version = project_version
        self.decided_at = timestamp

    def withdraw(self, stamp: Stamp) -> None:
        require_person(stamp, self.requested_by, Role.PARTICIPANT, Word("participant who made the request"))
        self._require_pending()
        self._withdrawn(stamp.by, stamp.at)

    @event("Withdrawn")
    def _withdrawn(self, by: Actor, timestamp: datetime) -> None:
        self.status = SignOffStatus.WITHDRAWN
        self.decided_at = timestamp

    def readdress(self, stamp: Stamp, sponsor_id: UUID, reason: str) -> None:
        """Follows a reassignment of the project's sponsor: the new sponsor now decides."""
        require_role(stamp, Role.ADMINISTRATOR)
        self._require_pending()
        self._readdressed(stamp.by, stamp.at, sponsor_id, reason)

    @event("Readdressed")
    def _readdressed(self, by: Actor, timestamp: datetime, sponsor_id: UUID, reason: str) -> None:
        self.sponsor_id = sponsor_id

    @property
    def pending(self) -> bool:
        return self.status is SignOffStatus.REQUESTED

    def _require_pending(self) -> None:
        require(self.pending, "the sign-off is already {status}", status=self.status)
