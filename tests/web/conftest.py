from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.conftest import people  # noqa: F401 - the CLI tests' people, for the web's commands
from tests.web.site import Site, build_site


@pytest.fixture
def site(database_url: str, tmp_path: Path) -> Iterator[Site]:
    built = build_site(database_url, tmp_path / "mail")
    yield built
    built.web.close()


@pytest.fixture
def sqlite_site(sqlite_url: str, tmp_path: Path) -> Iterator[Site]:
    built = build_site(sqlite_url, tmp_path / "mail")
    yield built
    built.web.close()
