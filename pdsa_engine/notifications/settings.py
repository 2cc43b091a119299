"""Where mail goes and what it links to, read from the environment once at start.

PDSA_SMTP_URL   smtp://host:port, smtp+starttls://user:password@host:587 or smtps://user:password@host:465.
                Without it, messages are delivered into the Maildir ./var/mail/ (any mail client reads one), so
                the embedded default sends with no mail server.
PDSA_MAIL_FROM  the sender, e.g. "Lederuddannelsen <noreply@ledelsesprogram.example.dk>"; the Message-IDs are
                made in its domain.
PDSA_BASE_URL   where the web pages live (http://127.0.0.1:8000 by default): every link in a mail is absolute.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from email.headerregistry import Address
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pdsa_engine.errors import InvalidInput

DEFAULT_FROM = "pdsa-engine <noreply@pdsa-engine.invalid>"
DEFAULT_BASE_URL = "http://127.0.0.1:8000"
DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
SMTP_URL_RULE = ("must look like smtp://host:port, smtp+starttls://user:password@host:587 or "
                 "smtps://user:password@host:465")


@dataclass(frozen=True)
class SmtpServer:
    scheme: str  # smtp, smtp+starttls or smtps
    host: str
    port: int
    user: str | None = None
    password: str | None = None

    def describe(self) -> str:
        """Without the user (often an address) and password: this goes into messages and records."""
        return f"{self.scheme}://{self.host}:{self.port}"


@dataclass(frozen=True)
class MailSettings:
    sender: Address
    base_url: str
    smtp: SmtpServer | None  # None: into the Maildir
    maildir: Path

    @classmethod
    def from_environ(cls, environ: Mapping[str, str], maildir: Path) -> MailSettings:
        """Raises InvalidInput naming the variable when one is malformed."""
        smtp_url = environ.get("PDSA_SMTP_URL", "").strip()
        return cls(
            sender=parse_sender(environ.get("PDSA_MAIL_FROM", "").strip() or DEFAULT_FROM),
            base_url=parse_base_url(environ.get("PDSA_BASE_URL", "").strip() or DEFAULT_BASE_URL),
            smtp=parse_smtp_url(smtp_url) if smtp_url else None,
            maildir=maildir,
        )

    def describe(self) -> str:
        return self.smtp.describe() if self.smtp else f"the Maildir {self.maildir}"

    @property
    def domain(self) -> str:
        return self.sender.domain

    def link(self, path: str) -> str:
        return f"{self.base_url}{path}"


def parse_smtp_url(url: str) -> SmtpServer:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        raise InvalidInput("PDSA_SMTP_URL", f"{SMTP_URL_RULE}; the port is not a number from 1 to 65535") from None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname or parts.path not in ("", "/") or parts.query:
        raise InvalidInput("PDSA_SMTP_URL", SMTP_URL_RULE)
    if (parts.username is None) != (parts.password is None):
        raise InvalidInput("PDSA_SMTP_URL", "give both a user and a password (user:password@host), or neither")
    if parts.username and parts.scheme == "smtp":
        raise InvalidInput("PDSA_SMTP_URL", "a password is never sent over plain smtp://: use smtp+starttls:// or "
                                            "smtps://")
    return SmtpServer(parts.scheme, parts.hostname, port or DEFAULT_PORTS[parts.scheme],
                      unquote(parts.username) if parts.username else None,
                      unquote(parts.password) if parts.password else None)


def parse_sender(text: str) -> Address:
    name, address = parseaddr(text)
    user, at, domain = address.partition("@")
    if not (user and at and "." in domain) or any(c.isspace() for c in address):
        raise InvalidInput("PDSA_MAIL_FROM", "must be an address like noreply@example.dk or "
                                             '"Name <noreply@example.dk>"')
    return Address(display_name=name, username=user, domain=domain)


def parse_base_url(text: str) -> str:
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise InvalidInput("PDSA_BASE_URL", "must be the site's address, like https://pdsa.example.dk")
    return text.rstrip("/")
