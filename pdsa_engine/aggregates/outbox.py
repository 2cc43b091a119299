"""The outbox: one message to one person, from queued to sent (or failed), each step an event.

A message's id derives from its notice's key, and it is saved like an e-mail claim: two processes that queue
the same notice at once collide on the id, and only one message exists. Before sending, a process claims the
message for a while (a lease, recorded as an event): a second process sees the claim, or collides with it on
the version, and leaves the message alone. A sender that dies mid-send leaves a claim that runs out; the next
sender tries again with the same Message-ID, so a recipient's mail client sees one message.

No personal data is kept here: the recipient is a person's id (the address is looked up when sending) and what
was sent is its Message-ID and the SHA-256 of the delivered bytes.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from pdsa_engine.aggregates.base import PdsaAggregate, require, require_role
from pdsa_engine.aggregates.values import Actor, Role, Stamp

_KEY_NAMESPACE = uuid5(NAMESPACE_URL, "https://pdsa-engine/outbox")
# Long enough for one SMTP conversation (its timeout is 30 s); a claim left by a dead sender runs out after it.
CLAIM = timedelta(minutes=2)
# After each failed try the next waits longer; after the last, hourly. After GIVE_UP the message has failed.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(minutes=60))
GIVE_UP = timedelta(hours=48)


class MessageStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"  # claimed by a sender
    SENT = "sent"
    DEFERRED = "deferred"  # a try failed; another follows
    FAILED = "failed"  # given up: the administrators see it, and may retry
    DROPPED = "dropped"  # no longer true when its turn came (the sign-off was decided meanwhile)


def next_try_after(attempts: int, now: datetime) -> datetime:
    return now + BACKOFF[min(attempts, len(BACKOFF)) - 1]


class OutboxMessage(PdsaAggregate):
    @staticmethod
    def id_for(key: str) -> UUID:
        return uuid5(_KEY_NAMESPACE, key)

    @classmethod
    def queue(cls, stamp: Stamp, key: str, kind: str, recipient_id: UUID, about: dict[str, str]) -> OutboxMessage:
        return cls._create(cls.Queued, id=cls.id_for(key), by=stamp.by, timestamp=stamp.at, key=key, kind=kind,
                           recipient_id=recipient_id, about=about)

    @event("Queued")
    def __init__(
        self, by: Actor, timestamp: datetime, key: str, kind: str, recipient_id: UUID, about: dict[str, str]
    ) -> None:
        self.key = key
        self.kind = kind
        self.recipient_id = recipient_id
        self.about = about
        self.queued_at = timestamp
        self.status = MessageStatus.QUEUED
        self.attempts = 0
        self.first_try: datetime | None = None
        self.next_try = timestamp
        self.claimed_until: datetime | None = None
        self.message_id: str | None = None
        self.last_error: str | None = None

    @property
    def project_id(self) -> UUID | None:
        """The project the message is about, if one: the project's audit log shows its reminders."""
        project = self.about.get("project_id")
        return UUID(project) if project else None

    def due_for_a_try(self, now: datetime) -> bool:
        if self.status in (MessageStatus.QUEUED, MessageStatus.DEFERRED):
            return self.next_try <= now
        # A claim whose sender died runs out: the message is tried again.
        return self.status is MessageStatus.SENDING and self.claimed_until is not None and self.claimed_until <= now

    def claim(self, stamp: Stamp) -> None:
        require(self.due_for_a_try(stamp.at), "the message is {status}, not due for a try", status=self.status)
        self._claimed(stamp.by, stamp.at, self.attempts + 1, stamp.at + CLAIM)

    @event("Claimed")
    def _claimed(self, by: Actor, timestamp: datetime, attempt: int, until: datetime) -> None:
        self.status = MessageStatus.SENDING
        self.attempts = attempt
        self.claimed_until = until
        if self.first_try is None:
            self.first_try = timestamp

    def record_sent(self, stamp: Stamp, message_id: str, sha256: str) -> None:
        require(self.status is MessageStatus.SENDING, "only a claimed message is sent")
        self._sent(stamp.by, stamp.at, message_id, sha256)

    @event("Sent")
    def _sent(self, by: Actor, timestamp: datetime, message_id: str, sha256: str) -> None:
        self.status = MessageStatus.SENT
        self.message_id = message_id
        self.claimed_until = None

    def record_failure(self, stamp: Stamp, error: str, permanent: bool = False) -> None:
        """A try that did not deliver: tried again later, or, when the server refused for good or the tries
        have gone on for GIVE_UP, failed."""
        require(self.status is MessageStatus.SENDING, "only a claimed message fails")
        assert self.first_try is not None  # set by the claim
        if permanent or stamp.at - self.first_try >= GIVE_UP:
            self._failed(stamp.by, stamp.at, error)
        else:
            self._deferred(stamp.by, stamp.at, error, next_try_after(self.attempts, stamp.at))

    @event("Deferred")
    def _deferred(self, by: Actor, timestamp: datetime, error: str, next_try: datetime) -> None:
        self.status = MessageStatus.DEFERRED
        self.last_error = error
        self.next_try = next_try
        self.claimed_until = None

    @event("Failed")
    def _failed(self, by: Actor, timestamp: datetime, error: str) -> None:
        self.status = MessageStatus.FAILED
        self.last_error = error
        self.claimed_until = None

    def drop(self, stamp: Stamp, reason: str) -> None:
        require(self.status is MessageStatus.SENDING, "only a claimed message is dropped")
        self._dropped(stamp.by, stamp.at, reason)

    @event("Dropped")
    def _dropped(self, by: Actor, timestamp: datetime, reason: str) -> None:
        self.status = MessageStatus.DROPPED
        self.last_error = reason
        self.claimed_until = None

    def retry(self, stamp: Stamp) -> None:
        """An administrator sends a failed message again: its tries (and their count) start afresh."""
        require_role(stamp, Role.ADMINISTRATOR)
        require(self.status is MessageStatus.FAILED, "only a failed message is retried; this one is {status}",
                status=self.status)
        self._retried(stamp.by, stamp.at)

    @event("Retried")
    def _retried(self, by: Actor, timestamp: datetime) -> None:
        self.status = MessageStatus.QUEUED
        self.attempts = 0
        self.first_try = None
        self.next_try = timestamp
