"""Sealed snapshots, on SQLite and PostgreSQL: taken at a checkpoint of a verified history, they give replay the
same answers faster; one that was changed, forged or moved in the database is never used, and verify names it."""

from __future__ import annotations

import hashlib
import pickle
import struct
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from pdsa_engine.aggregates.project import ImprovementProject
from pdsa_engine.application import PdsaApplication as A
from pdsa_engine.audit import snapshots as snapshots_module
from pdsa_engine.audit.keys import public_path
from pdsa_engine.audit.replay import Replay
from pdsa_engine.audit.service import Audit
from pdsa_engine.audit.snapshots import EVERY, SealedSnapshots
from pdsa_engine.commands import projects
from pdsa_engine.config import Settings
from pdsa_engine.errors import InvalidInput, NotFound
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
    points = snapshot.state["points"]
    snapshot.state["points"] = points.set(first, type(points[first])(first, 999, None))
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


# -- every few versions: the rule of which snapshots exist, checked against the test's own model -----------------

FEW = 5


@pytest.fixture
def every_few(monkeypatch: pytest.MonkeyPatch) -> None:
    """Snapshots every FEW versions, so that short histories show the rule that long ones follow."""
    monkeypatch.setattr(snapshots_module, "EVERY", FEW)


class ShortHistory:
    def __init__(self, url: str) -> None:
        self.app = database_app(url)
        self.programme = Programme(self.app).people()
        self.active = self.programme.active_project()
        self.programme.years_later(5)
        self.weeks = 0
        settings = settings_for(url)
        self.audit = Audit(self.app, settings, open_projections(self.app, settings))
        self.snapshots: SealedSnapshots = self.audit.snapshots  # type: ignore[assignment]
        self.db = Database(url)

    def record(self, points: int) -> None:
        for _ in range(points):
            self.programme.run(PARTICIPANT, A.record_data, projects.RecordData, measure=self.active.measure,
                               period=f"{2031 + self.weeks // 52}-W{self.weeks % 52 + 1:02d}", value="42")
            self.weeks += 1

    def version(self, aggregate: UUID) -> int:
        return len(list(self.app.events.get(aggregate)))

    def bring_measure_to(self, version: int) -> None:
        self.record(version - self.version(self.active.measure))

    def heads(self, up_to: int) -> dict[UUID, int]:
        """Each aggregate's version at a position of the history, read from the stored events."""
        rows = self.db.run(f"SELECT originator_id, MAX(originator_version) FROM {self.db.events} "
                           f"WHERE {self.db.id} <= ? GROUP BY originator_id", up_to)
        return {UUID(str(aggregate)): version for aggregate, version in rows}

    def stored(self) -> set[tuple[UUID, int]]:
        return {(UUID(aggregate), version) for aggregate, version, _ in self.snapshot_rows()}

    def snapshot_rows(self) -> list[tuple[Any, ...]]:
        return self.db.run("SELECT aggregate_id, version, format FROM audit_snapshots")

    def position(self) -> int:
        return self.app.recorder.max_notification_id()


def expected_snapshots(stored: set[tuple[UUID, int]], heads: dict[UUID, int], every: int) -> set[tuple[UUID, int]]:
    """The rule: after its newest snapshot, an aggregate gets one at every multiple of `every` up to the version
    its verified history reaches; none beyond what was verified, none taken again."""
    newest: dict[UUID, int] = {}
    for aggregate, version in stored:
        newest[aggregate] = max(version, newest.get(aggregate, 0))
    return stored | {(aggregate, version) for aggregate, head in heads.items()
                     for version in range(every, head + 1, every) if version > newest.get(aggregate, 0)}


def test_each_checkpoint_snapshots_what_it_verified_since_the_newest_snapshots(every_few: None, sqlite_url: str,
                                                                                tmp_path: Path) -> None:
    history = ShortHistory(sqlite_url)
    project, measure = history.active.project, history.active.measure
    rounds = [
        lambda: history.bring_measure_to(3 * FEW),  # a head right at a multiple
        lambda: history.bring_measure_to(4 * FEW + 2),  # only the measure moves on
        lambda: [history.programme.run(PARTICIPANT, A.set_aim, projects.SetAim, project=project,
                                       what=f"Færre dage {i}", how_much="45 %", by="2031-11-30")
                 for i in range(FEW + 1)],  # only the project moves on
        lambda: None,  # nothing moves on
    ]
    for step, moves_on in enumerate(rounds):
        moves_on()
        before = history.stored()
        expected = expected_snapshots(before, history.heads(history.position()), FEW)
        taken = history.audit.checkpoint(ADMIN, tmp_path / f"checkpoint-{step}.json")[2]
        assert history.stored() == expected, f"round {step}"
        assert taken == len(expected - before), f"round {step}: it counts what it took"
    assert {(measure, version) for version in (FEW, 2 * FEW, 3 * FEW, 4 * FEW)} <= history.stored()
    assert history.audit.verify(AUDITOR, []).holds


def test_no_snapshot_is_taken_of_events_after_the_verified_position(every_few: None, sqlite_url: str) -> None:
    history = ShortHistory(sqlite_url)
    history.bring_measure_to(2 * FEW - 1)
    verified = history.position()
    history.record(FEW + 3)  # stored after the verification the snapshots are taken on
    taken = history.snapshots.take(history.app, verified)
    assert history.stored() == expected_snapshots(set(), history.heads(verified), FEW)
    assert (history.active.measure, FEW) in history.stored() and taken == len(history.stored())
    assert (history.active.measure, 2 * FEW) not in history.stored()


def test_a_changed_interval_continues_from_the_newest_snapshot(monkeypatch: pytest.MonkeyPatch, sqlite_url: str,
                                                               tmp_path: Path) -> None:
    monkeypatch.setattr(snapshots_module, "EVERY", FEW)
    history = ShortHistory(sqlite_url)
    history.bring_measure_to(2 * FEW + 3)
    history.audit.checkpoint(ADMIN, tmp_path / "first.json")
    monkeypatch.setattr(snapshots_module, "EVERY", 4)
    history.bring_measure_to(5 * FEW)
    before = history.stored()
    history.audit.checkpoint(ADMIN, tmp_path / "second.json")
    assert history.stored() == expected_snapshots(before, history.heads(history.position()), 4)
    assert {version for aggregate, version in history.stored() - before
            if aggregate == history.active.measure} == {12, 16, 20, 24}


def test_snapshots_of_older_code_are_taken_again(every_few: None, database_url: str, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    history = ShortHistory(database_url)
    history.bring_measure_to(2 * FEW + 1)
    history.audit.checkpoint(ADMIN, tmp_path / "first.json")
    kept = history.stored()
    monkeypatch.setattr(snapshots_module, "state_format", lambda: "the aggregates' code has changed")
    assert history.snapshots.latest(history.active.measure) is None, "an older format is passed over"
    assert history.audit.verify(AUDITOR, []).holds, "but its seal still holds"
    assert history.audit.checkpoint(ADMIN, tmp_path / "second.json")[2] == len(kept)
    assert history.stored() == kept
    assert {row[2] for row in history.snapshot_rows()} == {"the aggregates' code has changed"}
    assert history.snapshots.latest(history.active.measure).version == 2 * FEW  # type: ignore[union-attr]


def test_replay_uses_the_newest_snapshot_at_or_before_the_version_or_moment(every_few: None, sqlite_url: str,
                                                                           tmp_path: Path) -> None:
    history = ShortHistory(sqlite_url)
    history.bring_measure_to(2 * FEW + 2)
    history.audit.checkpoint(ADMIN, tmp_path / "checkpoint.json")
    measure = history.active.measure
    moments = [event.timestamp for event in history.app.events.get(measure)]  # moments[i] is version i + 1's

    def used(**at: Any) -> int | None:
        snapshot = history.snapshots.latest(measure, **at)
        return None if snapshot is None else snapshot.version

    assert [used(version=v) for v in (FEW - 1, FEW, FEW + 1, 2 * FEW - 1, 2 * FEW, 2 * FEW + 2)] == [
        None, FEW, FEW, FEW, 2 * FEW, 2 * FEW]
    assert [used(moment=moments[v - 1]) for v in (FEW - 1, FEW, FEW + 1, 2 * FEW - 1, 2 * FEW)] == [
        None, FEW, FEW, FEW, 2 * FEW]
    assert used() == 2 * FEW


def test_verify_names_each_untrustworthy_snapshot_in_order_and_why(every_few: None, sqlite_url: str,
                                                                   tmp_path: Path) -> None:
    history = ShortHistory(sqlite_url)
    history.bring_measure_to(2 * FEW + 2)
    history.programme.run(PARTICIPANT, A.set_aim, projects.SetAim, project=history.active.project,
                          what="Færre dage", how_much="45 %", by="2031-11-30")
    history.audit.checkpoint(ADMIN, tmp_path / "checkpoint.json")
    rows = sorted(history.db.run("SELECT aggregate_id, version, position FROM audit_snapshots"))
    assert len({row[0] for row in rows}) > 1 and len(rows) > 3
    history.db.run("UPDATE audit_snapshots SET seal = ?", b"\x00" * 32)
    moved, version, _ = rows[-1]
    beyond = history.position() + 1000
    history.db.run("UPDATE audit_snapshots SET position = ? WHERE aggregate_id = ? AND version = ?",
                   beyond, moved, version)
    problems = history.audit.verify(AUDITOR, []).snapshot_problems
    assert [(p.aggregate_id, p.version) for p in problems] == [(row[0], row[1]) for row in rows]
    assert [p.problem for p in problems] == (
        ["its seal does not hold: it was changed, forged or moved"] * (len(rows) - 1)
        + [f"the chain has no link at its position {beyond}"])


def test_without_a_key_no_snapshot_is_taken(every_few: None, sqlite_url: str) -> None:
    history = ShortHistory(sqlite_url)
    history.bring_measure_to(2 * FEW)
    keyless = SealedSnapshots(history.snapshots.engine, history.app.recorder, None)
    assert keyless.take(history.app, history.position()) == 0 and history.stored() == set()
    assert keyless.latest(history.active.measure) is None


def test_a_seal_covers_the_documented_layout() -> None:
    """The seal's digest, rebuilt from its documented layout: a change to it would pass every stored snapshot
    over as forged, so the layout is fixed here."""
    aggregate, link, state = "0b7e9c2a-4f3d-4c1e-9a8b-5d6c7e8f9a0b", bytes(range(32)), b"pickled state"
    at, format = "2031-05-04T10:00:00+00:00", "f" * 32
    expected = hashlib.sha256(UUID(aggregate).bytes + struct.pack(">QQ", 400, 1234) + link
                              + struct.pack(">I", len(at)) + at.encode() + struct.pack(">I", len(format))
                              + format.encode() + hashlib.sha256(state).digest()).digest()
    assert snapshots_module._digest(aggregate, 400, 1234, link, at, format, state) == expected


def test_replay_at_every_version_starts_from_the_snapshot_at_or_before_it(every_few: None, sqlite_url: str,
                                                                         tmp_path: Path) -> None:
    history = ShortHistory(sqlite_url)
    project = history.active.project
    for number in range(3 * FEW):  # the project itself gets snapshots
        history.programme.run(PARTICIPANT, A.set_aim, projects.SetAim, project=project, what=f"Færre dage {number}",
                              how_much="45 %", by="2031-11-30")
    history.audit.checkpoint(ADMIN, tmp_path / "checkpoint.json")
    assert {version for aggregate, version in history.stored() if aggregate == project} >= {FEW, 2 * FEW, 3 * FEW}
    plain = Replay(history.app, PersonNames(history.app))
    for version in range(1, history.version(project) + 1):
        assert history.audit.replayer.project(project, version=version) == plain.project(project, version=version)


def test_a_replay_outside_the_history_is_refused_in_words(sqlite_url: str) -> None:
    history = ShortHistory(sqlite_url)
    project, head = history.active.project, history.version(history.active.project)
    for version in (0, head + 1):
        with pytest.raises(InvalidInput) as refused:
            history.audit.replay(AUDITOR, project, version=version)
        assert (refused.value.field, refused.value.rule) == ("version", f"must be between 1 and {head}, the "
                                                                        "project's versions")
    before = datetime(2020, 1, 1, tzinfo=timezone.utc)
    with pytest.raises(NotFound, match=r"^the project did not exist yet at 2020-01-01T00:00:00\+00:00$"):
        history.audit.replay(AUDITOR, project, at=before)
    with pytest.raises(NotFound, match=f"^no project has the id {history.active.measure}$"):
        history.audit.replay(AUDITOR, history.active.measure)


# -- as histories grow: the snapshots view takes them on its own ----------------------------------------------

def test_snapshots_are_taken_as_histories_grow_and_none_after_a_break(every_few: None, sqlite_url: str) -> None:
    history = ShortHistory(sqlite_url)
    views = history.audit.projections
    assert views is not None
    history.bring_measure_to(3 * FEW + 2)
    views.catch_up()
    expected = expected_snapshots(set(), history.heads(history.position()), FEW)
    assert {aggregate for aggregate, _ in expected} >= {history.active.project, history.active.measure}
    assert history.stored() == expected, "every aggregate at every multiple it reached"
    for _ in range(FEW + 1):  # one point at a time, caught up after each, as a server does
        history.record(1)
        views.catch_up()
    expected = expected_snapshots(expected, history.heads(history.position()), FEW)
    assert history.stored() == expected
    verification = history.audit.verify(AUDITOR, [])
    assert verification.holds and verification.snapshots == len(expected), "each sealed, each holds"
    latest = history.snapshots.latest(history.active.measure)
    assert latest is not None and latest.version == history.version(history.active.measure) // FEW * FEW
    assert history.audit.replayer.project(history.active.project) == \
        Replay(history.app, PersonNames(history.app)).project(history.active.project)

    # An event changed in the database before the view verified it: nothing more is taken, now or later.
    history.bring_measure_to((history.version(history.active.measure) // FEW + 1) * FEW - 1)
    changed = history.position()
    state = history.db.run(f"SELECT state FROM {history.db.events} WHERE {history.db.id} = ?", changed)[0][0]
    history.db.run(f"UPDATE {history.db.events} SET state = ? WHERE {history.db.id} = ?",
                   bytes(state).replace(b'"42"', b'"41"'), changed)
    history.record(2 * FEW)
    views.catch_up()
    history.record(FEW)
    views.catch_up()
    assert history.stored() == expected, "no snapshot of a history whose chain does not hold"
    assert history.audit.verify(AUDITOR, []).first_break[0] == changed  # type: ignore[index]
