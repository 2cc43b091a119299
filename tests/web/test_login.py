"""Log-in by e-mail link over a real SMTP server (aiosmtpd), sessions, log-out, and the limit on asking."""

from __future__ import annotations

import re
from datetime import timedelta
from http.cookies import SimpleCookie

from fastapi.testclient import TestClient

from pdsa_engine.web.identity import SESSION_COOKIE
from tests.builders import PARTICIPANT
from tests.support.smtp import SmtpServer
from tests.web.site import Site, csrf_of, mail_settings

CSRF_VALUE = re.compile(r'name="csrf" value="[^"]+"')
LINK = re.compile(r"http://127\.0\.0\.1:8000(/login/[A-Za-z0-9_-]+)")


def ask_for_link(client: TestClient, email: str) -> str:
    page = client.get("/login")
    answer = client.post("/login", data={"csrf": csrf_of(page.text), "email": email})
    assert answer.status_code == 200, answer.text
    return answer.text


def mailed_link(smtp_server: SmtpServer) -> str:
    (message,) = smtp_server.inbox.of_kind("login_link")
    found = LINK.search(message.get_content())
    assert found, message.get_content()
    return found.group(1)


def log_in(client: TestClient, link: str) -> None:
    confirm = client.get(link)
    assert confirm.status_code == 200
    answer = client.post(link, data={"csrf": csrf_of(confirm.text)})
    assert answer.status_code == 303, answer.text


def test_a_link_mailed_over_smtp_logs_in_once_and_only_through_its_button(
        sqlite_site: Site, smtp_server: SmtpServer) -> None:
    site = sqlite_site
    site.web.mail = mail_settings(site.web.mail.maildir, smtp_server.url)
    browser = site.anonymous()
    said = ask_for_link(browser, PARTICIPANT)
    assert "er registreret i programmet" in said  # Danish before log-in, as the browser asked for nothing
    link = mailed_link(smtp_server)
    message = smtp_server.inbox.of_kind("login_link")[0]
    assert message["To"].endswith(f"<{PARTICIPANT}>") and message["Content-Language"] == "da"
    assert "15 minutter" in message.get_content()

    # A mail scanner opening the link, twice, and a HEAD: none of them uses it up.
    assert site.anonymous().get(link).status_code == 200
    assert site.anonymous().head(link).status_code == 200
    confirm = browser.get(link)
    assert confirm.status_code == 200 and 'method="post"' in confirm.text
    assert browser.get("/").status_code == 303  # not logged in by looking

    answer = browser.post(link, data={"csrf": csrf_of(confirm.text)})
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    cookie = SimpleCookie(answer.headers["set-cookie"])[SESSION_COOKIE]
    assert cookie["httponly"] and cookie["samesite"].lower() == "lax" and cookie["path"] == "/"
    assert not cookie["secure"]  # served over plain http here; see the test of https below
    home = browser.get("/")
    assert home.status_code == 200 and "Per Participant" in home.text

    again = site.anonymous()
    reused = again.post(link, data={"csrf": csrf_of(again.get("/login").text)})
    assert reused.status_code == 410 and again.get("/").status_code == 303


def test_asking_for_an_unknown_address_answers_alike_and_mails_nothing(sqlite_site: Site, smtp_server: SmtpServer) -> None:
    sqlite_site.web.mail = mail_settings(sqlite_site.web.mail.maildir, smtp_server.url)
    known = ask_for_link(sqlite_site.anonymous(), PARTICIPANT)
    unknown = ask_for_link(sqlite_site.anonymous(), "nobody@example.dk")
    def alike(page: str, address: str) -> str:  # each browser has a CSRF token of its own
        return CSRF_VALUE.sub("", page.replace(address, "ADDRESS"))

    assert alike(known, PARTICIPANT) == alike(unknown, "nobody@example.dk")
    assert len(smtp_server.inbox.of_kind("login_link")) == 1


def test_a_link_expires_after_fifteen_minutes(sqlite_site: Site) -> None:
    person = sqlite_site.app.person(PARTICIPANT)
    fresh, stale = (f"/login/{sqlite_site.web.auth.issue_link(person.id)}" for _ in range(2))
    sqlite_site.clock.advance(timedelta(minutes=14, seconds=59))
    log_in(sqlite_site.anonymous(), fresh)
    sqlite_site.clock.advance(timedelta(seconds=2))
    browser = sqlite_site.anonymous()
    assert browser.get(stale).status_code == 410
    assert browser.post(stale, data={"csrf": csrf_of(browser.get("/login").text)}).status_code == 410


def test_logging_in_gives_a_new_session_id_and_ends_the_one_the_browser_had(sqlite_site: Site) -> None:
    person = sqlite_site.app.person(PARTICIPANT)
    browser = sqlite_site.anonymous()
    log_in(browser, f"/login/{sqlite_site.web.auth.issue_link(person.id)}")
    first = browser.cookies.get(SESSION_COOKIE)
    log_in(browser, f"/login/{sqlite_site.web.auth.issue_link(person.id)}")
    second = browser.cookies.get(SESSION_COOKIE)
    assert first and second and first != second
    assert sqlite_site.web.auth.session(first) is None and sqlite_site.web.auth.session(second) is not None


def test_a_session_ends_after_eight_idle_hours_and_after_seven_days_in_any_case(sqlite_site: Site) -> None:
    site = sqlite_site
    person = site.app.person(PARTICIPANT)
    idle = site.web.auth.start_session(person.id).token
    busy = site.web.auth.start_session(person.id).token
    site.clock.advance(timedelta(hours=7, minutes=59))
    assert site.web.auth.session(busy) is not None  # used: its idle time starts again
    site.clock.advance(timedelta(minutes=2))
    assert site.web.auth.session(idle) is None
    assert site.web.auth.session(busy) is not None
    steady = site.web.auth.start_session(person.id).token
    lived = timedelta()
    while site.web.auth.session(steady) is not None:  # used every 7 hours: never idle
        site.clock.advance(timedelta(hours=7))
        lived += timedelta(hours=7)
        assert lived < timedelta(days=8), "the session outlived its seven days"
    assert lived > timedelta(days=6, hours=17)  # ended at its 7th day, not before


def test_logging_out_ends_the_session(sqlite_site: Site) -> None:
    browser = sqlite_site.client("participant")
    token = browser.cookies.get(SESSION_COOKIE)
    answer = browser.post("/logout", data={"csrf": sqlite_site.csrf("participant")})
    assert answer.status_code == 303 and answer.headers["location"] == "/login"
    assert sqlite_site.web.auth.session(token) is None
    stolen = sqlite_site.anonymous()
    stolen.cookies.set(SESSION_COOKIE, token)
    assert stolen.get("/api/v1/people/me").status_code == 401


def test_an_administrator_ends_every_session_of_a_person(sqlite_site: Site) -> None:
    person = sqlite_site.app.person(PARTICIPANT)
    tokens = [sqlite_site.web.auth.start_session(person.id).token for _ in range(3)]
    assert sqlite_site.web.auth.end_sessions_of(person.id) == 3
    assert all(sqlite_site.web.auth.session(token) is None for token in tokens)


def test_asking_too_often_is_refused_per_address_and_per_client(sqlite_site: Site) -> None:
    browser = sqlite_site.anonymous()
    for _ in range(5):
        ask_for_link(browser, PARTICIPANT)
    page = browser.get("/login")
    refused = browser.post("/login", data={"csrf": csrf_of(page.text), "email": PARTICIPANT})
    assert refused.status_code == 429
    sqlite_site.clock.advance(timedelta(minutes=31))  # the refused attempt counted too: a quiet half hour opens
    ask_for_link(browser, PARTICIPANT)
    for number in range(4):
        ask_for_link(browser, f"other{number}@example.dk")
    page = browser.get("/login")
    assert browser.post("/login", data={"csrf": csrf_of(page.text), "email": "fresh@example.dk"}).status_code == 429
