from __future__ import annotations

import click

from pdsa_engine.cli.core import PdsaGroup, catch_up, out, rebuild, show, state
from pdsa_engine.errors import InvalidInput


@click.group(cls=PdsaGroup)
def projections() -> None:
    """The read models (SPC series, cohort dashboards), kept up to date from the events."""


@projections.command("catch-up")
@click.option("--batch", type=click.IntRange(1, 100_000), default=None,
              help="Events per transaction (default 2000).")
def catch_up_command(batch: int | None) -> None:
    """Process what the views have not seen yet (read commands do this first anyway)."""
    views = state().projections
    _report(catch_up(views, batch), views.store.positions())


@projections.command("rebuild")
@click.argument("name", required=False)
def rebuild_command(name: str | None) -> None:
    """Empty one view (or all) and build it again from every stored event."""
    views = state().projections
    names = [v.name for v in views.views]
    if name is not None and name not in names:
        raise InvalidInput("name", f"must be one of {', '.join(names)}")
    _report(rebuild(views, [name] if name else None), views.store.positions())


def _report(processed: dict[str, int], positions: dict[str, int]) -> None:
    def human(_: object) -> None:
        for name, count in processed.items():
            out.print(f"{name}: {count} events processed, at position {positions[name]}")

    show({"processed": processed, "positions": {name: positions[name] for name in processed}}, human)
