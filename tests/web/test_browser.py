"""The site in Debian's Chromium, driven by Playwright, against a real `pdsa serve` that mails through a real SMTP
server (aiosmtpd): each role logs in through the link in its mail; the participant plans a cycle and takes it
through Do, Study and Act; the sponsor approves a charter; the administrator reads the cohort; the auditor reads
the log. Every page is scanned with axe-core (no serious or critical violation) and kept as a screenshot in
test-artifacts/web/."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from pdsa_engine.aggregates.project import ImprovementProject
from tests.builders import ADMIN, AUDITOR, OTHER_SPONSOR, PARTICIPANT
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
        page.fill("#plan-end", "2031-03-14")
        page.select_option("#plan-change_idea", str(site.active.other_change_idea))
        submit(page, "text=Planlæg cyklussen")
        assert "/cycles/" in page.url and "Gemt." in page.content()
        accessible(page, "participant-cycle-plan")
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

        auditor = log_in(browser, served, smtp_server, AUDITOR, "auditor")
        auditor.goto(f"{served.base}/audit")
        auditor.select_option("#audit-project", str(project))
        submit(auditor, "form[action='/audit'] button")
        assert "Afprøvet i to uger" in auditor.content() or "hændelser" in auditor.content()
        accessible(auditor, "auditor-log")
    assert served.code == 0, served.said()
