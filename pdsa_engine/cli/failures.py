"""Whatever goes wrong in a command ends as one of the engine's errors: a sentence and a documented exit code.

The engine's own errors say what they mean already. Failures of the libraries below it (the database drivers,
the file system) are translated here, once, for every command; anything else is a fault of the engine, reported
as such (with the traceback only when PDSA_DEBUG asks for it), never as a Python traceback by default.
"""

from __future__ import annotations

import sqlite3
import sys
import traceback

import click

from pdsa_engine.config import Settings
from pdsa_engine.errors import DatabaseUnavailable, InvalidInput, PdsaError, UnexpectedFailure


def as_error(problem: BaseException, settings: Settings | None, debug: bool) -> PdsaError:
    if isinstance(problem, PdsaError):
        return problem
    if isinstance(problem, click.UsageError):
        return _usage_error(problem)
    if _is_database_failure(problem):
        from pdsa_engine.runtime import database_problem

        if settings is None:
            return DatabaseUnavailable(f"the database failed: {problem}")
        return database_problem(settings, problem)
    if isinstance(problem, OSError):
        where = f" {problem.filename}" if problem.filename else ""
        return UnexpectedFailure(f"cannot use the file{where}: {problem.strerror or problem}")
    if debug:
        traceback.print_exception(problem, file=sys.stderr)
    return UnexpectedFailure(
        f"an unexpected failure stopped the command ({type(problem).__name__}: {problem}). Anything it had stored "
        "is whole; please report the command to the administrators (PDSA_DEBUG=1 shows the details)"
    )


# The database libraries' own base errors. They are looked up only in modules already imported: a command
# that never opened a database cannot have met their failures, and the CLI starts without importing them.
_DATABASE_ERRORS = (("eventsourcing.persistence", "PersistenceError"), ("sqlalchemy.exc", "SQLAlchemyError"),
                    ("psycopg", "Error"), ("psycopg_pool", "PoolTimeout"))


def _is_database_failure(problem: BaseException) -> bool:
    if isinstance(problem, sqlite3.Error):
        return True
    for module_name, class_name in _DATABASE_ERRORS:
        module = sys.modules.get(module_name)
        if module is not None and isinstance(problem, getattr(module, class_name)):
            return True
    return False


def _usage_error(usage: click.UsageError) -> InvalidInput:
    param = getattr(usage, "param", None)
    field = param.name if param is not None and param.name else "command"
    error = InvalidInput(field, usage.format_message())
    error.message = usage.format_message() + ("" if usage.ctx is None else f" (see: {usage.ctx.command_path} --help)")
    return error
