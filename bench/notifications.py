"""The reminders: one evaluation of every rule (reading the views included) over the demo's cohort and over 100
cohorts of its size (about 4,000 projects); then rendering and delivering 1,000 sponsor digests to a local SMTP
server (aiosmtpd), next to smtplib sending the very bytes delivered to the same server, in the same run."""

from __future__ import annotations

import json
import smtplib
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from uuid import NAMESPACE_URL, uuid5

from sqlalchemy import select

from bench import figures
from pdsa_engine.aggregates.outbox import OutboxMessage
from pdsa_engine.aggregates.values import SYSTEM_ACTOR, Stamp
from pdsa_engine.clock import LOCAL_ZONE, utc_text
from pdsa_engine.demo import load_demo
from pdsa_engine.notifications.content import Gathering
from pdsa_engine.notifications.delivery import Tally, queue, send_due
from pdsa_engine.notifications.facts import load_facts
from pdsa_engine.notifications.rules import Kind, Notice, due
from pdsa_engine.notifications.transport import transport_for
from pdsa_engine.projections.dashboard import COHORTS, PROJECTS
from pdsa_engine.projections.store import dumps
from pdsa_engine.runtime import open_application, open_projections
from tests.builders import settings_for
from tests.notifications.world import mail_settings
from tests.support.smtp import SmtpServer

EVALUATIONS = 10
DIGESTS = 1000
COPIES = 100  # cohorts like the demo's, for the large evaluation
AT = datetime(2026, 11, 23, 7, 30, tzinfo=LOCAL_ZONE)  # a Monday morning late in the demo's year


def report() -> None:
    work = Path(tempfile.mkdtemp(prefix="pdsa-bench-mail-"))
    url = f"sqlite:///{work / 'demo.sqlite'}"
    load_demo(settings_for(url))
    app = open_application(settings_for(url))
    views = open_projections(app, settings_for(url))
    views.catch_up()
    print("\nReminders: one evaluation of every rule (the views read into facts, then the rules)")
    one = _evaluate(views.store, "demo cohort")
    _copy_cohorts(views.store, COPIES - 1)
    many = _evaluate(views.store, f"{COPIES} cohorts")
    figures.record("notifications.rules.demo_ms", one[0] + one[1])
    figures.record("notifications.rules.cohorts_100_ms", many[0] + many[1])
    figures.record("notifications.rules.cohorts_100_read_ms", many[0])
    figures.record("notifications.rules.cohorts_100_rules_ms", many[1])
    print("  goal: an evaluation of 4,000 projects under 1,000 ms")
    views.store.close()
    app.close()
    _delivery(work)


def _evaluate(store, label: str) -> tuple[float, float]:
    reads, rules = [], []
    for _ in range(EVALUATIONS):
        started = time.perf_counter()
        facts = load_facts(store)
        read = time.perf_counter()
        notices = due(facts, AT)
        rules.append(time.perf_counter() - read)
        reads.append(read - started)
    read_ms, rules_ms = min(reads) * 1000, min(rules) * 1000
    print(f"  {label:<14}{len(facts.projects):6d} projects  {len(notices):6d} notices due   read {read_ms:7.1f} ms   "
          f"rules {rules_ms:7.1f} ms   in all {read_ms + rules_ms:7.1f} ms (best of {EVALUATIONS})")
    return read_ms, rules_ms


def _copy_cohorts(store, copies: int) -> None:
    """The demo's cohort and projects again under other ids: the same documents, as 100 cohorts would store them."""
    with store.engine.begin() as connection:
        cohorts = [json.loads(d) for d in connection.execute(select(COHORTS.c.document)).scalars()]
        projects = [json.loads(d) for d in connection.execute(select(PROJECTS.c.document)).scalars()]
        for copy in range(1, copies + 1):
            def new(old: str, copy: int = copy) -> str:
                return str(uuid5(NAMESPACE_URL, f"copy{copy}/{old}"))

            connection.execute(COHORTS.insert(), [
                {"cohort_id": new(c["cohort_id"]), "document": dumps({**c, "cohort_id": new(c["cohort_id"]),
                                                                      "name": f"{c['name']} ({copy})"})}
                for c in cohorts])
            connection.execute(PROJECTS.insert(), [
                {"project_id": new(p["project_id"]), "cohort_id": new(p["cohort_id"]),
                 "document": dumps({**p, "project_id": new(p["project_id"]), "cohort_id": new(p["cohort_id"])})}
                for p in projects])


def _delivery(work: Path) -> None:
    """1,000 sponsor digests of the demo's sponsors, one per sponsor and week over the year, rendered (charts of new
    signals included) and delivered one by one through the outbox to aiosmtpd; then the same bytes by smtplib."""
    url = f"sqlite:///{work / 'delivery.sqlite'}"
    load_demo(settings_for(url))
    app = open_application(settings_for(url))
    views = open_projections(app, settings_for(url))
    views.catch_up()
    facts = load_facts(views.store)
    sponsors = sorted({p.sponsor_id for p in facts.projects})
    slots = [AT.replace(hour=7, minute=0) - timedelta(weeks=week) for week in range(DIGESTS // len(sponsors) + 1)]
    notices = [Notice(Kind.SPONSOR_DIGEST, sponsor, sponsor, slot.date().isoformat(),
                      (("since", utc_text(slot - timedelta(days=7))), ("until", utc_text(slot))), slot)
               for slot in slots for sponsor in sponsors][:DIGESTS]
    stamp = Stamp(SYSTEM_ACTOR, AT)
    queue(app, stamp, notices)
    views.catch_up(["outbox"])
    server = SmtpServer().start()
    try:
        mail = mail_settings(server.url, work / "mail")
        gathering = Gathering(app, views.store, facts, mail, AT)
        ids = [OutboxMessage.id_for(n.key) for n in notices]
        tally = Tally()
        marks: list[float] = []
        started = time.perf_counter()
        send_due(app, gathering, transport_for(mail), Stamp(SYSTEM_ACTOR, AT + timedelta(minutes=1)),
                 {n.key for n in notices}, tally, ids, progress=lambda done, total: marks.append(time.perf_counter()))
        ours = time.perf_counter() - started
        delivered = [r.data for r in server.inbox.received]
        charts = sum(1 for data in delivered if b"Content-Type: image/png" in data)
        # Each message's own time (from the start of one to the start of the next), by whether it drew a chart.
        spans = [b - a for a, b in zip(marks, [*marks[1:], started + ours])]
        plain = [span for span, data in zip(spans, delivered) if b"Content-Type: image/png" not in data]
        started = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", server.port) as smtp:
            for data in delivered:
                smtp.sendmail("noreply@ledelsesprogram.example.dk", ["sponsor@example.dk"], data)
        raw = time.perf_counter() - started
    finally:
        server.stop()
        views.store.close()
        app.close()
    ours_rate, raw_rate = tally.sent / ours, len(delivered) / raw
    print(f"\nDigests: {tally.sent} sponsor digests rendered and delivered ({charts} with a chart of a new signal), "
          "one at a time through the outbox, to aiosmtpd")
    print(f"  pdsa-engine (render, claim, send, record)  {ours_rate:8.1f} messages/s")
    print(f"  smtplib, the same bytes, one connection    {raw_rate:8.1f} messages/s")
    print(f"  ratio {ours_rate / raw_rate:5.1%} (goal ≥ 50%)")
    plain_rate = len(plain) / sum(plain) if plain else 0.0
    print(f"  of which the {len(plain)} digests without a chart  {plain_rate:8.1f} messages/s "
          f"({plain_rate / raw_rate:5.1%} of smtplib); one with a chart took {(ours - sum(plain)) / max(charts, 1) * 1000:.0f} "
          "ms on average (a chart is drawn once a run, then reused)")
    figures.record("notifications.delivery.engine_messages_per_s", ours_rate)
    figures.record("notifications.delivery.smtplib_messages_per_s", raw_rate)
    figures.record("notifications.delivery.share", ours_rate / raw_rate)
    figures.record("notifications.delivery.with_charts", charts)
    figures.record("notifications.delivery.without_chart_messages_per_s", plain_rate)
