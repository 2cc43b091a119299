"""A site on a real database for the web's tests: the programme of tests/builders.py, the FastAPI application
over it, and clients logged in as each role (through a session made as the log-in link makes one)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

from fastapi.testclient import TestClient

from pdsa_engine.clock import SimulatedClock
from pdsa_engine.notifications.settings import MailSettings
from pdsa_engine.web.app import create_app
from pdsa_engine.web.context import Web
from pdsa_engine.web.identity import SESSION_COOKIE
from tests.builders import (
    ADMIN,
    AUDITOR,
    COACH,
    MOMENT,
    OTHER_PARTICIPANT,
    OTHER_SPONSOR,
    PARTICIPANT,
    SPONSOR,
    ActiveProject,
    Programme,
    settings_for,
)

ROLES = {"administrator": ADMIN, "participant": PARTICIPANT, "other_participant": OTHER_PARTICIPANT,
         "sponsor": SPONSOR, "other_sponsor": OTHER_SPONSOR, "coach": COACH, "auditor": AUDITOR}
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def mail_settings(maildir: Path, smtp_url: str | None = None) -> MailSettings:
    environ = {"PDSA_SMTP_URL": smtp_url} if smtp_url else {}
    return MailSettings.from_environ(environ, maildir)


@dataclass
class Site:
    web: Web
    programme: Programme
    clock: SimulatedClock
    active: ActiveProject
    cycle: UUID
    pending_signoff: UUID
    clients: dict[str, TestClient] = field(default_factory=dict)

    @property
    def app(self) -> Any:
        return self.web.app

    def anonymous(self) -> TestClient:
        return TestClient(create_app(self.web), base_url="http://127.0.0.1:8000", follow_redirects=False)

    def client(self, role: str) -> TestClient:
        """A browser logged in as the role's person (a session started as the log-in link starts one)."""
        if role not in self.clients:
            client = self.anonymous()
            person = self.app.person(ROLES[role])
            session = self.web.auth.start_session(person.id)
            client.cookies.set(SESSION_COOKIE, session.token)
            self.clients[role] = client
        return self.clients[role]

    def csrf(self, role: str) -> str:
        person = self.app.person(ROLES[role])
        token = self.clients[role].cookies.get(SESSION_COOKIE)
        session = self.web.auth.session(token)
        assert session is not None and session.person_id == person.id
        return session.csrf

    def events(self) -> int:
        return self.app.recorder.max_notification_id() or 0


def csrf_of(page: str) -> str:
    found = CSRF.search(page)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def build_site(url: str, maildir: Path) -> Site:
    from pdsa_engine.application import PdsaApplication as A
    from pdsa_engine.commands import projects

    clock = SimulatedClock(MOMENT)
    web = Web.open(settings_for(url), mail_settings(maildir), clock=clock)
    programme = Programme(web.app).people()
    cohort = programme.cohort()
    active = programme.active_project(cohort)
    cycle = programme.plan(active.project, active.change_idea, measure=active.measure)
    other = programme.project(cohort, OTHER_PARTICIPANT)
    programme.charter(other, OTHER_PARTICIPANT)
    programme.run(ADMIN, A.reassign, projects.Reassign, project=other, sponsor=OTHER_SPONSOR, reason="Ny direktør")
    pending = programme.submit(other, OTHER_PARTICIPANT)
    return Site(web, programme, clock, active, cycle, pending)
