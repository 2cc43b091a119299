from __future__ import annotations

from typing import Any

import click

from pdsa_engine.aggregates.values import SignOffStatus
from pdsa_engine.cli import render
from pdsa_engine.cli.core import PdsaGroup, cli_id, execute, show, state


@click.group(cls=PdsaGroup)
def signoff() -> None:
    """Sponsor sign-offs: the addressed sponsor decides; the participant may withdraw."""


def _decide(decision: SignOffStatus, fields: dict[str, Any]) -> None:
    from pdsa_engine.application import PdsaApplication
    from pdsa_engine.commands.signoffs import DecideSignOff

    execute(DecideSignOff, {**fields, "decision": decision}, PdsaApplication.decide_signoff,
            f"Sign-off {decision.value.replace('_', ' ')}.")


@signoff.command("approve")
@click.argument("signoff")
@click.option("--comment")
def approve(**fields: Any) -> None:
    """Approve (sponsor)."""
    _decide(SignOffStatus.APPROVED, fields)


@signoff.command("request-changes")
@click.argument("signoff")
@click.option("--comment", required=True, help="What should change.")
def request_changes(**fields: Any) -> None:
    """Send it back for changes (sponsor)."""
    _decide(SignOffStatus.CHANGES_REQUESTED, fields)


@signoff.command("decline")
@click.argument("signoff")
@click.option("--comment", required=True, help="Why.")
def decline(**fields: Any) -> None:
    """Decline (sponsor)."""
    _decide(SignOffStatus.DECLINED, fields)


@signoff.command("withdraw")
@click.argument("signoff")
def withdraw(**fields: Any) -> None:
    """Withdraw a pending request (the participant who made it)."""
    from pdsa_engine.application import PdsaApplication
    from pdsa_engine.commands.signoffs import WithdrawSignOff

    execute(WithdrawSignOff, fields, PdsaApplication.withdraw_signoff, "Withdrawn.")


@signoff.command("show")
@click.argument("signoff")
def show_signoff(signoff: str) -> None:
    """The request, its status and the project versions it was requested and decided on."""
    show(state().queries.signoff(state().actor, cli_id("signoff", signoff)), render.signoff)
