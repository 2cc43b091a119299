"""Every failure a request can meet, answered as a page or as JSON, never as a traceback.

The engine's own errors keep their meaning: invalid input 422 (naming the field), a rule's refusal or a
concurrent change 409, a decision on a version that has changed 412, not found 404. Two things are the web's:
a reader who may not read something is told it is not found (its existence is not revealed), and the door
itself: no credentials 401, a form without its CSRF token 403, too many log-in requests 429.
"""

from __future__ import annotations

import logging
from typing import Any

from eventsourcing.persistence import ConnectionUnavailableError
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from pdsa_engine.errors import (
    ConcurrentModification,
    DatabaseBusy,
    DatabaseUnavailable,
    InvalidInput,
    NotFound,
    PdsaError,
    PermissionDenied,
    Refused,
    StaleVersion,
)

log = logging.getLogger("pdsa.web")


class NotLoggedIn(PdsaError):
    code = "unauthenticated"


class CsrfRefused(PdsaError):
    code = "csrf"


class VersionRequired(PdsaError):
    code = "precondition_required"


class TooManyRequests(PdsaError):
    code = "rate_limited"


def status_of(error: PdsaError) -> int:
    for kind, status in ((NotLoggedIn, 401), (CsrfRefused, 403), (PermissionDenied, 403), (InvalidInput, 422),
                         (StaleVersion, 412), (VersionRequired, 428), (TooManyRequests, 429), (NotFound, 404),
                         (ConcurrentModification, 409), (Refused, 409), (DatabaseUnavailable, 503)):
        if isinstance(error, kind):
            return status
    return 500


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/health"


async def engine_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, PdsaError)
    status = status_of(error)
    if wants_json(request):
        response: Response = JSONResponse({"error": error.as_dict()}, status_code=status,
                                          headers={"WWW-Authenticate": "Bearer"} if status == 401 else None)
    elif status == 401:
        return RedirectResponse(f"/login?next={_quoted(request.url.path)}", status_code=303)
    else:
        response = page_of_error(request, status, error)
    if isinstance(error, DatabaseBusy):
        response.headers["Retry-After"] = "1"
    return response


async def request_invalid(request: Request, error: Exception) -> Response:
    """A path or body FastAPI itself could not read (an id that is no id, a body that is no JSON object)."""
    assert isinstance(error, RequestValidationError)
    first: dict[str, Any] = error.errors()[0] if error.errors() else {}
    location = [str(part) for part in first.get("loc", ()) if part not in ("body", "path", "query")]
    field = ".".join(location) or "input"
    return await engine_error(request, InvalidInput(field, str(first.get("msg", "is not valid")).lower()))


async def http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    kinds = {404: NotFound("there is no such page"), 405: Refused("that action is not taken here")}
    known = kinds.get(error.status_code)
    if known is None:
        known = PdsaError(str(error.detail))
    response = await engine_error(request, known)
    response.status_code = error.status_code
    return response


async def database_busy(request: Request, error: Exception) -> Response:
    """A read that waited too long for a connection (a write retries first: see ApplicationBase.run_command)."""
    return await engine_error(request, DatabaseBusy("the database is busy; try again in a moment"))


async def unexpected(request: Request, error: Exception) -> Response:
    log.exception("unexpected failure of %s %s", request.method, request.url.path)
    failure = PdsaError("the server failed unexpectedly; nothing of this request was stored unless the page you come "
                        "back to shows it. Please tell the programme's administrators the time it happened")
    if wants_json(request):
        return JSONResponse({"error": {**failure.as_dict(), "code": "unexpected"}}, status_code=500)
    return page_of_error(request, 500, failure)


def page_of_error(request: Request, status: int, error: PdsaError) -> Response:
    """The error as a page in the reader's words; invalid input as each field and the rule it broke."""
    from pdsa_engine.input_rules import said
    from pdsa_engine.labels import field_label
    from pdsa_engine.refusals import told
    from pdsa_engine.web.identity import language
    from pdsa_engine.web.pages_base import render

    reader = language(request)
    broken = [said(problem, reader) for problem in error.problems] if isinstance(error, InvalidInput) else []
    field = field_label(error.field, reader) if error.field and not broken else None
    return render(request, "error.html", {"status": status, "message": told(error, reader), "field": field,
                                          "problems": broken, "back": _back(request), "method": request.method},
                  status=status)


def _back(request: Request) -> str | None:
    """The page the failed form was on, when it was one of this site's."""
    from urllib.parse import urlsplit

    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc and referer.netloc == request.url.netloc and referer.path.startswith("/"):
        return referer.path + (f"?{referer.query}" if referer.query else "")
    return None


def _quoted(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="/")


def install(app: Any) -> None:
    app.add_exception_handler(PdsaError, engine_error)
    app.add_exception_handler(RequestValidationError, request_invalid)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(ConnectionUnavailableError, database_busy)
    app.add_exception_handler(Exception, unexpected)
