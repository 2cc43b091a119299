"""A checkpoint — the chain's head at a position, signed — holds for the history it signed, read back from its
file as written, and names what is wrong with it otherwise."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from pdsa_engine.audit.keys import AuditKey
from pdsa_engine.audit.service import Audit
from pdsa_engine.audit.verify import Checkpoint, read_checkpoint, verify, write_checkpoint
from tests.builders import ADMIN, Programme, busy_cohort, database_app, settings_for
from tests.support.database import Database


@pytest.fixture
def signed(sqlite_url: str, tmp_path: Path) -> tuple[Any, AuditKey, Checkpoint]:
    app = database_app(sqlite_url)
    busy_cohort(Programme(app), projects=2, cycles_per_project=1, points_per_project=3)
    _, path, _ = Audit(app, settings_for(sqlite_url)).checkpoint(ADMIN, tmp_path / "kept.json")
    return app, app.recorder.sealer, read_checkpoint(path)


def resigned(key: AuditKey, checkpoint: Checkpoint, **changes: Any) -> Checkpoint:
    changed = replace(checkpoint, **changes)
    return replace(changed, signature=key.sign(changed.message))


def problem(app: Any, key: AuditKey, checkpoint: Checkpoint, public: Any = "the key's") -> str | None:
    result = verify(app.recorder, key, [checkpoint], key.public if public == "the key's" else public)
    assert result.checkpoints == [(checkpoint, result.checkpoints[0][1])]
    return result.checkpoints[0][1]


def test_a_checkpoint_read_back_is_the_one_written_and_holds_up_to_the_last_event(signed: Any,
                                                                                   tmp_path: Path) -> None:
    app, key, checkpoint = signed
    assert checkpoint.path == tmp_path / "kept.json"
    assert checkpoint.position == app.recorder.max_notification_id()  # it covers the very last event
    assert checkpoint.key_fingerprint == key.fingerprint and checkpoint.made_at.startswith("2034-")
    written = json.loads((tmp_path / "kept.json").read_text())
    assert written["made_at"] == checkpoint.made_at and written["head"] == checkpoint.head.hex()
    assert problem(app, key, checkpoint) is None
    assert verify(app.recorder, key, [checkpoint], key.public).holds


def test_a_checkpoint_signed_by_another_key_or_not_signed_does_not_hold(signed: Any) -> None:
    app, key, checkpoint = signed
    other = AuditKey(Ed25519PrivateKey.generate())
    refused = "the checkpoint's signature does not hold for this key"
    assert problem(app, key, replace(checkpoint, signature=bytes(64))) == refused  # its own key's fingerprint
    assert problem(app, key, resigned(other, checkpoint, key_fingerprint=other.fingerprint)) == refused
    assert problem(app, key, resigned(other, checkpoint)) == refused  # this key's fingerprint, another's signature
    assert problem(app, key, checkpoint, public=None) == "no public key to check the checkpoint's signature with"


def test_a_checkpoint_of_another_history_or_of_a_longer_one_names_the_difference(signed: Any,
                                                                                sqlite_url: str) -> None:
    app, key, checkpoint = signed
    position = checkpoint.position
    assert problem(app, key, resigned(key, checkpoint, head=bytes(32))) == (
        f"the history up to position {position} is not the one the checkpoint signed")
    Database(sqlite_url).run("DELETE FROM stored_events WHERE rowid > ?", position - 3)
    assert problem(app, key, checkpoint) == (
        f"the history ends at position {position - 3}, but the checkpoint covers it up to {position}: "
        "events were deleted from the end")


def test_a_file_of_another_kind_is_no_checkpoint(tmp_path: Path) -> None:
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"format": "something-else/1"}))
    with pytest.raises(ValueError, match=f"^{other} is not a pdsa audit checkpoint$"):
        read_checkpoint(other)


def test_a_checkpoint_is_written_as_indented_json_into_folders_made_for_it(signed: Any, tmp_path: Path) -> None:
    _, _, checkpoint = signed
    path = write_checkpoint(checkpoint, tmp_path / "auditor" / "2034" / "december.json")
    assert path.read_text() == json.dumps(checkpoint.as_json(), indent=2) + "\n"
    assert read_checkpoint(path) == replace(checkpoint, path=path)
