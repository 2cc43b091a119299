"""Load, bounded and on loopback only: `pdsa serve --workers 4` on PostgreSQL, with the scheduler beside it, takes
50 concurrent clients for 60 s — mostly reads of pages and of the JSON API, and participants' writes (data
points, cycles taken through do, study and act, progress scores, meetings), some of them deliberately in conflict
(two clients writing the same measure's period, stepping the same cycle, or two writes bound by If-Match to the
same version).

What it shows: no answer is 5xx and none is lost to a transport error or a timeout; a read always answers 200 and
a write 2xx, or 409/412 when it lost a conflict; every write that was accepted is in the event store, exactly
once, as the client was told (each data point with its value, each cycle in the phase its accepted steps took it
to), and no event of those kinds is there that no client was told was accepted; of two writes bound to the same
version at most one is accepted; one scheduler leads — a second `pdsa scheduler run` started during the load
keeps waiting — and the server stops on Ctrl-C with exit code 0 and no traceback in its log.
"""

from __future__ import annotations

import asyncio
import json
import random
import subprocess
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import psycopg
import pytest

from pdsa_engine.aggregates.cycle import PDSACycle
from pdsa_engine.aggregates.measure_series import MeasureSeries
from pdsa_engine.aggregates.project import ImprovementProject
from pdsa_engine.aggregates.values import Phase
from pdsa_engine.application import PdsaApplication as A
from pdsa_engine.clock import SimulatedClock, local_date
from pdsa_engine.commands import cohorts, people, projects
from tests.builders import ADMIN, AUDITOR, COACH, SPONSOR, Programme, database_app
from tests.web.served import PDSA, Served, serving, wait_for

LOAD_SECONDS = 60
CLIENTS = 50
PARTICIPANTS = 8  # each with a project of their own and two writing clients (their laptop and their phone)
WRITERS = 2 * PARTICIPANTS
TIMEOUT = 30.0  # per request: generous, so that only a server that has stopped answering fails it
READ_KINDS = ("page /", "page project", "page cycle", "page cohort", "api projects", "api project", "api cycle",
              "api series")
WRITE_KINDS = ("data", "plan", "do", "study", "act", "progress", "meeting")
# The event each accepted write stores once (plan and act store a second one on the project, not counted here).
EVENT_OF = {"data": "MeasureSeries.PointRecorded", "plan": "PDSACycle.Planned", "do": "PDSACycle.CarriedOut",
            "study": "PDSACycle.Studied", "act": "PDSACycle.Acted", "progress": "ImprovementProject.ProgressScored",
            "meeting": "ImprovementProject.MeetingRecorded"}
NEXT_STEP = {Phase.PLAN: "do", Phase.DO: "study", Phase.STUDY: "act"}
STEPS_TAKEN = {Phase.PLAN: set(), Phase.DO: {"do"}, Phase.STUDY: {"do", "study"},
               Phase.CLOSED: {"do", "study", "act"}}
STEP_BODY = {"do": {"observations": "Gennemført på to afsnit"}, "study": {"findings": "Dagene faldt"},
             "act": {"decision": "adapt", "next_steps": "Næste afsnit"}}


# -- the programme, built before the server starts -----------------------------------------------------------


@dataclass
class LoadProject:
    participant: str
    id: UUID
    measure: UUID  # a daily measure: years of periods to record, so that the load never runs out of them
    ideas: tuple[UUID, UUID]
    current: dict[UUID, UUID]  # the open or last cycle on each change idea
    periods: list[str]  # the daily periods not yet written, the newest last
    last_period: str | None = None  # the period written last, which a conflicting write writes again
    cycles: list[UUID] = field(default_factory=list)  # every cycle known to exist, for the readers


@dataclass
class World:
    cohort: UUID
    projects: list[LoadProject]
    today: date  # the programme's (Danish) date when the load starts
    events_before: int
    tokens: dict[str, str] = field(default_factory=dict)  # e-mail → API token


def build_programme(url: str) -> World:
    """A cohort of participants, each with an approved charter (a weekly and a daily measure, two change ideas)
    and a cycle planned on each idea. Time is the real date, since the server's clock is the real one: data can
    only be recorded for periods that have begun."""
    now = datetime.now(timezone.utc)
    today = local_date(now)
    app = database_app(url, SimulatedClock(now - timedelta(hours=12)))  # a minute a command: done before now
    try:
        programme = Programme(app).people()
        start = today - timedelta(days=30)
        cohort = programme.cohort(start=start, end=today + timedelta(days=300), name="Hold under belastning")
        programme.run(ADMIN, A.set_quota, cohorts.SetQuota, cohort=cohort, region="Midtjylland", sector="regional",
                      seats=PARTICIPANTS)
        made = [_load_project(programme, cohort, f"load.participant{i}@example.dk", start, today)
                for i in range(PARTICIPANTS)]
        return World(cohort, made, today, app.recorder.max_notification_id() or 0)
    finally:
        app.close()


def _load_project(programme: Programme, cohort: UUID, email: str, cohort_start: date, today: date) -> LoadProject:
    programme.run(ADMIN, A.add_person, people.AddPerson, name="Load Participant", email=email, role=["participant"])
    project = programme.project(cohort, email)
    _, idea, other = programme.charter(project, email)
    daily = programme.run(email, A.add_measure, projects.AddMeasure, project=project, name="Udskrevne pr. dag",
                          kind="process", chart="i", definition="Udskrivninger før kl. 12", frequency="day",
                          direction="up")
    programme.decide(programme.submit(project, email))
    current = {one: programme.plan(project, one, participant=email, measure=daily) for one in (idea, other)}
    # Baseline data reaches three years before the cohort; yesterday is a period that has begun in any zone.
    first = cohort_start.replace(year=cohort_start.year - 3) + timedelta(days=1)
    periods = [(first + timedelta(days=d)).isoformat() for d in range((today - first).days)]
    return LoadProject(email, project, daily, (idea, other), current, periods, cycles=list(current.values()))


def create_tokens(served: Served, world: World) -> None:
    """An API token for every person who takes part, made by the CLI as an operator would (in parallel: each is
    a Python process of its own)."""
    emails = [ADMIN, COACH, AUDITOR, SPONSOR, *(p.participant for p in world.projects)]

    def token(email: str) -> str:
        made = served.pdsa("--as", ADMIN, "token", "create", "--person", email, "--name", "load", "--json")
        assert made.returncode == 0, made.stderr
        return json.loads(made.stdout)["token"]

    with ThreadPoolExecutor(4) as pool:
        world.tokens = dict(zip(emails, pool.map(token, emails)))


# -- what the clients saw and what was accepted ------------------------------------------------------------


@dataclass
class Tally:
    """Every answer, by kind of request; and those a client may not get, with what they said."""

    statuses: dict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    seconds: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    failures: list[str] = field(default_factory=list)  # transport errors, timeouts, 5xx, unexpected statuses
    per_client: Counter[int] = field(default_factory=Counter)

    def note(self, client: int, kind: str, response: httpx.Response, seconds: float) -> None:
        self.statuses[kind][response.status_code] += 1
        self.seconds[kind].append(seconds)
        self.per_client[client] += 1
        allowed = {200} if kind in READ_KINDS else {200, 201, 409, 412}
        if response.status_code not in allowed:
            request = response.request
            self.failures.append(f"{kind}: {request.method} {request.url.path} → {response.status_code} "
                                 f"{response.text[:400]}")

    def count(self, kind: str, *statuses: int) -> int:
        return sum(n for status, n in self.statuses[kind].items() if not statuses or status in statuses)


@dataclass
class Ledger:
    """What the server said it accepted (a 2xx), as the clients recorded it."""

    points: dict[tuple[UUID, str], Decimal] = field(default_factory=dict)  # (measure, period) → value
    cycles: dict[UUID, tuple[UUID, UUID, UUID | None]] = field(default_factory=dict)  # → project, idea, continues
    steps: dict[UUID, list[str]] = field(default_factory=lambda: defaultdict(list))  # cycle → steps accepted
    progress: Counter[UUID] = field(default_factory=Counter)  # project → scores accepted
    meetings: Counter[UUID] = field(default_factory=Counter)
    bound: Counter[tuple[UUID, int]] = field(default_factory=Counter)  # (thing, If-Match version) → accepted
    twice: list[str] = field(default_factory=list)  # a period accepted twice: the rules were not kept

    def accepted(self, kind: str) -> int:
        return {"data": len(self.points), "plan": len(self.cycles),
                "progress": sum(self.progress.values()), "meeting": sum(self.meetings.values())}.get(
            kind, sum(steps.count(kind) for steps in self.steps.values()))


# -- the clients ---------------------------------------------------------------------------------------------


@dataclass
class Client:
    number: int
    http: httpx.AsyncClient
    tally: Tally
    ledger: Ledger

    async def call(self, kind: str, method: str, path: str, **options: Any) -> httpx.Response | None:
        started = time.monotonic()
        try:
            response = await self.http.request(method, path, **options)
        except httpx.HTTPError as error:  # a timeout or a dropped connection: never an allowed answer
            self.tally.failures.append(f"{kind}: {method} {path}: {type(error).__name__} {error}")
            return None
        self.tally.note(self.number, kind, response, time.monotonic() - started)
        return response


def ok(response: httpx.Response | None) -> bool:
    return response is not None and response.is_success


def etag(response: httpx.Response) -> int:
    return int(response.headers["etag"].strip('"'))


async def read_at_random(client: Client, world: World, reader: str) -> None:
    """One read a person in that role would make; participants read only their own project."""
    own = [p for p in world.projects if p.participant == reader]
    project = random.choice(own or world.projects)
    reads: list[tuple[str, str]] = [
        ("page /", "/"), ("page project", f"/projects/{project.id}"),
        ("page cycle", f"/cycles/{random.choice(project.cycles)}"), ("api projects", "/api/v1/projects"),
        ("api project", f"/api/v1/projects/{project.id}"), ("api cycle", f"/api/v1/cycles/{random.choice(project.cycles)}"),
        ("api series", f"/api/v1/measures/{project.measure}/series"),
    ]
    if reader in (ADMIN, COACH, AUDITOR):  # the cohort's dashboard is theirs to read
        reads.append(("page cohort", f"/cohorts/{world.cohort}"))
    kind, path = random.choice(reads)
    await client.call(kind, "GET", path)


async def record_data(client: Client, project: LoadProject, conflicting: bool) -> None:
    """A data point for the next free day; a conflicting one writes again the day written last (by either of
    the participant's clients), which the rules refuse (409) unless this one got there first."""
    if conflicting and project.last_period:
        period = project.last_period
    else:
        period = project.periods.pop()
        project.last_period = period
    value = Decimal(random.randint(0, 10_000)) / 10
    answer = await client.call("data", "POST", f"/api/v1/measures/{project.measure}/data",
                               json={"period": period, "value": str(value)})
    if ok(answer):
        key = (project.measure, period)
        if key in client.ledger.points:
            client.ledger.twice.append(f"{period} of {project.measure}: {client.ledger.points[key]} and {value}")
        client.ledger.points[key] = value


async def step_cycle(client: Client, project: LoadProject, idea: UUID, may_plan: bool, today: date) -> None:
    """Reads the cycle on the idea and takes its next step, bound by If-Match to the version read, as the
    cycle's page does; a closed cycle (adapted) is continued by a new one, planned only by the idea's owner."""
    cycle = project.current[idea]
    read = await client.call("api cycle", "GET", f"/api/v1/cycles/{cycle}")
    if not ok(read):
        return
    assert read is not None
    phase = Phase(read.json()["phase"])
    if phase in NEXT_STEP:
        step, version = NEXT_STEP[phase], etag(read)
        answer = await client.call(step, "POST", f"/api/v1/cycles/{cycle}/{step}", json=STEP_BODY[step],
                                   headers={"If-Match": f'"{version}"'})
        if ok(answer):
            client.ledger.steps[cycle].append(step)
            client.ledger.bound[(cycle, version)] += 1
    elif phase is Phase.CLOSED and may_plan:
        await plan_cycle(client, project, idea, cycle, today)


async def plan_cycle(client: Client, project: LoadProject, idea: UUID, continues: UUID, today: date) -> None:
    answer = await client.call("plan", "POST", f"/api/v1/projects/{project.id}/cycles", json={
        "change_idea": str(idea), "objective": "Afprøve idéen på næste afsnit", "prediction": ["Flere før kl. 12"],
        "measure": [str(project.measure)], "start": str(today - timedelta(days=7)),
        "end": str(today + timedelta(days=7)), "continues": str(continues)})
    if ok(answer):
        assert answer is not None
        made = UUID(answer.json()["id"])
        assert answer.headers["location"] == f"/api/v1/cycles/{made}"
        client.ledger.cycles[made] = (project.id, idea, continues)
        project.current[idea] = made
        project.cycles.append(made)


async def score_progress(client: Client, project: LoadProject, day: date) -> None:
    answer = await client.call("progress", "POST", f"/api/v1/projects/{project.id}/progress",
                               json={"score": str(random.randint(1, 10) / 2), "date": str(day)})
    if ok(answer):
        client.ledger.progress[project.id] += 1


async def record_meeting(client: Client, project: LoadProject, day: date) -> None:
    answer = await client.call("meeting", "POST", f"/api/v1/projects/{project.id}/meetings",
                               json={"kind": "coaching", "date": str(day), "attendee": [COACH]})
    if ok(answer):
        client.ledger.meetings[project.id] += 1


async def scores_bound_to_one_version(client: Client, project: LoadProject, day: date) -> None:
    """Two progress scores sent at once, both bound by If-Match to the project's version just read: at most one
    may be accepted, the other is told the project changed (412) or collided (409)."""
    read = await client.call("api project", "GET", f"/api/v1/projects/{project.id}")
    if not ok(read):
        return
    assert read is not None
    version = etag(read)
    answers = await asyncio.gather(*(client.call("progress", "POST", f"/api/v1/projects/{project.id}/progress",
                                                 json={"score": score, "date": str(day)},
                                                 headers={"If-Match": f'"{version}"'}) for score in ("2", "2.5")))
    for answer in answers:
        if ok(answer):
            client.ledger.progress[project.id] += 1
            client.ledger.bound[(project.id, version)] += 1


async def write_at_random(client: Client, project: LoadProject, mine: int, day: date) -> None:
    """One participant's write. Each of their two clients owns one change idea; now and then it steps the other
    client's cycle instead (a deliberate conflict with its owner)."""
    roll = random.random()
    if roll < 0.40:
        await record_data(client, project, conflicting=random.random() < 0.15)
    elif roll < 0.75:
        await step_cycle(client, project, project.ideas[mine], True, day)
    elif roll < 0.85:
        await step_cycle(client, project, project.ideas[1 - mine], False, day)
    elif roll < 0.92:
        await score_progress(client, project, day)
    elif roll < 0.97:
        await record_meeting(client, project, day)
    else:
        await scores_bound_to_one_version(client, project, day)


async def run_client(number: int, base: str, world: World, tally: Tally, ledger: Ledger, stop_at: float) -> None:
    """Until the load's end: the first WRITERS clients are the participants' (two each), who read as well as
    write; the others read, in the roles of everyone who takes part."""
    readers = [ADMIN, COACH, AUDITOR, SPONSOR, *(p.participant for p in world.projects)]
    writer = number < WRITERS
    project = world.projects[number // 2] if writer else None
    person = project.participant if project else readers[number % len(readers)]
    day = world.today - timedelta(days=1)  # progress and meetings of yesterday: never the server's future
    headers = {"Authorization": f"Bearer {world.tokens[person]}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=TIMEOUT) as http:
        client = Client(number, http, tally, ledger)
        while time.monotonic() < stop_at:
            if project is not None and random.random() < 0.6:
                await write_at_random(client, project, number % 2, day)
            else:
                await read_at_random(client, world, person)
            await asyncio.sleep(random.uniform(0, 0.3))  # a person's pause between clicks, kept short


async def run_load(base: str, world: World, seconds: float, during: Callable[[], Any]) -> tuple[Tally, Ledger]:
    tally, ledger = Tally(), Ledger()
    stop_at = time.monotonic() + seconds
    clients = [run_client(n, base, world, tally, ledger, stop_at) for n in range(CLIENTS)]
    # What the test checks while the load runs, in a thread of its own, so that the clients are not held up.
    await asyncio.gather(*clients, asyncio.to_thread(during))
    return tally, ledger


# -- the scheduler ---------------------------------------------------------------------------------------------


def schedulers_holding_the_lock(url: str) -> int:
    """The connections holding an advisory lock are the leading schedulers': nothing else takes one."""
    with psycopg.connect(url) as connection:
        row = connection.execute(
            "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted AND a.application_name = 'pdsa scheduler'").fetchone()
    assert row is not None
    return int(row[0])


@dataclass
class SecondScheduler:
    process: subprocess.Popen[bytes]
    log: Path
    code: int | None = None

    def said(self) -> str:
        return self.log.read_text()


@contextmanager
def second_scheduler(served: Served, log: Path) -> Iterator[SecondScheduler]:
    """Another `pdsa scheduler run` on the same database, trying to lead every second; stopped by SIGTERM, as
    `pdsa serve` stops its own."""
    with log.open("w") as out:
        process = subprocess.Popen([*PDSA, "scheduler", "run", "--interval", "1"], env=served.env, stdout=out,
                                   stderr=subprocess.STDOUT, cwd=log.parent)
    second = SecondScheduler(process, log)
    try:
        yield second
    finally:
        if process.poll() is None:
            process.terminate()
        second.code = process.wait(40)


# -- the event store, after the load -----------------------------------------------------------------------------


def events_since(app: A, after: int) -> Counter[str]:
    """The events stored after the set-up, by type (Aggregate.Event)."""
    found: Counter[str] = Counter()
    start = after + 1
    while batch := app.recorder.select_notifications(start, 1000):
        found.update(n.topic.rsplit(":", 1)[-1] for n in batch)
        start = batch[-1].id + 1
    return found


def check_store(url: str, world: World, ledger: Ledger) -> int:
    """Every accepted write is in the event store exactly once, and nothing that was not accepted; returns the
    number of events stored during the load."""
    app = database_app(url)
    try:
        stored = events_since(app, world.events_before)
        for kind, event in EVENT_OF.items():
            assert stored[event] == ledger.accepted(kind), (kind, stored[event], ledger.accepted(kind))
        for project in world.projects:
            check_points(app, project, ledger)
            check_project(app, project, ledger)
        for cycle_id, (project_id, idea, continues) in ledger.cycles.items():
            cycle = app.load(PDSACycle, cycle_id)
            assert (cycle.project_id, cycle.change_idea_id, cycle.continues) == (project_id, idea, continues)
        for cycle_id in (cycle for project in world.projects for cycle in project.cycles):
            cycle, steps = app.load(PDSACycle, cycle_id), ledger.steps.get(cycle_id, [])
            assert sorted(steps) == sorted(STEPS_TAKEN[cycle.phase]), (cycle_id, cycle.phase, steps)
        return sum(stored.values())
    finally:
        app.close()


def check_points(app: A, project: LoadProject, ledger: Ledger) -> None:
    series = app.load(MeasureSeries, project.measure)
    accepted = {period: value for (measure, period), value in ledger.points.items() if measure == project.measure}
    stored = {point.period: point.value for point in series.points.values()}
    assert stored == accepted, f"{project.measure}: {len(stored)} points stored, {len(accepted)} accepted"
    assert all(point.corrections == 0 for point in series.points.values())


def check_project(app: A, project: LoadProject, ledger: Ledger) -> None:
    found = app.load(ImprovementProject, project.id)
    assert len(found.progress) == ledger.progress[project.id]
    assert len(found.meetings) == ledger.meetings[project.id]
    planned = {cycle for cycle, (project_id, _, _) in ledger.cycles.items() if project_id == project.id}
    assert set(found.cycles) == planned | set(project.cycles[:2])  # the two of the set-up, and the load's


# -- the test --------------------------------------------------------------------------------------------------


def report(tally: Tally, ledger: Ledger, seconds: float) -> None:
    print(f"\n{CLIENTS} clients for {seconds:.1f} s: {sum(tally.per_client.values())} answers, "
          f"{sum(tally.per_client.values()) / seconds:.1f}/s")
    for kind in (*READ_KINDS, *WRITE_KINDS):
        spent = sorted(tally.seconds[kind]) or [0.0]
        statuses = ", ".join(f"{status} ×{n}" for status, n in sorted(tally.statuses[kind].items()))
        print(f"  {kind:13} {tally.count(kind):6} ({tally.count(kind) / seconds:5.1f}/s) "
              f"median {spent[len(spent) // 2] * 1000:6.0f} ms, 95 % {spent[int(len(spent) * 0.95)] * 1000:6.0f} ms"
              f"  [{statuses}]")
    print("  accepted: " + ", ".join(f"{kind} {ledger.accepted(kind)}" for kind in WRITE_KINDS))


@pytest.mark.postgres
def test_fifty_clients_for_a_minute_lose_nothing_and_get_no_5xx(postgres_url: str, tmp_path: Path) -> None:
    world = build_programme(postgres_url)
    with serving(postgres_url, tmp_path, "--workers", "4") as served:
        wait_for(lambda: "leading" in served.said(), 60)  # the scheduler `pdsa serve` started leads
        create_tokens(served, world)
        leaders_during: list[int] = []

        def during_the_load() -> None:
            time.sleep(LOAD_SECONDS / 2)
            leaders_during.append(schedulers_holding_the_lock(postgres_url))

        with second_scheduler(served, tmp_path / "second-scheduler.log") as second:  # stopped before the leader
            wait_for(lambda: "waiting: another scheduler leads" in second.said(), 60)
            started = time.monotonic()
            tally, ledger = asyncio.run(run_load(served.base, world, LOAD_SECONDS, during_the_load))
            elapsed = time.monotonic() - started
            assert second.process.poll() is None, second.said()  # it waited all along, and is still waiting
    report(tally, ledger, elapsed)
    said = served.said()

    assert not tally.failures, "\n".join([*tally.failures[:30], "The server said:", said[-20_000:]])
    assert served.code == 0, said
    assert "Traceback" not in said and "unexpected failure" not in said, said
    assert said.count("leading: this scheduler sends") == 1 and "waiting" not in said, said
    assert "leading" not in second.said() and second.code == 0, second.said()
    assert leaders_during == [1]

    assert all(tally.per_client[n] >= 10 for n in range(CLIENTS)), tally.per_client  # every client got through
    for kind in (*READ_KINDS, *WRITE_KINDS):
        assert tally.count(kind, 200, 201) > 0, f"no {kind} succeeded"
    assert sum(tally.count(kind, 409, 412) for kind in WRITE_KINDS) > 0, "no deliberate conflict was answered so"
    assert not ledger.twice, ledger.twice

    stored = check_store(postgres_url, world, ledger)
    assert stored >= sum(ledger.accepted(kind) for kind in WRITE_KINDS)
    # If-Match promises that a write is made on the version named or not at all (412): two writes bound to one
    # version cannot both be made.
    twice_on_one_version = [f"{thing} at version {version}" for (thing, version), n in ledger.bound.items() if n > 1]
    assert not twice_on_one_version, f"accepted twice on one If-Match version: {twice_on_one_version}"
