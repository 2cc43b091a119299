"""The stored history of tests/fixtures/history-v1: where it lies, how it is opened, and what is read from it to
compare one version of the engine with another."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from uuid import UUID

from pdsa_engine.aggregates.cohort import Cohort
from pdsa_engine.aggregates.measure_series import MeasureSeries
from pdsa_engine.aggregates.project import ImprovementProject
from pdsa_engine.application import PdsaApplication
from pdsa_engine.audit.service import Audit
from pdsa_engine.config import Settings
from pdsa_engine.names import PersonNames
from pdsa_engine.projections import reading
from pdsa_engine.projections.runner import Projections
from pdsa_engine.views import jsonable
from tests.support.plain import plain_state

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "history-v1"
AUDITOR = "ulla.brandt@ledelsesprogram.example.dk"  # the demo's administrator who also audits
READ_AT = datetime(2027, 6, 1, 12, 0, tzinfo=timezone.utc)  # "now" for what depends on the moment of reading


def fixture_settings(folder: Path, create_database: bool = False) -> Settings:
    return Settings(database_url=f"sqlite:///{folder / 'pdsa.sqlite'}", audit_key=folder / "keys" / "audit-ed25519.pem",
                    checkpoints=folder / "checkpoints", create_database=create_database)


def aggregate_ids(database: Path) -> list[UUID]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT DISTINCT originator_id FROM stored_events ORDER BY originator_id")
        return [UUID(row[0]) for row in rows]


def expected_of(app: PdsaApplication, audit: Audit, database: Path) -> dict[str, Any]:
    """Every aggregate's whole state, and every project's replay, as the code at hand gives them."""
    aggregates = {str(aggregate_id): plain_state(app.repository.get(aggregate_id))
                  for aggregate_id in aggregate_ids(database)}
    projects = [UUID(i) for i, state in aggregates.items() if state["type"] == ImprovementProject.__qualname__]
    replays = {str(project): jsonable(audit.replay(AUDITOR, project)) for project in projects}
    return {"aggregates": aggregates, "replays": replays}


def readings_of(app: PdsaApplication, views: Projections, database: Path) -> dict[str, Any]:
    """What the views give when read — every measure's series with its analysis, every cohort's dashboard —
    whatever rows they keep it in."""
    ids = aggregate_ids(database)
    kinds = {aggregate_id: type(app.repository.get(aggregate_id)) for aggregate_id in ids}
    names = PersonNames(app)
    return {
        "series": {str(i): jsonable(reading.series(views.store, str(i))) for i in ids if kinds[i] is MeasureSeries},
        "dashboards": {str(i): jsonable(reading.cohort_dashboard(views.store, str(i), names, READ_AT))
                       for i in ids if kinds[i] is Cohort},
    }
