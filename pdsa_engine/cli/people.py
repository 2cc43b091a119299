from __future__ import annotations

from typing import Any

import click

from pdsa_engine.aggregates.values import Language, Role
from pdsa_engine.cli import render
from pdsa_engine.cli.core import PdsaGroup, execute, show, state

ROLES = "|".join(Role)


@click.group(cls=PdsaGroup)
def person() -> None:
    """People and their roles (administrators)."""


@person.command("add")
@click.option("--name", required=True, help="Full name.")
@click.option("--email", required=True, help="E-mail address; unique, it identifies the person.")
@click.option("--language", help=f"{'|'.join(Language)} (default da).")
@click.option("--role", multiple=True, required=True, help=f"{ROLES}; repeat for several.")
def add(**fields: Any) -> None:
    """Register a person. On an empty database the first person needs no --as and must be an administrator."""
    from pdsa_engine.application import PdsaApplication
    from pdsa_engine.commands.people import AddPerson

    if state().actor is None:  # the very first person: may set up the database
        state().allow_creating_the_database()
    execute(AddPerson, fields, PdsaApplication.add_person, "Registered person {id}")


@person.command("grant")
@click.argument("person")
@click.option("--role", required=True, help=ROLES)
def grant(**fields: Any) -> None:
    """Give a person another role."""
    from pdsa_engine.application import PdsaApplication
    from pdsa_engine.commands.people import GrantRole

    execute(GrantRole, fields, PdsaApplication.grant_role, "Role granted.")


@person.command("show")
@click.argument("person")
def show_person(person: str) -> None:
    """A person's name, e-mail, language and roles."""
    show(state().queries.person(state().actor, person), render.person)
