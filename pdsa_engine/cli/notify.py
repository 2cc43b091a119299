"""`pdsa notify` and `pdsa outbox`: the reminders and digests on demand, and the messages they left behind."""

from __future__ import annotations

import os
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

import click
from rich.table import Table

from pdsa_engine.cli.core import PdsaGroup, cli_id, err, out, print_json, show, state
from pdsa_engine.clock import LOCAL_ZONE
from pdsa_engine.errors import InvalidInput

if TYPE_CHECKING:
    from pdsa_engine.notifications.service import Notifier

# Exit code of a run that could not deliver everything: the mail stays queued and is tried again.
UNDELIVERED = 7
STATUSES = ("queued", "sending", "sent", "deferred", "failed", "dropped")
AT_HELP = ("The moment to evaluate at, Danish time: YYYY-MM-DDTHH:MM or YYYY-MM-DD (its midnight); default now.")


def parse_moment(field: str, text: str | None) -> datetime:
    """A moment given on the command line, in Danish time unless it names its offset; by default the
    application's now."""
    if text is None:
        return state().app.clock.now()
    try:
        if len(text.strip()) == 10:
            return datetime.combine(date.fromisoformat(text.strip()), time(0), tzinfo=LOCAL_ZONE)
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(field, f"{text!r} is not a moment: write 2026-12-07T07:00 or 2026-12-07") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=LOCAL_ZONE)


def notifier() -> Notifier:
    """The notifier of this command, its mail settings read (and checked) before anything else is done."""
    from pdsa_engine.aggregates.values import Role
    from pdsa_engine.notifications.service import Notifier
    from pdsa_engine.notifications.settings import MailSettings

    current = state()
    mail = MailSettings.from_environ(os.environ, current.settings.maildir)
    current.app.acting(current.actor, Role.ADMINISTRATOR)  # only administrators evaluate and send on demand
    return Notifier(current.app, current.projections, current.settings, mail)


@click.group(cls=PdsaGroup)
def notify() -> None:
    """Reminders, escalations and digests, evaluated now or at a moment you name (administrators)."""


@notify.command("due")
@click.option("--at", "at", metavar="TIME", help=AT_HELP)
def notify_due(at: str | None) -> None:
    """List what would be queued at TIME; queues nothing."""
    moment = parse_moment("at", at)
    notices = notifier().due(moment)
    rows = [{"kind": n.kind.value, "recipient": n.recipient, "key": n.key, "due_at": n.due_at, **n.about_dict()}
            for n in notices]
    show(rows, _due_table)


def _due_table(rows: list[dict[str, Any]]) -> None:
    if not rows:
        out.print("Nothing is due.")
        return
    table = Table("kind", "recipient", "due since", "about", box=None, header_style="bold")
    for row in rows:
        about = row.get("signoff_id") or row.get("cycle_id") or row.get("measure_id") or row.get("project_id") or ""
        table.add_row(row["kind"], row["recipient"][:8], _local(row["due_at"]), str(about)[:8])
    out.print(table)
    out.print(f"{len(rows)} notices due.")


def _local(moment: datetime) -> str:
    return moment.astimezone(LOCAL_ZONE).strftime("%Y-%m-%d %H:%M")


@notify.command("run")
@click.option("--at", "at", metavar="TIME", help=AT_HELP)
def notify_run(at: str | None) -> int:
    """Queue what is due at TIME and send what is queued and due for a try.

    Exits 0 when everything due went, 7 when some mail could not be delivered: it stays queued and is tried
    again (after 1, 5, 15, 60 minutes, then hourly, for 48 hours)."""
    from pdsa_engine.aggregates.values import Actor, Role
    from pdsa_engine.notifications.service import latest_moment

    moment = parse_moment("at", at)
    service = notifier()
    latest = latest_moment(service.app)
    if latest is not None and moment < latest:
        raise InvalidInput("at", f"the history already reaches {_local(latest)}; a run records what it sends, and "
                                 "cannot record it before that (`pdsa notify due --at` looks at any moment)")
    administrator = state().app.person(state().actor or "")
    tally = service.run(moment, Actor(administrator.id, Role.ADMINISTRATOR))
    if state().as_json:
        print_json(tally.as_json())
    else:
        out.print(f"Queued {tally.queued}, sent {tally.sent}, deferred {tally.deferred}, failed {tally.failed}, "
                  f"dropped {tally.dropped} (through {service.transport.describe()}).")
    for problem in tally.problems:
        err.print(f"warning: {problem}")
    if tally.untried:
        err.print(f"{tally.untried} more messages stay queued until the mail server can be reached.")
    return UNDELIVERED if tally.undelivered else 0


@click.group(cls=PdsaGroup)
def outbox() -> None:
    """The messages the reminders queued, and how each went (administrators)."""


@outbox.command("list")
@click.option("--status", type=click.Choice(STATUSES), help="Only messages in this state.")
@click.option("--kind", help="Only messages of this kind, e.g. signoff_reminder.")
@click.option("--limit", type=click.IntRange(1), default=200, show_default=True, help="At most this many, newest first.")
def outbox_list(status: str | None, kind: str | None, limit: int) -> None:
    """The messages, newest first."""
    from pdsa_engine.aggregates.values import Role
    from pdsa_engine.notifications.listing import outbox_rows
    from pdsa_engine.notifications.rules import Kind

    if kind is not None and kind not in {k.value for k in Kind}:
        raise InvalidInput("kind", f"must be one of {', '.join(k.value for k in Kind)}")
    current = state()
    current.app.acting(current.actor, Role.ADMINISTRATOR)
    queries = current.caught_up_queries()
    show(outbox_rows(current.projections.store, status, kind, limit, queries.name_of), _outbox_table)


def _outbox_table(rows: list[dict[str, Any]]) -> None:
    if not rows:
        out.print("No messages.")
        return
    table = Table("id", "kind", "recipient", "status", "attempts", "changed", box=None, header_style="bold")
    for row in rows:
        table.add_row(row["id"][:8], row["kind"], row["recipient"]["name"], row["status"], str(row["attempts"]),
                      _local(datetime.fromisoformat(row["changed_at"])))
    out.print(table)


@outbox.command("retry")
@click.argument("message")
def outbox_retry(message: str) -> None:
    """Send a failed message again (its tries start afresh); `pdsa notify run` or the scheduler sends it."""
    from pdsa_engine.application import PdsaApplication

    current = state()
    message_id = cli_id("message", message)
    current.app.run_command(PdsaApplication.retry_message, current.actor, message_id)
    show({"id": message_id, "status": "queued"}, lambda _: out.print("Queued again."))


@click.group(cls=PdsaGroup)
def scheduler() -> None:
    """The reminders and digests, sent on their own."""


@scheduler.command("run")
@click.option("--interval", type=click.IntRange(1, 86400), default=300, show_default=True, metavar="SECONDS",
              help="How often every rule is evaluated and the outbox drained.")
def scheduler_run(interval: int) -> None:
    """Run in the foreground until Ctrl-C or SIGTERM: every INTERVAL seconds evaluate the rules and send what
    is due; at each digest hour (Danish time) send the digests. Several may run (on several servers): one
    leads, the others take over within two intervals if it stops. It acts as the system: no --as is needed.

    Run it in a process of its own, never inside a web server's workers."""
    import logging
    import sys

    from pdsa_engine.notifications.scheduler import SchedulerProcess
    from pdsa_engine.notifications.service import Notifier
    from pdsa_engine.notifications.settings import MailSettings

    current = state()
    mail = MailSettings.from_environ(os.environ, current.settings.maildir)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%Y-%m-%d %H:%M:%S"))
    logger = logging.getLogger("pdsa")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    app, projections = current.app, current.projections  # opened now: a missing database is said at once
    SchedulerProcess(current.settings, mail, interval,
                     lambda: Notifier(app, projections, current.settings, mail)).run()
