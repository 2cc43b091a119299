"""Set-up commands: `init`, `demo` and `run` (the main job)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pdsa_engine.cli import render
from pdsa_engine.cli.core import PdsaCommand, err, out, print_json, state
from pdsa_engine.errors import Refused
from pdsa_engine.runtime import audit_key, is_empty
from pdsa_engine.views import jsonable


@click.command(cls=PdsaCommand)
def init() -> None:
    """Create the database tables and the audit key, and seal any history stored before sealing (idempotent)."""
    from pdsa_engine.audit.sealing import seal_history

    current = state()
    current.allow_creating_the_database()
    app = current.app  # opening the application creates missing tables, and a key for an empty store
    key = audit_key(current.settings, store_is_empty=is_empty(app))
    if key is None:
        raise Refused(f"the database holds history but the audit key is missing at {current.settings.audit_key}: "
                      "restore it from its backup")
    sealed = seal_history(app.recorder, key)
    events = app.recorder.max_notification_id() or 0
    result = {"database": current.settings.describe(), "events": events, "audit_key": str(current.settings.audit_key),
              "key_fingerprint": key.fingerprint, "sealed_now": sealed}
    if current.as_json:
        print_json(result)
        return
    out.print(f"Database ready: {current.settings.describe()} ({events} events).")
    out.print(f"Audit key {key.fingerprint} at {current.settings.audit_key}: keep a copy outside this machine.")
    if sealed:
        out.print(f"Sealed the {sealed} events stored before sealing existed.")


@click.command(cls=PdsaCommand)
@click.option("--if-empty", is_flag=True, help="Do nothing (and succeed) when the database already holds data.")
def demo(if_empty: bool) -> None:
    """Load the demo: a cohort of ~40 participants and their projects, through a simulated year."""
    from pdsa_engine.demo import DEMO_ADMINISTRATOR

    state().allow_creating_the_database()
    loaded = _load_demo_if_empty(refuse_when_full=not if_empty)
    if state().as_json:
        print_json(jsonable(loaded or {"loaded": False}))
    elif loaded:
        out.print(f"Loaded the demo: {loaded['events']} events. Act as the administrator with "
                  f"--as {DEMO_ADMINISTRATOR}; the cohort is {loaded['cohort_id']}.")
        mail = loaded.get("mail") or {}
        if mail:
            out.print(f"Its year of reminders and digests: {mail['sent']} messages sent, {mail['dropped']} dropped "
                      f"as no longer due, {mail['failed']} failed.")
    else:
        out.print("The database already holds data; the demo was not loaded.")


@click.command(cls=PdsaCommand)
@click.option("--serve/--no-serve", default=True, show_default=True,
              help="Serve the site (with the scheduler) after the overview, until Ctrl-C.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
def run(serve: bool, port: int) -> None:
    """The main job: prepare the database, load the demo into an empty one, print every cohort's overview, and
    serve the site at http://127.0.0.1:8000 with log-in links for each of the demo's roles."""
    from pdsa_engine.demo import DEMO_ADMINISTRATOR

    state().allow_creating_the_database()
    _load_demo_if_empty(refuse_when_full=False)
    overviews = state().caught_up_queries().cohort_overviews()
    if state().as_json:
        print_json(overviews)
    else:
        for overview in overviews:
            render.cohort(overview)
        if not overviews:
            out.print("No cohorts yet: create one with `pdsa cohort create`.")
        out.print(f"\nDatabase: {state().settings.describe()}. Try: {_invoked_as()} --as {DEMO_ADMINISTRATOR} "
                  "cohort list")
    if serve:
        _serve_with_links(port)


def _serve_with_links(port: int) -> None:
    """Log-in links for one person of each role (single use, 15 minutes; `pdsa login-link PERSON` makes more),
    then the site."""
    import os

    from pdsa_engine.notifications.settings import MailSettings
    from pdsa_engine.web.auth import Auth
    from pdsa_engine.web.serve import serve
    from pdsa_engine.web.store import open_engine

    current = state()
    mail = MailSettings.from_environ(os.environ, current.settings.maildir)
    auth = Auth(open_engine(current.settings), current.app.clock.now)
    out.print(f"\nOpen http://127.0.0.1:{port} and log in with a link (each works once, within 15 minutes; make "
              f"more with `{_invoked_as()} --as ADMINISTRATOR login-link PERSON`):")
    for role, person in _one_of_each_role():
        link = mail.link(f"/login/{auth.issue_link(person['id'])}").replace(mail.base_url, f"http://127.0.0.1:{port}")
        out.print(f"  {role:<13} {person['name']:<28} {link}")
    auth.engine.dispose()
    current.close()
    serve("127.0.0.1", port, 1, True, out.print)


def _one_of_each_role() -> list[tuple[str, dict[str, object]]]:
    """The demo's administrator, and for the other roles someone who has something to do in them: the
    participant, sponsor and coach of the first project with a sign-off waiting, when there is one."""
    from pdsa_engine.aggregates.values import Role
    from pdsa_engine.demo import DEMO_ADMINISTRATOR
    from pdsa_engine.errors import NotFound

    queries = state().caught_up_queries()
    try:
        admin = state().app.person(DEMO_ADMINISTRATOR)
    except NotFound:  # a database of one's own, not the demo's
        return []
    actor = str(admin.id)
    projects = queries.projects(actor)
    waiting = [p for p in projects if p["pending_signoffs"]] or projects
    chosen: list[tuple[str, dict[str, object]]] = [("administrator", {"id": admin.id, "name": admin.name})]
    if waiting:
        first = waiting[0]
        chosen += [("participant", first["participant"]), ("sponsor", first["sponsor"]), ("coach", first["coach"])]
    auditors = queries.people(actor, Role.AUDITOR)
    if auditors:
        chosen.append(("auditor", {"id": auditors[0]["id"], "name": auditors[0]["name"]}))
    return chosen


def _invoked_as() -> str:
    """How to call pdsa again from here: `make run` calls .venv/bin/pdsa, which is not on the PATH."""
    program = Path(sys.argv[0])
    try:
        return str(program.resolve().relative_to(Path.cwd()))
    except ValueError:
        return program.name


def _load_demo_if_empty(refuse_when_full: bool) -> dict[str, object] | None:
    import os

    from pdsa_engine.demo import load_demo
    from pdsa_engine.notifications.settings import MailSettings

    current = state()
    mail = MailSettings.from_environ(os.environ, current.settings.maildir)  # a malformed setting is said first
    if not is_empty(current.app):
        if refuse_when_full:
            raise Refused("the database already holds data; the demo loads only into an empty one (--if-empty)")
        return None
    with err.status("Loading the demo through a simulated year…") as status:
        return load_demo(current.settings, progress=lambda text: status.update(f"Loading the demo: {text}"), mail=mail)
