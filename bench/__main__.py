"""`make bench`: figures, never assertions. Every comparison is measured in the same run on this machine.

`python -m bench` runs every section; `python -m bench startup spc` only those named (see SECTIONS). Every figure
printed is also written to var/bench/latest.json (figures.py), replacing the same names' earlier values there.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from bench import audit, baselines, figures, notifications, persistence_choice, projections, spc, startup, web
from bench.scenario import run_scenario
from pdsa_engine.clock import SimulatedClock
from pdsa_engine.runtime import open_application
from tests.builders import MOMENT, settings_for
from tests.support.postgres import TemporaryPostgres


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = next((int(line.split()[1]) // 1024 // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0)
    return (f"{cpu}, {os.cpu_count()} cores, {memory} GiB; Python {platform.python_version()}; "
            f"{platform.system()} {platform.release()}; {datetime.now():%Y-%m-%d %H:%M}")


def p(latencies: list[float], q: float) -> float:
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def line(label: str, events: int, latencies: list[float], commands: int | None = None) -> float:
    seconds = sum(latencies)
    per_second = events / seconds
    extra = f"{commands / seconds:8.0f} commands/s  " if commands else " " * 22
    print(f"  {label:<34}{extra}{per_second:8.0f} events/s   median {statistics.median(latencies) * 1000:6.2f} ms"
          f"   p99 {p(latencies, 0.99):6.2f} ms")
    return per_second


def scenario_on(name: str, database: str, engine_url: str, bare_env: dict[str, str], raw: object) -> None:
    print(f"\n{name}: the standard scenario (create a project, charter it, plan/do/study/act cycles, record data "
          "points)")
    app = open_application(settings_for(engine_url), clock=SimulatedClock(MOMENT))
    timings = run_scenario(app)
    notifications = baselines.all_notifications(app.recorder)
    app.close()
    transactions = baselines.transactions_of(notifications, timings.transactions)
    events = sum(len(t) for t in transactions)
    ours = line("pdsa-engine (commands)", events, timings.latencies, commands=len(timings.latencies))
    bare = line("bare eventsourcing (same events)", events, baselines.bare_library(bare_env, transactions))
    raw_rate = line("raw driver (same rows)", events, raw(transactions))  # type: ignore[operator]
    print(f"  ratios: engine/bare library {ours / bare:5.1%} (goal ≥ 45%), bare library/raw driver "
          f"{bare / raw_rate:5.1%}; {len(timings.latencies)} commands, {events} events")
    figures.record(f"commands.{database}.engine_events_per_s", ours)
    figures.record(f"commands.{database}.bare_events_per_s", bare)
    figures.record(f"commands.{database}.raw_events_per_s", raw_rate)
    figures.record(f"commands.{database}.engine_share", ours / bare)
    figures.record(f"commands.{database}.median_ms", statistics.median(timings.latencies) * 1000)


def sqlite_sections() -> None:
    work = Path(tempfile.mkdtemp(prefix="pdsa-bench-"))
    scenario_on("SQLite", "sqlite", f"sqlite:///{work / 'engine.sqlite'}",
                persistence_choice.native_sqlite(str(work / "bare.sqlite")),
                lambda transactions: baselines.raw_sqlite(str(work / "raw.sqlite"), transactions))
    url_for = lambda name: f"sqlite:///{work / name}.sqlite"  # noqa: E731
    projections.report_stores("SQLite", "sqlite", url_for)
    audit.verify_report("SQLite", "sqlite", url_for(f"projections_{projections.STANDARD.name}"))
    projections.report_catch_up("SQLite", "sqlite", url_for)
    audit.replay_report("SQLite", "sqlite", url_for)


def postgres_sections() -> None:
    work = Path(tempfile.mkdtemp(prefix="pdsa-bench-"))
    server = TemporaryPostgres(durable=True).start()
    try:
        projections.report_stores("PostgreSQL", "postgres", server.create_database)
        audit.verify_report("PostgreSQL", "postgres",
                            server.url(f"projections_{projections.STANDARD.name}"))
        projections.report_catch_up("PostgreSQL", "postgres", server.create_database)
        audit.replay_report("PostgreSQL", "postgres", server.create_database)
        scenario_on("PostgreSQL", "postgres", server.create_database("engine"),
                    persistence_choice.native_postgres("127.0.0.1", server.port, _created(server, "bare")),
                    lambda transactions: baselines.raw_postgres(server.create_database("raw"), transactions))
        print("\nPersistence modules (bare library, 2,000 events in 2,000 transactions, then read back):")
        print(f"  {'module':<44}{'write ev/s':>12}{'read aggregates ev/s':>22}{'read log ev/s':>15}")
        candidates = [
            ("eventsourcing.sqlite", "native_sqlite", persistence_choice.native_sqlite(str(work / "native.sqlite"))),
            ("eventsourcing_sqlalchemy (sqlite)", "sqlalchemy_sqlite",
             persistence_choice.sqlalchemy_url(f"sqlite:///{work / 'sa.sqlite'}")),
            ("eventsourcing.postgres", "native_postgres",
             persistence_choice.native_postgres("127.0.0.1", server.port, _created(server, "native"))),
            ("eventsourcing_sqlalchemy (postgresql+psycopg)", "sqlalchemy_postgres", persistence_choice.sqlalchemy_url(
                server.create_database("sa").replace("postgresql://", "postgresql+psycopg://"))),
        ]
        for label, name, env in candidates:
            rates = persistence_choice.measure(env)
            print(f"  {label:<44}{rates.write:12.0f}{rates.read_aggregates:22.0f}{rates.read_log:15.0f}")
            for measured, rate in vars(rates).items():
                figures.record(f"persistence.{name}.{measured}_events_per_s", rate)
    finally:
        server.stop()


def _created(server: TemporaryPostgres, name: str) -> str:
    server.create_database(name)
    return name


SECTIONS: dict[str, Callable[[], None]] = {
    "spc": spc.report,
    "sqlite": sqlite_sections,
    "postgres": postgres_sections,
    "startup": startup.report,
    "notifications": notifications.report,
    "web": web.report,
}

def main(argv: list[str]) -> None:
    unknown = [name for name in argv if name not in SECTIONS]
    if unknown:
        sys.exit(f"unknown section {', '.join(unknown)}; the sections are {', '.join(SECTIONS)}")
    print(f"Machine: {machine()}")
    try:
        for name in argv or SECTIONS:
            SECTIONS[name]()
    finally:  # what was measured before an interruption is kept
        figures.write(machine())


if __name__ == "__main__":
    main(sys.argv[1:])
