"""The machinery every `pdsa` command shares: the acting person, the lazily opened application, `--json`,
turning raw options into a command model, and printing results and errors."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

import click
from rich.console import Console
from rich.markup import escape

from pdsa_engine.commands import parse
from pdsa_engine.config import Settings
from pdsa_engine.errors import PdsaError
from pdsa_engine.runtime import ApplicationFactory, open_application, open_projections
from pdsa_engine.views import jsonable

if TYPE_CHECKING:  # what a command opens is imported when it runs: `pdsa --help` imports none of it
    from pydantic import BaseModel

    from pdsa_engine.application import PdsaApplication
    from pdsa_engine.projections.runner import Projections
    from pdsa_engine.queries import Queries

M = TypeVar("M", bound="BaseModel")
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


@dataclass
class CliState:
    settings: Settings
    app_factory: ApplicationFactory = open_application
    actor: str | None = None
    as_json: bool = False
    _app: PdsaApplication | None = field(default=None, repr=False)
    _projections: Projections | None = field(default=None, repr=False)

    @property
    def app(self) -> PdsaApplication:
        if self._app is None:
            self._app = self.app_factory(self.settings)
        return self._app

    @property
    def projections(self) -> Projections:
        if self._projections is None:
            self._projections = open_projections(self.app, self.settings)
        return self._projections

    @property
    def queries(self) -> Queries:
        """Reads of aggregates open no views; those that read the views open them when they first do."""
        from pdsa_engine.queries import Queries

        return Queries(self.app, self._projections, open_views=lambda: self.projections)

    def caught_up_queries(self) -> Queries:
        """Reads come from the stored views, brought up to date first."""
        catch_up(self.projections)
        return self.queries

    def close(self) -> None:
        if self._projections is not None:
            self._projections.store.close()
        if self._app is not None:
            self._app.close()


def catch_up(projections: Projections, batch: int | None = None) -> dict[str, int]:
    """Brings the views up to date, with a progress bar on stderr when there is much to do."""
    from pdsa_engine.projections.runner import BATCH

    positions = projections.store.positions().values()
    behind = (projections.app.recorder.max_notification_id() or 0) - min(positions, default=0)
    size = batch or BATCH
    if behind < 5000:
        return projections.catch_up(batch=size)
    return _with_progress("Catching up the views", lambda show: projections.catch_up(batch=size, progress=show))


def rebuild(projections: Projections, names: list[str] | None) -> dict[str, int]:
    return _with_progress("Rebuilding the views", lambda show: projections.rebuild(names, progress=show))


def _with_progress(description: str, work: Callable[[Callable[[int, int], None]], dict[str, int]]) -> dict[str, int]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task(description, total=None)
        return work(lambda done, total: bar.update(task, completed=done, total=total))


def state() -> CliState:
    return click.get_current_context().ensure_object(CliState)


class PdsaCommand(click.Command):
    """A command that accepts --json after its name."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params.append(click.Option(["--json", "as_json"], is_flag=True, help="Print the result as JSON."))

    def invoke(self, ctx: click.Context) -> Any:
        ctx.ensure_object(CliState).as_json = ctx.params.pop("as_json", False)
        return super().invoke(ctx)


class PdsaGroup(click.Group):
    command_class = PdsaCommand
    group_class = type  # subgroups are PdsaGroups too


def command_input(model: type[M], fields: dict[str, Any]) -> M:
    """The command model from the options given; options left out take the model's defaults."""
    given = {name: value for name, value in fields.items() if value is not None and value != ()}
    return parse(model, given)


def execute(
    model: type[M], fields: dict[str, Any], action: Callable[[PdsaApplication, str | None, M], Any],
    done: str,
) -> None:
    """Runs one command: parse, act, report. ``done`` describes the result; ``{id}`` is what was created."""
    cmd = command_input(model, fields)
    current = state()
    result = action(current.app, current.actor, cmd)
    payload: dict[str, Any] = {"id": result} if isinstance(result, UUID) else dict(result or {})
    if current.as_json:
        print_json(payload or {"ok": True})
    else:
        out.print(done.format(**{k: v for k, v in payload.items()}))


def show(data: Any, render: Callable[[Any], None]) -> None:
    if state().as_json:
        print_json(data)
    else:
        render(data)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(jsonable(data), ensure_ascii=False, indent=2) + "\n")


def report_error(error: PdsaError, as_json: bool) -> None:
    err.print(f"[bold red]error:[/] {escape(error.message)}")
    if as_json:
        print_json({"error": error.as_dict()})
