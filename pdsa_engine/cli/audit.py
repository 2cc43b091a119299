from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.markup import escape

from pdsa_engine.audit.export import FORMATS
from pdsa_engine.cli import audit_render
from pdsa_engine.cli.core import PdsaGroup, catch_up, cli_id, err, out, show, state, writing_to
from pdsa_engine.errors import InvalidInput

if TYPE_CHECKING:  # the audit service (SQLAlchemy, cryptography, jinja2) is imported when a command runs
    from pdsa_engine.audit.service import Audit


@click.group(cls=PdsaGroup)
def audit() -> None:
    """For auditors and administrators: the history, what was signed, and proof it was not rewritten."""


def _audit(caught_up: bool = False) -> Audit:
    """The audit service. The log and exports read the audit log view, brought up to date first (for auditors
    only: the check comes before the work)."""
    from pdsa_engine.audit.service import Audit

    current = state()
    audit_ = Audit(current.app, current.settings, current.projections)
    if caught_up:
        audit_.auditor(current.actor)
        catch_up(current.projections)
    return audit_


@audit.command("verify")
@click.option("--checkpoint", "checkpoints", multiple=True, type=click.Path(path_type=Path, dir_okay=False),
              help="A checkpoint file to hold the history against; repeatable (default: those in ./var/checkpoints).")
def verify_command(checkpoints: tuple[Path, ...]) -> None:
    """Recompute the hash chain over every stored event and check its seals and checkpoints.

    Exits 0 when the history holds, and 6 naming the first position where it breaks.
    """
    from pdsa_engine.audit.service import describe_break, verification_view

    result = _audit().verify(state().actor, list(checkpoints))
    view = verification_view(result)
    show(view, _render_verification)
    if not result.holds:
        err.print(f"[bold red]error:[/] {escape(describe_break(result))}")
        click.get_current_context().exit(6)


def _render_verification(view: dict[str, Any]) -> None:
    seals = "seals checked with the audit key" if view["seals_checked"] else "seals NOT checked (no private key)"
    if view["holds"]:
        out.print(f"The history holds: {view['events']} events up to position {view['position']}, chain head "
                  f"{view['head'][:16]}…, {seals}.")
    for checkpoint in view["checkpoints"]:
        state_ = "holds" if checkpoint["problem"] is None else checkpoint["problem"]
        out.print(f"Checkpoint at position {checkpoint['position']} ({checkpoint['file']}): {state_}")
    if view["snapshots"]:
        out.print(f"Snapshots: {view['snapshots']} checked, {len(view['snapshot_problems'])} do not hold.")
    for found in view["snapshot_problems"]:
        out.print(f"Snapshot of {found['aggregate_id']} at version {found['version']}: {found['problem']}")


@audit.command("checkpoint")
@click.option("--out", "path", type=click.Path(path_type=Path, dir_okay=False),
              help="Where to write it (default ./var/checkpoints/checkpoint-<position>.json).")
def checkpoint_command(path: Path | None) -> None:
    """Sign the chain's head with the audit key: keep a copy outside the system to hold the history against."""
    with writing_to("out", path or state().settings.checkpoints):
        checkpoint, written, snapshots = _audit().checkpoint(state().actor, path)
    show({"path": str(written), **checkpoint.as_json(), "snapshots_taken": snapshots},
         lambda _: out.print(f"Checkpoint of position {checkpoint.position} written to {written}"
                             + (f"; {snapshots} snapshots of long histories taken" if snapshots else "")))


def _language(of: str = "the sentences") -> Any:
    return click.option("--language", type=click.Choice(["da", "en"]),
                        help=f"The language of {of} (default: the reader's own).")


@audit.command("log")
@click.option("--project", help="Only this project's events (its own, its cycles', sign-offs' and data's).")
@click.option("--person", help="Only events by or about this person (id or e-mail).")
@click.option("--type", "type_", metavar="NAME", help="Only this event type, as the log names it (e.g. SignOff.Decided).")
@click.option("--since", metavar="TIME", help="From this moment (ISO 8601; without a zone, Danish time).")
@click.option("--until", metavar="TIME", help="Up to and including this moment.")
@_language()
def log_command(project: str | None, person: str | None, type_: str | None, since: str | None, until: str | None,
                language: str | None) -> None:
    """Every event as a line: when, who in which role, what, the reason and the fields it changed."""
    from pdsa_engine.audit.log import LogFilter, event_name, parse_moment

    chosen = LogFilter(
        project=str(cli_id("project", project)) if project else None, person=person,
        event=event_name(type_) if type_ else None,
        since=parse_moment("since", since) if since else None, until=parse_moment("until", until) if until else None,
    )
    audit_ = _audit(caught_up=True)
    show(audit_.log(state().actor, chosen, language), audit_render.log)


@audit.command("replay")
@click.argument("project")
@click.option("--at", metavar="TIME", help="The moment (ISO 8601; without a zone, Danish time).")
@click.option("--version", type=int, help="The project's version (`pdsa project show` prints it).")
def replay_command(project: str, at: str | None, version: int | None) -> None:
    """The whole project as it was at a moment or version, rebuilt from the stored events."""
    from pdsa_engine.audit.log import parse_moment

    if (at is None) == (version is None):
        raise InvalidInput("at", "give exactly one of --at TIME or --version N")
    moment = parse_moment("at", at) if at else None
    show(_audit().replay(state().actor, cli_id("project", project), at=moment, version=version),
         audit_render.replay)


@audit.command("signoff")
@click.argument("signoff")
def signoff_command(signoff: str) -> None:
    """What the sponsor signed: the project at the decision, and what changed before and after it."""
    show(_audit().signoff(state().actor, cli_id("signoff", signoff)), audit_render.signed)


@audit.command("export")
@click.argument("project")
@click.option("--format", "format_", type=click.Choice(FORMATS), required=True, help="jsonl, csv or html.")
@click.option("--out", "path", type=click.Path(path_type=Path), required=True, help="The file to write.")
@click.option("--force", is_flag=True, help="Replace the file if it exists.")
@_language("the sentences and of the HTML report's words")
def export_command(project: str, format_: str, path: Path, force: bool, language: str | None) -> None:
    """The project's full history as a file; the HTML report adds the state at each sign-off and the
    verification of the whole history. The export itself is recorded."""
    audit_ = _audit(caught_up=True)
    with writing_to("out", path):
        done = audit_.export(state().actor, cli_id("project", project), format_, path, language, replace_file=force)
    show(done, lambda d: out.print(f"Wrote {d['events']} events to {d['path']} ({d['format']}); "
                                   f"the export is recorded as {d['record']}"))
