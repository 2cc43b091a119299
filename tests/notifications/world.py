"""A programme in the tests' time (December 2034) for the reminders: people, a cohort in progress, a project
whose charter waits for its sponsor, and a notifier sending to the server a test names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from email.headerregistry import Address
from pathlib import Path
from typing import Any
from uuid import UUID

from pdsa_engine.aggregates.values import Actor, Role
from pdsa_engine.application import PdsaApplication
from pdsa_engine.clock import SimulatedClock
from pdsa_engine.commands import projects
from pdsa_engine.notifications.service import Notifier
from pdsa_engine.notifications.settings import MailSettings, parse_smtp_url
from pdsa_engine.runtime import open_projections
from tests.builders import ADMIN, MOMENT, PARTICIPANT, Programme, database_app, settings_for

BASE_URL = "https://pdsa.example.dk"


def mail_settings(smtp_url: str | None, maildir: Path) -> MailSettings:
    return MailSettings(Address("Ledelsesprogrammet", "noreply", "ledelsesprogram.example.dk"), BASE_URL,
                        parse_smtp_url(smtp_url) if smtp_url else None, maildir)


@dataclass
class World:
    app: PdsaApplication
    programme: Programme
    clock: SimulatedClock
    url: str
    cohort: UUID
    project: UUID
    measure: UUID
    signoff: UUID

    def notifier(self, smtp_url: str | None, maildir: Path) -> Notifier:
        settings = settings_for(self.url)
        return Notifier(self.app, open_projections(self.app, settings), settings, mail_settings(smtp_url, maildir))

    def administrator(self) -> Actor:
        return Actor(self.app.person(ADMIN).id, Role.ADMINISTRATOR)

    def later(self, **delta: Any) -> datetime:
        self.clock.advance(timedelta(**delta))
        return self.clock.now()


def world(url: str) -> World:
    """The charter submitted at MOMENT (Monday 4 December 2034, 10:00 in Denmark)."""
    clock = SimulatedClock(MOMENT - timedelta(hours=1))
    app = database_app(url, clock)
    programme = Programme(app).people()
    cohort = programme.cohort()  # 2031: its digests and dates are long past; the sign-off waits now
    project = programme.project(cohort)
    measure, _, _ = programme.charter(project)
    clock.set(MOMENT - timedelta(minutes=1))
    signoff = programme.submit(project)
    return World(app, programme, clock, url, cohort, project, measure, signoff)


def record(world: World, period: str, value: str) -> None:
    world.programme.run(PARTICIPANT, PdsaApplication.record_data, projects.RecordData, measure=world.measure,
                        period=period, value=value)


