"""Builders that drive the application through its real commands, as the CLI does."""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from uuid import UUID

from pdsa_engine.aggregates.values import Actor, Role, Stamp
from pdsa_engine.application import PdsaApplication
from pdsa_engine.clock import SimulatedClock
from pdsa_engine.commands import cohorts, cycles, parse, people, projects, signoffs
from pdsa_engine.commands import projects as projects_
from pdsa_engine.config import AGGREGATE_CACHE, Settings
from pdsa_engine.runtime import open_application

MOMENT = datetime(2034, 12, 4, 9, 0, tzinfo=timezone.utc)

ADMIN = "ada.admin@example.dk"
PARTICIPANT = "per.participant@example.dk"
OTHER_PARTICIPANT = "olga.participant@example.dk"
SPONSOR = "sus.sponsor@example.dk"
OTHER_SPONSOR = "sven.sponsor@example.dk"
COACH = "kim.coach@example.dk"
AUDITOR = "aud.auditor@example.dk"


def stamp(role: Role, person_id: UUID, at: datetime = MOMENT) -> Stamp:
    return Stamp(Actor(person_id, role), at)


def memory_app(clock: SimulatedClock | None = None) -> PdsaApplication:
    """The library's in-memory recorder, with the aggregate cache production uses: for tests of logic."""
    env = {**AGGREGATE_CACHE, "PERSISTENCE_MODULE": "eventsourcing.popo"}
    return PdsaApplication(env, clock=clock or SimulatedClock(MOMENT))


def settings_for(url: str) -> Settings:
    """The settings of a test database: its audit key and checkpoints in a folder of their own, the same for
    every application and process that opens that database."""
    folder = Path(tempfile.gettempdir()) / "pdsa-test-keys" / hashlib.sha256(url.encode()).hexdigest()[:16]
    return Settings(database_url=url, audit_key=folder / "audit-ed25519.pem", checkpoints=folder / "checkpoints",
                    create_database=True)


def database_app(url: str, clock: SimulatedClock | None = None) -> PdsaApplication:
    return open_application(settings_for(url), clock=clock or SimulatedClock(MOMENT))


@dataclass
class ActiveProject:
    project: UUID
    measure: UUID
    change_idea: UUID
    other_change_idea: UUID
    charter_signoff: UUID


class Programme:
    """A programme built command by command: people, a cohort, enrolled participants and their projects."""

    def __init__(self, app: PdsaApplication, check_stamps: bool = True) -> None:
        self.app = app
        self.clock = app.clock
        self.cohorts_made = 0
        self.check_stamps = check_stamps  # off only where commands are timed (bench/)

    def run(self, actor: str | None, method: Any, model: Any, **fields: Any) -> Any:
        if isinstance(self.clock, SimulatedClock):
            self.clock.advance(timedelta(minutes=1))
        before = (self.app.recorder.max_notification_id() or 0) if self.check_stamps else 0
        result = method(self.app, actor, parse(model, {k: v for k, v in fields.items() if v is not None}))
        if self.check_stamps:
            self._every_new_event_says_who_and_when(actor, before)
        return result

    def _every_new_event_says_who_and_when(self, actor: str | None, after: int) -> None:
        """Each event a command stored records the acting person, in a role they hold, and the command's moment."""
        stored = self.app.recorder.select_notifications(after + 1, 1_000_000)
        acting = self.app.person(actor) if actor is not None else None
        for notification in stored:
            event = self.app.mapper.to_domain_event(notification)
            name = type(event).__qualname__
            if isinstance(self.clock, SimulatedClock):
                assert event.timestamp == self.clock.now(), f"{name} is stamped {event.timestamp}, not now"
            if acting is not None:
                assert event.by.person_id == acting.id, f"{name} names {event.by.person_id}, not the actor"
                assert event.by.role in acting.roles, f"{name} gives {actor} the role {event.by.role}"

    def years_later(self, years: int) -> Programme:
        """Moves time on, so that years of data can be recorded for periods that have then begun."""
        assert isinstance(self.clock, SimulatedClock), "only a simulated clock can be moved"
        self.clock.advance(timedelta(days=365 * years))
        return self

    def people(self) -> Programme:
        A = PdsaApplication
        self.run(None, A.add_person, people.AddPerson, name="Ada Admin", email=ADMIN, role=["administrator"])
        for name, email, roles in (
            ("Per Participant", PARTICIPANT, ["participant"]), ("Olga Participant", OTHER_PARTICIPANT, ["participant"]),
            ("Sus Sponsor", SPONSOR, ["sponsor"]), ("Sven Sponsor", OTHER_SPONSOR, ["sponsor"]),
            ("Kim Coach", COACH, ["coach"]), ("Aud Auditor", AUDITOR, ["auditor"]),
        ):
            self.run(ADMIN, A.add_person, people.AddPerson, name=name, email=email, role=roles)
        return self

    def cohort(self, start: date = date(2031, 1, 10), end: date = date(2031, 12, 12), name: str | None = None) -> UUID:
        """A cohort; each one gets a name of its own (names are unique) unless the test gives one."""
        self.cohorts_made += 1
        name = name or ("Hold 2031" if self.cohorts_made == 1 else f"Hold 2031 ({self.cohorts_made})")
        return self.run(ADMIN, PdsaApplication.create_cohort, cohorts.CreateCohort, name=name, start=start, end=end)

    def enrol(self, cohort: UUID, person: str = PARTICIPANT, region: str = "Region Midtjylland",
              sector: str = "regional") -> None:
        self.run(ADMIN, PdsaApplication.enrol, cohorts.Enrol, cohort=cohort, person=person,
                 organisation="Aarhus Universitetshospital", region=region, sector=sector)

    def project(self, cohort: UUID | None = None, participant: str = PARTICIPANT) -> UUID:
        cohort = cohort or self.cohort()
        self.enrol(cohort, participant)
        return self.run(ADMIN, PdsaApplication.create_project, projects.CreateProject, cohort=cohort,
                        participant=participant, title="Færre færdigbehandlingsdage", problem="Patienter venter.",
                        sponsor=SPONSOR, coach=COACH)

    def charter(self, project: UUID, participant: str = PARTICIPANT) -> tuple[UUID, UUID, UUID]:
        """Aim, one measure and a small driver diagram; returns the measure and two change ideas."""
        A = PdsaApplication
        self.run(participant, A.set_aim, projects.SetAim, project=project, what="Færre færdigbehandlingsdage",
                 how_much="40 %", by="2031-10-31")
        measure = self.run(participant, A.add_measure, projects.AddMeasure, project=project, name="Færdigbehandlingsdage",
                           kind="outcome", chart="run", definition="Dage pr. uge", frequency="week", direction="down")
        primary = self.run(participant, A.add_driver, projects.AddDriver, project=project, primary="Hjemmet først")
        secondary = self.run(participant, A.add_driver, projects.AddDriver, project=project, secondary="Planlægning",
                             under=primary)
        ideas = [self.run(participant, A.add_driver, projects.AddDriver, project=project, change_idea=text,
                          under=secondary) for text in ("Konsulent på stuegang", "Tavlemøde")]
        return measure, ideas[0], ideas[1]

    def submit(self, project: UUID, participant: str = PARTICIPANT) -> UUID:
        return self.run(participant, PdsaApplication.submit_charter, projects.SubmitCharter, project=project)

    def decide(self, signoff: UUID, decision: str = "approved", comment: str | None = None,
               sponsor: str = SPONSOR) -> None:
        self.run(sponsor, PdsaApplication.decide_signoff, signoffs.DecideSignOff, signoff=signoff, decision=decision,
                 comment=comment)

    def active_project(self, cohort: UUID | None = None, participant: str = PARTICIPANT) -> ActiveProject:
        project = self.project(cohort, participant)
        measure, idea, other = self.charter(project, participant)
        signoff = self.submit(project, participant)
        self.decide(signoff)
        return ActiveProject(project, measure, idea, other, signoff)

    def plan(self, project: UUID, idea: UUID, continues: UUID | None = None, participant: str = PARTICIPANT,
             measure: UUID | None = None) -> UUID:
        return self.run(participant, PdsaApplication.plan_cycle, cycles.PlanCycle, project=project, change_idea=idea,
                        objective="Afprøve idéen på ét afsnit", prediction=["Færre dage"], start="2031-02-01",
                        end="2031-02-14", continues=continues, measure=[measure] if measure else None)

    def complete(self, cycle: UUID, decision: str = "adopt", participant: str = PARTICIPANT) -> None:
        A = PdsaApplication
        self.run(participant, A.do_cycle, cycles.DoCycle, cycle=cycle, observations="Gennemført")
        self.run(participant, A.study_cycle, cycles.StudyCycle, cycle=cycle, findings="Det virkede")
        self.run(participant, A.act_cycle, cycles.ActCycle, cycle=cycle, decision=decision)


def busy_cohort(programme: Programme, projects: int, cycles_per_project: int, points_per_project: int,
                around: Any = None) -> list[UUID]:
    """A cohort of many participants who each charter a project, run a ramp of cycles and record weekly data:
    the standard load of the benchmarks and of the projection tests. ``around`` wraps each timed command."""
    A = PdsaApplication
    wrap = around or (lambda call: call())
    programme.people()
    cohort = programme.cohort()
    programme.run(ADMIN, A.set_quota, cohorts.SetQuota, cohort=cohort, region="Midtjylland", sector="regional",
                  seats=projects)
    participants = [f"load.participant{i}@example.dk" for i in range(projects)]
    for email in participants:
        programme.run(ADMIN, A.add_person, people.AddPerson, name="Load Participant", email=email,
                      role=["participant"])
        programme.enrol(cohort, email)

    def command(actor: str, method: Any, model: Any, **fields: Any) -> Any:
        return wrap(lambda: programme.run(actor, method, model, **fields))

    made, measures = [], []
    for me in participants:
        project = command(ADMIN, A.create_project, projects_.CreateProject, cohort=cohort, participant=me,
                          title="Færre færdigbehandlingsdage", problem="Patienter venter på at komme hjem.",
                          sponsor=SPONSOR, coach=COACH)
        made.append(project)
        command(me, A.set_aim, projects_.SetAim, project=project, what="Færre dage", how_much="40 %", by="2031-10-31")
        measure = command(me, A.add_measure, projects_.AddMeasure, project=project, name="Dage", kind="outcome",
                          chart="i", definition="Færdigbehandlingsdage pr. uge", frequency="week", direction="down")
        primary = command(me, A.add_driver, projects_.AddDriver, project=project, primary="Hjemmet først")
        secondary = command(me, A.add_driver, projects_.AddDriver, project=project, secondary="Planlægning",
                            under=primary)
        idea = command(me, A.add_driver, projects_.AddDriver, project=project, change_idea="Konsulent",
                       under=secondary)
        signoff = command(me, A.submit_charter, projects_.SubmitCharter, project=project)
        command(SPONSOR, A.decide_signoff, signoffs.DecideSignOff, signoff=signoff, decision="approved")
        previous = None
        for number in range(cycles_per_project):
            cycle = command(me, A.plan_cycle, cycles.PlanCycle, project=project, change_idea=idea,
                            objective=f"Afprøvning {number + 1}", prediction=["Færre dage"], measure=[measure],
                            start="2031-02-01", end="2031-02-14", continues=previous)
            command(me, A.do_cycle, cycles.DoCycle, cycle=cycle, observations="Gennemført på to afsnit")
            command(me, A.study_cycle, cycles.StudyCycle, cycle=cycle, findings="Dagene faldt som forudsagt")
            command(me, A.act_cycle, cycles.ActCycle, cycle=cycle, decision="adapt")
            previous = cycle
        measures.append((me, measure))
    # The data last, once every cycle is planned: years of weekly data need the clock moved on until their last
    # week has begun, and a cycle may not be planned more than five years back.
    last = date.fromisocalendar(2031 + (points_per_project - 1) // 52, (points_per_project - 1) % 52 + 1, 1)
    if points_per_project and last > programme.clock.now().date():
        programme.years_later(last.year - programme.clock.now().year + 1)
    for me, measure in measures:
        for week in range(1, points_per_project + 1):
            year, number = 2031 + (week - 1) // 52, (week - 1) % 52 + 1
            command(me, A.record_data, projects_.RecordData, measure=measure, period=f"{year}-W{number:02d}",
                    value=str(40 + week % 7 - (8 if week > points_per_project // 2 else 0)))
    return made


class RunningClock:
    """Real time, moved to start at a fixed moment: commands through the CLI happen in order, seconds apart,
    on the dates the tests were written for, whatever today's date is."""

    def __init__(self, start: datetime = MOMENT) -> None:
        self._offset = start - datetime.now(timezone.utc)

    def now(self) -> datetime:
        return datetime.now(timezone.utc) + self._offset
