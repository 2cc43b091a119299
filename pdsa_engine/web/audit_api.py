"""The audit's reads in the JSON API, as `pdsa audit log|replay|signoff|verify --json` give them; auditors and
administrators only (403 to anyone else, whatever the path names)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from pdsa_engine.audit.log import LogFilter, event_name, parse_moment
from pdsa_engine.web.api import PREFIX, json_response
from pdsa_engine.web.audit_pages import replayed, signed, verification
from pdsa_engine.web.identity import language, require_viewer, web_of

router = APIRouter(prefix=PREFIX, tags=["audit"])


LOG_PAGE = 1000  # lines an answer holds at most; the next page starts after the last position given


@router.get("/audit/log", summary="The audit log, as `pdsa audit log --json` (filters as its options), "
            f"{LOG_PAGE} lines a page from after=POSITION")
def audit_log(request: Request, project: str | None = None, person: str | None = None, type: str | None = None,
              since: str | None = None, until: str | None = None, after: int = 0) -> Response:
    reader = require_viewer(request)
    audit = web_of(request).audit()
    chosen = LogFilter(project=project or None, person=person or None, event=event_name(type) if type else None,
                       since=parse_moment("since", since) if since else None,
                       until=parse_moment("until", until) if until else None)
    lines = [line for line in audit.log(reader.actor, chosen, language(request)) if line["position"] > after]
    return json_response(lines[:LOG_PAGE])


@router.get("/projects/{project}/replay", summary="The project rebuilt at a moment (at) or a version (version)")
def replay(request: Request, at: str | None = None, version: str | None = None) -> Response:
    return json_response(replayed(request, at, version))


@router.get("/signoffs/{signoff}/signed", summary="What the sponsor signed, and what changed before and after")
def what_was_signed(request: Request) -> Response:
    return json_response(signed(request))


@router.get("/audit/verify", summary="The whole history verified, as `pdsa audit verify --json`")
def verify(request: Request) -> Response:
    found, broken = verification(request)
    return json_response({**found, "problem": broken})
