"""Real processes against a real SMTP server, on SQLite and PostgreSQL: a `notify run` killed while it sends
loses nothing and repeats at most the message in flight, with its Message-ID; two runs at once send nothing twice;
of two schedulers one leads, and the other takes over when the leader is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from pdsa_engine.application import PdsaApplication
from pdsa_engine.clock import LOCAL_ZONE, SimulatedClock
from pdsa_engine.commands import cohorts, people
from tests.builders import ADMIN, MOMENT, SPONSOR, Programme, database_app, settings_for
from tests.support.slow_smtp import SlowInbox
from tests.support.smtp import SmtpServer

PDSA = str(Path(sys.executable).with_name("pdsa"))
PROJECTS = 12


def environment(url: str, smtp: SmtpServer, maildir: Path) -> dict[str, str]:
    return {**os.environ, "PDSA_DATABASE_URL": url, "PDSA_AUDIT_KEY": str(settings_for(url).audit_key),
            "PDSA_SMTP_URL": smtp.url, "PDSA_MAILDIR": str(maildir), "PDSA_ACTOR": ADMIN}


def many_waiting(url: str) -> tuple[int, datetime]:
    """PROJECTS charters waiting for their sponsor, each a request to tell: returns how many, and when the
    history ends."""
    app = database_app(url, SimulatedClock(MOMENT - timedelta(hours=4)))
    programme = Programme(app).people()
    cohort = programme.cohort()
    programme.run(ADMIN, PdsaApplication.set_quota, cohorts.SetQuota, cohort=cohort, region="Midtjylland",
                  sector="regional", seats=PROJECTS)
    for number in range(PROJECTS):
        email = f"deltager{number}@example.dk"
        programme.run(ADMIN, PdsaApplication.add_person, people.AddPerson, name=f"Deltager {number}", email=email,
                      role=["participant"])
        project = programme.project(cohort, email)
        programme.charter(project, email)
        programme.submit(project, email)
    ends = app.clock.now()
    app.close()
    return PROJECTS, ends


def at(ends: datetime, minutes: int) -> str:
    return (ends + timedelta(minutes=minutes)).astimezone(LOCAL_ZONE).isoformat(timespec="minutes")


def requests_by_id(inbox: SlowInbox) -> Counter[str]:
    return Counter(m["Message-ID"] for m in inbox.messages() if m["X-PDSA-Kind"] == "signoff_requested")


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_run_killed_while_it_sends_is_finished_by_the_next_repeating_at_most_the_one_in_flight(
        database, request, tmp_path):
    url = request.getfixturevalue(f"{database}_url")
    expected, ends = many_waiting(url)
    server = SmtpServer(SlowInbox(0.3)).start()
    try:
        env = environment(url, server, tmp_path / "mail")
        sender = subprocess.Popen([PDSA, "notify", "run", "--at", at(ends, 1)], env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE)
        deadline = time.monotonic() + 120
        while len(requests_by_id(server.inbox)) < 3 and time.monotonic() < deadline and sender.poll() is None:
            time.sleep(0.05)
        assert sender.poll() is None, sender.stderr.read()
        sender.send_signal(signal.SIGKILL)
        sender.wait(30)
        assert 3 <= len(requests_by_id(server.inbox)) < expected, "killed while sending"
        time.sleep(0.5)  # what the server was taking in when the sender died
        # Restarted after the dead sender's claim ran out (two minutes): every message goes.
        done = subprocess.run([PDSA, "notify", "run", "--at", at(ends, 5), "--json"], env=env, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        sent = requests_by_id(server.inbox)
        assert len(sent) == expected, "every request was delivered"
        repeated = [message_id for message_id, times in sent.items() if times > 1]
        assert len(repeated) <= 1 and all(sent[m] == 2 for m in repeated), sent
    finally:
        server.stop()


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_two_runs_at_once_send_nothing_twice(database, request, tmp_path):
    url = request.getfixturevalue(f"{database}_url")
    expected, ends = many_waiting(url)
    server = SmtpServer(SlowInbox(0.05)).start()
    try:
        env = environment(url, server, tmp_path / "mail")
        runs = [subprocess.Popen([PDSA, "notify", "run", "--at", at(ends, 1), "--json"], env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True) for _ in range(2)]
        outputs = [run.communicate(timeout=300) for run in runs]
        assert [run.returncode for run in runs] == [0, 0], outputs
        sent = requests_by_id(server.inbox)
        assert len(sent) == expected and set(sent.values()) == {1}, sent
        ids = [m["Message-ID"] for m in server.inbox.messages()]
        assert len(ids) == len(set(ids))
    finally:
        server.stop()


def _read_until(stream: object, wanted: str, seconds: float) -> list[str]:
    lines, deadline = [], time.monotonic() + seconds
    os.set_blocking(stream.fileno(), False)  # type: ignore[attr-defined]
    while time.monotonic() < deadline:
        line = stream.readline()  # type: ignore[attr-defined]
        if line:
            lines.append(line)
            if wanted in line:
                return lines
        else:
            time.sleep(0.05)
    raise AssertionError(f"no {wanted!r} within {seconds} s: {lines}")


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_of_two_schedulers_one_leads_and_the_other_takes_over_when_it_is_killed(database, request, tmp_path):
    url = request.getfixturevalue(f"{database}_url")
    app = database_app(url, SimulatedClock(datetime.now(timezone.utc) - timedelta(minutes=5)))
    Programme(app).people()
    app.close()
    server = SmtpServer().start()
    env = {**environment(url, server, tmp_path / "mail"), "PDSA_ACTOR": ""}
    interval = 1
    schedulers = []
    try:
        first = subprocess.Popen([PDSA, "scheduler", "run", "--interval", str(interval)], env=env,
                                 stderr=subprocess.PIPE, text=True)
        schedulers.append(first)
        _read_until(first.stderr, "leading", 60)
        second = subprocess.Popen([PDSA, "scheduler", "run", "--interval", str(interval)], env=env,
                                  stderr=subprocess.PIPE, text=True)
        schedulers.append(second)
        _read_until(second.stderr, "waiting: another scheduler leads", 60)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        killed = time.monotonic()
        _read_until(second.stderr, "leading: this scheduler sends", 30)
        assert time.monotonic() - killed <= 2 * interval + 1.5, "taken over within two intervals"
        second.send_signal(signal.SIGTERM)
        stopped = _read_until(second.stderr, "stopped", 30)
        assert second.wait(30) == 0, stopped
    finally:
        for process in schedulers:
            if process.poll() is None:
                process.kill()
        server.stop()
    # What the leaders sent, they sent once: the auditor's weekly checkpoint, to the auditor.
    checkpoints = [m for m in server.inbox.messages() if m["X-PDSA-Kind"] == "auditor_checkpoint"]
    assert len(checkpoints) == 1
    assert SPONSOR not in {a.addr_spec for m in checkpoints for a in m["To"].addresses}
