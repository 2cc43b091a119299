"""The site's defences: CSRF on every state-changing request from a browser, stored text shown as text, no
redirect away from the site, cookies' flags, API tokens, and the headers every page is sent with."""

from __future__ import annotations

import re
from datetime import timedelta
from http.cookies import SimpleCookie
from uuid import UUID

from pdsa_engine.application import PdsaApplication as A
from pdsa_engine.commands import projects
from pdsa_engine.web.identity import SESSION_COOKIE
from tests.builders import ADMIN, PARTICIPANT
from tests.web.site import Site, csrf_of

SCRIPT = "<script>alert(1)</script>"


def test_a_form_or_api_write_without_its_csrf_token_is_refused_and_stores_nothing(sqlite_site: Site) -> None:
    site = sqlite_site
    browser = site.client("participant")
    other = site.client("sponsor")
    path = f"/cycles/{site.cycle}/do"
    before = site.events()
    for token in (None, "", "x" * 43, site.csrf("sponsor")):  # none, empty, made up, another person's
        data = {"observations": "Gjort", **({"csrf": token} if token is not None else {})}
        assert browser.post(path, data=data).status_code == 403
        headers = {"X-CSRF-Token": token} if token is not None else {}
        answer = browser.post(f"/api/v1{path}", json={"observations": "Gjort"}, headers=headers)
        assert answer.status_code == 403 and answer.json()["error"]["code"] == "csrf"
    assert site.events() == before
    assert other.cookies.get(SESSION_COOKIE)  # the other session still stands
    assert browser.post(path, data={"observations": "Gjort", "csrf": site.csrf("participant")}).status_code == 303
    assert site.events() > before


def test_the_log_in_form_carries_a_token_too(sqlite_site: Site) -> None:
    browser = sqlite_site.anonymous()
    browser.get("/login")
    assert browser.post("/login", data={"email": PARTICIPANT}).status_code == 403
    stranger = sqlite_site.anonymous()
    token = csrf_of(stranger.get("/login").text)
    assert browser.post("/login", data={"email": PARTICIPANT, "csrf": token}).status_code == 403  # not its own


def test_a_title_that_is_a_script_is_shown_as_text_everywhere(sqlite_site: Site) -> None:
    site = sqlite_site
    from pdsa_engine.commands import people

    site.programme.run(ADMIN, A.add_person, people.AddPerson, name=SCRIPT, email="script@example.dk",
                       role=["participant"])
    site.programme.enrol(_cohort(site), "script@example.dk")
    site.programme.run(ADMIN, A.create_project, projects.CreateProject, cohort=_cohort(site),
                       participant="script@example.dk", title=SCRIPT, problem=SCRIPT, sponsor="sus.sponsor@example.dk",
                       coach="kim.coach@example.dk")
    site.programme.run(PARTICIPANT, A.set_aim, projects.SetAim, project=site.active.project, what=SCRIPT,
                       how_much=SCRIPT, by="2031-10-31")
    site.programme.run(PARTICIPANT, A.add_driver, projects.AddDriver, project=site.active.project,
                       primary=SCRIPT)
    pages = [f"/projects/{site.active.project}", f"/signoffs/{site.active.charter_signoff}", "/",
             f"/cohorts/{_cohort(site)}", f"/cycles/{site.cycle}", "/people"]
    for role in ("participant", "administrator"):
        for page in pages:
            text = site.client(role).get(page).text
            assert "<script>" not in text, f"{page} as {role} holds a raw script"
    shown = site.client("participant").get(f"/projects/{site.active.project}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown
    json_text = site.client("participant").get(f"/api/v1/projects/{site.active.project}").text
    assert SCRIPT.replace("/", "\\/") in json_text or SCRIPT in json_text  # JSON carries the text as text
    assert site.client("participant").get(f"/api/v1/projects/{site.active.project}").headers[
        "content-type"].startswith("application/json")


def _cohort(site: Site) -> UUID:
    from pdsa_engine.aggregates.project import ImprovementProject

    return site.app.load(ImprovementProject, site.active.project).cohort_id


def test_no_log_in_sends_anyone_to_another_site(sqlite_site: Site) -> None:
    from pdsa_engine.web.login import safe_next

    for bad in ("https://evil.example/", "//evil.example", "/\\evil.example", "http:/evil", "javascript:alert(1)",
                "evil.example", "/\x00/evil", ""):
        assert safe_next(bad) == "/", bad
    assert safe_next("/projects/abc?x=1") == "/projects/abc?x=1"
    page = sqlite_site.anonymous().get("/login", params={"next": "https://evil.example/"}).text
    assert 'name="next" value="/"' in page
    person = sqlite_site.app.person(PARTICIPANT)
    link = f"/login/{sqlite_site.web.auth.issue_link(person.id, '//evil.example')}"
    browser = sqlite_site.anonymous()
    answer = browser.post(link, data={"csrf": csrf_of(browser.get(link).text)})
    assert answer.status_code == 303 and answer.headers["location"] == "/"


def test_over_https_the_session_cookie_is_secure(sqlite_site: Site) -> None:
    from fastapi.testclient import TestClient

    from pdsa_engine.web.app import create_app

    sqlite_site.web.secure_cookies = True  # PDSA_BASE_URL is https: a proxy in front speaks TLS
    person = sqlite_site.app.person(PARTICIPANT)
    link = f"/login/{sqlite_site.web.auth.issue_link(person.id)}"
    browser = TestClient(create_app(sqlite_site.web), base_url="https://pdsa.example.dk", follow_redirects=False)
    answer = browser.post(link, data={"csrf": csrf_of(browser.get(link).text)})
    cookie = SimpleCookie(answer.headers["set-cookie"])[SESSION_COOKIE]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"].lower() == "lax"


def test_pages_are_sent_with_headers_that_keep_other_sites_out(sqlite_site: Site) -> None:
    answer = sqlite_site.client("participant").get(f"/projects/{sqlite_site.active.project}")
    assert "default-src 'self'" in answer.headers["content-security-policy"]
    assert answer.headers["x-frame-options"] == "DENY" and answer.headers["x-content-type-options"] == "nosniff"
    assert sqlite_site.anonymous().get("/login/whatever").headers["cache-control"] == "no-store"
    # A chart is an image: it may have matplotlib's inline styles (else Chromium draws it blank), and nothing else.
    chart = sqlite_site.client("participant").get(f"/measures/{sqlite_site.active.measure}/chart.svg")
    assert chart.headers["content-type"].startswith("image/svg+xml")
    assert chart.headers["content-security-policy"] == "default-src 'none'; style-src 'unsafe-inline'"


def test_an_api_token_acts_for_its_person_until_revoked_or_expired(sqlite_site: Site) -> None:
    site = sqlite_site
    person = site.app.person(PARTICIPANT)
    token, token_id = site.web.auth.create_token(person.id, "script", person.id, timedelta(days=1))
    api = site.anonymous()
    bearer = {"Authorization": f"Bearer {token}"}
    assert api.get("/api/v1/people/me", headers=bearer).json()["email"] == PARTICIPANT
    before = site.events()
    done = api.post(f"/api/v1/cycles/{site.cycle}/do", json={"observations": "Gjort"}, headers=bearer)
    assert done.status_code == 200, done.text  # no CSRF token: a script's request carries no cookie
    assert site.events() > before
    assert not re.search(token, str(site.web.auth.tokens()))  # only its hash is kept
    site.web.auth.revoke_token(token_id)
    assert api.get("/api/v1/people/me", headers=bearer).status_code == 401
    short, _ = site.web.auth.create_token(person.id, "short", person.id, timedelta(days=1))
    site.clock.advance(timedelta(days=1, seconds=1))
    assert api.get("/api/v1/people/me", headers={"Authorization": f"Bearer {short}"}).status_code == 401
    assert api.get("/api/v1/people/me", headers={"Authorization": "Bearer made-up"}).status_code == 401


def test_the_favicon_is_the_sites_own(sqlite_site) -> None:
    icon = sqlite_site.anonymous().get("/favicon.ico", follow_redirects=True)
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
