"""Who is asking: the person of a live session (a cookie) or of an API token (``Authorization: Bearer``), and
the CSRF token every form of theirs must carry back."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from pdsa_engine.aggregates.person import Person
from pdsa_engine.errors import NotFound
from pdsa_engine.web.auth import Session, csrf_for, new_secret, same
from pdsa_engine.web.context import Web
from pdsa_engine.web.errors import CsrfRefused, NotLoggedIn
from pdsa_engine.web.i18n import negotiate

SESSION_COOKIE = "pdsa_session"
BROWSER_COOKIE = "pdsa_browser"  # names an anonymous browser, so that forms before log-in carry a CSRF token too
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"


@dataclass(frozen=True)
class Viewer:
    person: Person
    session: Session | None  # None when the request came with an API token

    @property
    def actor(self) -> str:
        return str(self.person.id)


def web_of(request: Request) -> Web:
    return request.app.state.web


def viewer(request: Request) -> Viewer | None:
    if "viewer" not in request.state._state:
        request.state.viewer = _identify(request)
    return request.state.viewer


def require_viewer(request: Request) -> Viewer:
    found = viewer(request)
    if found is None:
        raise NotLoggedIn("log in first: this needs to know who you are")
    return found


def _identify(request: Request) -> Viewer | None:
    web = web_of(request)
    authorization = request.headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        holder = web.auth.token_holder(authorization[7:].strip())
        if holder is None:
            raise NotLoggedIn("the API token is unknown, expired or revoked")
        return _viewer(web, holder, None)
    token = request.cookies.get(SESSION_COOKIE)
    session = web.auth.session(token) if token else None
    return None if session is None else _viewer(web, session.person_id, session)


def _viewer(web: Web, person_id: object, session: Session | None) -> Viewer | None:
    try:
        return Viewer(web.person(person_id), session)  # type: ignore[arg-type]
    except NotFound:
        return None


def language(request: Request) -> str:
    found = viewer(request)
    if found is not None:
        return found.person.language if found.person.language in ("da", "en") else "da"
    return negotiate(request.headers.get("accept-language"))


def browser_id(request: Request) -> str:
    """The anonymous browser's id: its cookie, or one made now (the response sets it)."""
    known = request.cookies.get(BROWSER_COOKIE) or request.state._state.get("new_browser")
    if not known:
        known = new_secret()
        request.state.new_browser = known
    return known


def csrf_token(request: Request) -> str:
    found = viewer(request)
    if found is not None and found.session is not None:
        return found.session.csrf
    return csrf_for(web_of(request).auth.secret(), browser_id(request))


def check_csrf(request: Request, given: str | None) -> None:
    """A state-changing request from a browser must bring back the token of a page the site showed it.
    Requests with an API token carry no cookie a third site could make a browser send, and need none."""
    found = viewer(request)
    if found is not None and found.session is None:
        return
    if found is not None:
        expected = found.session.csrf  # type: ignore[union-attr]
    else:
        browser = request.cookies.get(BROWSER_COOKIE)
        expected = csrf_for(web_of(request).auth.secret(), browser) if browser else None
    if not same(given, expected):
        raise CsrfRefused("the form has expired or did not come from this site: open the page again and resend it")
