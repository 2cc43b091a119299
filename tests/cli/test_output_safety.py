"""Text that reached the history before control characters were refused is shown, never acted on."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import UUID

from pdsa_engine.commands import cycles
from tests.builders import database_app
from tests.cli.test_cli import ADMIN, PARTICIPANT, created
from tests.support.cli import Pdsa

HOSTILE = "Rødt \x1b[31mRED\x1b[0m \u202egnp.exe\u202c og \x9b2J"


def strings_in(data: Any) -> Iterator[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from strings_in(value)
    elif isinstance(data, list):
        for value in data:
            yield from strings_in(value)


def test_stored_control_characters_are_escaped_in_every_output(project: tuple[str, str, str], pdsa: Pdsa,
                                                               sqlite_url: str) -> None:
    project_id, _, idea = project
    cycle = created(pdsa("--as", PARTICIPANT, "cycle", "plan", project_id, "--change-idea", idea, "--objective", "o",
                         "--prediction", "p", "--start", "2031-03-01", "--end", "2031-03-14", "--json"))
    older_release = database_app(sqlite_url)  # as an older release stored it: the command model not checked
    older_release.do_cycle(PARTICIPANT, cycles.DoCycle.model_construct(cycle=UUID(cycle), observations=HOSTILE,
                                                                       problems=None))
    older_release.close()
    for command in (("cycle", "show", cycle), ("audit", "log", "--project", project_id)):
        for json in ((), ("--json",)):
            result = pdsa("--as", ADMIN, *command, *json)
            assert result.code == 0, result.err
            for raw in ("\x1b", "\u202e", "\u202c", "\x9b"):
                assert raw not in result.out
            if json:  # the exact stored value, written with escapes
                assert any(HOSTILE in text for text in strings_in(result.json))
            else:
                assert "\\x1b[31mRED" in result.out and "\\u202e" in result.out


def test_a_refused_text_names_the_character(project: tuple[str, str, str], pdsa: Pdsa) -> None:
    project_id, _, _ = project
    result = pdsa("--as", PARTICIPANT, "project", "driver", "add", project_id, "--primary", "a\x1b[31mb", "--json")
    assert result.code == 2 and result.json["error"]["field"] == "primary" and "U+001B" in result.err
