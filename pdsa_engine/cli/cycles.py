from __future__ import annotations

from typing import Any

import click

from pdsa_engine.aggregates.values import Decision
from pdsa_engine.cli import render
from pdsa_engine.cli.core import PdsaGroup, cli_id, execute, show, state


@click.group(cls=PdsaGroup)
def cycle() -> None:
    """PDSA cycles: Plan → Do → Study → Act, no phase skipped or repeated."""


def plan_options(required: bool) -> Any:
    """The plan's options; `cycle amend` takes them too, all optional."""

    def decorate(command: Any) -> Any:
        for option in reversed([
            click.option("--objective", required=required, help="What the test is for."),
            click.option("--prediction", multiple=True, required=required, help="What you expect; repeatable."),
            click.option("--question", multiple=True, help="A question the test answers; repeatable."),
            click.option("--who", help="Who carries it out."),
            click.option("--where", help="Where it happens."),
            click.option("--data-plan", help="How the data is collected."),
            click.option("--start", required=required, metavar="DATE", help="Planned start."),
            click.option("--end", required=required, metavar="DATE", help="Planned end."),
        ]):
            command = option(command)
        return command

    return decorate


@cycle.command("plan")
@click.argument("project")
@click.option("--change-idea", required=True, help="The id of the change idea tested.")
@plan_options(required=True)
@click.option("--measure", multiple=True, help="A measure the predictions are about; repeatable.")
@click.option("--continues", help="The previous cycle of this change idea (a ramp); required after adapt.")
def plan(**fields: Any) -> None:
    """Plan a cycle on an active project; one open cycle per change idea."""
    from pdsa_engine.application import PdsaApplication
    from pdsa_engine.commands.cycles import PlanCycle

    execute(PlanCycle, fields, PdsaApplication.plan_cycle, "Planned cycle {id}")


@cycle.command("do")
@click.argument("cycle")
@click.option("--observations", required=True, help="What was carried out and observed.")
@click.option("--problems", help="Problems and unexpected observations.")
def do(**fields: Any) -> None:
    """Record the Do phase."""
    from pdsa_engine.application import PdsaApplication
    from pdsa_engine.commands.cycles import DoCycle

    execute(DoCycle, fields, PdsaApplication.do_cycle, "Do recorded.")


@cycle.command("study")
@click.argument("cycle")
@click.option("--findings", required=True, help="Results against the predictions; what was learned.")
def study(**fields: Any) -> None:
    """Record the Study phase."""
    from pdsa_engine.application import PdsaApplication
    from pdsa_engine.commands.cycles import StudyCycle

    execute(StudyCycle, fields, PdsaApplication.study_cycle, "Study recorded.")


@cycle.command("act")
@click.argument("cycle")
@click.option("--decision", required=True, help="|".join(Decision))
@click.option("--next-steps")
def act(**fields: Any) -> None:
    """Record the decision, which closes the cycle for good."""
    from pdsa_engine.application import PdsaApplication
    from pdsa_engine.commands.cycles import ActCycle

    execute(ActCycle, fields, PdsaApplication.act_cycle, "Cycle closed.")


@cycle.command("amend")
@click.argument("cycle")
@plan_options(required=False)
@click.option("--observations")
@click.option("--problems")
@click.option("--findings")
def amend(**fields: Any) -> None:
    """Amend the record of the phase the cycle is in (earlier phases' records stay as they were)."""
    from pdsa_engine.application import PdsaApplication
    from pdsa_engine.commands.cycles import AmendCycle

    execute(AmendCycle, fields, PdsaApplication.amend_cycle, "Amended.")


@cycle.command("cancel")
@click.argument("cycle")
@click.option("--reason", required=True)
def cancel(**fields: Any) -> None:
    """Cancel an open cycle."""
    from pdsa_engine.application import PdsaApplication
    from pdsa_engine.commands.cycles import CancelCycle

    execute(CancelCycle, fields, PdsaApplication.cancel_cycle, "Cancelled.")


@cycle.command("show")
@click.argument("cycle")
def show_cycle(cycle: str) -> None:
    """The cycle with the records of its phases."""
    show(state().queries.cycle(state().actor, cli_id("cycle", cycle)), render.cycle)
