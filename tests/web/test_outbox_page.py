"""The outbox page: the messages the reminders sent over a real SMTP server, how each went, filtered by status;
administrators only."""

from __future__ import annotations

import re

from tests.support.smtp import SmtpServer
from tests.web.site import Site, csrf_of
from tests.web.test_mailed_links import send_reminders


def test_an_administrator_sees_how_each_message_went(sqlite_site: Site, smtp_server: SmtpServer) -> None:
    site = sqlite_site
    admin = site.client("administrator")
    assert "Ingen beskeder." in admin.get("/outbox").text
    send_reminders(site, smtp_server)
    delivered = len(smtp_server.inbox.messages())
    sent = admin.get("/outbox", params={"status": "sent"})
    assert sent.status_code == 200 and "sendt" in sent.text
    for message in smtp_server.inbox.messages():  # each recipient named, as registered
        assert site.app.person(message["To"].addresses[0].addr_spec).name in sent.text
    rows = sent.text.count("<tr><td>")
    assert rows == delivered > 0  # one row for each message the server received
    assert "Ingen beskeder." in admin.get("/outbox", params={"status": "failed"}).text
    wrong = admin.get("/outbox", params={"status": "lost"})
    assert wrong.status_code == 422 and "<strong>Status</strong>" in wrong.text


def test_the_outbox_is_the_administrators(sqlite_site: Site) -> None:
    for role in ("participant", "sponsor", "coach", "auditor"):
        assert sqlite_site.client(role).get("/outbox").status_code == 403, role


def test_an_administrator_sends_a_failed_message_again(sqlite_site: Site, smtp_server: SmtpServer) -> None:
    site = sqlite_site
    smtp_server.inbox.refuse = 550  # every message refused for good: each fails at once
    send_reminders(site, smtp_server)
    admin = site.client("administrator")
    failed = admin.get("/outbox", params={"status": "failed"})
    assert "550" in failed.text and "Send igen" in failed.text
    [first, *_] = re.findall(r'action="/outbox/([0-9a-f-]+)/retry"', failed.text)
    before = site.events()
    assert admin.post(f"/outbox/{first}/retry", data={}).status_code == 403  # no CSRF token
    sponsor = site.client("sponsor")
    assert sponsor.post(f"/outbox/{first}/retry", data={"csrf": site.csrf("sponsor")}).status_code == 403
    assert site.events() == before
    again = admin.post(f"/outbox/{first}/retry", data={"csrf": csrf_of(failed.text)})
    assert again.status_code == 303 and site.events() == before + 1
    assert f'action="/outbox/{first}/retry"' not in admin.get("/outbox", params={"status": "failed"}).text
    twice = admin.post(f"/outbox/{first}/retry", data={"csrf": csrf_of(failed.text)})
    assert twice.status_code == 409 and "kun en mislykket besked forsøges igen" in twice.text
    smtp_server.inbox.refuse = None
    send_reminders(site, smtp_server)
    assert smtp_server.inbox.messages()  # sent this time


def test_the_outbox_counts_each_status_and_pages_through_the_messages(sqlite_site: Site, smtp_server: SmtpServer,
                                                                      monkeypatch) -> None:
    from pdsa_engine.web import outbox

    site = sqlite_site
    send_reminders(site, smtp_server)
    delivered = len(smtp_server.inbox.messages())
    assert delivered >= 3
    admin = site.client("administrator")
    assert 'href="/outbox"' in admin.get("/").text  # the administrator's way there
    assert 'href="/outbox"' not in site.client("participant").get("/").text
    first = admin.get("/outbox")
    assert f"sendt: {delivered}</a>" in first.text and "mislykket: 0" in first.text
    monkeypatch.setattr(outbox, "PAGE", 2)
    ids = []
    for number in range(1, -(-delivered // 2) + 1):
        page = admin.get("/outbox", params={"page": number, "status": "sent"})
        shown = re.findall(r"<tr><td>.*?<code>([0-9a-f]{8})</code>", page.text)
        assert len(shown) == min(2, delivered - 2 * (number - 1))
        assert f"af {delivered}, nyeste først" in page.text
        assert ("Ældre</a>" in page.text) == (number * 2 < delivered) and ("Nyere</a>" in page.text) == (number > 1)
        ids += shown
    assert len(set(ids)) == delivered  # every message on one page, none on two
    assert admin.get("/outbox", params={"page": "0"}).status_code == 422


def test_a_page_past_the_last_leads_back_and_a_wrong_status_is_named_in_words(sqlite_site: Site) -> None:
    admin = sqlite_site.client("administrator")
    beyond = admin.get("/outbox", params={"page": "9"})
    assert beyond.status_code == 200 and 'href="/outbox">De nyeste beskeder</a>' in beyond.text
    wrong = admin.get("/outbox", params={"status": "lost"}).text
    assert "i kø, sendes, sendt, udsat, mislykket, opgivet" in wrong and "queued" not in wrong
