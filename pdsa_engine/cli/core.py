"""The machinery every `pdsa` command shares: the acting person, the lazily opened application, `--json`,
turning raw options into a command model, and printing results and errors."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

import click
from rich.console import Console
from rich.markup import escape

from pdsa_engine.cli.ids import DIAGRAM_FIELDS, is_id_field, resolve_id
from pdsa_engine.commands import parse
from pdsa_engine.commands.text import json_escaped, visible
from pdsa_engine.config import Settings
from pdsa_engine.errors import InvalidInput, PdsaError
from pdsa_engine.runtime import ApplicationFactory, open_application, open_projections
from pdsa_engine.views import jsonable

if TYPE_CHECKING:  # what a command opens is imported when it runs: `pdsa --help` imports none of it
    from pydantic import BaseModel

    from pdsa_engine.application import PdsaApplication
    from pdsa_engine.projections.runner import Projections
    from pdsa_engine.queries import Queries

M = TypeVar("M", bound="BaseModel")


class SafeConsole(Console):
    """A console that never lets stored text drive the terminal: control characters that older records may
    hold are shown as escapes. Away from a terminal (a pipe, a file) lines are never cut to 80 columns."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(highlight=False, soft_wrap=True, **kwargs)
        if not self.is_terminal:
            self.width = 100_000

    def print(self, *objects: Any, **kwargs: Any) -> None:
        super().print(*(visible(o) if isinstance(o, str) else o for o in objects), **kwargs)


out = SafeConsole()
err = SafeConsole(stderr=True)


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

    def allow_creating_the_database(self) -> None:
        """For the commands that set a system up: they may create the database where there is none."""
        if self._app is None:
            self.settings = replace(self.settings, create_database=True)

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
    """The command model from the options given; options left out take the model's defaults. Ids may be
    given by their beginning (the short ids tables show)."""
    given = {name: value for name, value in fields.items() if value is not None and value != ()}
    id_fields = [name for name, info in model.model_fields.items() if name in given and is_id_field(info.annotation)]
    if "project" in id_fields:  # first: the diagram's nodes are looked for within it
        id_fields.remove("project")
        given["project"] = str(cli_id("project", str(given["project"])))
    for name in id_fields:
        value = given[name]
        if isinstance(value, tuple):
            given[name] = tuple(str(cli_id(name, str(item))) for item in value)
        else:
            given[name] = str(cli_id(name, str(value), project=given.get("project")))
    return parse(model, given)


def cli_id(field: str, text: str, project: str | None = None) -> UUID:
    """An id given on the command line, whole or by its beginning."""
    try:
        return UUID(text.strip())
    except ValueError:
        pass
    app = state().app
    nodes = None
    if project is not None and field in DIAGRAM_FIELDS:
        def nodes() -> list[UUID]:
            from pdsa_engine.aggregates.project import ImprovementProject

            return [node.node_id for node in app.load(ImprovementProject, UUID(project)).diagram.nodes]
    return resolve_id(app.recorder, field, text, nodes)


def execute(
    model: type[M], fields: dict[str, Any], action: Callable[[PdsaApplication, str | None, M], Any],
    done: str,
) -> None:
    """Runs one command: parse, act, report. ``done`` describes the result; ``{id}`` is what was created."""
    cmd = command_input(model, fields)
    current = state()
    result = current.app.run_command(action, current.actor, cmd)
    payload: dict[str, Any] = {"id": result} if isinstance(result, UUID) else dict(result or {})
    if current.as_json:
        print_json(payload or {"ok": True})
    else:
        out.print(done.format(**{k: v for k, v in payload.items()}))


def show(data: Any, render: Callable[[Any], None]) -> None:
    if state().as_json:
        print_json(data)
    else:
        render(shown_safely(data))


def shown_safely(data: Any) -> Any:
    """The data with every text made visible(), for renderers that put text into tables and trees."""
    if isinstance(data, str):
        return visible(data)
    if isinstance(data, dict):
        return {key: shown_safely(value) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return [shown_safely(value) for value in data]
    return data


def print_json(data: Any) -> None:
    # JSON escapes C0 controls itself; the others are written as \\uXXXX escapes too: the same value, never raw.
    text = json.dumps(jsonable(data), ensure_ascii=False, indent=2)
    sys.stdout.write(json_escaped(text) + "\n")


def report_error(error: PdsaError, as_json: bool) -> None:
    message = error.message
    if error.field and not message.startswith(f"{error.field}: "):
        message += f" (--{error.field.replace('_', '-')})"  # a rule's refusal that names the option to give
    err.print(f"[bold red]error:[/] {escape(message)}")
    if as_json:
        print_json({"error": error.as_dict()})


@contextmanager
def writing_to(field: str, path: Path) -> Iterator[None]:
    """A file the command writes: a path that cannot be written is the option's fault, said as such."""
    try:
        yield
    except OSError as problem:
        reason = problem.strerror or str(problem)
        raise InvalidInput(field, f"cannot write {path}: {reason} — give a file in a folder that exists and that "
                                  "you may write to") from None
