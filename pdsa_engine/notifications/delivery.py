"""The outbox at work: queueing what the rules say is due, and sending what is queued and due for a try.

Queueing creates one OutboxMessage per notice, its id derived from the notice's key: a notice queued before
(by this process or another, a moment ago) collides on that id and is skipped. Sending claims each message
before it is handed to the transport and records the outcome after, one message at a time, so a crash loses at
most the record of the one in flight: its claim runs out and it is sent again, with the same Message-ID.

A message is sent only while its notice is still due: a reminder whose sign-off was decided meanwhile, or a
reminder overtaken by a later one, is dropped (and says why) rather than sent late.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from sqlalchemy import and_, or_, select

from pdsa_engine.aggregates.outbox import MessageStatus, OutboxMessage
from pdsa_engine.aggregates.values import Stamp
from pdsa_engine.application import PdsaApplication
from pdsa_engine.clock import utc_text
from pdsa_engine.errors import ConcurrentModification, Refused
from pdsa_engine.notifications.compose import compose, fingerprint
from pdsa_engine.notifications.content import Gathering
from pdsa_engine.notifications.rules import Kind, Notice
from pdsa_engine.notifications.transport import DeliveryFailed, Sender, Transport
from pdsa_engine.projections.outbox import OUTBOX
from pdsa_engine.projections.store import ViewStore

QUEUE_BATCH = 200  # messages saved in one transaction when none of them collides


@dataclass
class Tally:
    """What a run did, as `pdsa notify run --json` prints it."""

    queued: int = 0
    sent: int = 0
    deferred: int = 0
    failed: int = 0
    dropped: int = 0
    untried: int = 0  # due, but left queued: the transport was unreachable
    problems: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {"queued": self.queued, "sent": self.sent, "deferred": self.deferred, "failed": self.failed,
                "dropped": self.dropped, "untried": self.untried}

    @property
    def undelivered(self) -> bool:
        return bool(self.deferred or self.untried)


def already_queued(store: ViewStore, notices: Sequence[Notice]) -> set[str]:
    """The keys among these that the outbox view holds (the caller caught it up first)."""
    ids = {str(OutboxMessage.id_for(n.key)): n.key for n in notices}
    found: set[str] = set()
    with store.engine.connect() as connection:
        chunk = sorted(ids)
        for start in range(0, len(chunk), 500):
            rows = connection.execute(select(OUTBOX.c.id).where(OUTBOX.c.id.in_(chunk[start:start + 500])))
            found.update(ids[row.id] for row in rows)
    return found


def queue(app: PdsaApplication, stamp: Stamp, notices: Iterable[Notice]) -> int:
    """Queues the notices; returns how many were new. Each is saved at most once however many try."""
    fresh = [OutboxMessage.queue(stamp, n.key, n.kind.value, UUID(n.recipient), n.about_dict()) for n in notices]
    queued = 0
    for start in range(0, len(fresh), QUEUE_BATCH):
        batch = fresh[start:start + QUEUE_BATCH]
        try:
            app.save(*batch)
            queued += len(batch)
        except ConcurrentModification:  # one of them was queued meanwhile: each on its own
            for message in batch:
                try:
                    app.save(message)
                    queued += 1
                except ConcurrentModification:
                    pass
    return queued


def due_for_a_try(store: ViewStore, now: datetime) -> list[UUID]:
    moment = utc_text(now)
    waiting = and_(OUTBOX.c.status.in_(("queued", "deferred")), OUTBOX.c.next_try <= moment)
    abandoned = and_(OUTBOX.c.status == "sending", OUTBOX.c.claimed_until <= moment)
    with store.engine.connect() as connection:
        rows = connection.execute(select(OUTBOX.c.id).where(or_(waiting, abandoned))
                                  .order_by(OUTBOX.c.queued_at, OUTBOX.c.id))
        return [UUID(row.id) for row in rows]


CLAIM_BATCH = 50  # messages claimed in one transaction: a claim is a write, and the profile counted each


def send_due(app: PdsaApplication, gathering: Gathering, transport: Transport, stamp: Stamp,
             still_due: set[str], tally: Tally, messages: Sequence[UUID],
             progress: Callable[[int, int], None] | None = None) -> None:
    """Sends the messages that are due for a try, one at a time, claiming them a batch at a time."""
    done = 0
    with transport.session() as deliver:
        for start in range(0, len(messages), CLAIM_BATCH):
            claimed = _claimed(app, stamp, messages[start:start + CLAIM_BATCH])
            for position, message in enumerate(claimed):
                done += 1
                if progress:
                    progress(done, len(messages))
                unreachable = _send_one(app, gathering, deliver, stamp, still_due, tally, message)
                if unreachable:
                    # The rest of this batch met the same closed door: deferred alike, not held by their claims.
                    rest = claimed[position + 1:]
                    for other in rest:
                        other.record_failure(stamp, unreachable)
                    app.save(*rest)
                    tally.deferred += len(rest)
                    tally.untried += max(0, len(messages) - start - CLAIM_BATCH)
                    return


def _claimed(app: PdsaApplication, stamp: Stamp, ids: Sequence[UUID]) -> list[OutboxMessage]:
    """The messages among these that this sender now holds the claim of: claimed together in one transaction,
    or, when another sender claimed one of them first, one by one."""
    messages = [app.load(OutboxMessage, message_id) for message_id in ids]
    due = [m for m in messages if m.due_for_a_try(stamp.at)]  # the view may be behind: another sender has some
    for message in due:
        message.claim(stamp)
    try:
        app.save(*due)
        return due
    except ConcurrentModification:
        pass
    claimed = []
    for message_id in (m.id for m in due):
        message = app.load(OutboxMessage, message_id)
        try:
            message.claim(stamp)
            app.save(message)
            claimed.append(message)
        except (ConcurrentModification, Refused):
            continue  # another sender claimed it first
    return claimed


def _send_one(app: PdsaApplication, gathering: Gathering, deliver: Sender, stamp: Stamp, still_due: set[str],
              tally: Tally, message: OutboxMessage) -> str | None:
    """Sends one claimed message and records how it went; says why when the transport cannot be reached."""
    if message.key not in still_due:
        message.drop(stamp, "no longer due: what it was about has been decided, closed or overtaken")
        app.save(message)
        tally.dropped += 1
        return None
    try:
        content = gathering.content(Kind(message.kind), str(message.recipient_id), message.about)
        outgoing = compose(content, message.id, gathering.mail, stamp.at)
    except Exception as problem:  # a message that cannot be written must not stop the others
        message.record_failure(stamp, f"could not be written: {type(problem).__name__}: {problem}", permanent=True)
        app.save(message)
        tally.failed += 1
        tally.problems.append(f"{message.kind} {message.id}: {problem}")
        return None
    try:
        deliver(outgoing.data, outgoing.recipients)
    except DeliveryFailed as failure:
        message.record_failure(stamp, failure.reason, permanent=failure.permanent)
        app.save(message)
        if message.status is MessageStatus.FAILED:
            tally.failed += 1
        else:
            tally.deferred += 1
        if failure.connection:
            tally.problems.append(failure.reason)
            return failure.reason
        return None
    message.record_sent(stamp, outgoing.message_id, fingerprint(outgoing.data))
    app.save(message)
    tally.sent += 1
    return None
