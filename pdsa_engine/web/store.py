"""The web's own records: log-in links, sessions, API tokens, links mailed to sponsors and log-in attempts, in
tables beside the events.

They are not history: a session is a key to a door, not a fact of a project, and what a person does through
it is recorded by the aggregates as from any other door. So they live in plain tables, written through
SQLAlchemy Core on an engine that waits for the disk (unlike the views', whose rows can be derived again), and
every secret in them is kept only as its SHA-256: whoever reads the database cannot log in with what it holds.
People are named by id only, so that erasing a person's data later touches no row here but their own.
"""

from __future__ import annotations

from sqlalchemy import Column, Engine, Float, Index, Integer, MetaData, String, Table, create_engine, text
from sqlalchemy.exc import OperationalError, ProgrammingError

from pdsa_engine.config import Settings

METADATA = MetaData()

LOGIN_LINKS = Table(
    "web_login_links", METADATA,
    Column("token_hash", String(64), primary_key=True),
    Column("person_id", String(36), nullable=False),
    Column("created_at", Float, nullable=False),  # seconds since the epoch (UTC), as every moment here
    Column("expires_at", Float, nullable=False),
    Column("used_at", Float),
    Column("next_path", String(500)),
)

SESSIONS = Table(
    "web_sessions", METADATA,
    Column("session_hash", String(64), primary_key=True),
    Column("person_id", String(36), nullable=False, index=True),
    Column("created_at", Float, nullable=False),
    Column("seen_at", Float, nullable=False),
    Column("ended_at", Float),
    Column("csrf", String(64), nullable=False),
)

API_TOKENS = Table(
    "web_api_tokens", METADATA,
    Column("token_hash", String(64), primary_key=True),
    Column("token_id", String(36), nullable=False, unique=True),
    Column("person_id", String(36), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("created_by", String(36), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float),
    Column("revoked_at", Float),
)

# A link in a reminder or digest that lets its recipient decide one sign-off without logging in.
MAILED_LINKS = Table(
    "web_mailed_links", METADATA,
    Column("token_hash", String(64), primary_key=True),
    Column("person_id", String(36), nullable=False, index=True),
    Column("signoff_id", String(36), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False),
    Column("used_at", Float),  # when a decision was made through it
    Column("ended_at", Float),  # ended by an administrator with the person's sessions
)

ATTEMPTS = Table(
    "web_login_attempts", METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(80), nullable=False),
    Column("at", Float, nullable=False),
    Index("web_login_attempts_by_key", "key", "at"),
)

# One secret of the deployment (it keys the CSRF tokens of forms shown before log-in): in the database, so that
# every worker and every server behind one database agree on it.
SECRETS = Table(
    "web_secrets", METADATA,
    Column("name", String(40), primary_key=True),
    Column("value", String(128), nullable=False),
)

_SCHEMA_LOCK = 0x706473615F776562  # serialises creating these tables on PostgreSQL


def open_engine(settings: Settings) -> Engine:
    """The web tables' engine, their tables created when missing (by one process at a time)."""
    if settings.is_sqlite:
        engine = create_engine(settings.sqlalchemy_url(), connect_args={"timeout": 10})
    else:
        engine = create_engine(settings.sqlalchemy_url(), pool_size=5, max_overflow=10, pool_pre_ping=True)
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK})
        try:
            METADATA.create_all(connection, checkfirst=True)
        except (OperationalError, ProgrammingError) as problem:
            if "already exists" not in str(problem):  # another SQLite process created them a moment ago
                raise
    return engine
