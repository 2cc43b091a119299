"""Tamper evidence on SQLite and PostgreSQL: each way of rewriting the stored history, done by editing the
database directly, is found by `audit verify`, which names the first position where the history breaks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg
import pytest

from pdsa_engine.audit import verify as verify_module
from pdsa_engine.audit.chain import next_link
from pdsa_engine.audit.keys import public_path
from pdsa_engine.audit.service import Audit
from pdsa_engine.audit.verify import Verification, verify
from pdsa_engine.config import Settings
from tests.builders import ADMIN, AUDITOR, Programme, busy_cohort, database_app, settings_for
from tests.support.database import Database


def history(url: str) -> tuple[Audit, Database, int]:
    app = database_app(url)
    busy_cohort(Programme(app), projects=3, cycles_per_project=2, points_per_project=10)
    return Audit(app, settings_for(url)), Database(url), app.recorder.max_notification_id()


def verified(audit: Audit, **kwargs: Any) -> Verification:
    return audit.verify(AUDITOR, kwargs.get("checkpoints", []))


def forged_state(db: Database, position: int) -> tuple[Any, ...]:
    originator, version, topic, state = db.row(position)
    return originator, version, topic, state.replace(b"40", b"99") if b"40" in state else state + b" "


# Each form of tampering gives the first break verify must name: its position and what happened there.
Finding = tuple[int, str]
TAMPERING: dict[str, Callable[[Database, int], Finding]] = {}
CHANGED = "the event differs from what was sealed: it was changed, or moved"
MISSING = "a sealed event is missing: it was deleted"
UNSEALED = "the event is not sealed: it was inserted or appended outside the application"


def tampering(form: Callable[[Database, int], Finding]) -> Callable[[Database, int], Finding]:
    TAMPERING[form.__name__] = form
    return form


@tampering
def change_an_event_in_the_middle(db: Database, end: int) -> Finding:
    middle = end // 2
    row = db.row(middle)
    db.put(middle, (*row[:3], bytes(row[3]).replace(b":", b": ", 1)))  # the same JSON, other bytes
    return middle, CHANGED


@tampering
def delete_an_event_and_its_seal(db: Database, end: int) -> Finding:
    middle = end // 2
    db.run(f"DELETE FROM {db.events} WHERE {db.id} = ?", middle)
    db.run("DELETE FROM pdsa_audit_chain WHERE notification_id = ?", middle)
    return middle, MISSING


@tampering
def delete_an_event_but_not_its_seal(db: Database, end: int) -> Finding:
    middle = end // 2
    db.run(f"DELETE FROM {db.events} WHERE {db.id} = ?", middle)
    return middle, MISSING


@tampering
def replace_the_last_event_with_a_forged_one(db: Database, end: int) -> Finding:
    originator, _, topic, state = db.row(end)
    db.run(f"DELETE FROM {db.events} WHERE {db.id} = ?", end)  # its seal, the last one, is left behind
    db.insert(end + 1, (originator, 10_000, topic, state))
    return end, MISSING


@tampering
def delete_the_first_event_and_its_seal(db: Database, end: int) -> Finding:
    db.run(f"DELETE FROM {db.events} WHERE {db.id} = 1")
    db.run("DELETE FROM pdsa_audit_chain WHERE notification_id = 1")
    return 1, MISSING


@tampering
def insert_a_forged_event_in_the_middle(db: Database, end: int) -> Finding:
    middle = end // 2
    forged = forged_state(db, middle)
    db.renumber_after(middle)
    db.insert(middle + 1, (*forged[:1], 999, *forged[2:]))
    return middle + 1, UNSEALED


@tampering
def append_a_forged_event(db: Database, end: int) -> Finding:
    originator, _, topic, state = db.row(end)
    db.insert(end + 1, (originator, 10_000, topic, state))
    return end + 1, UNSEALED


@tampering
def append_a_forged_event_with_a_forged_seal(db: Database, end: int) -> Finding:
    originator, _, topic, state = db.row(end)
    db.insert(end + 1, (originator, 10_000, topic, state))
    db.run("INSERT INTO pdsa_audit_chain VALUES (?, ?, ?, ?)", end + 1, end, b"\0" * 32, b"\1" * 32)
    return end + 1, "the seal is not the key's: the event and its seal were forged"


@tampering
def swap_two_events(db: Database, end: int) -> Finding:
    first, second = end // 3, end // 2
    a, b = db.row(first), db.row(second)
    db.put(second, (b[0], -1, b[2], b[3]))  # parked: (aggregate, version) is unique
    db.put(first, b)
    db.put(second, a)
    return first, CHANGED


@tampering
def delete_the_tail_but_not_its_seals(db: Database, end: int) -> Finding:
    db.run(f"DELETE FROM {db.events} WHERE {db.id} > ?", end - 5)
    return end - 4, "a sealed event is missing: the end of the history was deleted"


@pytest.mark.parametrize("form", list(TAMPERING), ids=list(TAMPERING))
def test_verify_names_the_first_position_where_the_history_breaks(database_url: str, form: str) -> None:
    audit, db, end = history(database_url)
    untouched = verified(audit)
    assert untouched.holds and untouched.events == end and untouched.seals_checked is True
    expected = TAMPERING[form](db, end)
    result = verified(audit)
    assert not result.holds
    assert result.first_break == expected


def test_a_history_longer_than_a_batch_is_verified_batch_by_batch(sqlite_url: str,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    audit, db, end = history(sqlite_url)
    monkeypatch.setattr(verify_module, "BATCH", 7)  # events and links are read seven at a time
    untouched = verified(audit)
    assert untouched.holds and (untouched.events, untouched.position) == (end, end)
    assert untouched.head == bytes(db.run("SELECT link FROM pdsa_audit_chain WHERE notification_id = ?", end)[0][0])
    expected = change_an_event_in_the_middle(db, end)
    assert verified(audit).first_break == expected


def test_an_empty_history_verifies(sqlite_url: str) -> None:
    app = database_app(sqlite_url)  # no one to act as auditor yet: the check itself
    result = verify(app.recorder, app.recorder.sealer, [], None)
    assert result.holds and (result.events, result.position, result.first_break) == (0, 0, None)


def test_a_checkpoint_exposes_a_deleted_tail_and_a_rewritten_one(database_url: str, tmp_path: Any) -> None:
    audit, db, end = history(database_url)
    _, checkpoint, _ = audit.checkpoint(ADMIN, tmp_path / "kept-by-the-auditor.json")
    db.run(f"DELETE FROM {db.events} WHERE {db.id} > ?", end - 10)  # events and seals alike
    db.run("DELETE FROM pdsa_audit_chain WHERE notification_id > ?", end - 10)
    assert verified(audit).holds, "a consistent truncation leaves no broken link..."
    result = verified(audit, checkpoints=[checkpoint])
    assert not result.holds and result.first_break == (  # ...but the checkpoint names where it ends
        end - 9, f"the history ends at position {end - 10}, but the checkpoint covers it up to {end}: events were "
                 "deleted from the end")

    rewritten_audit, db, end = history(_fresh(database_url, tmp_path))
    _, checkpoint, _ = rewritten_audit.checkpoint(ADMIN, tmp_path / "before-the-rewrite.json")
    _rewrite_tail_with_links(db, start=end - 20)
    auditor_key = tmp_path / "auditor" / "audit-ed25519.pem"  # an auditor's copy: the public key only
    auditor_key.parent.mkdir()
    public_path(auditor_key).write_bytes(public_path(rewritten_audit.settings.audit_key).read_bytes())
    without_key = Audit(rewritten_audit.app, Settings(database_url=db.url, audit_key=auditor_key))
    result = without_key.verify(AUDITOR, [checkpoint])
    assert not result.seals_checked and not result.holds
    assert result.first_break == (
        end, f"the history up to position {end} is not the one the checkpoint signed (rewritten at or before it)")
    # With the key, the first forged seal is named.
    assert verified(rewritten_audit).first_break == (end - 19, "the seal is not the key's: the event and its seal "
                                                                "were forged")


def _fresh(url: str, tmp_path: Any) -> str:
    if url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'rewrite.sqlite'}"
    base, _, name = url.rpartition("/")
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}_rewrite"')
    return f"{base}/{name}_rewrite"


def _rewrite_tail_with_links(db: Database, start: int) -> None:
    """An attacker who knows the chain's construction rewrites events and recomputes their links; without the
    key the seals cannot be recomputed."""
    link = bytes(db.run("SELECT link FROM pdsa_audit_chain WHERE notification_id = ?", start)[0][0])
    positions = [row[0] for row in db.run(f"SELECT {db.id} FROM {db.events} WHERE {db.id} > ? ORDER BY {db.id}",
                                          start)]
    for position in positions:
        originator, version, topic, state = forged_state(db, position)
        db.put(position, (originator, version, topic, state))
        link = next_link(link, position, originator, version, topic, bytes(state))
        db.run("UPDATE pdsa_audit_chain SET link = ? WHERE notification_id = ?", link, position)


def test_where_two_findings_meet_at_one_position_the_first_found_is_named(sqlite_url: str, tmp_path: Any) -> None:
    """The event at a checkpoint's head was changed: verify finds that, and then the checkpoint's head not
    matching; the report names the event's own change, the more precise of the two."""
    audit, db, end = history(sqlite_url)
    _, checkpoint, _ = audit.checkpoint(ADMIN, tmp_path / "checkpoint.json")
    db.put(end, forged_state(db, end))
    result = verified(audit, checkpoints=[checkpoint])
    assert result.first_break == (end, "the event differs from what was sealed: it was changed, or moved")
    assert [problem for _, problem in result.checkpoints] == [
        f"the history up to position {end} is not the one the checkpoint signed"]
