"""The sponsor's weekly digest as it arrives over SMTP: one screen a week, a new SPC signal with its chart inline,
the header that turns it off; rendered in Debian's Chromium, its screenshot kept in test-artifacts/."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from pathlib import Path

import pytest

from pdsa_engine.aggregates.values import Actor, Role
from pdsa_engine.application import PdsaApplication as A
from pdsa_engine.clock import LOCAL_ZONE, SimulatedClock
from pdsa_engine.commands import cohorts, projects
from pdsa_engine.notifications.service import Notifier
from pdsa_engine.runtime import open_projections
from tests.builders import ADMIN, COACH, PARTICIPANT, SPONSOR, Programme, database_app, settings_for
from tests.cli.test_audit_cli import ARTIFACTS, render_in_chromium
from tests.notifications.world import mail_settings

MONDAY = datetime(2034, 12, 4, 7, 0, tzinfo=LOCAL_ZONE)  # a digest slot: Monday 07:00 in Denmark


def sponsored_project_with_a_new_signal(url: str) -> tuple[A, Notifier, Programme]:
    clock = SimulatedClock(MONDAY - timedelta(days=100))
    app = database_app(url, clock)
    programme = Programme(app).people()
    run = programme.run
    cohort = run(ADMIN, A.create_cohort, cohorts.CreateCohort, name="Hold 2035", start="2034-09-01", end="2035-06-30")
    run(ADMIN, A.schedule_module, cohorts.ScheduleModule, cohort=cohort, module="3", date="2035-01-19")
    programme.enrol(cohort)
    project = run(ADMIN, A.create_project, projects.CreateProject, cohort=cohort, participant=PARTICIPANT,
                  title="Færre færdigbehandlingsdage", problem="Patienter venter.", sponsor=SPONSOR, coach=COACH)
    run(PARTICIPANT, A.set_aim, projects.SetAim, project=project, what="Færre dage", how_much="40 %", by="2035-05-31")
    measure = run(PARTICIPANT, A.add_measure, projects.AddMeasure, project=project, name="Færdigbehandlingsdage",
                  kind="outcome", chart="i", definition="Dage pr. uge", frequency="week", direction="down")
    node = None
    for kind, text in (("primary", "Hjemmet først"), ("secondary", "Planlægning"), ("change_idea", "Tavlemøde")):
        node = run(PARTICIPANT, A.add_driver, projects.AddDriver, project=project, **{kind: text}, under=node)
    programme.decide(programme.submit(project))
    clock.set(MONDAY - timedelta(days=10))  # the weeks so far, before the last digest
    for week, value in zip(range(33, 47), (11, 12, 10, 11, 13, 12, 11, 10, 12, 11, 12, 13, 11, 12)):
        run(PARTICIPANT, A.record_data, projects.RecordData, measure=measure, period=f"2034-W{week}", value=str(value))
    clock.set(MONDAY - timedelta(days=3))  # this week: a week far above the limits, worse (lower is better)
    run(PARTICIPANT, A.record_data, projects.RecordData, measure=measure, period="2034-W47", value="31")
    settings = settings_for(url)
    return app, Notifier(app, open_projections(app, settings), settings, mail_settings(None, Path("unused"))), programme


def _html_with_images(message: EmailMessage) -> str:
    html = message.get_body(("html",)).get_content()
    for part in message.walk():
        if part.get("Content-ID"):
            data = base64.b64encode(part.get_content()).decode()
            html = html.replace(f"cid:{part['Content-ID'].strip().strip('<>')}", f"data:image/png;base64,{data}")
    return html


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_the_sponsor_digest_shows_a_new_signal_with_its_chart_and_can_be_turned_off(database, request, smtp_server,
                                                                                     tmp_path):
    app, notifier, _ = sponsored_project_with_a_new_signal(request.getfixturevalue(f"{database}_url"))
    notifier.mail = mail_settings(smtp_server.url, tmp_path)
    from pdsa_engine.notifications.transport import transport_for

    notifier.transport = transport_for(notifier.mail)
    admin = Actor(app.person(ADMIN).id, Role.ADMINISTRATOR)
    notifier.run(MONDAY.astimezone(timezone.utc) + timedelta(minutes=1), admin)
    [digest] = smtp_server.inbox.of_kind("sponsor_digest")
    assert digest["To"].addresses[0].addr_spec == SPONSOR
    assert digest["List-Unsubscribe"].strip() == f"<https://pdsa.example.dk/people/{app.person(SPONSOR).id}/notifications?digest=off>"
    text = digest.get_body(("plain",)).get_content()
    assert "Færre færdigbehandlingsdage" in text and "Færdigbehandlingsdage: forværring" in text
    assert "Næste gang: modul 3 den 19. januar 2035" in text
    [chart] = [part for part in digest.walk() if part.get_content_type() == "image/png"]
    html = digest.get_body(("html",)).get_content()
    assert f"cid:{chart['Content-ID'].strip().strip('<>')}" in html and chart.get_content()[:4] == b"\x89PNG"
    # Rendered as a mail client would show it, in Debian's Chromium: the screenshot is kept to be looked at.
    page = tmp_path / "digest.html"
    page.write_text(_html_with_images(digest), encoding="utf-8")
    shot = ARTIFACTS / "sponsor-digest-da.png"
    dom = render_in_chromium(page, shot, tmp_path)
    assert "Dine projekter i denne uge" in dom and shot.stat().st_size > 20_000


def test_a_quiet_week_sends_the_sponsor_no_digest(sqlite_url, smtp_server, tmp_path):
    app, notifier, _ = sponsored_project_with_a_new_signal(sqlite_url)
    notifier.mail = mail_settings(smtp_server.url, tmp_path)
    from pdsa_engine.notifications.transport import transport_for

    notifier.transport = transport_for(notifier.mail)
    admin = Actor(app.person(ADMIN).id, Role.ADMINISTRATOR)
    notifier.run(MONDAY.astimezone(timezone.utc) + timedelta(minutes=1), admin)
    notifier.run(MONDAY.astimezone(timezone.utc) + timedelta(days=7, minutes=1), admin)  # nothing happened since
    assert len(smtp_server.inbox.of_kind("sponsor_digest")) == 1
    assert len(smtp_server.inbox.of_kind("coach_digest")) == 2, "the coach's digest lists open work every week"
