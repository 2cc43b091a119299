"""`pdsa serve`, and the web's keys: log-in links, API tokens, sessions."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import click

from pdsa_engine.cli.core import PdsaCommand, PdsaGroup, out, print_json, show, state
from pdsa_engine.errors import InvalidInput, PermissionDenied

if TYPE_CHECKING:
    from pdsa_engine.aggregates.person import Person
    from pdsa_engine.web.auth import Auth


@click.command(cls=PdsaCommand)
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True, help="Server processes.")
@click.option("--no-scheduler", is_flag=True, help="Do not start the scheduler of reminders and digests beside "
                                                   "the site (another server, or `pdsa scheduler run`, sends them).")
def serve(host: str, port: int, workers: int, no_scheduler: bool) -> None:
    """Serve the web pages and the JSON API (/api/v1, documented at /api/docs) until Ctrl-C."""
    from pdsa_engine.notifications.settings import MailSettings
    from pdsa_engine.web.serve import serve as run_server

    current = state()
    MailSettings.from_environ(os.environ, current.settings.maildir)  # a malformed setting is said before start
    current.app  # noqa: B018 - opened now: a missing database is said here, not by each worker
    current.close()
    run_server(host, port, workers, not no_scheduler, out.print)


def _auth() -> Auth:
    from pdsa_engine.web.auth import Auth
    from pdsa_engine.web.store import open_engine

    current = state()
    return Auth(open_engine(current.settings), current.app.clock.now)


def _administrator_or_self(person: Person) -> Person:
    from pdsa_engine.aggregates.values import Role

    current = state()
    if current.actor is None:
        raise PermissionDenied("this command needs an acting person: give --as PERSON or set PDSA_ACTOR")
    reader = current.app.person(current.actor)
    if reader.id != person.id and not reader.holds(Role.ADMINISTRATOR):
        raise PermissionDenied(f"{reader.name} may do this only for themselves (or be an administrator)")
    return reader


@click.command("login-link", cls=PdsaCommand)
@click.argument("person")
@click.option("--next", "next_path", default="/", help="The page to open after log-in.")
def login_link(person: str, next_path: str) -> None:
    """Print a single-use log-in link for PERSON, valid 15 minutes (administrators)."""
    from pdsa_engine.aggregates.values import Role
    from pdsa_engine.notifications.settings import MailSettings
    from pdsa_engine.web.login import safe_next

    current = state()
    mail = MailSettings.from_environ(os.environ, current.settings.maildir)
    current.app.acting(current.actor, Role.ADMINISTRATOR)
    found = current.app.person(person)
    link = mail.link(f"/login/{_auth().issue_link(found.id, safe_next(next_path))}")
    show({"person": found.id, "link": link, "valid_minutes": 15}, lambda data: out.print(data["link"]))


@click.group(cls=PdsaGroup)
def token() -> None:
    """API tokens for scripts: `Authorization: Bearer TOKEN` on /api/v1."""


@token.command("create")
@click.option("--person", required=True, help="Whose token it is (id or e-mail); they act through it.")
@click.option("--name", default="script", show_default=True, help="What it is for, to tell tokens apart.")
@click.option("--expires", type=click.IntRange(1, 3650), metavar="DAYS", help="Days until it stops working; "
                                                                                "default never.")
def token_create(person: str, name: str, expires: int | None) -> None:
    """Create a token and print it once: only its hash is kept (administrators, or the person themselves)."""
    current = state()
    holder = current.app.person(person)
    creator = _administrator_or_self(holder)
    if not name.strip() or len(name) > 200:
        raise InvalidInput("name", "must be 1 to 200 characters")
    secret, token_id = _auth().create_token(holder.id, name.strip(), creator.id,
                                           timedelta(days=expires) if expires else None)
    if current.as_json:
        print_json({"token": secret, "id": token_id})
    else:
        out.print(f'{{"token": "{secret}"}}')
        out.print(f"Token {token_id}: keep it secret; it is shown only now. Revoke it with "
                  f"`pdsa token revoke {token_id}`.")


@token.command("list")
@click.option("--person", help="Only this person's tokens.")
def token_list(person: str | None) -> None:
    """The tokens (never their secrets), with when they expire or were revoked."""
    from pdsa_engine.aggregates.values import Role
    from pdsa_engine.clock import utc_text

    current = state()
    if current.actor is None:
        raise PermissionDenied("this command needs an acting person: give --as PERSON or set PDSA_ACTOR")
    holder = current.app.person(person or current.actor)
    reader = _administrator_or_self(holder)
    everyone = reader.holds(Role.ADMINISTRATOR) and not person
    found = _auth().tokens(None if everyone else holder.id)
    rows = [{"id": t.token_id, "person": t.person_id, "name": t.name, "created_at": _moment(t.created_at, utc_text),
             "expires_at": _moment(t.expires_at, utc_text), "revoked_at": _moment(t.revoked_at, utc_text)}
            for t in found]

    def render(data: list[dict[str, Any]]) -> None:
        for row in data:
            state_of = "revoked" if row["revoked_at"] else f"expires {row['expires_at']}" if row["expires_at"] \
                else "never expires"
            out.print(f"{row['id']}  {row['name']}  {state_of}")
        if not data:
            out.print("No tokens.")

    show(rows, render)


def _moment(value: float | None, utc_text: Any) -> str | None:
    from datetime import UTC, datetime

    return None if value is None else utc_text(datetime.fromtimestamp(value, UTC))


@token.command("revoke")
@click.argument("token_id", metavar="ID")
def token_revoke(token_id: str) -> None:
    """Revoke a token: requests with it are refused from now on."""
    from uuid import UUID

    current = state()
    try:
        wanted = UUID(token_id.strip())
    except ValueError:
        raise InvalidInput("id", "must be the id `pdsa token create` printed") from None
    auth = _auth()
    found = auth.token(wanted)
    _administrator_or_self(current.app.person(str(found.person_id)))
    auth.revoke_token(wanted)
    show({"id": wanted, "revoked": True}, lambda _: out.print("Revoked."))


@click.group(cls=PdsaGroup)
def session() -> None:
    """Log-in sessions of the site."""


@session.command("end")
@click.argument("person")
def session_end(person: str) -> None:
    """End every session of PERSON, on every device, and the sign-off links mailed to them (administrators;
    e.g. after a lost phone)."""
    from pdsa_engine.aggregates.values import Role
    from pdsa_engine.web.mailed_links import MailedLinks

    current = state()
    current.app.acting(current.actor, Role.ADMINISTRATOR)
    found = current.app.person(person)
    auth = _auth()
    ended = auth.end_sessions_of(found.id)
    links = MailedLinks(auth.engine).end_all_of(found.id, current.app.clock.now())
    show({"person": found.id, "ended": ended, "mailed_links_ended": links},
         lambda data: out.print(f"Ended {data['ended']} session(s) and {data['mailed_links_ended']} mailed "
                                "sign-off link(s)."))



