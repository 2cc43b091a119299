"""Every `pdsa` command run as every actor (tests/support/permissions.py holds who may): an allowed command
exits 0, and a state-changing one stores something; anyone else is refused (exit 3, or 4 for an acting e-mail
that is no person's) and nothing is stored — no event, no snapshot, no file.

The state each command needs is built once for the module; each case runs on its own copy of it."""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from uuid import UUID

import click
import pytest

from pdsa_engine.audit.sealing import CHAIN_TABLE
from pdsa_engine.cli import cli
from tests.builders import MOMENT
from tests.support.cli import Pdsa
from tests.support.permissions import ACTORS, RULES, UNTIL_STOPPED, Effect, Prepared, Rule, Stage, Who, prepare

MEMORY = Path("/dev/shm")  # where there is one, the cases' databases live in memory: no disk flush per commit


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="pdsa-permissions-", dir=MEMORY if MEMORY.is_dir() else None) as folder:
        yield Path(folder)


@pytest.fixture(scope="module")
def prepared(scratch: Path) -> Prepared:
    (scratch / "prepared").mkdir()
    return prepare(scratch / "prepared")


@pytest.fixture
def sqlite_url(scratch: Path) -> str:
    """Every case runs in the same folder, emptied first (the `pdsa` fixture runs on this database): hundreds of
    folders would cost more to create and clean up than the cases take."""
    case = scratch / "case"
    shutil.rmtree(case, ignore_errors=True)
    (case / "out").mkdir(parents=True)
    return f"sqlite:///{case / 'pdsa.sqlite'}"


def offered(group: click.Group, words: tuple[str, ...] = ()) -> Iterator[str]:
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from offered(command, (*words, name))
        else:
            yield " ".join((*words, name))


def test_every_command_the_cli_offers_has_a_row() -> None:
    rows = [rule.command for rule in RULES]
    assert len(rows) == len(set(rows)), "a command has two rows"
    assert set(offered(cli)) - set(rows) - set(UNTIL_STOPPED) == set(), \
        "commands without a row in tests/support/permissions.py"
    assert set(rows) - set(offered(cli)) == set(), "rows of commands the CLI does not offer"


@dataclass(frozen=True)
class Stored:
    events: int  # the event store's highest notification id (its rowid, in eventsourcing's SQLite table)
    seals: int  # the last position the hash chain seals
    snapshots: int  # sealed snapshots of long histories
    files: frozenset[str]  # what the command wrote where the rows' --out point

    @classmethod
    def now(cls, database: Path, out: Path) -> Stored:
        files = frozenset(path.name for path in out.iterdir())
        if not database.exists():
            return cls(0, 0, 0, files)
        with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
            events = db.execute("SELECT max(rowid) FROM stored_events").fetchone()[0] or 0
            seals = db.execute(f"SELECT max(notification_id) FROM {CHAIN_TABLE}").fetchone()[0] or 0
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            snapshots = db.execute("SELECT count(*) FROM audit_snapshots").fetchone()[0] \
                if "audit_snapshots" in tables else 0
        return cls(events, seals, snapshots, files)


def assert_stamped_by(database: Path, email: str, after_event: int) -> None:
    """What the command stored names the acting person and one moment: the command's, on the tests' clock."""
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        people = {json.loads(state)["email"]: UUID(originator).hex for originator, state in db.execute(
            "SELECT originator_id, state FROM stored_events WHERE topic LIKE '%:Person.Registered'")}
        stored = [json.loads(state) for (state,) in db.execute(
            "SELECT state FROM stored_events WHERE rowid > ? ORDER BY rowid", (after_event,))]
    assert {event["by"]["_data_"]["person_id"] for event in stored} == {people[email]}
    moments = {datetime.fromisoformat(event["timestamp"]["_data_"]) for event in stored}
    assert len(moments) == 1 and abs(moments.pop() - MOMENT) < timedelta(hours=1), moments


def arguments(rule: Rule, who: Who, values: dict[str, str]) -> list[str]:
    actor = ACTORS[who]
    return [*(("--as", actor) if actor else ()), *rule.command.split(),
            *(argument.format(**values) for argument in rule.args), "--json"]


@pytest.mark.parametrize(("rule", "who"), [pytest.param(rule, who, id=f"{rule.name}-{who}")
                                           for rule in RULES for who in Who])
def test_who_may_run_the_command(rule: Rule, who: Who, prepared: Prepared, pdsa: Pdsa, sqlite_url: str,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    database = Path(sqlite_url.removeprefix("sqlite:///"))
    out = database.parent / "out"
    monkeypatch.chdir(database.parent)  # checkpoints are looked for in ./var/checkpoints
    monkeypatch.setenv("PDSA_AUDIT_KEY", str(prepared.audit_key))
    if rule.stage is not Stage.NONE:
        prepared.copy(rule.stage, database)
    args = arguments(rule, who, {**prepared.values, "out": str(out)})

    before = Stored.now(database, out)
    result = pdsa(*args)
    after = Stored.now(database, out)

    said = f"pdsa {' '.join(args)}\nexit {result.code}\n{result.err}"
    if who in rule.allowed:
        assert result.code == 0, said
        stores = rule.effect in (Effect.EVENTS, Effect.EVENTS_AND_FILE)
        assert (after.events > before.events) if stores else (after.events == before.events), said
        if stores and ACTORS[who]:
            assert_stamped_by(database, ACTORS[who], after_event=before.events)
        writes = rule.effect in (Effect.FILE, Effect.EVENTS_AND_FILE)
        assert (after.files > before.files) if writes else (after.files == before.files), said
    else:
        refused = ("not_found", 4) if who is Who.UNKNOWN else ("permission_denied", 3)
        assert (result.json["error"]["code"], result.code) == refused, said
        assert after == before, said
