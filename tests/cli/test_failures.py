"""Every failure a user can cause or meet ends in one sentence and a documented exit code, never a traceback."""

from __future__ import annotations

import gc
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.test_cli import ADMIN, PARTICIPANT
from tests.support.cli import Pdsa, Result


def assert_said(result: Result, code: int, *words: str) -> None:
    assert result.code == code, (result.out, result.err)
    assert "Traceback" not in result.err and "Traceback" not in result.out
    lines = [line for line in result.err.splitlines() if line.strip()]
    assert lines and lines[0].startswith("error: "), result.err
    for word in words:
        assert word in result.err, result.err


def database_file(pdsa_env: pytest.MonkeyPatch, path: Path) -> None:
    pdsa_env.setenv("PDSA_DATABASE_URL", f"sqlite:///{path}")


@pytest.fixture
def registered(pdsa: Pdsa) -> Pdsa:
    assert pdsa("person", "add", "--name", "Ada Admin", "--email", ADMIN, "--role", "administrator").code == 0
    return pdsa


def test_a_read_command_never_creates_a_database(pdsa: Pdsa, monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path: Path) -> None:
    missing = tmp_path / "does" / "not" / "exist" / "x.sqlite"
    database_file(monkeypatch, missing)
    for command in (("cohort", "list"), ("person", "show", ADMIN), ("projections", "catch-up"), ("audit", "verify")):
        result = pdsa("--as", ADMIN, *command)
        assert_said(result, 1, "there is no pdsa database", str(missing), "pdsa init")
    assert not (tmp_path / "does").exists()


def test_only_init_and_the_first_person_create_a_database(pdsa: Pdsa, monkeypatch: pytest.MonkeyPatch,
                                                          tmp_path: Path) -> None:
    database_file(monkeypatch, tmp_path / "a" / "x.sqlite")
    assert pdsa("--as", ADMIN, "person", "add", "--name", "E", "--email", "e@x.dk", "--role", "coach").code == 1
    assert not (tmp_path / "a").exists()
    assert pdsa("person", "add", "--name", "Ada", "--email", ADMIN, "--role", "administrator").code == 0
    database_file(monkeypatch, tmp_path / "b" / "y.sqlite")
    assert pdsa("init").code == 0 and (tmp_path / "b" / "y.sqlite").is_file()


@pytest.mark.parametrize("content", [b"this is not a database\n" * 100, None])
def test_a_file_that_is_not_a_database_or_is_truncated_is_named(registered: Pdsa, monkeypatch: pytest.MonkeyPatch,
                                                                 tmp_path: Path, sqlite_url: str,
                                                                 content: bytes | None) -> None:
    original = Path(sqlite_url.removeprefix("sqlite:///"))
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(content if content is not None else original.read_bytes()[:5000])
    database_file(monkeypatch, broken)
    result = registered("--as", ADMIN, "cohort", "list", "--json")
    assert_said(result, 1, "is not a pdsa database, or it is damaged", str(broken))
    assert result.json["error"]["code"] == "database_unavailable"


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """A real read-only file system (tmpfs remounted read-only; the suite runs as root, as CI does)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "tmpfs", str(folder)], check=True)
    try:
        yield folder
    finally:
        gc.collect()  # connections that a failed open left behind in its exception's frames
        if subprocess.run(["umount", str(folder)]).returncode != 0:
            subprocess.run(["umount", "--lazy", str(folder)], check=True)


def test_a_database_on_a_read_only_file_system_is_said_so(registered: Pdsa, monkeypatch: pytest.MonkeyPatch,
                                                          sqlite_url: str, read_only_folder: Path) -> None:
    copy = read_only_folder / "pdsa.sqlite"
    shutil.copy(sqlite_url.removeprefix("sqlite:///"), copy)
    subprocess.run(["mount", "-o", "remount,ro", str(read_only_folder)], check=True)
    database_file(monkeypatch, copy)
    for command in (("cohort", "list"), ("person", "show", ADMIN)):
        assert_said(registered("--as", ADMIN, *command), 1, str(copy), "writable")
    database_file(monkeypatch, read_only_folder / "new" / "pdsa.sqlite")
    assert_said(registered("init"), 1, "Read-only file system", "PDSA_DATABASE_URL")


@pytest.mark.parametrize("make_key", ["garbage", "folder", "unreadable-name"])
def test_an_unusable_audit_key_names_its_file_and_variable(registered: Pdsa, monkeypatch: pytest.MonkeyPatch,
                                                           tmp_path: Path, make_key: str) -> None:
    key = tmp_path / "key.pem"
    if make_key == "garbage":
        key.write_text("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n")
    elif make_key == "folder":
        key = tmp_path
    else:
        key.write_bytes(b"\x00\x01\x02")
    monkeypatch.setenv("PDSA_AUDIT_KEY", str(key))
    result = registered("--as", ADMIN, "cohort", "list")
    assert_said(result, 1, str(key), "PDSA_AUDIT_KEY")
    assert "database" not in result.err.split("PDSA_AUDIT_KEY")[0]


def test_the_audit_key_lives_with_its_database(pdsa: Pdsa, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("PDSA_AUDIT_KEY")
    for name in ("first", "second"):
        database_file(monkeypatch, tmp_path / name / "pdsa.sqlite")
        done = pdsa("init", "--json")
        assert done.code == 0 and done.json["audit_key"] == str(tmp_path / name / "keys" / "audit-ed25519.pem")
        assert "Audit key" in pdsa("init").out
    first, second = ((tmp_path / name / "keys" / "audit-ed25519.pem").read_bytes() for name in ("first", "second"))
    assert first != second


def test_a_chart_into_a_folder_that_does_not_exist_is_refused(project: tuple[str, str, str], pdsa: Pdsa,
                                                              tmp_path: Path) -> None:
    _, measure, _ = project
    assert pdsa("--as", PARTICIPANT, "project", "measure", "record", measure, "--period", "2031-W05",
                "--value", "3").code == 0
    target = tmp_path / "nonexistent" / "dir" / "c.png"
    for json in ((), ("--json",)):
        result = pdsa("--as", PARTICIPANT, "spc", "chart", measure, "--out", str(target), *json)
        assert_said(result, 2, "out:", str(target), "No such file or directory")
        if json:
            assert result.json["error"]["field"] == "out"


def test_a_bad_database_url_is_said_and_not_raised(pdsa: Pdsa, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PDSA_DATABASE_URL", "mysql://somewhere/db")
    assert_said(pdsa("--as", ADMIN, "cohort", "list"), 2, "PDSA_DATABASE_URL")


def test_an_argument_holding_a_nul_character_is_refused_before_anything_runs(registered: Pdsa, tmp_path: Path) -> None:
    result = registered("--as", ADMIN, "audit", "export", "x", "--format", "csv", "--out", str(tmp_path / "a\x00.csv"))
    assert_said(result, 2, "NUL character")


def test_an_empty_file_is_no_database_and_stays_empty(registered: Pdsa, monkeypatch: pytest.MonkeyPatch,
                                                       tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    database_file(monkeypatch, empty)
    assert_said(registered("--as", ADMIN, "project", "list"), 1, "there is no pdsa database")
    assert empty.stat().st_size == 0


@pytest.mark.parametrize("moment", ["0001-01-01", "9999-12-31T23:59:59-12:00", "0001-01-01T00:00+14:00"])
def test_moments_beyond_any_history_are_refused_as_input(registered: Pdsa, moment: str) -> None:
    assert_said(registered("--as", ADMIN, "audit", "log", "--since", moment), 2, "since:", "between the years")
    assert_said(registered("--as", ADMIN, "audit", "log", "--until", moment), 2, "until:")


def test_a_missing_audit_key_is_named_where_it_was_looked_for(registered: Pdsa, monkeypatch: pytest.MonkeyPatch,
                                                               tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "key.pem"
    monkeypatch.setenv("PDSA_AUDIT_KEY", str(missing))
    result = registered("--as", ADMIN, "person", "add", "--name", "E", "--email", "e@x.dk", "--role", "coach")
    assert_said(result, 1, str(missing), "PDSA_AUDIT_KEY", "restore")
    assert "database" not in result.err


def test_a_person_is_found_by_the_beginning_of_their_id(registered: Pdsa) -> None:
    ada = registered("--as", ADMIN, "person", "show", ADMIN, "--json").json["id"]
    assert registered("--as", ada[:8], "person", "show", ada[:6], "--json").json["id"] == ada
    assert_said(registered("--as", ADMIN, "person", "show", "ffffffff"), 4, "no person has an id beginning")


@pytest.mark.parametrize("content", ["[]", "{}", "not json", '{"position": "x"}'])
def test_a_file_that_is_not_a_checkpoint_is_said_to_be_none(registered: Pdsa, tmp_path: Path, content: str) -> None:
    other = tmp_path / "other.json"
    other.write_text(content)
    assert_said(registered("--as", ADMIN, "audit", "verify", "--checkpoint", str(other)), 2, "is not a checkpoint")
