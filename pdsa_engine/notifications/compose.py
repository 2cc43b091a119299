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
from email.header import Header
from email.mime.application import MIMEApplication
from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, formataddr
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


@dataclass(frozen=True)
class Outgoing:
    """A message as it goes over the wire: its bytes, and every address it goes to (To and Cc)."""

    data: bytes
    recipients: list[str]
    message_id: str


# The email package's classic MIME classes, not EmailMessage: a profile of sending digests found the newer API's
# header objects a third of composing a message, and the classes build the same standard MIME.
_WIRE = compat32.clone(linesep="\r\n")


def compose(content: Content, message: UUID, mail: MailSettings, now: datetime) -> Outgoing:
    rendered = render(content)
    body = MIMEMultipart("alternative")
    body.attach(MIMEText(rendered.text, "plain", "utf-8"))
    html = MIMEText(rendered.html, "html", "utf-8")
    if content.images:  # the HTML and its pictures belong together
        related = MIMEMultipart("related")
        related.attach(html)
        for cid, png in content.images.items():
            image = MIMEImage(png, "png")
            image["Content-ID"] = f"<{cid}>"
            image.add_header("Content-Disposition", "inline", filename=f"{cid.split('@')[0]}.png")
            related.attach(image)
        html = related
    body.attach(html)
    email = body
    if content.attachments:
        email = MIMEMultipart("mixed")
        email.attach(body)
        for name, mime_type, data in content.attachments:
            attachment = MIMEApplication(data, mime_type.split("/")[1])
            attachment.add_header("Content-Disposition", "attachment", filename=name)
            email.attach(attachment)
    identity = message_id(message, mail)
    to = [content.recipient, *content.copy_to]
    email["Subject"] = Header(rendered.subject, "utf-8")
    email["From"] = formataddr((mail.sender.display_name, mail.sender.addr_spec))
    email["To"] = formataddr((content.recipient.name, content.recipient.email))
    if content.copy_to:
        email["Cc"] = ", ".join(formataddr((person.name, person.email)) for person in content.copy_to)
    email["Date"] = format_datetime(now)
    email["Message-ID"] = identity
    email["Content-Language"] = content.language
    email["X-PDSA-Kind"] = content.kind.value
    email["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies to this
    if content.unsubscribe:
        email["List-Unsubscribe"] = f"<{content.unsubscribe}>"
    return Outgoing(email.as_bytes(policy=_WIRE), [person.email for person in to], identity)


def fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
