"""A sponsor deciding a sign-off from the link in a reminder or digest, without logging in: two clicks.

GET (and HEAD) of `/mailed/{token}` only shows the sign-off and the project as it stands at the version on the
screen; the POST from that page decides, bound to that version as the logged-in page's decision is. The
decision is recorded as made through the mailed link. What the link does not open (every other page, every
other action) needs a log-in; a link that is unknown, expired, ended or whose sign-off no longer waits for its
recipient says so and offers the log-in. See pdsa_engine.web.mailed_links for what makes a link live.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from pdsa_engine.aggregates.person import Person
from pdsa_engine.aggregates.project import ImprovementProject
from pdsa_engine.aggregates.signoff import SignOff
from pdsa_engine.aggregates.values import Role, SignOffStatus
from pdsa_engine.application import PdsaApplication
from pdsa_engine.charter_changes import for_the_sponsor
from pdsa_engine.commands import parse, signoffs
from pdsa_engine.errors import (
    ConcurrentModification,
    InvalidInput,
    NotFound,
    PdsaError,
    PermissionDenied,
    Refused,
    StaleVersion,
)
from pdsa_engine.refusals import told
from pdsa_engine.web.identity import CSRF_FIELD, check_csrf, web_of
from pdsa_engine.web.mailed_links import MailedLink
from pdsa_engine.web.pages_base import page_language, render

router = APIRouter(include_in_schema=False)

DECISIONS = {"approve": SignOffStatus.APPROVED, "request-changes": SignOffStatus.CHANGES_REQUESTED,
             "decline": SignOffStatus.DECLINED}
# The link names who reads, in the address itself: it must not travel on to other sites or stay in caches.
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


class _Found:
    """A link, with what it names as the application holds it now."""

    def __init__(self, app: PdsaApplication, link: MailedLink | None) -> None:
        self.link = link
        self.person: Person | None = None
        self.signoff: SignOff | None = None
        if link is None:
            return
        try:
            self.person = app.load(Person, link.person_id)
            self.signoff = app.load(SignOff, link.signoff_id)
        except NotFound:  # a person erased, a sign-off never stored: the link names nothing any more
            self.person = self.signoff = None

    @property
    def language(self) -> str | None:
        return self.person.language if self.person is not None and self.person.language in ("da", "en") else None

    def live_at(self, moment: float) -> bool:
        return (self.link is not None and self.person is not None and self.signoff is not None
                and self.link.open_at(moment) and self.signoff.pending and self.signoff.sponsor_id == self.person.id
                and self.person.holds(Role.SPONSOR))

    def decided_through_it(self, moment: float) -> bool:
        """The decision made through the link is shown back through it, for as long as it would have lived."""
        return (self.link is not None and self.link.used_at is not None and self.signoff is not None
                and self.link.expires_at > moment)

    def why_dead(self, moment: float) -> str:
        """What the recipient of a link that no longer works is told (the words are the page's to translate)."""
        if self.link is None or self.person is None or self.signoff is None:
            return "unknown"
        if self.link.ended_at is not None:
            return "ended"
        if not self.signoff.pending:
            return "decided"
        if self.signoff.sponsor_id != self.person.id or not self.person.holds(Role.SPONSOR):
            return "readdressed"
        return "expired" if self.link.expires_at <= moment else "unknown"


def _find(request: Request, token: str) -> _Found:
    web = web_of(request)
    return _Found(web.app, web.mailed_links().find(token))


def _page(request: Request, token: str, found: _Found, status: int = 200, problem: PdsaError | None = None,
          given: dict[str, str] | None = None) -> Response:
    web = web_of(request)
    now = web.app.clock.now().timestamp()
    said = told(problem, page_language(request, found.language)) if problem is not None else None
    context: dict[str, Any] = {"token": token, "state": "dead", "problem": said,
                               "given": given or {}, "signoff": None, "project": None, "why": found.why_dead(now),
                               "signoff_id": found.signoff.id if found.signoff is not None else None}
    if found.live_at(now) or found.decided_through_it(now):
        assert found.person is not None and found.signoff is not None
        queries = web.queries()
        reader = str(found.person.id)
        context["signoff"] = queries.signoff(reader, found.signoff.id)
        if found.live_at(now):
            project = web.app.load(ImprovementProject, found.signoff.project_id)
            context.update(state="live", project=queries.project(reader, project.id), project_version=project.version,
                           changed=for_the_sponsor(web.app, project, context["signoff"]["requested_on_project_version"],
                                                   found.signoff.id))
        else:
            context["state"] = "decided"
    elif status == 200:
        status = 410
    response = render(request, "mailed.html", context, status=status, lang=found.language)
    response.headers.update(PRIVATE)
    return response


@router.get("/mailed/{token}")
def mailed_signoff(request: Request, token: str) -> Response:
    return _page(request, token, _find(request, token))


@router.head("/mailed/{token}")
def mailed_head(request: Request, token: str) -> Response:
    return Response(status_code=200, headers=PRIVATE)  # a scanner's look decides and reveals nothing


@router.post("/mailed/{token}")
async def decide_by_mailed_link(request: Request, token: str) -> Response:
    form = await request.form()
    given = {name: value.strip() for name, value in form.items() if isinstance(value, str)}

    def work() -> Response:
        check_csrf(request, given.get(CSRF_FIELD))
        web = web_of(request)
        found = _find(request, token)
        if not found.live_at(web.app.clock.now().timestamp()):
            return _page(request, token, found, 410)  # nothing decided: the page says why
        assert found.person is not None and found.signoff is not None
        try:
            command = parse(signoffs.DecideSignOff, {
                "signoff": found.signoff.id, "decision": _decision(given.get("decision")),
                "comment": given.get("comment") or None, "project_version": given.get("project_version") or None})
            if command.project_version is None:
                raise InvalidInput("project_version", "the page's version is missing: open the link again")
            web.app.decide_signoff(str(found.person.id), command, by_mailed_link=True)
        except InvalidInput as invalid:
            return _page(request, token, found, 422, invalid, given)
        except StaleVersion as stale:  # the page shows the project as it is now, to decide on again
            return _page(request, token, _find(request, token), 412, stale)
        except (Refused, ConcurrentModification, PermissionDenied) as refused:
            return _page(request, token, _find(request, token), 409, refused)
        web.mailed_links().spend(token, web.app.clock.now())
        return RedirectResponse(f"/mailed/{token}", status_code=303, headers=PRIVATE)

    return await run_in_threadpool(work)


def _decision(text: str | None) -> str:
    if text not in DECISIONS:
        raise InvalidInput("decision", "choose approve, request changes or decline")
    return DECISIONS[text].value

