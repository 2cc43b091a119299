"""`make bench`: figures, never assertions. Every comparison is measured in the same run on this machine.

`python -m bench` runs every section; `python -m bench startup spc` only those named (see SECTIONS). The figures
of the sections that return them are also written to var/bench/latest.json (replacing those sections' earlier
figures there, keeping the others').
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from bench import audit, baselines, persistence_choice, projections, spc, startup
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


def scenario_on(name: str, engine_url: str, bare_env: dict[str, str], raw: object) -> None:
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
    print(f"  ratios: engine/bare library {ours / bare:5.1%} (goal ≥ 40%), bare library/raw driver "
          f"{bare / raw_rate:5.1%}; {len(timings.latencies)} commands, {events} events")


def sqlite_sections() -> None:
    work = Path(tempfile.mkdtemp(prefix="pdsa-bench-"))
    scenario_on("SQLite", f"sqlite:///{work / 'engine.sqlite'}",
                persistence_choice.native_sqlite(str(work / "bare.sqlite")),
                lambda transactions: baselines.raw_sqlite(str(work / "raw.sqlite"), transactions))
    projections_url = f"sqlite:///{work / 'projections.sqlite'}"
    projections.fill(projections_url)
    projections.report("SQLite", projections_url)
    audit.verify_report("SQLite", projections_url)
    audit.replay_report("SQLite", lambda name: f"sqlite:///{work / name}.sqlite")


def postgres_sections() -> None:
    work = Path(tempfile.mkdtemp(prefix="pdsa-bench-"))
    server = TemporaryPostgres(durable=True).start()
    try:
        projections_url = server.create_database("projections")
        projections.fill(projections_url)
        projections.report("PostgreSQL", projections_url)
        audit.verify_report("PostgreSQL", projections_url)
        audit.replay_report("PostgreSQL", server.create_database)
        scenario_on("PostgreSQL", server.create_database("engine"),
                    persistence_choice.native_postgres("127.0.0.1", server.port, _created(server, "bare")),
                    lambda transactions: baselines.raw_postgres(server.create_database("raw"), transactions))
        print("\nPersistence modules (bare library, 2,000 events in 2,000 transactions, then read back):")
        print(f"  {'module':<44}{'write ev/s':>12}{'read aggregates ev/s':>22}{'read log ev/s':>15}")
        candidates = [
            ("eventsourcing.sqlite", persistence_choice.native_sqlite(str(work / "native.sqlite"))),
            ("eventsourcing_sqlalchemy (sqlite)", persistence_choice.sqlalchemy_url(f"sqlite:///{work / 'sa.sqlite'}")),
            ("eventsourcing.postgres", persistence_choice.native_postgres("127.0.0.1", server.port,
                                                                          _created(server, "native"))),
            ("eventsourcing_sqlalchemy (postgresql+psycopg)", persistence_choice.sqlalchemy_url(
                server.create_database("sa").replace("postgresql://", "postgresql+psycopg://"))),
        ]
        for label, env in candidates:
            rates = persistence_choice.measure(env)
            print(f"  {label:<44}{rates.write:12.0f}{rates.read_aggregates:22.0f}{rates.read_log:15.0f}")
    finally:
        server.stop()


def _created(server: TemporaryPostgres, name: str) -> str:
    server.create_database(name)
    return name


SECTIONS: dict[str, Callable[[], dict[str, Any] | None]] = {
    "spc": spc.report,
    "sqlite": sqlite_sections,
    "postgres": postgres_sections,
    "startup": startup.report,
}
RESULTS = Path("var") / "bench" / "latest.json"


def main(argv: list[str]) -> None:
    unknown = [name for name in argv if name not in SECTIONS]
    if unknown:
        sys.exit(f"unknown section {', '.join(unknown)}; the sections are {', '.join(SECTIONS)}")
    print(f"Machine: {machine()}")
    figures = {name: SECTIONS[name]() for name in argv or SECTIONS}
    record({name: found for name, found in figures.items() if found is not None})


def record(figures: dict[str, Any]) -> None:
    """Writes the sections' figures into var/bench/latest.json, keeping other sections' figures from before."""
    if not figures:
        return
    earlier = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    sections = {**earlier.get("sections", {}), **figures}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"machine": machine(), "sections": sections}, indent=2) + "\n")
    print(f"\nFigures of {', '.join(figures)} written to {RESULTS}")


if __name__ == "__main__":
    main(sys.argv[1:])
