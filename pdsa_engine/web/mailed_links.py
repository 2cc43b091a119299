"""Links in reminders and digests that let a sponsor decide one sign-off without logging in.

A link names its recipient and one sign-off. It lives 7 days, and is dead as soon as that sign-off is decided
(through the link or any other way), is addressed to someone else, or an administrator ends the person's
sessions. Opening it only shows the sign-off: the POST from that page decides, so mail scanners that open links
decide nothing. It opens no other page. As every secret of the site, only its SHA-256 is stored.

The reminders make these links while they compose a mail (in the scheduler's process, on the same database);
the site checks and spends them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import Engine, insert, select, update

from pdsa_engine.config import Settings
from pdsa_engine.web.auth import digest, new_secret
from pdsa_engine.web.store import MAILED_LINKS, open_engine

MAILED_LINK_VALID = timedelta(days=7)


@dataclass(frozen=True)
class MailedLink:
    person_id: UUID
    signoff_id: UUID
    expires_at: float
    used_at: float | None  # when a decision was made through it
    ended_at: float | None

    def open_at(self, moment: float) -> bool:
        """Neither spent, ended nor expired (whether its sign-off still waits is the application's to say)."""
        return self.used_at is None and self.ended_at is None and self.expires_at > moment


class MailedLinks:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, settings: Settings) -> MailedLinks:
        return cls(open_engine(settings))

    def close(self) -> None:
        self.engine.dispose()

    def issue(self, person_id: UUID, signoff_id: UUID, at: datetime) -> str:
        token, now = new_secret(), at.timestamp()
        with self.engine.begin() as connection:
            connection.execute(insert(MAILED_LINKS).values(
                token_hash=digest(token), person_id=str(person_id), signoff_id=str(signoff_id), created_at=now,
                expires_at=now + MAILED_LINK_VALID.total_seconds()))
        return token

    def find(self, token: str) -> MailedLink | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(MAILED_LINKS).where(MAILED_LINKS.c.token_hash == digest(token))).first()
        if row is None:
            return None
        return MailedLink(UUID(row.person_id), UUID(row.signoff_id), row.expires_at, row.used_at, row.ended_at)

    def spend(self, token: str, at: datetime) -> None:
        """Records that a decision was made through the link (the sign-off itself refuses a second one)."""
        with self.engine.begin() as connection:
            connection.execute(update(MAILED_LINKS).where(
                MAILED_LINKS.c.token_hash == digest(token), MAILED_LINKS.c.used_at.is_(None)
            ).values(used_at=at.timestamp()))

    def end_all_of(self, person_id: UUID, at: datetime) -> int:
        """Ends every open link of a person, with their sessions (e.g. for a lost phone); returns how many."""
        with self.engine.begin() as connection:
            ended = connection.execute(update(MAILED_LINKS).where(
                MAILED_LINKS.c.person_id == str(person_id), MAILED_LINKS.c.used_at.is_(None),
                MAILED_LINKS.c.ended_at.is_(None), MAILED_LINKS.c.expires_at > at.timestamp(),
            ).values(ended_at=at.timestamp()))
        return ended.rowcount
