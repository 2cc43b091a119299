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
from pdsa_engine.notifications.compose import compose, fingerprint, message_id, recipients
from pdsa_engine.notifications.content import Gathering
from pdsa_engine.notifications.rules import Kind, Notice
from pdsa_engine.notifications.transport import DeliveryFailed, Transport
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


def send_due(app: PdsaApplication, gathering: Gathering, transport: Transport, stamp: Stamp,
             still_due: set[str], tally: Tally, messages: Sequence[UUID],
             progress: Callable[[int, int], None] | None = None) -> None:
    """Sends the messages that are due for a try, one at a time."""
    mail = gathering.mail
    with transport.session() as deliver:
        for position, message_uuid in enumerate(messages, start=1):
            if progress:
                progress(position, len(messages))
            message = app.load(OutboxMessage, message_uuid)
            if not message.due_for_a_try(stamp.at):
                continue  # the view was behind: another sender has it, or it is done
            try:
                message.claim(stamp)
                app.save(message)
            except (ConcurrentModification, Refused):
                continue  # another sender claimed it first
            if message.key not in still_due:
                message.drop(stamp, "no longer due: what it was about has been decided, closed or overtaken")
                app.save(message)
                tally.dropped += 1
                continue
            try:
                content = gathering.content(Kind(message.kind), str(message.recipient_id), message.about)
                email = compose(content, message.id, mail, stamp.at)
                data = email.as_bytes()
            except Exception as problem:  # a message that cannot be written must not stop the others
                message.record_failure(stamp, f"could not be written: {type(problem).__name__}: {problem}",
                                       permanent=True)
                app.save(message)
                tally.failed += 1
                tally.problems.append(f"{message.kind} {message.id}: {problem}")
                continue
            try:
                deliver(email, data, recipients(email))
            except DeliveryFailed as failure:
                message.record_failure(stamp, failure.reason, permanent=failure.permanent)
                app.save(message)
                if message.status is MessageStatus.FAILED:
                    tally.failed += 1
                else:
                    tally.deferred += 1
                if failure.connection:
                    tally.untried += len(messages) - position
                    tally.problems.append(failure.reason)
                    return
                continue
            message.record_sent(stamp, message_id(message.id, mail), fingerprint(data))
            app.save(message)
            tally.sent += 1
