"""The auditors' pages beside the audit log: a project replayed at a moment or version, what a sponsor signed,
the verification of the whole history, and a project's history to download — each export recorded before it
leaves, as `pdsa audit export` records it. Auditors and administrators only; to anyone else the pages are 403,
whatever they name (as /audit is), so they reveal nothing."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from pdsa_engine.aggregates.project import ImprovementProject
from pdsa_engine.audit.export import FORMATS
from pdsa_engine.audit.log import parse_moment
from pdsa_engine.audit.readable import names_in, readable
from pdsa_engine.audit.replay import replay_differences
from pdsa_engine.audit.service import Audit, describe_break, verification_view
from pdsa_engine.errors import InvalidInput
from pdsa_engine.web.actions import hidden, path_id
from pdsa_engine.web.i18n import LANGUAGES
from pdsa_engine.web.identity import CSRF_FIELD, Viewer, check_csrf, language, require_viewer, web_of
from pdsa_engine.web.pages_base import render

router = APIRouter(include_in_schema=False)

MEDIA_TYPES = {"jsonl": "application/x-ndjson", "csv": "text/csv", "html": "text/html"}


def _auditing(request: Request) -> tuple[Viewer, Audit]:
    reader = require_viewer(request)
    audit = web_of(request).audit()
    audit.auditor(reader.actor)
    return reader, audit


def _version(text: str | None) -> int | None:
    if text is None or not text.strip():
        return None
    if not text.strip().isdigit():
        raise InvalidInput("version", "must be a whole number, one of the project's versions")
    return int(text)


def replayed(request: Request, at: str | None, version: str | None) -> dict[str, Any]:
    """The project the path names rebuilt from its events as it was at a moment (Danish time unless the moment
    names its zone) or a version, or as it is now when neither is given."""
    reader, audit = _auditing(request)
    project_id = path_id(request, "project")
    moment = parse_moment("at", at.strip()) if at and at.strip() else None
    chosen = _version(version)
    if moment is not None and chosen is not None:
        raise InvalidInput("at", "give a moment or a version, not both")
    with hidden("project", str(project_id)):
        return audit.replay(reader.actor, project_id, at=moment, version=chosen)


def signed(request: Request) -> dict[str, Any]:
    reader, audit = _auditing(request)
    signoff_id = path_id(request, "signoff")
    with hidden("signoff", str(signoff_id)):
        return audit.signoff(reader.actor, signoff_id)


def verification(request: Request) -> tuple[dict[str, Any], str | None]:
    reader, audit = _auditing(request)
    result = audit.verify(reader.actor, [])
    return verification_view(result), None if result.holds else describe_break(result)


@router.get("/audit/projects/{project}")
def replay_page(request: Request, at: str | None = None, version: str | None = None) -> Response:
    then = replayed(request, at, version)
    latest = web_of(request).app.load(ImprovementProject, then["id"]).version  # the replay found it: it exists
    before = None
    if then["version"] > 1:
        reader, audit = _auditing(request)
        earlier = audit.replay(reader.actor, then["id"], version=then["version"] - 1)
        before = readable(replay_differences(earlier, then), {**names_in(earlier), **names_in(then)}, language(request))
    return render(request, "audit_project.html", {
        "project": then, "latest_version": latest, "at": (at or "").strip(), "version": _version(version),
        "since_before": before, "formats": FORMATS, "languages": LANGUAGES})


@router.get("/audit/signoffs/{signoff}")
def signed_page(request: Request) -> Response:
    """What the sponsor signed: the project at the decision, and what changed before and after it."""
    found = signed(request)
    names = names_in(found["project"])
    for key in ("changed_between_request_and_decision", "changed_since"):
        found[key] = readable(found[key], names, language(request))
    return render(request, "audit_signed.html", {"signed": found})


@router.get("/audit/verify")
def verify_page(request: Request) -> Response:
    """Every event's hash and signature checked from the start, with the signed checkpoints kept."""
    found, broken = verification(request)
    return render(request, "audit_verify.html", {"verification": found, "broken": broken})


@router.post("/audit/projects/{project}/export")
async def export(request: Request) -> Response:
    form = await request.form()

    def work() -> Response:
        reader, audit = _auditing(request)
        csrf = form.get(CSRF_FIELD)
        check_csrf(request, csrf if isinstance(csrf, str) else None)
        project_id = path_id(request, "project")
        format = _chosen(form.get("format"), FORMATS, "format")
        wanted = _chosen(form.get("language") or language(request), LANGUAGES, "language")
        with hidden("project", str(project_id)):
            exported = audit.exported(reader.actor, project_id, format, wanted)
        name = f"pdsa-history-{project_id}.{format}"
        return Response(exported.text.encode("utf-8"), media_type=f"{MEDIA_TYPES[format]}; charset=utf-8", headers={
            "Content-Disposition": f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}",
            "Cache-Control": "no-store", "X-PDSA-Export-Record": str(exported.record),
            # The HTML report is a document to keep, not a page of the site: opened here it runs nothing.
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:"})

    return await run_in_threadpool(work)


def _chosen(value: Any, allowed: tuple[str, ...], field: str) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise InvalidInput(field, "must be one of {allowed}", allowed=tuple(allowed))
    return value
