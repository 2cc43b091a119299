"""Settings, read once at an entry point (the CLI, later the web server) and passed down.

PDSA_DATABASE_URL  where the events live: ``sqlite:///path/to/file.sqlite`` or ``postgresql://user:pw@host:port/db``;
                   default: the embedded SQLite file ``./var/pdsa.sqlite``.
PDSA_ACTOR         the acting person (id or e-mail) when ``--as`` is not given.
PDSA_MAILDIR       where mail goes when no PDSA_SMTP_URL is set (default ./var/mail); see notifications/settings.py.
PDSA_AUDIT_KEY     the private key that seals the history. By default it lives with the database it seals: beside an
                   SQLite file in ``keys/audit-ed25519.pem`` (``./var/keys/`` for the default database), for
                   PostgreSQL in ``./var/keys/HOST-PORT-DATABASE/``. Keep it, and a copy, outside the database:
                   whoever can write the database must not be able to read it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import SplitResult, unquote, urlsplit, urlunsplit

from pdsa_engine.errors import InvalidInput

DEFAULT_DATABASE_FILE = Path("var") / "pdsa.sqlite"
KEY_FILE_NAME = "audit-ed25519.pem"
DEFAULT_CHECKPOINTS = Path("var") / "checkpoints"
DEFAULT_MAILDIR = Path("var") / "mail"  # where mail goes without PDSA_SMTP_URL (notifications/settings.py)
_SQLITE_SCHEMES = ("sqlite",)
_POSTGRES_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")


# Aggregates stay cached between commands; each load still reads any newer events from the database (fast-forward),
# so other processes' changes are seen. The application copies what it loads (cheaply: aggregate state is immutable
# values, see aggregates/base.py), so the library need not deep-copy. Tests of logic run with the same settings.
AGGREGATE_CACHE = {"AGGREGATE_CACHE_MAXSIZE": "5000", "DEEPCOPY_FROM_AGGREGATE_CACHE": "n"}


@dataclass(frozen=True)
class Settings:
    database_url: str
    actor: str | None = None
    audit_key: Path = Path("var") / "keys" / KEY_FILE_NAME
    checkpoints: Path = DEFAULT_CHECKPOINTS
    maildir: Path = DEFAULT_MAILDIR
    # Only the commands that set a system up (init, demo, run, the first person) may create a database;
    # any other command on a path where there is none says so, instead of answering from an empty one.
    create_database: bool = False

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None, cwd: Path | None = None) -> Settings:
        """Raises InvalidInput naming the variable when PDSA_DATABASE_URL is not a database URL."""
        environ = os.environ if environ is None else environ
        here = (cwd or Path.cwd()).resolve()
        settings = cls(
            database_url=environ.get("PDSA_DATABASE_URL") or f"sqlite:///{here / DEFAULT_DATABASE_FILE}",
            actor=environ.get("PDSA_ACTOR") or None,
            checkpoints=here / DEFAULT_CHECKPOINTS,
            maildir=Path(environ["PDSA_MAILDIR"]) if environ.get("PDSA_MAILDIR") else here / DEFAULT_MAILDIR,
        )
        given_key = environ.get("PDSA_AUDIT_KEY")
        return replace(settings, audit_key=Path(given_key) if given_key else settings.default_audit_key(here))

    def default_audit_key(self, here: Path) -> Path:
        """The key beside the database it seals, so that a second database never reuses the first one's key."""
        if self.is_sqlite:
            return self.sqlite_path.resolve().parent / "keys" / KEY_FILE_NAME
        parts = self._parts
        server = f"{parts.hostname or 'localhost'}-{parts.port or 5432}-{unquote(parts.path[1:]) or 'postgres'}"
        return here / "var" / "keys" / server / KEY_FILE_NAME

    @property
    def _parts(self) -> SplitResult:
        parts = urlsplit(self.database_url)
        if parts.scheme not in _SQLITE_SCHEMES + _POSTGRES_SCHEMES:
            raise InvalidInput("PDSA_DATABASE_URL", "must start with sqlite:/// or postgresql://")
        return parts

    @property
    def is_sqlite(self) -> bool:
        return self._parts.scheme in _SQLITE_SCHEMES

    @property
    def sqlite_path(self) -> Path:
        # As in SQLAlchemy's URLs: sqlite:///relative/path and sqlite:////absolute/path.
        path = unquote(self._parts.path[1:])
        if not path or path == ":memory:":
            raise InvalidInput("PDSA_DATABASE_URL", "an SQLite URL names a file: sqlite:///path/to/pdsa.sqlite")
        return Path(path)

    def describe(self) -> str:
        """The database, without its password, for messages."""
        parts = self._parts
        if parts.password is None:
            return self.database_url
        return self.database_url.replace(f":{parts.password}@", ":***@", 1)

    def sqlalchemy_url(self) -> str:
        """The same database for SQLAlchemy, which the read models (projections) use."""
        if self.is_sqlite:
            return f"sqlite:///{self.sqlite_path}"
        parts = self._parts
        return urlunsplit(("postgresql+psycopg", parts.netloc, parts.path, parts.query, ""))

    def prepare(self) -> None:
        """Creates the directory of an SQLite file, so that a fresh checkout needs no set-up by hand."""
        if self.is_sqlite:
            self.sqlite_path.parent.mkdir(parents=True, exist_ok=True)

    def eventsourcing_env(self) -> dict[str, str]:
        """The environment eventsourcing's own sqlite/postgres modules read."""
        cache = AGGREGATE_CACHE
        if self.is_sqlite:
            return {**cache, "PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(self.sqlite_path),
                    "SQLITE_LOCK_TIMEOUT": "10"}
        parts = self._parts
        database = unquote(parts.path[1:])
        if not database:
            raise InvalidInput("PDSA_DATABASE_URL", "a PostgreSQL URL names its database: postgresql://host/pdsa")
        return {
            **cache,
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": database,
            "POSTGRES_HOST": parts.hostname or "localhost",
            "POSTGRES_PORT": str(parts.port or 5432),
            "POSTGRES_USER": unquote(parts.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(parts.password or ""),
            "POSTGRES_CONNECT_TIMEOUT": "10",
            "POSTGRES_LOCK_TIMEOUT": "10",
        }
