"""Sealed snapshots, on SQLite and PostgreSQL: taken at a checkpoint of a verified history, they give replay the
same answers faster; one that was changed, forged or moved in the database is never used, and verify names it."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

from pdsa_engine.aggregates.project import ImprovementProject
from pdsa_engine.application import PdsaApplication as A
from pdsa_engine.audit.keys import public_path
from pdsa_engine.audit.replay import Replay
from pdsa_engine.audit.service import Audit
from pdsa_engine.audit.snapshots import EVERY
from pdsa_engine.commands import projects
from pdsa_engine.config import Settings
from pdsa_engine.names import PersonNames
from pdsa_engine.runtime import open_projections
from tests.builders import ADMIN, AUDITOR, PARTICIPANT, ActiveProject, Programme, database_app, settings_for
from tests.support.database import Database

POINTS = 2 * EVERY + 20


class LongHistory:
    """A project whose measure has more than two snapshots' worth of data points."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.app = database_app(url)
        programme = Programme(self.app).people()
        self.active: ActiveProject = programme.active_project()
        programme.years_later(5)
        for week in range(POINTS):
            programme.run(PARTICIPANT, A.record_data, projects.RecordData, measure=self.active.measure,
                          period=f"{2031 + week // 52}-W{week % 52 + 1:02d}", value=str(40 + week % 9))
        programme.run(PARTICIPANT, A.set_aim, projects.SetAim, project=self.active.project, what="Færre dage",
                      how_much="45 %", by="2031-11-30")
        self.settings = settings_for(url)
        self.audit = Audit(self.app, self.settings, open_projections(self.app, self.settings))
        self.plain = Replay(self.app, PersonNames(self.app))
        self.db = Database(url)

    def moments(self) -> list[Any]:
        events = list(self.app.events.get(self.active.measure))
        return [events[i].timestamp for i in range(0, len(events), 37)] + [events[-1].timestamp]

    def same_replays(self, replayer: Replay) -> None:
        project = self.active.project
        for version in range(1, self.app.load(ImprovementProject, project).version + 1):
            assert replayer.project(project, version=version) == self.plain.project(project, version=version)
        for moment in self.moments():
            assert replayer.project(project, at=moment) == self.plain.project(project, at=moment)
        assert replayer.project(project) == self.plain.project(project)

    def snapshot_rows(self) -> list[tuple[Any, ...]]:
        return self.db.run("SELECT aggregate_id, version, state FROM audit_snapshots ORDER BY version")


def test_snapshots_are_taken_at_a_checkpoint_and_change_no_answer(database_url: str, tmp_path: Path) -> None:
    history = LongHistory(database_url)
    _, _, taken = history.audit.checkpoint(ADMIN, tmp_path / "checkpoint.json")
    assert taken == 2 and [row[:2] for row in history.snapshot_rows()] == [
        (str(history.active.measure), EVERY), (str(history.active.measure), 2 * EVERY)]
    result = history.audit.verify(AUDITOR, [])
    assert result.holds and result.snapshots == 2
    used = history.audit.snapshots.latest(history.active.measure)  # type: ignore[union-attr]
    assert used is not None and used.version == 2 * EVERY
    history.same_replays(history.audit.replayer)
    assert history.audit.checkpoint(ADMIN, tmp_path / "again.json")[2] == 0, "nothing new to snapshot"


def test_a_changed_forged_or_moved_snapshot_is_named_by_verify_and_never_used(database_url: str,
                                                                              tmp_path: Path) -> None:
    history = LongHistory(database_url)
    history.audit.checkpoint(ADMIN, tmp_path / "checkpoint.json")
    measure, project = str(history.active.measure), str(history.active.project)
    db = history.db

    # Changed: a believable state (a real snapshot with one value altered), written over the stored one.
    snapshot = pickle.loads(db.run("SELECT state FROM audit_snapshots WHERE version = ?", 2 * EVERY)[0][0])
    first = next(iter(snapshot.state["points"]))
    snapshot.state["points"][first] = type(snapshot.state["points"][first])(first, 999, None)
    db.run("UPDATE audit_snapshots SET state = ? WHERE version = ?", pickle.dumps(snapshot), 2 * EVERY)
    # Forged: a copy claiming another version. Moved: the other snapshot claimed for the project.
    db.run("INSERT INTO audit_snapshots SELECT aggregate_id, ?, position, at, format, state, seal "
           "FROM audit_snapshots WHERE version = ?", EVERY + 50, EVERY)
    db.run("UPDATE audit_snapshots SET aggregate_id = ? WHERE version = ?", project, EVERY)

    result = history.audit.verify(AUDITOR, [])
    assert not result.holds and result.first_break is None, "the events themselves are untouched"
    problems = {(p.aggregate_id, p.version): p.problem for p in result.snapshot_problems}
    assert problems.keys() == {(measure, 2 * EVERY), (measure, EVERY + 50), (project, EVERY)}
    assert all("changed, forged or moved" in problem for problem in problems.values())
    assert history.audit.snapshots.latest(history.active.measure) is None  # type: ignore[union-attr]
    history.same_replays(history.audit.replayer)
    assert all(p["value"] != 999 for p in history.audit.replay(AUDITOR, history.active.project)["data"][measure])


def test_without_the_private_key_snapshots_are_passed_over(sqlite_url: str, tmp_path: Path) -> None:
    history = LongHistory(sqlite_url)
    history.audit.checkpoint(ADMIN, tmp_path / "checkpoint.json")
    auditor_key = tmp_path / "auditor" / "audit-ed25519.pem"
    auditor_key.parent.mkdir()
    public_path(auditor_key).write_bytes(public_path(history.settings.audit_key).read_bytes())
    settings = Settings(database_url=sqlite_url, audit_key=auditor_key)
    elsewhere = Audit(history.app, settings, open_projections(history.app, settings))
    assert elsewhere.snapshots.latest(history.active.measure) is None  # type: ignore[union-attr]
    history.same_replays(elsewhere.replayer)
    assert elsewhere.verify(AUDITOR, []).snapshots == 0, "snapshots it cannot check are not counted as checked"
