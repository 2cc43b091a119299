"""`pdsa`, the command-line interface. Its command names, options and exit codes are a public contract:

    0 done · 2 invalid input · 3 refused by a rule (phase order, quota, permission, pending sign-off)
    4 not found · 5 concurrent modification · 6 the stored history does not verify
    1 anything else (e.g. the database cannot be reached)

Nothing ever prompts. Errors go to stderr as a sentence; with --json, stdout also carries
{"error": {"code", "message", "field"}}.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import click

from pdsa_engine.cli.audit import audit
from pdsa_engine.cli.cohorts import cohort
from pdsa_engine.cli.core import CliState, PdsaGroup, err, report_error
from pdsa_engine.cli.cycles import cycle
from pdsa_engine.cli.failures import as_error
from pdsa_engine.cli.lists import person_list, project_list, signoff_list
from pdsa_engine.cli.notify import notify, outbox, scheduler
from pdsa_engine.cli.people import person
from pdsa_engine.cli.projections import projections
from pdsa_engine.cli.projects import project
from pdsa_engine.cli.setup import demo, init, run
from pdsa_engine.cli.signoffs import signoff
from pdsa_engine.cli.spc import spc
from pdsa_engine.cli.web import login_link, serve, session, token
from pdsa_engine.config import Settings
from pdsa_engine.errors import InvalidInput
from pdsa_engine.runtime import ApplicationFactory, open_application


@click.group(cls=PdsaGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--as", "actor", metavar="PERSON", help="The acting person (id or e-mail); default $PDSA_ACTOR.")
@click.version_option(package_name="pdsa-engine", prog_name="pdsa")
@click.pass_context
def cli(ctx: click.Context, actor: str | None) -> None:
    """pdsa-engine: PDSA improvement cycles for the national leadership programme in health care.

    The database is the SQLite file ./var/pdsa.sqlite unless PDSA_DATABASE_URL names another
    (sqlite:///path or postgresql://user:password@host:port/database).
    """
    state = ctx.ensure_object(CliState)
    state.actor = actor or state.settings.actor
    ctx.call_on_close(state.close)


for group in (person, cohort, project, cycle, signoff, spc, projections, audit, notify, outbox, scheduler, token,
              session):
    cli.add_command(group)
for group, listing in ((person, person_list), (project, project_list), (signoff, signoff_list)):
    group.add_command(listing)
for command in (init, demo, run, serve, login_link):
    cli.add_command(command)


def main(argv: Sequence[str] | None = None, app_factory: ApplicationFactory = open_application) -> None:
    """The console script. Tests call it with their own argv, and may wrap the application factory."""
    args = list(sys.argv[1:] if argv is None else argv)
    as_json = "--json" in args
    debug = bool(os.environ.get("PDSA_DEBUG"))
    settings: Settings | None = None
    try:
        _no_nul_characters(args)
        settings = Settings.from_environ()
        state = CliState(settings=settings, app_factory=app_factory)
        code = cli.main(args=args, prog_name="pdsa", standalone_mode=False, obj=state)
    except (click.Abort, KeyboardInterrupt):
        err.print("Interrupted; a command stores all of its changes or none of them.")
        code = 130
    except Exception as problem:  # every failure ends as a sentence and an exit code, never a traceback
        error = as_error(problem, settings, debug)
        report_error(error, as_json)
        code = error.exit_code
    sys.exit(code if isinstance(code, int) else 0)


def _no_nul_characters(args: list[str]) -> None:
    """A shell cannot pass a NUL character; a caller in the same process could, and no file name or text holds one."""
    for position, argument in enumerate(args, start=1):
        if "\x00" in argument:
            raise InvalidInput("argument", f"argument {position} holds a NUL character, which no option takes")
