"""Handing a message over: to an SMTP server (smtplib), or into a Maildir when no server is configured.

A failure says whether trying again can help: a server that is down, busy or refusing for now (4xx) is tried
again later; one that refuses the recipient for good (5xx) is not. A failure of the connection itself also
says so, so that one run does not knock on a closed door once per message.
"""

from __future__ import annotations

import mailbox
import re
import smtplib
import ssl
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Protocol

from pdsa_engine.notifications.settings import MailSettings, SmtpServer

TIMEOUT = 30  # seconds for each SMTP conversation step; a message's claim (outbox.CLAIM) outlasts it


class DeliveryFailed(Exception):
    def __init__(self, reason: str, permanent: bool = False, connection: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.connection = connection  # the server could not be reached: no use trying the next message now


class Sender(Protocol):
    def __call__(self, data: bytes, recipients: list[str]) -> None: ...


class Transport(Protocol):
    def session(self) -> AbstractContextManager[Sender]: ...

    def describe(self) -> str: ...


def transport_for(mail: MailSettings) -> SmtpTransport | MaildirTransport:
    return SmtpTransport(mail.smtp, mail.sender.addr_spec) if mail.smtp else MaildirTransport(mail.maildir)


class MaildirTransport:
    """Each message a file in maildir/new (written to tmp/ first, then moved: a reader never sees half)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def describe(self) -> str:
        return f"the Maildir {self.path}"

    @contextmanager
    def session(self) -> Iterator[Sender]:
        opened: list[mailbox.Maildir] = []

        def deliver(data: bytes, recipients: list[str]) -> None:
            try:
                if not opened:  # made when first needed, with its folders: ./var/ may not exist yet, or be empty
                    for folder in ("tmp", "new", "cur"):
                        (self.path / folder).mkdir(parents=True, exist_ok=True)
                    opened.append(mailbox.Maildir(self.path, create=False))
                opened[0].add(data)
            except OSError as problem:
                raise DeliveryFailed(f"cannot write into the Maildir {self.path}: {problem.strerror or problem}",
                                     connection=True) from None

        yield deliver


class SmtpTransport:
    """One connection for a run's messages, opened when the first is sent and again after a failure."""

    def __init__(self, server: SmtpServer, envelope_from: str) -> None:
        self.server = server
        self.envelope_from = envelope_from

    def describe(self) -> str:
        return self.server.describe()

    @contextmanager
    def session(self) -> Iterator[Sender]:
        connection: list[smtplib.SMTP] = []

        def deliver(data: bytes, recipients: list[str]) -> None:
            if connection and connection[0].sock is None:  # the server closed it (a 421 reply does)
                connection.clear()
            if not connection:
                connection.append(self._connect())
            try:
                # Refused for some recipients but taken for others counts as sent: a retry would repeat it.
                connection[0].sendmail(self.envelope_from, recipients, data)
            except smtplib.SMTPRecipientsRefused as problem:
                codes = [code for code, _ in problem.recipients.values()]
                raise DeliveryFailed(_said(problem.recipients), permanent=all(c >= 500 for c in codes)) from None
            except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as problem:
                raise DeliveryFailed(f"{problem.smtp_code} {_text(problem.smtp_error)}",
                                     permanent=problem.smtp_code >= 500) from None
            except (smtplib.SMTPException, OSError) as problem:
                _close(connection)
                raise DeliveryFailed(f"the connection to {self.describe()} failed: {problem}", connection=True) from None

        try:
            yield deliver
        finally:
            _close(connection, polite=True)

    def _connect(self) -> smtplib.SMTP:
        server = self.server
        try:
            if server.scheme == "smtps":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(server.host, server.port, timeout=TIMEOUT,
                                                      context=ssl.create_default_context())
            else:
                smtp = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT)
                if server.scheme == "smtp+starttls":
                    smtp.starttls(context=ssl.create_default_context())
            if server.user:
                smtp.login(server.user, server.password or "")
            return smtp
        except smtplib.SMTPAuthenticationError as problem:
            raise DeliveryFailed(f"{self.describe()} refused the user and password: {_text(problem.smtp_error)} "
                                 "(check PDSA_SMTP_URL)", connection=True) from None
        except (smtplib.SMTPException, OSError) as problem:
            raise DeliveryFailed(f"cannot reach {self.describe()}: {problem}", connection=True) from None


def _close(connection: list[smtplib.SMTP], polite: bool = False) -> None:
    if not connection:
        return
    smtp = connection.pop()
    try:
        if polite:
            smtp.quit()
        else:
            smtp.close()
    except (smtplib.SMTPException, OSError):
        smtp.close()


_ADDRESS = re.compile(r"[^\s<>@]+@[^\s<>@]+")


def _text(value: bytes | str) -> str:
    """A server's words, without the addresses they may echo: a failure is recorded, and records hold no
    personal data."""
    text = value.decode(errors="replace") if isinstance(value, bytes) else value
    return _ADDRESS.sub("(address)", text)


def _said(recipients: dict[str, tuple[int, bytes]]) -> str:
    return "; ".join(f"{code} {_text(text)}" for code, text in recipients.values())
