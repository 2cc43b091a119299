"""Every command's help speaks of the project only: no file is cited that the project does not have."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import click

from pdsa_engine.aggregates.cohort import DEFAULT_QUOTAS
from pdsa_engine.cli import cli

ROOT = Path(__file__).resolve().parents[2]
# Documents and sources a help text might send a reader to; files the commands write (FILE.svg, ./var/…) are
# the reader's own and not cited as documentation.
CITED = re.compile(r"[\w./-]*[\w-]\.(?:md|rst|txt|py|toml|cfg|ini|pdf|docx?|ipynb|html)\b", re.IGNORECASE)
OUTSIDE = ("DOMAIN.md", "seeds/", "/work/")


def commands(command: click.Command, parent: click.Context | None = None) -> Iterator[tuple[str, str]]:
    """Every command of the tree with its full help as `--help` prints it (options included)."""
    context = click.Context(command, info_name=command.name if parent else "pdsa", parent=parent)
    yield context.command_path, command.get_help(context)
    if isinstance(command, click.Group):
        for name in command.list_commands(context):
            sub = command.get_command(context, name)
            assert sub is not None
            yield from commands(sub, context)


def test_the_tree_is_walked_whole() -> None:
    paths = dict(commands(cli))
    assert {"pdsa", "pdsa cohort create", "pdsa cohort import", "pdsa spc chart", "pdsa audit export"} <= set(paths)
    assert len(paths) > 40


def test_no_help_text_cites_a_file_outside_the_project() -> None:
    problems = []
    for path, text in commands(cli):
        problems += [f"{path}: {word!r}" for word in OUTSIDE if word in text]
        for cited in CITED.findall(text):
            if not (ROOT / cited.lstrip("./")).exists():
                problems.append(f"{path}: cites {cited!r}, which the project does not have")
    assert not problems, "\n".join(problems)


def test_cohort_create_says_what_the_default_seats_are() -> None:
    help_text = " ".join(dict(commands(cli))["pdsa cohort create"].split())
    regional = sum(seats["regional"] for seats in DEFAULT_QUOTAS.values())
    municipal = sum(seats["municipal"] for seats in DEFAULT_QUOTAS.values())
    assert f"{regional} regional and {municipal} municipal seats" in help_text
    assert "Region Nordjylland 5/1" in help_text and "general practice 0" in help_text
    assert "pdsa cohort quota" in help_text
