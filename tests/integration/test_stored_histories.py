"""A database an earlier version of the engine stored (tests/fixtures/history-v1, the demo's year) is read by
today's code exactly as that version read it: every aggregate's whole state, every project's replay, the audit's
verification with its checkpoint, and every view, caught up and rebuilt. Whatever the aggregates come to hold
their state in, and the views their rows, the stored events stay what they are.

readings.json is what the views gave when read (series with their analyses, cohort dashboards) by the code of
the day before the series view kept its points as rows; a view whose version has not changed since the fixture
was made keeps its stored rows as they are."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Table

from pdsa_engine.audit.service import Audit
from pdsa_engine.projections.runner import Projections, View
from pdsa_engine.runtime import open_application, open_projections
from tests.support.fixture_history import AUDITOR, FIXTURE, expected_of, fixture_settings, readings_of
from tests.support.views import snapshot

# What a replay came to show after the fixture was made, and what it must show for the events stored before.
ADDED_TO_REPLAYS: dict[str, dict[str, Any]] = {
    "signoff_records": {"decided_by_mailed_link": False},  # a decision through a link mailed to the sponsor
}


def test_a_history_stored_by_an_earlier_version_loads_verifies_replays_and_projects_unchanged(tmp_path: Path) -> None:
    folder = tmp_path / FIXTURE.name
    shutil.copytree(FIXTURE, folder)  # the fixture itself is never written to
    settings = fixture_settings(folder)
    stored_versions = _versions(settings.sqlite_path)
    expected = json.loads((FIXTURE / "expected.json").read_text(encoding="utf-8"))
    app = open_application(settings)
    views = open_projections(app, settings)
    audit = Audit(app, settings, views)

    verification = audit.verify(AUDITOR, sorted(settings.checkpoints.glob("*.json")))
    assert verification.holds and verification.events == app.recorder.max_notification_id()
    assert [problem for _, problem in verification.checkpoints] == [None]

    now = expected_of(app, audit, settings.sqlite_path)
    assert now["aggregates"].keys() == expected["aggregates"].keys()
    for aggregate_id, state in expected["aggregates"].items():
        assert now["aggregates"][aggregate_id] == state, f"{state['type']} {aggregate_id} loads otherwise"
    for project_id, replay in expected["replays"].items():
        replay = {**replay, **{key: [{**record, **added} for record in replay[key]]
                               for key, added in ADDED_TO_REPLAYS.items()}}
        assert now["replays"][project_id] == replay, f"project {project_id} replays otherwise"

    unchanged = [view for view in views.views if stored_versions.get(view.name) == view.version]
    assert [view.name for view in unchanged] != [], "some views are as the fixture stored them"
    stored = {table.name: rows for table, rows in _rows(views, unchanged)}
    assert sum(len(rows) for rows in stored.values()) > 1000
    views.catch_up()  # builds the views whose version changed since; the others have nothing to catch up
    assert {table.name: rows for table, rows in _rows(views, unchanged)} == stored, "caught up: nothing changed"
    readings = json.loads((FIXTURE / "readings.json").read_text(encoding="utf-8"))
    assert as_before(readings_of(app, views, settings.sqlite_path), readings) == readings, "the views read as they did"
    caught_up = snapshot(views)
    views.rebuild()
    assert snapshot(views) == caught_up, "rebuilt, the views are as caught up"


def as_before(now: Any, before: Any) -> Any:
    """What is read now, without the fields added since the fixture was made (the dashboards' reminder counts,
    say): a reading may say more than it did, never something else."""
    if isinstance(now, dict) and isinstance(before, dict):
        return {key: as_before(value, before[key]) for key, value in now.items() if key in before}
    if isinstance(now, list) and isinstance(before, list) and len(now) == len(before):
        return [as_before(a, b) for a, b in zip(now, before)]
    return now


def _versions(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as connection:
        return dict(connection.execute("SELECT view_name, version FROM projection_tracking").fetchall())


def _rows(views: Projections, chosen: list[View]) -> list[tuple[Table, list[tuple[Any, ...]]]]:
    every = snapshot(views)
    return [(table, every[table.name]) for view in chosen for table in view.tables]
