"""A database an earlier version of the engine stored (tests/fixtures/history-v1, the demo's year) is read by
today's code exactly as that version read it: every aggregate's whole state, every project's replay, the audit's
verification with its checkpoint, and every view, caught up and rebuilt. Whatever the aggregates come to hold
their state in, the stored events stay what they are."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from pdsa_engine.audit.service import Audit
from pdsa_engine.runtime import open_application, open_projections
from tests.support.fixture_history import AUDITOR, FIXTURE, expected_of, fixture_settings
from tests.support.views import snapshot


def test_a_history_stored_by_an_earlier_version_loads_verifies_replays_and_projects_unchanged(tmp_path: Path) -> None:
    folder = tmp_path / FIXTURE.name
    shutil.copytree(FIXTURE, folder)  # the fixture itself is never written to
    settings = fixture_settings(folder)
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
        assert now["replays"][project_id] == replay, f"project {project_id} replays otherwise"

    stored = snapshot(views)
    assert sum(len(rows) for rows in stored.values()) > 1000
    views.catch_up()
    assert snapshot(views) == stored, "the stored views are caught up: nothing to change"
    views.rebuild()
    assert snapshot(views) == stored, "rebuilt by today's code, the views are as the earlier version made them"
