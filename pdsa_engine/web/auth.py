"""Log-in without passwords: single-use links by mail, server-side sessions, API tokens for scripts, and the
limit on how often a log-in may be asked for.

Every secret handed out is 32 random bytes; only its SHA-256 is stored. Time is the application's clock, so the
tests move it past a link's 15 minutes or a session's 8 idle hours instead of waiting.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID, uuid4

from sqlalchemy import Engine, and_, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from pdsa_engine.errors import NotFound, record_kind
from pdsa_engine.web.store import API_TOKENS, ATTEMPTS, LOGIN_LINKS, SECRETS, SESSIONS

LINK_VALID = timedelta(minutes=15)
SESSION_IDLE = timedelta(hours=8)
SESSION_MOST = timedelta(days=7)
# A session's last use is written at most this often: each page would otherwise be a write.
SEEN_EVERY = timedelta(minutes=5)
ATTEMPTS_ALLOWED, ATTEMPTS_WINDOW = 5, timedelta(minutes=15)
# Built once, as every API request asks it: SQLAlchemy then finds it compiled in its cache without building it anew.
_TOKEN_HOLDER = select(API_TOKENS.c.person_id).where(
    API_TOKENS.c.token_hash == bindparam("hash"), API_TOKENS.c.revoked_at.is_(None),
    or_(API_TOKENS.c.expires_at.is_(None), API_TOKENS.c.expires_at > bindparam("now")))


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class Session:
    person_id: UUID
    csrf: str
    token: str  # the cookie's value, which names the session


@dataclass(frozen=True)
class ApiToken:
    token_id: UUID
    person_id: UUID
    name: str
    created_at: float
    expires_at: float | None
    revoked_at: float | None


class Auth:
    def __init__(self, engine: Engine, now: Callable[[], datetime]) -> None:
        self.engine = engine
        self._now = now
        self._secret: bytes | None = None  # never changes once made: read from the database once per process

    def _at(self) -> float:
        return self._now().timestamp()

    # -- log-in links --------------------------------------------------------------------------------

    def issue_link(self, person_id: UUID, next_path: str | None = None) -> str:
        token, now = new_secret(), self._at()
        with self.engine.begin() as connection:
            connection.execute(insert(LOGIN_LINKS).values(
                token_hash=digest(token), person_id=str(person_id), created_at=now,
                expires_at=now + LINK_VALID.total_seconds(), next_path=next_path))
        return token

    def link_is_usable(self, token: str) -> bool:
        """Looking at a link consumes nothing: mail scanners open links before their reader does."""
        with self.engine.connect() as connection:
            row = connection.execute(select(LOGIN_LINKS.c.used_at, LOGIN_LINKS.c.expires_at)
                                     .where(LOGIN_LINKS.c.token_hash == digest(token))).first()
        return row is not None and row.used_at is None and row.expires_at > self._at()

    def use_link(self, token: str) -> tuple[UUID, str | None] | None:
        """Consumes a link: the first use within its 15 minutes wins, every other finds it used."""
        now = self._at()
        hashed = digest(token)
        with self.engine.begin() as connection:
            used = connection.execute(update(LOGIN_LINKS).where(
                LOGIN_LINKS.c.token_hash == hashed, LOGIN_LINKS.c.used_at.is_(None), LOGIN_LINKS.c.expires_at > now,
            ).values(used_at=now))
            if used.rowcount != 1:
                return None
            row = connection.execute(select(LOGIN_LINKS.c.person_id, LOGIN_LINKS.c.next_path)
                                     .where(LOGIN_LINKS.c.token_hash == hashed)).one()
        return UUID(row.person_id), row.next_path

    # -- sessions ------------------------------------------------------------------------------------

    def start_session(self, person_id: UUID) -> Session:
        """A new session, with a new id: an id seen before log-in (a fixation) never becomes a logged-in one."""
        token, csrf, now = new_secret(), new_secret(), self._at()
        with self.engine.begin() as connection:
            connection.execute(insert(SESSIONS).values(
                session_hash=digest(token), person_id=str(person_id), created_at=now, seen_at=now, csrf=csrf))
        return Session(person_id, csrf, token)

    def session(self, token: str) -> Session | None:
        """The live session the cookie names, or None: ended, idle for 8 hours, or begun over 7 days ago."""
        now = self._at()
        hashed = digest(token)
        with self.engine.connect() as connection:
            row = connection.execute(select(SESSIONS).where(SESSIONS.c.session_hash == hashed)).first()
        if row is None or row.ended_at is not None:
            return None
        if now - row.seen_at > SESSION_IDLE.total_seconds() or now - row.created_at > SESSION_MOST.total_seconds():
            return None
        if now - row.seen_at > SEEN_EVERY.total_seconds():
            with self.engine.begin() as connection:
                connection.execute(update(SESSIONS).where(SESSIONS.c.session_hash == hashed).values(seen_at=now))
        return Session(UUID(row.person_id), row.csrf, token)

    def end_session(self, token: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(update(SESSIONS).where(SESSIONS.c.session_hash == digest(token),
                                                      SESSIONS.c.ended_at.is_(None)).values(ended_at=self._at()))

    def end_sessions_of(self, person_id: UUID) -> int:
        """Ends every session of a person (an administrator's doing, e.g. for a lost phone); returns how many."""
        with self.engine.begin() as connection:
            ended = connection.execute(update(SESSIONS).where(SESSIONS.c.person_id == str(person_id),
                                                              SESSIONS.c.ended_at.is_(None)).values(ended_at=self._at()))
        return ended.rowcount

    # -- the limit on asking for links ----------------------------------------------------------------

    def attempt(self, *keys: str) -> bool:
        """Counts one request for a log-in link against each key (an address, a client); False when any key
        has had its five in the last 15 minutes. A refused attempt counts too: hammering keeps the door shut."""
        now = self._at()
        since = now - ATTEMPTS_WINDOW.total_seconds()
        hashed = [digest(key)[:40] for key in keys]
        with self.engine.begin() as connection:
            connection.execute(delete(ATTEMPTS).where(ATTEMPTS.c.at < since - ATTEMPTS_WINDOW.total_seconds()))
            connection.execute(insert(ATTEMPTS), [{"key": key, "at": now} for key in hashed])
            counts = connection.execute(select(ATTEMPTS.c.key, func.count()).where(
                ATTEMPTS.c.key.in_(hashed), ATTEMPTS.c.at > since).group_by(ATTEMPTS.c.key)).all()
        return all(count <= ATTEMPTS_ALLOWED for _key, count in counts)

    # -- API tokens ----------------------------------------------------------------------------------

    def create_token(self, person_id: UUID, name: str, created_by: UUID, expires_in: timedelta | None) -> tuple[str, UUID]:
        token, token_id, now = f"pdsa_{new_secret()}", uuid4(), self._at()
        with self.engine.begin() as connection:
            connection.execute(insert(API_TOKENS).values(
                token_hash=digest(token), token_id=str(token_id), person_id=str(person_id), name=name,
                created_by=str(created_by), created_at=now,
                expires_at=now + expires_in.total_seconds() if expires_in else None))
        return token, token_id

    def token_holder(self, token: str) -> UUID | None:
        with self.engine.connect() as connection:
            row = connection.execute(_TOKEN_HOLDER, {"hash": digest(token), "now": self._at()}).first()
        return None if row is None else UUID(row.person_id)

    def tokens(self, person_id: UUID | None = None, token_id: UUID | None = None) -> list[ApiToken]:
        query = select(API_TOKENS).order_by(API_TOKENS.c.created_at)
        if person_id is not None:
            query = query.where(API_TOKENS.c.person_id == str(person_id))
        if token_id is not None:
            query = query.where(API_TOKENS.c.token_id == str(token_id))
        with self.engine.connect() as connection:
            return [ApiToken(UUID(r.token_id), UUID(r.person_id), r.name, r.created_at, r.expires_at, r.revoked_at)
                    for r in connection.execute(query)]

    def token(self, token_id: UUID) -> ApiToken:
        found = self.tokens(token_id=token_id)
        if not found:
            raise NotFound("no {kind} has the id {id}", kind=record_kind("token"), id=token_id)
        return found[0]

    def revoke_token(self, token_id: UUID) -> None:
        with self.engine.begin() as connection:
            connection.execute(update(API_TOKENS).where(
                and_(API_TOKENS.c.token_id == str(token_id), API_TOKENS.c.revoked_at.is_(None))
            ).values(revoked_at=self._at()))

    # -- the deployment's secret ----------------------------------------------------------------------

    def secret(self) -> bytes:
        """Made by the first process that needs it; every other reads the same."""
        if self._secret is not None:
            return self._secret
        with self.engine.connect() as connection:
            value = connection.execute(select(SECRETS.c.value).where(SECRETS.c.name == "csrf")).scalar()
        if value is None:
            try:
                with self.engine.begin() as connection:
                    connection.execute(insert(SECRETS).values(name="csrf", value=secrets.token_hex(32)))
            except IntegrityError:
                pass  # another worker made it first: theirs is the one
            with self.engine.connect() as connection:
                value = connection.execute(select(SECRETS.c.value).where(SECRETS.c.name == "csrf")).scalar_one()
        self._secret = bytes.fromhex(value)
        return self._secret


def csrf_for(secret: bytes, browser: str) -> str:
    """The CSRF token of a form shown before log-in: keyed to the browser's own anonymous cookie."""
    return hmac.new(secret, browser.encode(), hashlib.sha256).hexdigest()


def same(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and hmac.compare_digest(a.encode(), b.encode())
