"""`pdsa demo`: one cohort of the national leadership programme, played through a simulated year.

Deterministic: the same seed gives the same people, ids, numbers and moments every time. Everything goes
through the application's commands, so the demo obeys (and exercises) every rule of the domain.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from pdsa_engine.aggregates.cohort import DEFAULT_QUOTAS
from pdsa_engine.aggregates.values import SYSTEM_ACTOR, Region, Sector
from pdsa_engine.application import PdsaApplication as App
from pdsa_engine.clock import LOCAL_ZONE, SimulatedClock
from pdsa_engine.commands import cohorts, people
from pdsa_engine.config import Settings
from pdsa_engine.demo.generic import generic_plan
from pdsa_engine.demo.names import ORGANISATIONS, NameBook, domain_of
from pdsa_engine.demo.plans import ProjectPlan
from pdsa_engine.demo.six_projects import SIX_PROJECTS
from pdsa_engine.demo.story import Cast, Demo, Scheduler, Story, at, project_story
from pdsa_engine.notifications.settings import MailSettings
from pdsa_engine.runtime import open_application, open_projections

DEMO_ADMINISTRATOR = "mette.kjaer@ledelsesprogram.example.dk"
DEMO_SEED = 2026
STARTS, ENDS = at(date(2025, 11, 3), 8), at(date(2026, 11, 20), 17)
MODULES = (("kickoff", date(2026, 1, 12)), ("1", date(2026, 2, 9)), ("2", date(2026, 3, 23)),
           ("3", date(2026, 5, 18)), ("4", date(2026, 8, 31)), ("5", date(2026, 10, 26)),
           ("poster", date(2026, 12, 10)))
PROGRAMME_DOMAIN = "ledelsesprogram.example.dk"


def load_demo(settings: Settings, progress: Callable[[str], None] = lambda _: None,
              mail: MailSettings | None = None) -> dict[str, Any]:
    """Loads the demo into the (empty) database named by the settings, creating it where there is none;
    returns what it created. With mail settings, the reminders run every morning of the year too, and what
    they send is delivered as those settings say (by default into the Maildir)."""
    clock = SimulatedClock(STARTS)
    id_source = random.Random(DEMO_SEED + 1)
    app = open_application(replace(settings, create_database=True), clock=clock, new_id=lambda: UUID(int=id_source.getrandbits(128), version=4))
    notifier = None
    try:
        scheduler = Scheduler(clock, ENDS)
        loaded: dict[str, Any] = {"administrator": DEMO_ADMINISTRATOR}
        scheduler.spawn(programme_story(Demo(app, scheduler), random.Random(DEMO_SEED), loaded))
        if mail is not None:
            from pdsa_engine.notifications.service import Notifier

            notifier = Notifier(app, open_projections(app, settings), settings, mail)
            loaded["mail"] = {"queued": 0, "sent": 0, "deferred": 0, "failed": 0, "dropped": 0, "untried": 0}
            scheduler.spawn(reminders_story(notifier, clock, loaded["mail"]))
        scheduler.run(progress)
        loaded["events"] = app.recorder.max_notification_id()
        return loaded
    finally:
        if notifier is not None:
            notifier.projections.store.close()
        app.close()


def reminders_story(notifier: Any, clock: SimulatedClock, tally: dict[str, int]) -> Story:
    """Every morning at 07:05, just after the digests' hour, what the scheduler would do that morning."""
    day = STARTS.astimezone(LOCAL_ZONE).date() + timedelta(days=1)
    while True:
        yield at(day, 7, 5)
        for name, count in notifier.run(clock.now(), SYSTEM_ACTOR).as_json().items():
            tally[name] += count
        day += timedelta(days=1)


def programme_story(demo: Demo, rng: random.Random, loaded: dict[str, Any]) -> Story:
    """The administrators' year: people, the cohort, enrolment, sparring groups, then every project's story."""
    admin, names = DEMO_ADMINISTRATOR, NameBook(rng)
    yield at(date(2025, 11, 3), 9)
    demo(None, App.add_person, people.AddPerson, name="Mette Kjær", email=admin, role=["administrator"])
    for name, email, roles in (("Jonas Vestergaard", "jonas.vestergaard", ["auditor"]),
                               ("Ulla Brandt", "ulla.brandt", ["administrator", "auditor"])):
        demo(admin, App.add_person, people.AddPerson, name=name, email=f"{email}@{PROGRAMME_DOMAIN}", role=roles)
    coaches = [_register(demo, admin, names.person(PROGRAMME_DOMAIN), "coach", rng) for _ in range(6)]
    yield at(date(2025, 11, 10), 10)
    cohort_id = demo(admin, App.create_cohort, cohorts.CreateCohort, name="Hold 2026", start=date(2026, 1, 12),
                     end=date(2026, 12, 11))
    loaded["cohort_id"] = cohort_id
    for module, day in MODULES:
        demo(admin, App.schedule_module, cohorts.ScheduleModule, cohort=cohort_id, module=module, date=day)
    demo(admin, App.set_quota, cohorts.SetQuota, cohort=cohort_id, region=Region.MIDTJYLLAND,
         sector=Sector.GENERAL_PRACTICE, seats=1)
    seats = _seats(names)
    sponsors = {org: _register(demo, admin, names.person(domain_of(org)), "sponsor", rng)
                for org in dict.fromkeys(seat["organisation"] for seat in seats)}
    yield at(date(2025, 12, 1), 11)
    rows = tuple((line, seat["row"]) for line, seat in enumerate(seats, start=2))
    demo(admin, App.import_enrolments, cohorts.ImportEnrolments, cohort=cohort_id, rows=rows)
    yield at(date(2026, 1, 12), 16)
    for region in Region:
        members = [s["row"]["email"] for s in seats if s["region"] is region]
        demo(admin, App.form_group, cohorts.FormGroup, cohort=cohort_id, name=f"Sparringsgruppe {region}",
             region=region, member=members)
    leaving = next(s for s in seats if s["region"] is Region.NORDJYLLAND and s["plan"] is None)
    yield at(date(2026, 1, 20), 10)
    demo(admin, App.withdraw, cohorts.Withdraw, cohort=cohort_id, person=leaving["row"]["email"],
         reason="Har fået nyt job uden for sundhedsvæsenet.")
    generic = 0
    for seat in seats:
        if seat is leaving:
            continue
        plan = seat["plan"]
        if plan is None:
            plan, generic = generic_plan(generic, rng), generic + 1
        cast = Cast(seat["row"]["email"], sponsors[seat["organisation"]], rng.choice(coaches), admin, cohort_id)
        demo.scheduler.spawn(project_story(demo, cast, plan, random.Random(rng.random()), date(2026, 1, 26)))


def _register(demo: Demo, admin: str, person: Any, role: str, rng: random.Random) -> str:
    language = "en" if rng.random() < 0.1 else "da"
    demo(admin, App.add_person, people.AddPerson, name=person.name, email=person.email, role=[role],
         language=language)
    return person.email


def _seats(names: NameBook) -> list[dict[str, Any]]:
    """Every seat of the cohort, filled: the six real projects first, at their own organisations."""
    quotas = {(region, sector): seats for region, row in DEFAULT_QUOTAS.items() for sector, seats in row.items()}
    quotas[(Region.MIDTJYLLAND, Sector.GENERAL_PRACTICE)] = 1
    six = {(region, sector): (organisation, plan) for region, sector, organisation, plan in SIX_PROJECTS}
    seats = []
    for (region, sector), count in quotas.items():
        if not count:
            continue
        organisations = ORGANISATIONS[(region, sector)]
        for number in range(count):
            plan: ProjectPlan | None = None
            organisation = organisations[number % len(organisations)]
            if number == 0 and (region, sector) in six:
                organisation, plan = six[(region, sector)]
            person = names.person(domain_of(organisation))
            row = {"email": person.email, "name": person.name, "organisation": organisation,
                   "region": region.value, "sector": sector.value}
            seats.append({"row": row, "region": region, "organisation": organisation, "plan": plan})
    return seats
