from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from pdsa_engine.cli import main


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def json(self) -> Any:
        return json.loads(self.out)


Pdsa = Callable[..., Result]


@pytest.fixture
def pdsa(sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Pdsa:
    """Runs the `pdsa` entry point in this process on a fresh SQLite file; returns exit code and output."""
    monkeypatch.setenv("PDSA_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("COLUMNS", "200")

    def run(*args: str) -> Result:
        capsys.readouterr()
        with pytest.raises(SystemExit) as done:
            main(list(args))
        captured = capsys.readouterr()
        return Result(int(done.value.code or 0), captured.out, captured.err)

    return run
