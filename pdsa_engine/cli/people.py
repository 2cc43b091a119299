from __future__ import annotations

from typing import Any

import click

from pdsa_engine.aggregates.values import PERSON_ROLES, Language
from pdsa_engine.cli import render
from pdsa_engine.cli.core import PdsaGroup, execute, show, state

ROLES = "|".join(PERSON_ROLES)


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


@person.command("notifications")
@click.argument("person")
@click.option("--digest", type=click.Choice(["on", "off"]), help="The weekly digest on or off.")
@click.option("--digest-day", metavar="DAY", help="Its day: mon, tue, wed, thu, fri, sat or sun (default: the cohort's).")
@click.option("--digest-hour", metavar="H", help="Its hour, Danish time, 0 to 23 (default: the cohort's).")
def notifications(person: str, digest: str | None, digest_day: str | None, digest_hour: str | None) -> None:
    """Choose a person's weekly digest (the person themselves, or an administrator). Reminders of what waits
    for their decision are always sent."""
    from pdsa_engine.application import PdsaApplication
    from pdsa_engine.commands.people import SetNotifications

    fields = {"person": person, "digest": None if digest is None else digest == "on", "digest_day": digest_day,
              "digest_hour": digest_hour}
    execute(SetNotifications, fields, PdsaApplication.choose_digest, "Digest set.")
