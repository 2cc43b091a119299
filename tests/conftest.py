"""Shared fixtures. Configuration comes only from what a test sets: PDSA_* variables are cleared."""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import Phase, settings

from pdsa_engine.cli import main
from pdsa_engine.config import Settings
from pdsa_engine.runtime import open_application
from tests.builders import RunningClock, settings_for
from tests.support.cli import Pdsa, Result
from tests.support.examples import examples
from tests.support.postgres import TemporaryPostgres
from tests.support.smtp import SmtpServer

_database_numbers = itertools.count()

if "PDSA_EXAMPLES_SHARE" in os.environ:
    # Under `make mutation` every mutant sees the same examples, so that two runs give the same score; a failing
    # example kills the mutant as it is, unshrunk (shrinking would only spend the mutant's time limit).
    settings.register_profile("mutation", max_examples=examples(100), derandomize=True, database=None,
                              phases=[Phase.explicit, Phase.generate])
    settings.load_profile("mutation")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under a mutant, the fastest tests first: the run stops at the first failure, so most mutants die in
    milliseconds and only the survivors pay for the slow property tests."""
    mutmut_state = sys.modules.get("mutmut.state")
    if mutmut_state is None or "__mutmut_" not in os.environ.get("MUTANT_UNDER_TEST", ""):
        return
    durations = mutmut_state.state().duration_by_test
    items.sort(key=lambda item: durations.get(item.nodeid, 0.0))


@pytest.fixture(autouse=True)
def _clean_configuration(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("PDSA_DATABASE_URL", "PDSA_ACTOR", "PDSA_AUDIT_KEY", "PDSA_SMTP_URL", "PDSA_MAIL_FROM",
                 "PDSA_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PDSA_MAILDIR", str(tmp_path / "mail"))  # no test delivers into the checkout's var/mail


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[TemporaryPostgres]:
    server = TemporaryPostgres().start()  # raises, failing the tests, when it cannot start
    yield server
    server.stop()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'pdsa.sqlite'}"


@pytest.fixture
def postgres_url(postgres_server: TemporaryPostgres) -> str:
    return postgres_server.create_database(f"pdsa_test_{next(_database_numbers)}")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """Runs a test once on a real SQLite file and once on the real PostgreSQL server."""
    return request.getfixturevalue(f"{request.param}_url")


@pytest.fixture
def pdsa(sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Pdsa:
    """Runs the `pdsa` entry point in this process on a fresh SQLite file; returns exit code and output."""
    monkeypatch.setenv("PDSA_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("PDSA_AUDIT_KEY", str(settings_for(sqlite_url).audit_key))
    monkeypatch.setenv("COLUMNS", "200")

    clock = RunningClock()

    def pinned_in_time(settings: Settings) -> object:
        return open_application(settings, clock=clock)

    def run(*args: str) -> Result:
        capsys.readouterr()
        with pytest.raises(SystemExit) as done:
            main(list(args), app_factory=pinned_in_time)
        captured = capsys.readouterr()
        return Result(int(done.value.code or 0), captured.out, captured.err)

    return run


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server (aiosmtpd) on a free loopback port; what it receives is in .inbox."""
    server = SmtpServer().start()
    yield server
    server.stop()
