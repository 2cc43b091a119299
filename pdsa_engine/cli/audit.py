from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from pdsa_engine.audit.service import Audit, verification_view
from pdsa_engine.cli.core import PdsaGroup, err, out, show, state


@click.group(cls=PdsaGroup)
def audit() -> None:
    """For auditors and administrators: the history, what was signed, and proof it was not rewritten."""


def _audit() -> Audit:
    current = state()
    return Audit(current.app, current.settings)


@audit.command("verify")
@click.option("--checkpoint", "checkpoints", multiple=True, type=click.Path(path_type=Path, dir_okay=False),
              help="A checkpoint file to hold the history against; repeatable (default: those in ./var/checkpoints).")
def verify_command(checkpoints: tuple[Path, ...]) -> None:
    """Recompute the hash chain over every stored event and check its seals and checkpoints.

    Exits 0 when the history holds, and 6 naming the first position where it breaks.
    """
    result = _audit().verify(state().actor, list(checkpoints))
    view = verification_view(result)
    show(view, _render_verification)
    if not result.holds:
        position, problem = result.first_break or (None, "a checkpoint does not hold")
        err.print(f"[bold red]error:[/] the history breaks at position {position}: {problem}")
        click.get_current_context().exit(6)


def _render_verification(view: dict[str, Any]) -> None:
    seals = "seals checked with the audit key" if view["seals_checked"] else "seals NOT checked (no private key)"
    if view["holds"]:
        out.print(f"The history holds: {view['events']} events up to position {view['position']}, chain head "
                  f"{view['head'][:16]}…, {seals}.")
    for checkpoint in view["checkpoints"]:
        state_ = "holds" if checkpoint["problem"] is None else checkpoint["problem"]
        out.print(f"Checkpoint at position {checkpoint['position']} ({checkpoint['file']}): {state_}")


@audit.command("checkpoint")
@click.option("--out", "path", type=click.Path(path_type=Path, dir_okay=False),
              help="Where to write it (default ./var/checkpoints/checkpoint-<position>.json).")
def checkpoint_command(path: Path | None) -> None:
    """Sign the chain's head with the audit key: keep a copy outside the system to hold the history against."""
    checkpoint, written = _audit().checkpoint(state().actor, path)
    show({"path": str(written), **checkpoint.as_json()},
         lambda _: out.print(f"Checkpoint of position {checkpoint.position} written to {written}"))
