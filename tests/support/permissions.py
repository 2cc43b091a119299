"""Who may run which command: the route × role table, written down from the domain (DOMAIN.md's "Who uses the
software") and from the permission checks of pdsa_engine (application.py, the aggregates, queries.py, the audit
service). The CLI's matrix test runs every row as every actor; the web, which serves the same commands over
HTTP, reuses the rows with its own routes.

Each row names a command (its words on the command line), the state it needs, the arguments it takes (a
template: ``{name}`` stands for an id or value of the prepared state, see ``Prepared``), who is allowed, and
what it changes when allowed. Anyone else is refused, and a refusal stores nothing.

The actors are roles relative to one project, the *project*: its participant, its sponsor (the sponsor its
sign-offs are addressed to) and its coach; a participant and a sponsor of another project in the same cohort;
an administrator; an auditor; and nobody (no acting person given) or an unknown one (an e-mail address that is
no person's).
"""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from pdsa_engine.aggregates.outbox import OutboxMessage
from pdsa_engine.aggregates.project import ImprovementProject
from pdsa_engine.aggregates.values import Role
from pdsa_engine.application import PdsaApplication
from pdsa_engine.clock import SimulatedClock
from pdsa_engine.commands import cycles, people, projects
from pdsa_engine.runtime import open_application, open_projections
from tests.builders import (
    ADMIN,
    AUDITOR,
    COACH,
    MOMENT,
    OTHER_PARTICIPANT,
    OTHER_SPONSOR,
    PARTICIPANT,
    SPONSOR,
    Programme,
    settings_for,
)


class Who(StrEnum):
    ADMINISTRATOR = "administrator"
    PARTICIPANT = "participant"  # the project's participant
    OTHER_PARTICIPANT = "other_participant"  # the participant of another project
    SPONSOR = "sponsor"  # the project's sponsor: its sign-offs are addressed to them
    OTHER_SPONSOR = "other_sponsor"  # the sponsor of another project
    COACH = "coach"  # the project's coach
    AUDITOR = "auditor"
    NOBODY = "nobody"  # no acting person given
    UNKNOWN = "unknown"  # an acting e-mail address that is no person's


class Stage(StrEnum):
    """The state a command needs; each stage holds everything the one before it does."""

    NONE = "none"  # no database at all
    DRAFT = "draft"  # people, an open cohort with enrolments, the project's draft charter with data; another project
    SUBMITTED = "submitted"  # the charter awaits the sponsor's sign-off
    ACTIVE = "active"  # the charter approved; one cycle adopted; no cycle open
    CYCLING = "cycling"  # cycles open in their plan, do and study phases


class Effect(StrEnum):
    """What an allowed command leaves behind."""

    EVENTS = "stores events"
    FILE = "writes a file"  # and stores no event
    EVENTS_AND_FILE = "stores events and writes a file"
    NOTHING = "reads only"


W = Who
PEOPLE = frozenset({W.ADMINISTRATOR, W.PARTICIPANT, W.OTHER_PARTICIPANT, W.SPONSOR, W.OTHER_SPONSOR, W.COACH,
                    W.AUDITOR})
EVERYONE = PEOPLE | {W.NOBODY, W.UNKNOWN}
ADMINISTRATORS = frozenset({W.ADMINISTRATOR})
THE_PARTICIPANT = frozenset({W.PARTICIPANT})
THE_SPONSOR = frozenset({W.SPONSOR})
READ_ALL = frozenset({W.ADMINISTRATOR, W.COACH, W.AUDITOR})  # those who read everything
PROJECT_READERS = READ_ALL | {W.PARTICIPANT, W.SPONSOR}  # and the project's own participant and sponsor
AUDITORS = frozenset({W.AUDITOR, W.ADMINISTRATOR})


@dataclass(frozen=True)
class Rule:
    command: str  # the command's words, e.g. "project driver add"
    args: tuple[str, ...]
    stage: Stage
    allowed: frozenset[Who]
    effect: Effect
    why: str  # the rule, and where it comes from

    @property
    def name(self) -> str:
        return self.command.replace(" ", "-")


def rule(command: str, args: str, stage: Stage, allowed: frozenset[Who], effect: Effect, why: str) -> Rule:
    """Arguments are split on spaces; a ``~`` in one stands for a space within it."""
    return Rule(command, tuple(a.replace("~", " ") for a in args.split()), stage, frozenset(allowed), effect, why)


D, S, A, C, N = Stage.DRAFT, Stage.SUBMITTED, Stage.ACTIVE, Stage.CYCLING, Stage.NONE
EV, FILE, BOTH, READ = Effect.EVENTS, Effect.FILE, Effect.EVENTS_AND_FILE, Effect.NOTHING

ADMINS_RUN_THE_PROGRAMME = "domain: administrators plan cohorts, allocate seats, enrol, assign sponsors and coaches"
THE_PARTICIPANT_WRITES = "domain: the participant writes the charter, aim, measures and driver diagram"
THE_PARTICIPANT_RECORDS = "domain: the participant records data"
THE_PARTICIPANT_TESTS = "domain: the participant runs PDSA cycles"
THE_PARTICIPANT_ASKS = "code (domain silent on who asks): the participant asks the sponsor for a sign-off"
THE_SPONSOR_DECIDES = "domain: the sponsor signs off; code: only the sponsor the sign-off is addressed to"
READERS = ("code (queries.py): administrators, coaches and auditors read everything; the project's participant "
           "and sponsor read their project")
AUDIT = "domain: auditors replay any project's history; code: administrators too (domain silent)"
OPERATOR = ("code (domain silent): an operator's command, with no acting person; whoever may open the database "
            "may run it")

RULES: tuple[Rule, ...] = (
    # -- people --------------------------------------------------------------------------------------
    rule("person add", "--name Nina~Ny --email nina.ny@example.dk --role coach", D, ADMINISTRATORS, EV,
         "domain: administrators register people and their roles; only the very first person needs no actor"),
    rule("person grant", "{participant} --role coach", D, ADMINISTRATORS, EV, ADMINS_RUN_THE_PROGRAMME),
    rule("person show", "{participant}", D, READ_ALL | {W.PARTICIPANT}, READ,
         "code (queries.py): everyone reads their own person record; those who read everything read all"),
    rule("person list", "", D, READ_ALL, READ, "code (queries.py): for those who read everything"),
    rule("person notifications", "{participant} --digest off", D, ADMINISTRATORS | {W.PARTICIPANT}, EV,
         "issue 11: a person (or an administrator for them) chooses their own digest"),
    # -- cohorts -------------------------------------------------------------------------------------
    rule("cohort create", "--name Hold~2032 --start 2032-01-10 --end 2032-12-10", D, ADMINISTRATORS, EV,
         ADMINS_RUN_THE_PROGRAMME),
    rule("cohort schedule", "{cohort} --module 1 --date 2031-02-20", D, ADMINISTRATORS, EV, ADMINS_RUN_THE_PROGRAMME),
    rule("cohort quota", "{cohort} --region Region~Sjælland --sector municipal --seats 3", D, ADMINISTRATORS, EV,
         ADMINS_RUN_THE_PROGRAMME),
    rule("cohort enrol", "{cohort} --person {newcomer} --organisation AUH --region Region~Midtjylland "
         "--sector regional", D, ADMINISTRATORS, EV, ADMINS_RUN_THE_PROGRAMME),
    rule("cohort import", "{cohort} --csv {csv}", D, ADMINISTRATORS, EV, ADMINS_RUN_THE_PROGRAMME),
    rule("cohort withdraw", "{cohort} --person {spare_participant} --reason Orlov", D, ADMINISTRATORS, EV,
         ADMINS_RUN_THE_PROGRAMME),
    rule("cohort group", "{cohort} --name Gruppe~Midt --region Region~Midtjylland " + " ".join(
        f"--member {{member{i}}}" for i in range(6)), D, ADMINISTRATORS, EV,
         "domain: administrators split participants into regional sparring groups"),
    rule("cohort close", "{cohort}", D, ADMINISTRATORS, EV, ADMINS_RUN_THE_PROGRAMME),
    rule("cohort reminders", "{cohort} --signoff-after 5 --digest-day fri", D, ADMINISTRATORS, EV,
         "issue 11: the thresholds are configurable per cohort, by its administrators"),
    rule("cohort show", "{cohort}", D, READ_ALL, READ,
         "domain: administrators track every project across the cohort; code: coaches and auditors too"),
    rule("cohort list", "", D, READ_ALL, READ, "code (queries.py): for those who read everything"),
    # -- projects ------------------------------------------------------------------------------------
    rule("project create", "--cohort {cohort} --participant {spare_participant} --title Ny --problem Ventetid "
         "--sponsor {sponsor} --coach {coach}", D, ADMINISTRATORS, EV, ADMINS_RUN_THE_PROGRAMME),
    rule("project reassign", "{project} --sponsor {other_sponsor} --reason Ny~direktør", D, ADMINISTRATORS, EV,
         ADMINS_RUN_THE_PROGRAMME),
    rule("project aim", "{project} --what Færre~dage --how-much 30~% --by 2031-11-30", D, THE_PARTICIPANT, EV,
         THE_PARTICIPANT_WRITES),
    rule("project measure add", "{project} --name Genindlæggelser --kind balancing --chart run --definition "
         "Antal~pr.~uge --frequency week --direction down", D, THE_PARTICIPANT, EV, THE_PARTICIPANT_WRITES),
    rule("project measure update", "{measure} --definition Dage~pr.~uge,~opgjort~mandag", D, THE_PARTICIPANT, EV,
         THE_PARTICIPANT_WRITES),
    rule("project measure record", "{measure} --period 2031-W09 --value 11", D, THE_PARTICIPANT, EV,
         THE_PARTICIPANT_RECORDS),
    rule("project measure correct", "{measure} --period 2031-W05 --value 13 --reason Tastefejl", D, THE_PARTICIPANT,
         EV, THE_PARTICIPANT_RECORDS),
    rule("project measure phase", "{measure} --from 2031-W08 --reason Ny~praksis", D, THE_PARTICIPANT, EV,
         THE_PARTICIPANT_RECORDS),
    rule("project measure unphase", "{measure} --from 2031-W07 --reason Fejl", D, THE_PARTICIPANT, EV,
         THE_PARTICIPANT_RECORDS),
    rule("project measure freeze", "{measure} --baseline 2 --reason Baseline", D, THE_PARTICIPANT, EV,
         THE_PARTICIPANT_RECORDS),
    rule("project measure show", "{measure}", D, PROJECT_READERS, READ, READERS),
    rule("project driver add", "{project} --primary Patienten~først", D, THE_PARTICIPANT, EV, THE_PARTICIPANT_WRITES),
    rule("project driver rename", "{project} --node {primary} --text Hjemmet~som~første~valg", D, THE_PARTICIPANT,
         EV, THE_PARTICIPANT_WRITES),
    rule("project driver move", "{project} --node {secondary} --under {other_primary}", D, THE_PARTICIPANT, EV,
         THE_PARTICIPANT_WRITES),
    rule("project driver remove", "{project} --node {spare_idea}", D, THE_PARTICIPANT, EV, THE_PARTICIPANT_WRITES),
    rule("project progress", "{project} --score 2.5", D, THE_PARTICIPANT, EV,
         "code (domain: administrators track progress, silent on who scores it): the participant"),
    rule("project meeting", "{project} --kind startup --date 2031-01-05 --attendee {participant} "
         "--attendee {sponsor}", D, THE_PARTICIPANT, EV,
         "code (domain silent on who records meetings): the participant"),
    rule("project submit-charter", "{project}", D, THE_PARTICIPANT, EV, THE_PARTICIPANT_ASKS),
    rule("project request-scale-up", "{project} --cycle {adopted_cycle}", A, THE_PARTICIPANT, EV,
         THE_PARTICIPANT_ASKS),
    rule("project request-closure", "{project} --outcome sustained", A, THE_PARTICIPANT, EV, THE_PARTICIPANT_ASKS),
    rule("project show", "{project}", D, PROJECT_READERS, READ, READERS),
    rule("project list", "", D, PEOPLE, READ,
         "code (queries.py): everyone registered; each sees the projects they may read"),
    # -- sign-offs -----------------------------------------------------------------------------------
    rule("signoff approve", "{signoff}", S, THE_SPONSOR, EV, THE_SPONSOR_DECIDES),
    rule("signoff request-changes", "{signoff} --comment Skarpere~mål", S, THE_SPONSOR, EV, THE_SPONSOR_DECIDES),
    rule("signoff decline", "{signoff} --comment Ikke~nu", S, THE_SPONSOR, EV, THE_SPONSOR_DECIDES),
    rule("signoff withdraw", "{signoff}", S, THE_PARTICIPANT, EV,
         "code (domain silent): only the participant who asked withdraws a request"),
    rule("signoff show", "{signoff}", S, PROJECT_READERS, READ, READERS + "; the addressed sponsor reads it"),
    rule("signoff list", "", S, PEOPLE, READ,
         "code (queries.py): everyone registered; each sees the sign-offs they asked for or are addressed"),
    # -- cycles --------------------------------------------------------------------------------------
    rule("cycle plan", "{project} --change-idea {free_idea} --objective Afprøv --prediction Færre~dage "
         "--start 2031-03-01 --end 2031-03-14", C, THE_PARTICIPANT, EV, THE_PARTICIPANT_TESTS),
    rule("cycle do", "{cycle_in_plan} --observations Gennemført", C, THE_PARTICIPANT, EV, THE_PARTICIPANT_TESTS),
    rule("cycle study", "{cycle_in_do} --findings Virkede", C, THE_PARTICIPANT, EV, THE_PARTICIPANT_TESTS),
    rule("cycle act", "{cycle_in_study} --decision adopt", C, THE_PARTICIPANT, EV, THE_PARTICIPANT_TESTS),
    rule("cycle amend", "{cycle_in_plan} --objective Omskrevet", C, THE_PARTICIPANT, EV, THE_PARTICIPANT_TESTS),
    rule("cycle cancel", "{cycle_in_plan} --reason Sygdom", C, THE_PARTICIPANT, EV, THE_PARTICIPANT_TESTS),
    rule("cycle show", "{cycle_in_plan}", C, PROJECT_READERS, READ,
         READERS + " (domain: coaches follow their participants' cycles)"),
    # -- SPC and the views ---------------------------------------------------------------------------
    rule("spc analyse", "--chart run --values 3,5,4,6,5", N, EVERYONE, READ,
         "code (domain silent): a calculator over the values given; it reads nothing stored"),
    rule("spc show", "{measure}", D, PROJECT_READERS, READ, READERS),
    rule("spc chart", "{measure} --out {out}/chart.svg", D, PROJECT_READERS, FILE, READERS),
    rule("projections catch-up", "", D, EVERYONE, READ,
         OPERATOR + "; the views are derived from the events, which it leaves as they are"),
    rule("projections rebuild", "series", D, EVERYONE, READ,
         OPERATOR + "; the views are derived from the events, which it leaves as they are"),
    # -- audit ---------------------------------------------------------------------------------------
    rule("audit verify", "", S, AUDITORS, READ, AUDIT),
    rule("audit checkpoint", "--out {out}/checkpoint.json", S, AUDITORS, FILE, AUDIT),
    rule("audit log", "--project {project}", S, AUDITORS, READ, AUDIT),
    rule("audit replay", "{project} --version 3", S, AUDITORS, READ, AUDIT),
    rule("audit signoff", "{signoff}", S, AUDITORS, READ, AUDIT + " (what exactly a sponsor approved)"),
    rule("audit export", "{project} --format jsonl --out {out}/history.jsonl", S, AUDITORS, BOTH,
         AUDIT + "; the export itself is recorded"),
    # -- reminders and digests ----------------------------------------------------------------------
    rule("notify due", "", D, ADMINISTRATORS, READ, "issue 11: for operators, what would be queued; queues nothing"),
    rule("notify run", "", D, ADMINISTRATORS, EV, "issue 11: the rules evaluated and the outbox drained on demand, "
         "by an administrator"),
    rule("outbox list", "", D, ADMINISTRATORS, READ, "issue 11: the messages and how each went, for administrators"),
    rule("outbox retry", "{failed_message}", D, ADMINISTRATORS, EV, "issue 11: administrators send a failed message "
         "again"),
    # -- setting up ----------------------------------------------------------------------------------
    rule("init", "", D, EVERYONE, READ, OPERATOR + "; on a database set up already it changes nothing"),
    rule("demo", "--if-empty", D, EVERYONE, READ, OPERATOR + "; it loads only into an empty database"),
    rule("run", "--no-serve", D, EVERYONE, READ, OPERATOR + "; it prints every cohort's overview"),
    # -- the web's keys (rows in the web's own tables, never events) ---------------------------------
    rule("login-link", "{participant}", D, ADMINISTRATORS, READ,
         "issue 12: administrators hand out single-use log-in links (`make run` prints them for the demo)"),
    rule("token create", "--person {participant} --name script", D, ADMINISTRATORS | THE_PARTICIPANT, READ,
         "issue 12: an administrator, or the person for themselves"),
    rule("token list", "", D, PEOPLE, READ, "issue 12: a person's own tokens (an administrator's: everyone's)"),
    rule("session end", "{participant}", D, ADMINISTRATORS, READ,
         "issue 12: an administrator ends all of a person's sessions"),
)
# Commands that run until they are stopped, or that need a secret made by another command first, are not run case
# by case; each has a test of its own.
UNTIL_STOPPED = {"scheduler run": "tests/notifications/test_scheduler.py (it acts as the system: no person)",
                 "serve": "tests/web/test_serve.py",
                 "token revoke": "tests/web/test_tokens_cli.py (it needs the id of a token made first)"}


# -- the prepared state ------------------------------------------------------------------------------

EXTRA_PARTICIPANTS = tuple(f"deltager{i}@example.dk" for i in range(1, 5))  # enrolled, for a sparring group of 6
NEWCOMER = "rita.ny@example.dk"  # a registered participant, not enrolled

ACTORS: dict[Who, str | None] = {
    W.ADMINISTRATOR: ADMIN, W.PARTICIPANT: PARTICIPANT, W.OTHER_PARTICIPANT: OTHER_PARTICIPANT, W.SPONSOR: SPONSOR,
    W.OTHER_SPONSOR: OTHER_SPONSOR, W.COACH: COACH, W.AUDITOR: AUDITOR, W.NOBODY: None,
    W.UNKNOWN: "ingen.person@example.dk",
}


@dataclass(frozen=True)
class Prepared:
    """One SQLite file per stage (the events, their seals and the views brought up to date), the audit key that
    sealed them, and the values the rows' arguments name."""

    files: dict[Stage, Path]
    audit_key: Path
    values: dict[str, str]

    def copy(self, stage: Stage, to: Path) -> None:
        shutil.copyfile(self.files[stage], to)  # each file is whole: written by backup() and closed


def backup(source: Path, target: Path) -> None:
    """A consistent copy of an SQLite database, through SQLite's backup (whatever its journal holds)."""
    with closing(sqlite3.connect(source)) as reading, closing(sqlite3.connect(target)) as writing:
        reading.backup(writing)


def _failed_message(app: PdsaApplication) -> Any:
    """A message the mail server refused for good, for `outbox retry`."""
    stamp = app.acting(ADMIN, Role.ADMINISTRATOR)
    message = OutboxMessage.queue(stamp, "signoff_reminder:prepared:0:x", "signoff_reminder", app.person(SPONSOR).id,
                                  {})
    message.claim(stamp)
    message.record_failure(stamp, "550 no such mailbox", permanent=True)
    app.save(message)
    return message.id


def prepare(folder: Path) -> Prepared:
    """Builds the stages command by command through the application, before the tests' clock starts."""
    url = f"sqlite:///{folder / 'building.sqlite'}"
    settings = settings_for(url)
    app = open_application(settings, clock=SimulatedClock(MOMENT - timedelta(days=2)))
    programme = Programme(app).people()
    run, P = programme.run, PdsaApplication
    for email in (*EXTRA_PARTICIPANTS, NEWCOMER):
        run(ADMIN, P.add_person, people.AddPerson, name="Deltager", email=email, role=["participant"])
    cohort = programme.cohort()
    project = programme.project(cohort, PARTICIPANT)  # sponsored by SPONSOR, coached by COACH
    programme.enrol(cohort, OTHER_PARTICIPANT)
    other_project = run(ADMIN, P.create_project, projects.CreateProject, cohort=cohort, participant=OTHER_PARTICIPANT,
                        title="Hjemmekemo", problem="Kort holdbarhed", sponsor=OTHER_SPONSOR, coach=COACH)
    for email in EXTRA_PARTICIPANTS:
        programme.enrol(cohort, email)
    measure, idea, second_idea = programme.charter(project)
    secondary = app.load(ImprovementProject, project).diagram.node(idea).parent_id

    def driver(**fields: Any) -> str:
        return str(run(PARTICIPANT, P.add_driver, projects.AddDriver, project=project, **fields))

    other_primary = driver(primary="Samarbejde")
    ideas = [driver(change_idea=text, under=secondary) for text in ("Udskrivningsbrev", "Tjekliste", "Opkald")]
    spare_idea = driver(change_idea="Reserve", under=secondary)
    values_failed = _failed_message(app)
    for week, value in ((5, 12), (6, 10), (7, 9), (8, 8)):
        run(PARTICIPANT, P.record_data, projects.RecordData, measure=measure, period=f"2031-W{week:02d}",
            value=str(value))
    run(PARTICIPANT, P.start_phase, projects.StartPhase, measure=measure, **{"from": "2031-W07"}, reason="Ny praksis")
    values = {
        "cohort": cohort, "project": project, "other_project": other_project, "measure": measure,
        "primary": app.load(ImprovementProject, project).diagram.node(secondary).parent_id, "secondary": secondary,
        "other_primary": other_primary, "spare_idea": spare_idea, "free_idea": ideas[2],
        "participant": PARTICIPANT, "sponsor": SPONSOR, "coach": COACH, "other_sponsor": OTHER_SPONSOR,
        "newcomer": NEWCOMER, "spare_participant": EXTRA_PARTICIPANTS[0],
        **{f"member{i}": email for i, email in enumerate((PARTICIPANT, OTHER_PARTICIPANT, *EXTRA_PARTICIPANTS))},
    }
    values["failed_message"] = values_failed
    values["csv"] = folder / "enrolments.csv"
    values["csv"].write_text("email,organisation,region,sector,name\n"
                             "bo.ny@example.dk,Rigshospitalet,Region Hovedstaden,regional,Bo Ny\n", encoding="utf-8")
    files: dict[Stage, Path] = {}

    def keep(stage: Stage) -> None:
        views = open_projections(app, settings)
        views.catch_up()
        views.store.close()
        files[stage] = folder / f"{stage}.sqlite"
        backup(settings.sqlite_path, files[stage])

    keep(D)
    values["signoff"] = programme.submit(project)
    keep(S)
    programme.decide(values["signoff"])
    values["adopted_cycle"] = adopted = programme.plan(project, idea)
    programme.complete(adopted, "adopt")
    keep(A)
    values["cycle_in_plan"] = programme.plan(project, second_idea)
    values["cycle_in_do"] = in_do = programme.plan(project, ideas[0])
    run(PARTICIPANT, P.do_cycle, cycles.DoCycle, cycle=in_do, observations="Gennemført")
    values["cycle_in_study"] = in_study = programme.plan(project, ideas[1])
    run(PARTICIPANT, P.do_cycle, cycles.DoCycle, cycle=in_study, observations="Gennemført")
    run(PARTICIPANT, P.study_cycle, cycles.StudyCycle, cycle=in_study, findings="Færre dage")
    keep(C)
    app.close()
    return Prepared(files, settings.audit_key, {name: str(value) for name, value in values.items()})
