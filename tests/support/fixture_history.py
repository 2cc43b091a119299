"""The stored history of tests/fixtures/history-v1: where it lies, how it is opened, and what is read from it to
compare one version of the engine with another."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any
from uuid import UUID

from pdsa_engine.aggregates.project import ImprovementProject
from pdsa_engine.application import PdsaApplication
from pdsa_engine.audit.service import Audit
from pdsa_engine.config import Settings
from pdsa_engine.views import jsonable
from tests.support.plain import plain_state

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "history-v1"
AUDITOR = "ulla.brandt@ledelsesprogram.example.dk"  # the demo's administrator who also audits


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
