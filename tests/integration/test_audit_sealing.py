"""`pdsa init` seals a history written before sealing existed, and only such a history."""

from __future__ import annotations

import pytest

from pdsa_engine.application import PdsaApplication as A
from pdsa_engine.audit import sealing
from pdsa_engine.audit.service import Audit
from pdsa_engine.commands import people
from tests.builders import ADMIN, AUDITOR, Programme, busy_cohort, database_app, settings_for
from tests.support.database import Database


def _sealed_history(url: str) -> tuple[object, Database, list[tuple[object, ...]]]:
    app = database_app(url)
    busy_cohort(Programme(app), projects=2, cycles_per_project=1, points_per_project=4)
    db = Database(url)
    return app, db, db.run("SELECT * FROM pdsa_audit_chain ORDER BY notification_id")


@pytest.mark.parametrize("batch", [10_000, 7])
def test_an_unsealed_history_is_sealed_as_its_events_would_have_been(database_url: str, batch: int,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    app, db, written = _sealed_history(database_url)
    db.run("DELETE FROM pdsa_audit_chain")  # as a database from before sealing existed
    monkeypatch.setattr(sealing, "SEALING_BATCH", batch)  # several batches, with a last one part-full

    assert sealing.seal_history(app.recorder, app.recorder.sealer) == len(written)
    assert db.run("SELECT * FROM pdsa_audit_chain ORDER BY notification_id") == written
    assert Audit(app, settings_for(database_url)).verify(AUDITOR, []).holds


def test_a_history_with_any_seal_is_left_as_it_is(sqlite_url: str) -> None:
    app, db, written = _sealed_history(sqlite_url)
    db.run("DELETE FROM pdsa_audit_chain WHERE notification_id > 1")  # a sealed first event, an unsealed tail

    assert sealing.seal_history(app.recorder, app.recorder.sealer) == 0
    assert db.run("SELECT * FROM pdsa_audit_chain ORDER BY notification_id") == written[:1]
    assert not Audit(app, settings_for(sqlite_url)).verify(AUDITOR, []).holds


def test_nothing_is_stored_on_an_unsealed_history_nor_without_the_key(sqlite_url: str) -> None:
    app, db, _ = _sealed_history(sqlite_url)
    count = f"SELECT COUNT(*) FROM {db.events}"
    stored = db.run(count)

    def add_someone() -> None:
        Programme(app).run(ADMIN, A.add_person, people.AddPerson, name="Ny Coach", email="ny.coach@example.dk",
                           role=["coach"])

    db.run("DELETE FROM pdsa_audit_chain")  # events from before sealing existed: adopted by `pdsa init` only
    with pytest.raises(sealing.Unsealed, match=r"^this database's history has not been sealed yet: run `pdsa init` "
                                               r"first$"):
        add_someone()
    app.recorder.sealer, app.recorder.key_path = None, "/keys/audit-ed25519.pem"
    with pytest.raises(sealing.Unsealed) as missing:
        add_someone()
    assert str(missing.value) == ("the audit key is missing at /keys/audit-ed25519.pem (PDSA_AUDIT_KEY), so no event "
                                  "can be stored: restore the key file from its backup, or point PDSA_AUDIT_KEY at it")
    assert db.run(count) == stored
