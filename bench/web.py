"""The site over HTTP: `pdsa serve --no-scheduler` with one and four workers, on SQLite and on PostgreSQL, holding
the demo (its cohort of 40 projects) and a few projects of the benchmark's own to write to; next to a bare
Starlette endpoint returning a constant, served by Uvicorn the same way (same workers, same options), in the same
run and by the same client.

Measured, each for WINDOW seconds after a warm-up, by CLIENTS concurrent keep-alive clients on loopback:
- the cohort dashboard (`GET /cohorts/{id}`, the demo's administrator) and a project page (`GET /projects/{id}`,
  its participant): requests per second of the window, p50 and p99;
- the same project page drawn anew: before each timed read a participant of the benchmark's scores progress
  (untimed), which moves the log, so the page kept for the reader cannot be served (rate of whole rounds);
- a sign-off decision (`POST /api/v1/signoffs/{id}/request-changes` with the project version seen, the sponsor)
  and a cycle step (`POST /api/v1/cycles/{id}/do|study|act` bound by If-Match): each client works on a project of
  its own, and before each timed write it sends the untimed requests that make one possible (the participant
  asks to close the project and the sponsor reads its version; the cycle is read, and planned anew once closed),
  so the rate is of whole rounds, and p50/p99 are of the timed write alone.

Goals: the dashboard and the project page at ≥ 25% of the bare endpoint's requests/s; a page's p99 under 50 ms
on SQLite. The client is Python (httpx) on the same two cores as the server: what it spends is spent on the bare
endpoint too, so the bare figure is a ceiling of this machine and client, not of Uvicorn.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx

from bench import figures
from pdsa_engine.application import PdsaApplication as A
from pdsa_engine.clock import SimulatedClock, local_date
from pdsa_engine.commands import cohorts, people
from pdsa_engine.demo import DEMO_ADMINISTRATOR
from pdsa_engine.web.serve import WORKER_HEALTH_CHECK
from tests.builders import ADMIN, COACH, SPONSOR, Programme, database_app, settings_for
from tests.support.postgres import TemporaryPostgres
from tests.support.smtp import free_port

CLIENTS = 8
WRITERS = 8  # projects each for sign-offs and for cycles: one per client, so that no two clients collide
WINDOW = 8.0  # seconds measured per endpoint
WARM_UP = 1.5
WORKERS = (1, 4)
PAGE_GOAL_SHARE = 0.25
PAGE_P99_GOAL_MS = 50.0
PYTHON = sys.executable
STEP_BODY = {"do": {"observations": "Gennemført på to afsnit"}, "study": {"findings": "Dagene faldt"},
             "act": {"decision": "adapt", "next_steps": "Næste afsnit"}}
NEXT_STEP = {"plan": "do", "do": "study", "study": "act"}


@dataclass
class Site:
    """What the benchmark reads and writes on one database."""

    env: dict[str, str]
    cohort: str  # the demo's cohort
    project: str  # a demo project with charts
    reader: str  # its participant
    closing: list[str]  # projects of the benchmark's whose closure is asked for and sent back, round after round
    cycling: list[list[str]]  # [project, change idea, its current cycle], the cycle kept current across runs
    participants: dict[str, str]  # project → its participant
    tokens: dict[str, str] = field(default_factory=dict)  # e-mail → API token


def report() -> None:
    print(f"\nThe site over HTTP ({CLIENTS} concurrent clients, {WINDOW:.0f} s each after {WARM_UP} s of warm-up; "
          "requests/s, p50 and p99 in ms)")
    work = Path(tempfile.mkdtemp(prefix="pdsa-bench-web-"))
    sqlite_url = f"sqlite:///{work / 'site.sqlite'}"
    _measure_database("SQLite", "sqlite", _prepared(sqlite_url, work / "sqlite"))
    server = TemporaryPostgres(durable=True).start()
    try:
        _measure_database("PostgreSQL", "postgres", _prepared(server.create_database("site"), work / "postgres"))
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


# -- the data ----------------------------------------------------------------------------------------------------


def _prepared(url: str, folder: Path) -> Site:
    folder.mkdir(parents=True)
    env = {**os.environ, "PDSA_DATABASE_URL": url, "PDSA_AUDIT_KEY": str(settings_for(url).audit_key),
           "PDSA_ACTOR": "", "PDSA_MAILDIR": str(folder / "mail")}
    started = time.perf_counter()
    subprocess.run([PYTHON, "-m", "pdsa_engine", "demo"], env=env, cwd=folder, capture_output=True, check=True)
    admin = ("--as", DEMO_ADMINISTRATOR)
    cohort = max(_pdsa_json(env, folder, *admin, "cohort", "list"), key=lambda c: c.get("projects", 0))["id"]
    project = _pdsa_json(env, folder, *admin, "cohort", "show", cohort)["projects"][0]
    reader = _pdsa_json(env, folder, *admin, "person", "show", project["participant"]["id"])["email"]
    site = Site(env, cohort, project["id"], reader, *_writers(url))
    emails = {DEMO_ADMINISTRATOR, reader, SPONSOR, *site.participants.values()}
    site.tokens = {email: _pdsa_json(env, folder, *admin, "token", "create", "--person", email, "--name", "bench")
                   ["token"] for email in emails}
    print(f"  prepared {url.split(':')[0]}: the demo and {2 * WRITERS} projects to write to, "
          f"in {time.perf_counter() - started:.0f} s")
    return site


def _pdsa_json(env: dict[str, str], cwd: Path, *args: str) -> Any:
    done = subprocess.run([PYTHON, "-m", "pdsa_engine", *args, "--json"], env=env, cwd=cwd, capture_output=True,
                          text=True)
    if done.returncode != 0:
        raise RuntimeError(f"pdsa {' '.join(args)}: {done.stderr[-500:]}")
    return json.loads(done.stdout)


def _writers(url: str) -> tuple[list[str], list[list[str]], dict[str, str]]:
    """A cohort of the benchmark's own beside the demo's, with active projects: the server's clock is the real
    one, so the set-up is dated half a day ago and its cohort runs around today."""
    now = datetime.now(timezone.utc)
    today = local_date(now)
    app = database_app(url, SimulatedClock(now - timedelta(hours=12)))
    try:
        programme = Programme(app, check_stamps=False)
        programme.run(DEMO_ADMINISTRATOR, A.add_person, people.AddPerson, name="Bench Admin", email=ADMIN,
                      role=["administrator"])
        for name, email, role in (("Bench Sponsor", SPONSOR, "sponsor"), ("Bench Coach", COACH, "coach")):
            programme.run(ADMIN, A.add_person, people.AddPerson, name=name, email=email, role=[role])
        cohort = programme.cohort(start=today - timedelta(days=30), end=today + timedelta(days=300),
                                  name="Hold til måling")
        programme.run(ADMIN, A.set_quota, cohorts.SetQuota, cohort=cohort, region="Midtjylland", sector="regional",
                      seats=2 * WRITERS)
        closing, cycling, participants = [], [], {}
        for n in range(2 * WRITERS):
            email = f"bench.participant{n}@example.dk"
            programme.run(ADMIN, A.add_person, people.AddPerson, name=f"Bench Participant {n}", email=email,
                          role=["participant"])
            active = programme.active_project(cohort, email)
            participants[str(active.project)] = email
            if n < WRITERS:
                closing.append(str(active.project))
            else:
                cycle = programme.plan(active.project, active.change_idea, participant=email)
                cycling.append([str(active.project), str(active.change_idea), str(cycle)])
        return closing, cycling, participants
    finally:
        app.close()


# -- serving -----------------------------------------------------------------------------------------------------


@contextmanager
def _served(argv: list[str], env: dict[str, str], cwd: Path, port: int, ready: str) -> Iterator[str]:
    base = f"http://127.0.0.1:{port}"
    log = (cwd / f"serve-{port}.log").open("w")
    process = subprocess.Popen(argv, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + ready, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{' '.join(argv)} did not start: {(cwd / log.name).read_text()[-2000:]}")
            time.sleep(0.2)
        yield base
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _pdsa_site(site: Site, workers: int) -> Any:
    port = free_port()
    argv = [PYTHON, "-m", "pdsa_engine", "serve", "--port", str(port), "--workers", str(workers), "--no-scheduler"]
    env = {**site.env, "PDSA_BASE_URL": f"http://127.0.0.1:{port}"}
    return _served(argv, env, Path(site.env["PDSA_MAILDIR"]).parent, port, "/health")


def _bare_site(site: Site, workers: int) -> Any:
    """The constant endpoint, run by Uvicorn with the options `pdsa serve` gives it (pdsa_engine/web/serve.py)."""
    port = free_port()
    code = ("import uvicorn; uvicorn.run('bench.bare_site:app', host='127.0.0.1', port=%d, workers=%d, "
            "proxy_headers=True, log_level='info', access_log=False, timeout_graceful_shutdown=10, "
            "timeout_worker_healthcheck=%d)" % (port, workers, WORKER_HEALTH_CHECK))
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    return _served([PYTHON, "-c", code], env, Path(site.env["PDSA_MAILDIR"]).parent, port, "/")


# -- the clients -------------------------------------------------------------------------------------------------


@dataclass
class Timings:
    latencies: list[float] = field(default_factory=list)
    rounds: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def failed(self, response: httpx.Response) -> None:
        if len(self.errors) < 5:
            self.errors.append(f"{response.request.method} {response.request.url.path} → {response.status_code} "
                               f"{response.text[:200]}")
        else:
            self.errors.append("")


Round = Callable[[httpx.AsyncClient, int, Timings, bool], Awaitable[None]]


async def _timed(http: httpx.AsyncClient, timings: Timings, measuring: bool, method: str, path: str,
                 **options: Any) -> httpx.Response | None:
    started = time.perf_counter()
    response = await http.request(method, path, **options)
    elapsed = time.perf_counter() - started
    if not response.is_success:
        timings.failed(response)
        return None
    if measuring:
        timings.latencies.append(elapsed)
    return response


async def _untimed(http: httpx.AsyncClient, timings: Timings, method: str, path: str,
                   **options: Any) -> httpx.Response | None:
    response = await http.request(method, path, **options)
    if not response.is_success:
        timings.failed(response)
        return None
    return response


def _drive(base: str, headers_of: Callable[[int], dict[str, str]], one_round: Round) -> Timings:
    async def client(number: int, timings: Timings, measure_from: float, stop_at: float) -> None:
        async with httpx.AsyncClient(base_url=base, headers=headers_of(number), timeout=30) as http:
            while (now := time.perf_counter()) < stop_at:
                measuring = now >= measure_from
                await one_round(http, number, timings, measuring)
                if measuring:
                    timings.rounds += 1

    async def everyone() -> Timings:
        timings = Timings()
        measure_from = time.perf_counter() + WARM_UP
        stop_at = measure_from + WINDOW
        await asyncio.gather(*(client(n, timings, measure_from, stop_at) for n in range(CLIENTS)))
        timings.seconds = WINDOW
        return timings

    return asyncio.run(everyone())


def _get(path: str) -> Round:
    async def one_round(http: httpx.AsyncClient, number: int, timings: Timings, measuring: bool) -> None:
        await _timed(http, timings, measuring, "GET", path)
    return one_round


def _decision(site: Site) -> Round:
    """The participant asks to close the project; the sponsor reads its version and sends it back (timed)."""
    participant_headers = {project: {"Authorization": f"Bearer {site.tokens[email]}"}
                           for project, email in site.participants.items()}

    async def one_round(http: httpx.AsyncClient, number: int, timings: Timings, measuring: bool) -> None:
        project = site.closing[number]
        asked = await _untimed(http, timings, "POST", f"/api/v1/projects/{project}/closure",
                               json={"outcome": "sustained"}, headers=participant_headers[project])
        read = await _untimed(http, timings, "GET", f"/api/v1/projects/{project}")
        if asked is None or read is None:
            return
        version = int(read.headers["etag"].strip('"'))
        await _timed(http, timings, measuring, "POST", f"/api/v1/signoffs/{asked.json()['id']}/request-changes",
                     json={"comment": "Vent med at lukke: mål tre måneder mere", "project_version": version})
    return one_round


def _page_after_write(site: Site) -> Round:
    """A participant of the benchmark's scores their project's progress, which moves the event log, and the demo
    project's participant opens the project page (timed): the page cannot be served as kept, it is drawn anew."""
    writer_headers = {project: {"Authorization": f"Bearer {site.tokens[email]}"}
                      for project, email in site.participants.items()}
    reader_headers = {"Authorization": f"Bearer {site.tokens[site.reader]}"}

    async def one_round(http: httpx.AsyncClient, number: int, timings: Timings, measuring: bool) -> None:
        project = site.cycling[number][0]
        scored = await _untimed(http, timings, "POST", f"/api/v1/projects/{project}/progress", json={"score": 3},
                                headers=writer_headers[project])
        if scored is not None:
            await _timed(http, timings, measuring, "GET", f"/projects/{site.project}", headers=reader_headers)
    return one_round


def _cycle_step(site: Site) -> Round:
    """The participant reads the cycle and takes its next step bound to the version read (timed); a cycle closed
    by its act is followed by a new one on the same idea."""
    current = site.cycling  # each run goes on from the cycles the run before left open

    async def one_round(http: httpx.AsyncClient, number: int, timings: Timings, measuring: bool) -> None:
        project, idea, cycle = current[number]
        read = await _untimed(http, timings, "GET", f"/api/v1/cycles/{cycle}")
        if read is None:
            return
        step = NEXT_STEP.get(read.json()["phase"])
        if step is not None:
            await _timed(http, timings, measuring, "POST", f"/api/v1/cycles/{cycle}/{step}", json=STEP_BODY[step],
                         headers={"If-Match": read.headers["etag"]})
            return
        today = local_date(datetime.now(timezone.utc))
        planned = await _untimed(http, timings, "POST", f"/api/v1/projects/{project}/cycles", json={
            "change_idea": idea, "objective": "Afprøve idéen på næste afsnit", "prediction": ["Flere før kl. 12"],
            "start": str(today - timedelta(days=7)), "end": str(today + timedelta(days=7)), "continues": cycle})
        if planned is not None:
            current[number][2] = planned.json()["id"]
    return one_round


# -- the figures -------------------------------------------------------------------------------------------------


def _measure_database(title: str, database: str, site: Site) -> None:
    bearer = lambda email: lambda _: {"Authorization": f"Bearer {site.tokens[email]}"}  # noqa: E731
    for workers in WORKERS:
        print(f"  {title}, {workers} worker{'s' if workers > 1 else ''}:")
        prefix = f"web.{database}.workers_{workers}"
        with _bare_site(site, workers) as base:
            bare = _line("bare Starlette endpoint", prefix, "bare", _drive(base, lambda _: {}, _get("/")))
        with _pdsa_site(site, workers) as base:
            measured = {
                "dashboard": ("cohort dashboard (40 projects)", _drive(base, bearer(DEMO_ADMINISTRATOR),
                                                                       _get(f"/cohorts/{site.cohort}"))),
                "project_page": ("project page", _drive(base, bearer(site.reader), _get(f"/projects/{site.project}"))),
                "project_page_after_write": ("project page drawn anew (round)", _drive(
                    base, lambda _: {}, _page_after_write(site))),
                "signoff_decision": ("sign-off decision (round)", _drive(base, bearer(SPONSOR), _decision(site))),
                "cycle_step": ("cycle step (round)", _drive(base, lambda n: {"Authorization": "Bearer " + site.tokens[
                    site.participants[site.cycling[n][0]]]}, _cycle_step(site))),
            }
        for name, (label, timings) in measured.items():
            rate = _line(label, prefix, name, timings)
            share = rate / bare if bare else 0.0
            figures.record(f"{prefix}.{name}.share_of_bare", share)
            if name in ("dashboard", "project_page"):
                p99 = _percentile(timings.latencies, 0.99)
                goals = f"goal ≥ {PAGE_GOAL_SHARE:.0%}: {'met' if share >= PAGE_GOAL_SHARE else 'NOT met'}"
                if database == "sqlite":
                    goals += (f"; p99 under {PAGE_P99_GOAL_MS:.0f} ms: "
                              f"{'met' if p99 < PAGE_P99_GOAL_MS else 'NOT met'}")
                print(f"      {'':<34}{share:6.1%} of the bare endpoint ({goals})")
            else:
                print(f"      {'':<34}{share:6.1%} of the bare endpoint")


def _line(label: str, prefix: str, name: str, timings: Timings) -> float:
    rate = timings.rounds / timings.seconds
    p50, p99 = _percentile(timings.latencies, 0.5), _percentile(timings.latencies, 0.99)
    errors = len(timings.errors)
    print(f"    {label:<34}{rate:8.0f}/s   p50 {p50:7.1f} ms   p99 {p99:7.1f} ms   errors {errors}")
    for error in filter(None, timings.errors[:3]):
        print(f"      e.g. {error}")
    figures.record(f"{prefix}.{name}.requests_per_s", rate)
    figures.record(f"{prefix}.{name}.p50_ms", p50)
    figures.record(f"{prefix}.{name}.p99_ms", p99)
    figures.record(f"{prefix}.{name}.errors", errors)
    return rate


def _percentile(latencies: list[float], q: float) -> float:
    if not latencies:
        return 0.0
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


if __name__ == "__main__":
    report()
