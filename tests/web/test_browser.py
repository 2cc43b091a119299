"""The site in Debian's Chromium, driven by Playwright, against a real `pdsa serve` that mails through a real SMTP
server (aiosmtpd): each role logs in through the link in its mail; the participant plans a cycle and takes it
through Do, Study and Act; the sponsor approves a charter, logged in, and another from the link in her weekly
digest without logging in; the administrator reads the cohort; the auditor reads the log. Every page is scanned with axe-core (no serious or critical violation) and kept as a screenshot in
test-artifacts/web/."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from uuid import UUID

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from pdsa_engine.aggregates.project import ImprovementProject
from pdsa_engine.aggregates.signoff import SignOff
from pdsa_engine.aggregates.values import SignOffStatus
from pdsa_engine.application import PdsaApplication as A
from pdsa_engine.clock import LOCAL_ZONE, SimulatedClock
from pdsa_engine.commands import cohorts, projects
from tests.builders import ADMIN, AUDITOR, COACH, OTHER_SPONSOR, PARTICIPANT, SPONSOR, Programme, database_app
from tests.support.smtp import SmtpServer
from tests.web.served import Served, serving, wait_for
from tests.web.site import build_site

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).resolve().parents[2] / ".venv" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(os.environ.get("PDSA_TEST_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts")) / "web"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
LINK = re.compile(r"(http://127\.0\.0\.1:\d+/login/[A-Za-z0-9_-]+)")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), "Debian's chromium package is needed: `make test` installs it"
    assert AXE.exists(), "axe-core is needed: `make test` installs it (make axe)"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


def accessible(page: Page, name: str) -> None:
    """No serious or critical violation of axe-core's rules; the page kept as a screenshot."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("async () => (await axe.run()).violations.map("
                               "v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))")
    grave = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert not grave, f"{name}: {grave}"


def submit(page: Page, selector: str) -> None:
    """Clicks a form's button and waits for the page the form leads to."""
    with page.expect_navigation():
        page.click(selector)


def log_in(browser: Browser, served: Served, smtp: SmtpServer, email: str, name: str) -> Page:
    page = browser.new_page(locale="da-DK", bypass_csp=True)  # for axe-core, injected by the test
    page.goto(f"{served.base}/login")
    accessible(page, f"{name}-login")
    page.fill("#email", email)
    submit(page, "button[type=submit]")
    assert "på vej" in page.content(), page.content()
    wait_for(lambda: any(m["To"].endswith(f"<{email}>") for m in smtp.inbox.of_kind("login_link")), 30)
    mail = [m for m in smtp.inbox.of_kind("login_link") if m["To"].endswith(f"<{email}>")][-1]
    link = LINK.search(mail.get_content())
    assert link, mail.get_content()
    page.goto(link.group(1))
    accessible(page, f"{name}-confirm")
    submit(page, "main button[type=submit]")
    assert page.url == f"{served.base}/"
    accessible(page, f"{name}-home")
    return page


def test_each_role_uses_the_site_in_chromium(browser: Browser, sqlite_url: str, tmp_path: Path,
                                            smtp_server: SmtpServer) -> None:
    site = build_site(sqlite_url, tmp_path / "built-mail")
    project, cohort = site.active.project, site.app.load(ImprovementProject, site.active.project).cohort_id
    pending = site.pending_signoff
    site.web.close()
    with serving(sqlite_url, tmp_path, "--no-scheduler", PDSA_SMTP_URL=smtp_server.url) as served:
        page = log_in(browser, served, smtp_server, PARTICIPANT, "participant")
        page.click(f"a[href='/projects/{project}']")
        accessible(page, "participant-project")
        page.click("text=Planlæg en cyklus")
        page.fill("#plan-objective", "Tavlemøde hver morgen på afsnit B")
        page.fill("#plan-prediction", "Færre færdigbehandlingsdage\nKortere tavlemøder")
        page.fill("#plan-start", "2031-03-01")
        page.fill("#plan-end", "2031-02-14")  # before the start: refused in Danish, and nothing typed is lost
        page.select_option("#plan-change_idea", str(site.active.other_change_idea))
        submit(page, "text=Planlæg cyklussen")
        assert "den planlagte slutning skal ligge på eller efter starten 1. marts 2031" in page.content()
        accessible(page, "participant-plan-refused")
        submit(page, "text=Gå tilbage")
        assert page.input_value("#plan-objective") == "Tavlemøde hver morgen på afsnit B"
        assert page.input_value("#plan-prediction") == "Færre færdigbehandlingsdage\nKortere tavlemøder"
        assert page.input_value("#plan-change_idea") == str(site.active.other_change_idea)
        page.fill("#plan-end", "2031-03-14")
        submit(page, "text=Planlæg cyklussen")
        assert "/cycles/" in page.url and "Gemt." in page.content()
        accessible(page, "participant-cycle-plan")
        cycle = page.url
        page.goto(f"{served.base}/projects/{project}")  # an accepted form is done with: shown again, it is empty
        assert page.input_value("#plan-objective") == ""
        page.goto(cycle)
        for field, text, button, shot in (("#do-observations", "Afprøvet i to uger", "Gem udførelsen", "do"),
                                          ("#study-findings", "Tre dage færre i snit", "Gem studiet", "study")):
            page.fill(field, text)
            submit(page, f"text={button}")
            accessible(page, f"participant-cycle-{shot}")
        page.select_option("#act-decision", "adopt")
        page.fill("#act-next_steps", "Udbredes til afsnit C")
        submit(page, "text=Afslut cyklussen")
        assert "afsluttet" in page.content().lower() or "indfør" in page.content()
        accessible(page, "participant-cycle-closed")

        sponsor = log_in(browser, served, smtp_server, OTHER_SPONSOR, "sponsor")
        sponsor.click(f"a[href='/signoffs/{pending}']")
        accessible(sponsor, "sponsor-signoff")
        submit(sponsor, "button:has-text('Godkend')")
        assert "godkendt" in sponsor.content()
        accessible(sponsor, "sponsor-signoff-approved")

        admin = log_in(browser, served, smtp_server, ADMIN, "administrator")
        admin.click(f"a[href='/cohorts/{cohort}']")
        accessible(admin, "administrator-cohort")
        admin.goto(f"{served.base}/people")
        accessible(admin, "administrator-people")
        admin.click("a:has-text('Kim Coach')")
        accessible(admin, "administrator-person")
        admin.goto(f"{served.base}/outbox")
        accessible(admin, "administrator-outbox")

        coach = log_in(browser, served, smtp_server, COACH, "coach")
        assert "De projekter, du coacher" in coach.content() and "Tavlemøde" not in coach.content()  # closed above
        accessible(coach, "coach-home")

        auditor = log_in(browser, served, smtp_server, AUDITOR, "auditor")
        auditor.goto(f"{served.base}/audit")
        auditor.select_option("#audit-project", str(project))
        submit(auditor, "form[action='/audit'] button")
        assert "Afprøvet i to uger" in auditor.content() or "hændelser" in auditor.content()
        accessible(auditor, "auditor-log")
        auditor.goto(f"{served.base}/audit/projects/{project}?version=2")
        accessible(auditor, "auditor-replay")
    assert served.code == 0, served.said()


MONDAY = datetime(2034, 12, 4, 7, 0, tzinfo=LOCAL_ZONE)  # a digest slot: Monday 07:00 in Denmark
MAILED = re.compile(r'href="(http://127\.0\.0\.1:\d+/mailed/[A-Za-z0-9_-]+)"')


def charter_waiting_for_its_sponsor(url: str) -> UUID:
    """A project of a cohort in its digest season whose charter waits for Sus Sponsor; its sign-off's id."""
    app = database_app(url, SimulatedClock(MONDAY - timedelta(days=20)))
    programme = Programme(app).people()
    run = programme.run
    cohort = run(ADMIN, A.create_cohort, cohorts.CreateCohort, name="Hold 2035", start="2034-09-01", end="2035-06-30")
    programme.enrol(cohort)
    project = run(ADMIN, A.create_project, projects.CreateProject, cohort=cohort, participant=PARTICIPANT,
                  title="Færre færdigbehandlingsdage", problem="Patienter venter.", sponsor=SPONSOR, coach=COACH)
    run(PARTICIPANT, A.set_aim, projects.SetAim, project=project, what="Færre dage", how_much="40 %", by="2035-05-31")
    run(PARTICIPANT, A.add_measure, projects.AddMeasure, project=project, name="Færdigbehandlingsdage",
        kind="outcome", chart="i", definition="Dage pr. uge", frequency="week", direction="down")
    node = None
    for kind, text in (("primary", "Hjemmet først"), ("secondary", "Planlægning"), ("change_idea", "Tavlemøde")):
        node = run(PARTICIPANT, A.add_driver, projects.AddDriver, project=project, **{kind: text}, under=node)
    signoff = programme.submit(project)
    app.close()
    return signoff


def test_a_sponsor_approves_from_the_link_in_the_digest_without_logging_in(
        browser: Browser, sqlite_url: str, tmp_path: Path, smtp_server: SmtpServer) -> None:
    signoff = charter_waiting_for_its_sponsor(sqlite_url)
    with serving(sqlite_url, tmp_path, "--no-scheduler", PDSA_SMTP_URL=smtp_server.url) as served:
        sent = served.pdsa("--as", ADMIN, "notify", "run", "--at", "2034-12-04T07:01")  # the scheduler's weekly job
        assert sent.returncode == 0, sent.stderr
        [digest] = [m for m in smtp_server.inbox.of_kind("sponsor_digest")
                    if m["To"].addresses[0].addr_spec == SPONSOR]
        link = MAILED.search(digest.get_body(("html",)).get_content())
        assert link, digest.get_body(("html",)).get_content()

        page = browser.new_page(locale="da-DK", bypass_csp=True)  # a phone's browser, never logged in here
        page.goto(link.group(1))  # click one: the link in the digest
        assert "Færre færdigbehandlingsdage" in page.content() and "uden at logge ind" in page.content()
        accessible(page, "sponsor-mailed-link")
        submit(page, "button:has-text('Godkend')")  # click two
        assert "Din beslutning er registreret: godkendt" in page.content(), page.content()
        accessible(page, "sponsor-mailed-link-approved")
        assert page.goto(f"{served.base}/").url.startswith(f"{served.base}/login")  # the link opened nothing else
    assert served.code == 0, served.said()
    app = database_app(sqlite_url)
    decided = app.load(SignOff, signoff)
    app.close()
    assert decided.status is SignOffStatus.APPROVED and decided.decided_by_mailed_link
