"""Log-in by e-mail link, and log-out.

Asking for a link answers the same whether or not the address is registered (nobody learns who is), and the
mail goes out after the answer, so its time does not tell either. Opening the link only shows a button:
mail scanners that open links before their reader must not use them up. The button's POST consumes the link
and starts a session with a new id.
"""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from urllib.parse import urlsplit

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from pdsa_engine.aggregates.person import Person
from pdsa_engine.catalogues import translations
from pdsa_engine.errors import NotFound
from pdsa_engine.notifications.settings import MailSettings
from pdsa_engine.web.auth import LINK_VALID, SESSION_MOST
from pdsa_engine.web.errors import TooManyRequests
from pdsa_engine.web.identity import CSRF_FIELD, SESSION_COOKIE, check_csrf, viewer, web_of
from pdsa_engine.web.pages_base import environment, render, set_cookie

router = APIRouter(include_in_schema=False)


def safe_next(path: str | None) -> str:
    """Where to go after log-in: a path of this site only; anything else (another site, //host, a scheme) is
    taken as the start page, so a crafted link cannot send someone elsewhere."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    parts = urlsplit(path)
    if parts.scheme or parts.netloc or any(ord(c) < 32 for c in path):
        return "/"
    return path


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> Response:
    return render(request, "login.html", {"next": safe_next(next), "sent": False})


@router.post("/login")
async def ask_for_link(request: Request, tasks: BackgroundTasks) -> Response:
    form = await request.form()
    email = str(form.get("email") or "").strip()
    next_path = safe_next(str(form.get("next") or ""))

    def work() -> Response:
        check_csrf(request, _text(form.get(CSRF_FIELD)))
        web = web_of(request)
        client = request.client.host if request.client else "unknown"
        if not web.auth.attempt(f"address:{email.casefold()}", f"client:{client}"):
            raise TooManyRequests("too many log-in links were asked for from here or for this address: wait a "
                                  "quarter of an hour and try again")
        person = _registered(request, email)
        if person is not None:
            token = web.auth.issue_link(person.id, next_path)
            tasks.add_task(send_link, request, person, token)
        return render(request, "login.html", {"next": next_path, "sent": True, "email": email})

    return await run_in_threadpool(work)


def _registered(request: Request, email: str) -> Person | None:
    if "@" not in email:
        return None
    try:
        return web_of(request).app.person(email)
    except NotFound:
        return None


def send_link(request: Request, person: Person, token: str) -> None:
    from pdsa_engine.notifications.transport import DeliveryFailed, transport_for
    from pdsa_engine.web.errors import log

    web = web_of(request)
    message = link_message(web.mail, person, token)
    try:
        with transport_for(web.mail).session() as deliver:
            deliver(message.as_bytes(), [person.email])
    except DeliveryFailed as failed:
        log.warning("a log-in link could not be mailed: %s", failed.reason)


def link_message(mail: MailSettings, person: Person, token: str) -> EmailMessage:
    language = person.language if person.language in ("da", "en") else "da"
    words = translations("web", language)
    link = mail.link(f"/login/{token}")
    message = EmailMessage()
    message["Subject"] = words.gettext("Your log-in link for the leadership programme")
    message["From"] = formataddr((mail.sender.display_name, mail.sender.addr_spec))
    message["To"] = formataddr((person.name, person.email))
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=mail.domain)
    message["Auto-Submitted"] = "auto-generated"
    message["X-PDSA-Kind"] = "login_link"
    body = environment(language).get_template("mail/login_link.txt").render(
        name=person.name, link=link, minutes=int(LINK_VALID.total_seconds() // 60))
    message.set_content(body)
    message["Content-Language"] = language  # after the content: setting it clears the Content-* headers
    return message


@router.get("/login/{token}")
def confirm_page(request: Request, token: str) -> Response:
    usable = web_of(request).auth.link_is_usable(token)
    return render(request, "login_confirm.html", {"token": token, "usable": usable}, status=200 if usable else 410)


@router.head("/login/{token}")
def confirm_head(request: Request, token: str) -> Response:
    return Response(status_code=200)


@router.post("/login/{token}")
async def use_link(request: Request, token: str) -> Response:
    form = await request.form()

    def work() -> Response:
        check_csrf(request, _text(form.get(CSRF_FIELD)))
        web = web_of(request)
        used = web.auth.use_link(token)
        if used is None:
            return render(request, "login_confirm.html", {"token": token, "usable": False}, status=410)
        person_id, next_path = used
        old = request.cookies.get(SESSION_COOKIE)
        if old:
            web.auth.end_session(old)
        session = web.auth.start_session(person_id)
        response = RedirectResponse(safe_next(next_path), status_code=303)
        set_cookie(request, response, SESSION_COOKIE, session.token, max_age=int(SESSION_MOST.total_seconds()))
        return response

    return await run_in_threadpool(work)


@router.post("/logout")
async def logout(request: Request) -> Response:
    form = await request.form()

    def work() -> Response:
        check_csrf(request, _text(form.get(CSRF_FIELD)))
        found = viewer(request)
        if found is not None and found.session is not None:
            web_of(request).auth.end_session(found.session.token)
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    return await run_in_threadpool(work)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
