"""A sponsor decides a sign-off from the link in the mail the reminders sent (over a real SMTP server), without
logging in: opening the link shows the sign-off, only the page's POST decides, the decision says it came through
the link, and the link opens nothing else and dies with its sign-off, after 7 days, or when an administrator
ends the person's sessions."""

from __future__ import annotations

import re
from datetime import timedelta
from uuid import UUID

from fastapi.testclient import TestClient

from pdsa_engine.aggregates.signoff import SignOff
from pdsa_engine.aggregates.values import Actor, Role, SignOffStatus
from pdsa_engine.notifications.service import Notifier
from pdsa_engine.runtime import open_application, open_projections
from pdsa_engine.web.mailed_links import MailedLinks
from tests.builders import ADMIN, OTHER_SPONSOR, SPONSOR, settings_for
from tests.support.smtp import SmtpServer
from tests.web.site import Site, csrf_of, mail_settings
from tests.web.test_api import _meeting

LINK = re.compile(r"http://127\.0\.0\.1:8000(/mailed/[A-Za-z0-9_-]+)")


def send_reminders(site: Site, smtp_server: SmtpServer) -> None:
    """What the scheduler does, in a process of its own: here an application of its own on the same database."""
    settings = settings_for(site.web.settings.database_url)
    app = open_application(settings, clock=site.clock)
    notifier = Notifier(app, open_projections(app, settings), settings,
                        mail_settings(site.web.mail.maildir, smtp_server.url))
    try:
        notifier.run(site.clock.now(), Actor(app.person(ADMIN).id, Role.ADMINISTRATOR))
    finally:
        notifier.close()


def link_mailed_to(smtp_server: SmtpServer, address: str, kind: str = "signoff_requested") -> str:
    [message] = [m for m in smtp_server.inbox.of_kind(kind) if m["To"].addresses[0].addr_spec == address]
    found = {LINK.search(part.get_content()).group(1)  # type: ignore[union-attr]
             for part in (message.get_body(("plain",)), message.get_body(("html",)))}
    assert len(found) == 1, found  # the same link in the text and the HTML
    return found.pop()


def decide(browser: TestClient, link: str, decision: str, comment: str = "") -> tuple[int, str]:
    page = browser.get(link)
    version = re.search(r'name="project_version" value="(\d+)"', page.text)
    assert page.status_code == 200 and version, page.text
    answer = browser.post(link, data={"csrf": csrf_of(page.text), "project_version": version.group(1),
                                      "decision": decision, "comment": comment})
    return answer.status_code, answer.text


def signoff_of(site: Site) -> SignOff:
    return site.app.load(SignOff, site.pending_signoff)


def test_the_sponsor_decides_from_the_mailed_link_in_two_clicks_and_the_decision_says_so(
        site: Site, smtp_server: SmtpServer) -> None:
    send_reminders(site, smtp_server)
    link = link_mailed_to(smtp_server, OTHER_SPONSOR)
    before = site.events()
    # Mail scanners open links before their reader does: a GET and a HEAD decide nothing.
    assert site.anonymous().head(link).status_code == 200
    scanned = site.anonymous().get(link)
    assert scanned.status_code == 200 and site.events() == before
    assert scanned.headers["cache-control"] == "no-store" and scanned.headers["referrer-policy"] == "no-referrer"

    browser = site.anonymous()
    page = browser.get(link)  # click one
    assert page.status_code == 200 and page.headers["content-language"] == "da"
    assert "Godkend" in page.text and "kommissorium" in page.text.lower() and "Sven Sponsor" in page.text
    version = re.search(r'name="project_version" value="(\d+)"', page.text).group(1)  # type: ignore[union-attr]
    answer = browser.post(link, data={"csrf": csrf_of(page.text), "project_version": version,
                                      "decision": "approve"})  # click two
    assert answer.status_code == 303 and answer.headers["location"] == link

    signoff = signoff_of(site)
    assert signoff.status is SignOffStatus.APPROVED and signoff.decided_by_mailed_link
    assert signoff.decided_on_version == int(version)
    thanks = browser.get(link)
    assert thanks.status_code == 200 and "Din beslutning er registreret: godkendt" in thanks.text
    assert 'name="decision"' not in thanks.text
    # Seen from a logged-in session and in the audit log, the decision came through the link.
    shown = site.client("other_sponsor").get(f"/signoffs/{site.pending_signoff}")
    assert "afgjort via linket i mailen til sponsoren" in shown.text
    audit = site.client("auditor").get("/audit", params={"project": str(signoff.project_id)})
    assert "via linket i mailen til sponsoren, uden log-ind" in audit.text

    # Used, the link decides nothing again.
    after = site.events()
    again = site.anonymous()
    assert again.get(link).status_code == 200  # the decision shown back, without a form
    refused = again.post(link, data={"csrf": csrf_of(again.get("/login").text), "project_version": version,
                                     "decision": "decline", "comment": "Nej"})
    assert refused.status_code == 410 and site.events() == after


def test_the_link_opens_nothing_but_its_sign_off(sqlite_site: Site, smtp_server: SmtpServer) -> None:
    site = sqlite_site
    send_reminders(site, smtp_server)
    link = link_mailed_to(smtp_server, OTHER_SPONSOR)
    browser = site.anonymous()
    page = browser.get(link)
    signoff = signoff_of(site)
    before = site.events()
    for path in ("/", f"/projects/{signoff.project_id}", f"/signoffs/{signoff.id}", "/api/v1/projects"):
        assert browser.get(path).status_code in (303, 401), path  # to the log-in
    answer = browser.post(f"/signoffs/{signoff.id}/approve", data={"csrf": csrf_of(page.text),
                                                                 "project_version": "1"})
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login")
    assert site.events() == before and signoff_of(site).pending
    # Mail to anyone but the sponsor it waits for links to the page behind the log-in.
    for message in smtp_server.inbox.messages():
        if message["To"].addresses[0].addr_spec != OTHER_SPONSOR:
            assert "/mailed/" not in message.get_body(("plain",)).get_content(), message["Subject"]


def test_a_decision_through_the_link_meets_the_same_rules(sqlite_site: Site, smtp_server: SmtpServer) -> None:
    site = sqlite_site
    send_reminders(site, smtp_server)
    link = link_mailed_to(smtp_server, OTHER_SPONSOR)
    browser = site.anonymous()
    before = site.events()
    # No CSRF token: refused, nothing stored.
    assert browser.post(link, data={"decision": "approve", "project_version": "1"}).status_code == 403
    # Declining needs a comment: the page says so, names the field and keeps the link alive.
    status, text = decide(browser, link, "decline")
    assert status == 422 and "comment" in text and 'name="decision"' in text
    assert site.events() == before
    # The project changed while the page was open: refused, saying what changed; the page shows the new version.
    page = browser.get(link)
    shown = re.search(r'name="project_version" value="(\d+)"', page.text).group(1)  # type: ignore[union-attr]
    _meeting(site, str(signoff_of(site).project_id))
    stale = browser.post(link, data={"csrf": csrf_of(page.text), "project_version": shown, "decision": "approve"})
    assert stale.status_code == 412 and "møde registreret" in stale.text
    assert f'name="project_version" value="{int(shown) + 1}"' in stale.text and signoff_of(site).pending
    status, _ = decide(browser, link, "request-changes", "Skarpere mål")
    assert status == 303
    decided = signoff_of(site)
    assert decided.status is SignOffStatus.CHANGES_REQUESTED and decided.comment == "Skarpere mål"


def test_a_link_dies_with_its_sign_off_after_seven_days_or_when_its_sessions_are_ended(
        sqlite_site: Site, smtp_server: SmtpServer) -> None:
    site = sqlite_site
    send_reminders(site, smtp_server)
    link = link_mailed_to(smtp_server, OTHER_SPONSOR)
    token = link.rsplit("/", 1)[1]
    links = site.web.mailed_links()
    assert site.anonymous().get("/mailed/made-up").status_code == 410

    site.clock.advance(timedelta(days=7, seconds=-1))
    assert site.anonymous().get(link).status_code == 200  # a second before its 7 days, it lives
    site.clock.advance(timedelta(seconds=1))
    expired = site.anonymous().get(link)
    assert expired.status_code == 410 and "udløbet" in expired.text and 'name="decision"' not in expired.text

    sponsor = site.app.person(OTHER_SPONSOR).id
    ending = f"/mailed/{links.issue(sponsor, site.pending_signoff, site.clock.now())}"
    assert site.anonymous().get(ending).status_code == 200
    assert links.end_all_of(sponsor, site.clock.now()) == 1  # the expired one is not counted
    ended = site.anonymous().get(ending)
    assert ended.status_code == 410 and "lukket af en administrator" in ended.text

    # A link dies once the sponsor decides its sign-off another way (logged in).
    fresh = f"/mailed/{links.issue(sponsor, site.pending_signoff, site.clock.now())}"
    assert site.anonymous().get(fresh).status_code == 200
    site.programme.decide(site.pending_signoff, sponsor=OTHER_SPONSOR)
    gone = site.anonymous().get(fresh)
    assert gone.status_code == 410 and "allerede taget stilling" in gone.text
    assert links.find(token) is not None and MailedLinks(site.web.auth.engine).find("made-up") is None


def test_a_link_is_for_the_sponsor_the_sign_off_waits_for(sqlite_site: Site) -> None:
    site = sqlite_site
    links = site.web.mailed_links()
    # A link made for a person the sign-off is not addressed to (its earlier sponsor) decides nothing.
    wrong = f"/mailed/{links.issue(site.app.person(SPONSOR).id, site.pending_signoff, site.clock.now())}"
    page = site.anonymous().get(wrong)
    assert page.status_code == 410 and "venter ikke længere på dig" in page.text
    assert signoff_of(site).pending and isinstance(signoff_of(site).sponsor_id, UUID)
