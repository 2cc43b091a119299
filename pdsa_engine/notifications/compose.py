"""A message as it is sent: its templates rendered in the recipient's language, the HTML's CSS inlined for mail
clients (css-inline), and the parts put together by the standard library's email package: a plain-text
alternative, the HTML with its charts as inline PNG parts (cid:), attachments.

The Message-ID derives from the message's own id, so a retry after a crash resends the same Message-ID and a
mail client shows one message (email.utils.make_msgid adds random parts, and is not used for that reason).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from functools import lru_cache
from pathlib import Path
from uuid import UUID

import css_inline
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from pdsa_engine.labels import word
from pdsa_engine.notifications.content import Content
from pdsa_engine.notifications.i18n import Words
from pdsa_engine.notifications.settings import MailSettings

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "email"
_INLINER = css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False)


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


@lru_cache(maxsize=2)
def environment(language: str) -> Environment:
    """One environment per language, its gettext bound to that language's words."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]), undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"], trim_blocks=False, keep_trailing_newline=True,
    )
    words = Words(language)
    env.install_gettext_callables(words.gettext, words.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(
        day=words.date, moment=words.moment, number=words.number,
        signed=lambda value: ("+" if Decimal(value) > 0 else "−" if Decimal(value) < 0 else "±")
        + words.number(abs(Decimal(value))),
        word=lambda code, kind: word(str(code), kind, words.language),
    )
    return env


def render(content: Content) -> Rendered:
    env = environment(content.language)
    values = {**content.values, "lang": content.language, "unsubscribe": content.unsubscribe}
    text_template = env.get_template(f"{content.kind.value}.txt")
    subject = "".join(text_template.blocks["subject"](text_template.new_context(values))).strip()
    values["subject"] = subject
    text = text_template.render(values)
    html = _INLINER.inline(env.get_template(f"{content.kind.value}.html").render(values))
    return Rendered(" ".join(subject.split()), _tidy(text), html)


def _tidy(text: str) -> str:
    """No runs of blank lines (templates' conditionals leave them) and no trailing spaces, but "-- " stays."""
    lines, blank = [], False
    for line in text.splitlines():
        line = line if line == "-- " else line.rstrip()
        if not line and blank:
            continue
        blank = not line
        lines.append(line)
    return "\n".join(lines).strip() + "\n"


def message_id(message: UUID, mail: MailSettings) -> str:
    return f"<{message}@{mail.domain}>"


def compose(content: Content, message: UUID, mail: MailSettings, now: datetime) -> EmailMessage:
    rendered = render(content)
    email = EmailMessage(policy=SMTP)
    email["Subject"] = rendered.subject
    email["From"] = mail.sender
    email["To"] = _address(content.recipient.name, content.recipient.email)
    if content.copy_to:
        email["Cc"] = [_address(person.name, person.email) for person in content.copy_to]
    email["Date"] = format_datetime(now)
    email["Message-ID"] = message_id(message, mail)
    email["X-PDSA-Kind"] = content.kind.value
    email["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies to this
    if content.unsubscribe:
        email["List-Unsubscribe"] = f"<{content.unsubscribe}>"
    email.set_content(rendered.text)
    email.add_alternative(rendered.html, subtype="html")
    html_part = email.get_payload()[1]
    for cid, png in content.images.items():
        html_part.add_related(png, "image", "png", cid=f"<{cid}>", filename=f"{cid.split('@')[0]}.png",
                              disposition="inline")
    for name, mime_type, data in content.attachments:
        main, sub = mime_type.split("/")
        email.add_attachment(data, main, sub, filename=name)
    # Last: setting content moves or clears the Content-* headers already there.
    email["Content-Language"] = content.language
    return email


def _address(name: str, email: str) -> Address:
    user, _, domain = email.partition("@")
    return Address(display_name=name, username=user, domain=domain)


def recipients(email: EmailMessage) -> list[str]:
    """Every address the message goes to (To and Cc)."""
    found = []
    for header in ("To", "Cc"):
        for address in getattr(email[header], "addresses", ()) if email[header] else ():
            found.append(address.addr_spec)
    return found


def fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
