"""What a `pdsa` call imports: help imports only click and the command definitions, and each command imports
what it needs when it runs. Each case runs in a fresh interpreter, as every call of `pdsa` does; which modules
load is checked, not how long they take (bench/startup.py times them)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pdsa_engine.cli import main
from pdsa_engine.config import Settings
from pdsa_engine.runtime import open_application
from tests.cli.test_cli import PARTICIPANT

# Runs main() once per argv given (as JSON) in this fresh interpreter, then reports the exit codes and which
# of the named modules (or their submodules) were loaded.
RUN = """
import json, sys
from pdsa_engine.cli import main

calls, watched = json.loads(sys.argv[1]), json.loads(sys.argv[2])
if calls == "every help":
    import click
    from pdsa_engine.cli import cli

    def paths(command, path):
        yield [*path, "--help"]
        for name, sub in getattr(command, "commands", {}).items():
            yield from paths(sub, [*path, name])

    calls = list(paths(cli, []))
codes = []
for argv in calls:
    try:
        main(argv)
    except SystemExit as done:
        codes.append(done.code or 0)
loaded = sorted({m for m in watched for name in sys.modules if name == m or name.startswith(m + ".")})
sys.stderr.write("\\n" + json.dumps({"calls": len(calls), "codes": codes, "loaded": loaded}) + "\\n")
"""

LIBRARIES = ["numpy", "matplotlib", "sqlalchemy", "eventsourcing", "cryptography", "pydantic", "jinja2", "psycopg"]
OWN_HEAVY = ["pdsa_engine.application", "pdsa_engine.aggregates.project", "pdsa_engine.projections.spc",
             "pdsa_engine.projections.store", "pdsa_engine.audit.service", "pdsa_engine.demo"]


def fresh_pdsa(calls: Any, cwd: Path) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", RUN, json.dumps(calls), json.dumps(LIBRARIES + OWN_HEAVY)],
                          cwd=cwd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stderr.strip().splitlines()[-1])


def test_help_of_every_group_and_command_imports_none_of_the_libraries(tmp_path: Path) -> None:
    found = fresh_pdsa("every help", tmp_path)
    assert found["calls"] > 50 and set(found["codes"]) == {0}
    assert found["loaded"] == []
    assert not (tmp_path / "var").exists()  # and opens no database


def test_top_level_help_and_version_import_none_of_the_libraries(tmp_path: Path) -> None:
    found = fresh_pdsa([["--help"], ["--version"], ["spc", "analyse", "--help"]], tmp_path)
    assert found["codes"] == [0, 0, 0] and found["loaded"] == []


def test_spc_analyse_needs_numpy_and_no_event_store(tmp_path: Path) -> None:
    found = fresh_pdsa([["spc", "analyse", "--chart", "i", "--values", "1,2,3,4,5"]], tmp_path)
    assert found["codes"] == [0]
    assert "numpy" in found["loaded"] and "pdsa_engine.projections.spc" in found["loaded"]
    for unwanted in ("eventsourcing", "sqlalchemy", "cryptography", "matplotlib", "pdsa_engine.application"):
        assert unwanted not in found["loaded"]
    assert not (tmp_path / "var").exists()


def test_project_show_reads_the_events_without_views_numpy_or_matplotlib(
    project: tuple[str, str, str], tmp_path: Path
) -> None:
    project_id, _, _ = project  # the pdsa fixture set PDSA_DATABASE_URL and PDSA_AUDIT_KEY, which the child inherits
    found = fresh_pdsa([["--as", PARTICIPANT, "project", "show", project_id]], tmp_path)
    assert found["codes"] == [0]
    assert "eventsourcing" in found["loaded"] and "pdsa_engine.application" in found["loaded"]
    for unwanted in ("numpy", "matplotlib", "sqlalchemy", "jinja2", "pdsa_engine.projections.store",
                     "pdsa_engine.audit.service", "pdsa_engine.demo"):
        assert unwanted not in found["loaded"]


def test_a_command_that_writes_imports_no_views_numpy_or_matplotlib(
    project: tuple[str, str, str], tmp_path: Path
) -> None:
    _, measure, _ = project  # a write without a date: the child runs on today's clock, the fixture's data in 2031
    found = fresh_pdsa([["--as", PARTICIPANT, "project", "measure", "update", measure, "--target", "30"]], tmp_path)
    assert found["codes"] == [0]
    assert "pydantic" in found["loaded"] and "eventsourcing" in found["loaded"]
    for unwanted in ("numpy", "matplotlib", "sqlalchemy", "jinja2"):
        assert unwanted not in found["loaded"]


def _failing_reads(problem: Exception) -> Any:
    """An application factory whose application fails when it looks up a person, as a broken database would."""

    def factory(settings: Settings) -> Any:
        app = open_application(settings)

        def person(ref: str) -> Any:
            raise problem

        app.person = person  # type: ignore[method-assign]
        return app

    return factory


def test_a_database_failure_while_a_command_runs_is_reported_and_exits_1(
    project: tuple[str, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """main() tells the library's PersistenceError apart without importing the library before a command runs."""
    from eventsourcing.persistence import OperationalError

    with pytest.raises(SystemExit) as done:
        main(["--as", PARTICIPANT, "project", "show", project[0], "--json"],
             app_factory=_failing_reads(OperationalError("disk I/O error")))
    assert done.value.code == 1
    captured = capsys.readouterr()
    assert "failed: disk I/O error" in captured.err
    assert json.loads(captured.out)["error"]["code"] == "database_unavailable"


def test_other_exceptions_are_not_taken_for_database_failures(
    project: tuple[str, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--as", PARTICIPANT, "project", "show", project[0], "--json"],
             app_factory=_failing_reads(RuntimeError("a bug")))
    assert done.value.code == 1
    captured = capsys.readouterr()
    assert "RuntimeError: a bug" in captured.err and "database" not in captured.err
    assert json.loads(captured.out)["error"]["code"] == "unexpected"
