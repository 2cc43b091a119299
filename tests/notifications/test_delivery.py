"""Delivery over a real SMTP server (aiosmtpd), on SQLite and PostgreSQL: what arrives, with which headers and
parts; nothing twice; a server that is down defers, loses nothing, and gets each message once when it is back."""

from __future__ import annotations

import re
from datetime import timedelta

from pdsa_engine.aggregates.outbox import MessageStatus, OutboxMessage
from pdsa_engine.notifications.rules import Kind
from pdsa_engine.web.mailed_links import MailedLinks
from tests.builders import SPONSOR, settings_for
from tests.notifications.world import BASE_URL, world

MESSAGE_ID = re.compile(r"<[0-9a-f-]{36}@ledelsesprogram\.example\.dk>")


def test_a_request_reaches_the_sponsor_with_its_headers_text_and_html(database_url, smtp_server, tmp_path):
    w = world(database_url)
    tally = w.notifier(smtp_server.url, tmp_path).run(w.clock.now(), w.administrator())
    assert tally.sent == tally.queued and tally.deferred == tally.failed == 0
    [message] = smtp_server.inbox.of_kind("signoff_requested")
    assert message["To"].addresses[0].addr_spec == SPONSOR
    assert message["From"].addresses[0].addr_spec == "noreply@ledelsesprogram.example.dk"
    assert MESSAGE_ID.fullmatch(message["Message-ID"])
    assert message["Content-Language"] == "da" and message["X-PDSA-Kind"] == "signoff_requested"
    assert message.get_content_type() == "multipart/alternative"
    text, html = message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()
    # The sponsor's link decides this sign-off without a log-in: the same one in both parts, naming them and it.
    [token] = set(re.findall(rf"{re.escape(BASE_URL)}/mailed/([\w-]+)", text))
    link = f"{BASE_URL}/mailed/{token}"
    assert f'href="{link}"' in html and "videresend ikke" in text
    mailed = MailedLinks.open(settings_for(database_url))
    found = mailed.find(token)
    mailed.close()
    assert found is not None and found.signoff_id == w.signoff and found.person_id == w.app.person(SPONSOR).id
    assert "Din godkendelse ønskes" in message["Subject"] and "Færre færdigbehandlingsdage" in message["Subject"]
    assert 'style="' in html and "<style" not in html  # the CSS inlined for mail clients
    # What was sent is recorded by its Message-ID and a hash of the bytes; no address in the record.
    stored = w.app.load(OutboxMessage, _outbox_id(message))
    assert stored.status is MessageStatus.SENT and stored.message_id == message["Message-ID"]
    assert SPONSOR not in repr(vars(stored))


def _outbox_id(message):
    from uuid import UUID

    return UUID(message["Message-ID"].strip("<>").split("@")[0])


def test_evaluating_again_sends_nothing_twice_and_the_reminder_comes_on_its_day(database_url, smtp_server, tmp_path):
    w = world(database_url)
    notifier = w.notifier(smtp_server.url, tmp_path)
    notifier.run(w.clock.now(), w.administrator())
    first = len(smtp_server.inbox.received)
    for hours in (1, 24, 48):
        notifier.run(w.later(hours=hours) if hours == 1 else w.clock.now() + timedelta(hours=hours - 1),
                     w.administrator())
    assert [m["X-PDSA-Kind"] for m in smtp_server.inbox.messages()[first:]] == []
    notifier.run(w.later(days=3), w.administrator())
    assert len(smtp_server.inbox.of_kind("signoff_reminder")) == 1
    notifier.run(w.later(minutes=5), w.administrator())
    assert len(smtp_server.inbox.of_kind("signoff_reminder")) == 1
    ids = [m["Message-ID"] for m in smtp_server.inbox.messages()]
    assert len(ids) == len(set(ids))


def test_a_decided_signoff_drops_its_queued_reminder_and_tells_the_participant(database_url, smtp_server, tmp_path):
    w = world(database_url)
    notifier = w.notifier(smtp_server.url, tmp_path)
    notifier.run(w.clock.now(), w.administrator())
    smtp_server.stop()  # the reminder is queued but cannot go
    reminder_day = w.later(days=3)
    tally = notifier.run(reminder_day, w.administrator())
    assert tally.deferred >= 1
    smtp_server.start()
    w.programme.decide(w.signoff, "approved")
    tally = notifier.run(w.later(minutes=30), w.administrator())
    assert tally.dropped >= 1, "the reminder of a decided sign-off is not sent late"
    assert smtp_server.inbox.of_kind("signoff_reminder") == []
    assert len(smtp_server.inbox.of_kind("signoff_decided")) == 2  # the participant and the coach


def test_a_server_that_is_down_defers_loses_nothing_and_gets_each_message_once_when_back(database_url, smtp_server,
                                                                                      tmp_path):
    w = world(database_url)
    notifier = w.notifier(smtp_server.url, tmp_path)
    smtp_server.stop()
    tally = notifier.run(w.clock.now(), w.administrator())
    # The first message finds the server down; the others are not knocked on the same closed door: deferred alike.
    assert tally.sent == 0 and tally.deferred == tally.queued >= 2 and tally.undelivered
    waiting = tally.queued
    # Tried again only when the backoff says: a minute later, not before.
    tally = notifier.run(w.later(seconds=30), w.administrator())
    assert tally.sent == tally.deferred == 0
    smtp_server.start()
    tally = notifier.run(w.later(minutes=1), w.administrator())
    assert tally.sent == waiting and not tally.undelivered
    assert len(smtp_server.inbox.received) == waiting
    notifier.run(w.later(minutes=15), w.administrator())
    assert len(smtp_server.inbox.received) == waiting


def test_a_refusal_for_good_fails_at_once_and_a_temporary_one_is_retried(database_url, smtp_server, tmp_path):
    w = world(database_url)
    notifier = w.notifier(smtp_server.url, tmp_path)
    smtp_server.inbox.refuse = 451
    tally = notifier.run(w.clock.now(), w.administrator())
    assert tally.deferred == tally.queued >= 2 and tally.failed == 0
    queued = tally.queued
    smtp_server.inbox.refuse = 550
    tally = notifier.run(w.later(minutes=2), w.administrator())
    assert tally.failed == queued and tally.deferred == 0
    statuses = {w.app.load(OutboxMessage, m).status for m in _outbox(notifier)}
    assert statuses == {MessageStatus.FAILED}


def test_tries_give_up_after_48_hours_and_the_failure_is_kept(database_url, smtp_server, tmp_path):
    w = world(database_url)
    notifier = w.notifier(smtp_server.url, tmp_path)
    smtp_server.inbox.refuse = 421
    notifier.run(w.clock.now(), w.administrator())
    for _ in range(49):
        notifier.run(w.later(hours=1), w.administrator())
    [requested] = [w.app.load(OutboxMessage, m) for m in _outbox(notifier)
                   if w.app.load(OutboxMessage, m).kind == Kind.SIGNOFF_REQUESTED.value]
    assert requested.status is MessageStatus.FAILED and requested.attempts >= 48
    assert "421" in (requested.last_error or "")


def _outbox(notifier):
    from uuid import UUID

    from sqlalchemy import select

    from pdsa_engine.projections.outbox import OUTBOX

    notifier.projections.catch_up(["outbox"])
    with notifier.projections.store.engine.connect() as connection:
        return [UUID(i) for i in connection.execute(select(OUTBOX.c.id)).scalars()]


def test_the_audit_log_shows_each_reminder_beside_its_project(sqlite_url, smtp_server, tmp_path):
    from pdsa_engine.audit.log import LogFilter
    from pdsa_engine.audit.service import Audit
    from tests.builders import AUDITOR, settings_for

    w = world(sqlite_url)
    notifier = w.notifier(smtp_server.url, tmp_path)
    notifier.run(w.clock.now(), w.administrator())
    notifier.run(w.later(days=3), w.administrator())
    audit = Audit(w.app, settings_for(sqlite_url), notifier.projections)
    lines = audit.log(AUDITOR, LogFilter(project=str(w.project)), "en")
    told = [line for line in lines if line["event"].startswith("OutboxMessage.")]
    events = [line["event"] for line in told]
    assert events.count("OutboxMessage.Queued") == 2 and events.count("OutboxMessage.Sent") == 2
    queued = [line for line in told if line["event"] == "OutboxMessage.Queued"]
    assert {line["what"] for line in queued} == {"queued a request for a sign-off for Sus Sponsor",
                                                     "queued a reminder of a sign-off for Sus Sponsor"}
    assert all(line["who"]["name"] == "Ada Admin" and line["role"] == "administrator" for line in told)


def test_each_weeks_checkpoint_is_signed_afresh_by_a_notifier_that_runs_on(sqlite_url, smtp_server, tmp_path):
    import json

    w = world(sqlite_url)
    notifier = w.notifier(smtp_server.url, tmp_path)  # one notifier, as the scheduler and the demo keep it
    notifier.run(w.clock.now(), w.administrator())
    w.programme.decide(w.signoff, "approved")  # the history grows
    notifier.run(w.later(days=7), w.administrator())
    positions = [json.loads(part.get_content())["position"] for m in smtp_server.inbox.of_kind("auditor_checkpoint")
                 for part in m.walk() if part.get_content_type() == "application/json"]
    assert len(positions) == 2 and positions[0] < positions[1], positions
