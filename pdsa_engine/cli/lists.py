"""`person list`, `project list` and `signoff list`: what people look for before they act (a sponsor's
"what waits for me"). Tables show short ids; any unique beginning of an id is accepted wherever an id is."""

from __future__ import annotations

from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from pdsa_engine.aggregates.values import PERSON_ROLES, Role, SignOffStatus
from pdsa_engine.cli.core import PdsaCommand, cli_id, out, show, state

SHORT_ID = 8


def short(identifier: Any) -> str:
    return str(identifier)[:SHORT_ID]


@click.command("list", cls=PdsaCommand)
@click.option("--role", type=click.Choice([r.value for r in PERSON_ROLES]), help="Only the people holding this role.")
def person_list(role: str | None) -> None:
    """Everyone registered, by name (for administrators, coaches and auditors)."""
    current = state()
    show(current.caught_up_queries().people(current.actor, Role(role) if role else None), _people)


@click.command("list", cls=PdsaCommand)
@click.option("--cohort", help="Only the projects of this cohort (its id).")
@click.option("--mine", is_flag=True, help="Only the projects I am the participant, sponsor or coach of.")
def project_list(cohort: str | None, mine: bool) -> None:
    """Projects by title: all of them for administrators, coaches and auditors, otherwise one's own."""
    current = state()
    cohort_id = cli_id("cohort", cohort) if cohort else None
    show(current.caught_up_queries().projects(current.actor, cohort_id, mine), _projects)


@click.command("list", cls=PdsaCommand)
@click.option("--mine", is_flag=True, help="Only the sign-offs addressed to me, or asked for by me.")
@click.option("--status", type=click.Choice([s.value for s in SignOffStatus]),
              help="Only sign-offs in this state (requested: waiting for the sponsor).")
def signoff_list(mine: bool, status: str | None) -> None:
    """Sign-offs, oldest request first; `--mine --status requested` is what waits for a sponsor."""
    current = state()
    show(current.caught_up_queries().signoffs(current.actor, mine, status), _signoffs)


def _people(rows: list[dict[str, Any]]) -> None:
    table = Table("id", "name", "e-mail", "roles", "language", title=f"People ({len(rows)})")
    for row in rows:
        table.add_row(short(row["id"]), escape(row["name"]), escape(row["email"]), ", ".join(row["roles"]),
                      row["language"])
    out.print(table)


def _projects(rows: list[dict[str, Any]]) -> None:
    table = Table("id", "title", "status", "participant", "sponsor", "coach", "waiting", title=f"Projects ({len(rows)})")
    for row in rows:
        table.add_row(short(row["id"]), escape(row["title"]), row["status"], escape(row["participant"]["name"]),
                      escape(row["sponsor"]["name"]), escape(row["coach"]["name"]), str(row["pending_signoffs"]))
    out.print(table)


def _signoffs(rows: list[dict[str, Any]]) -> None:
    table = Table("id", "kind", "status", "project", "sponsor", "requested", "decided", title=f"Sign-offs ({len(rows)})")
    for row in rows:
        table.add_row(short(row["id"]), row["kind"], row["status"], escape(row["project"]),
                      escape(row["sponsor"]["name"]), _day(row["requested_at"]), _day(row["decided_at"]))
    out.print(table)


def _day(moment: str | None) -> str:
    return "—" if not moment else moment[:10]
