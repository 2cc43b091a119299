"""The JSON API under /api/v1: every command of the table in commands.py, and the reads the CLI's `show` and
`list` commands give. A read of a project, cycle, sign-off or measure sends its version as the ETag."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from pdsa_engine.aggregates.values import Role
from pdsa_engine.errors import InvalidInput
from pdsa_engine.queries import Queries
from pdsa_engine.views import jsonable
from pdsa_engine.web.actions import created_id, hidden, path_id, perform
from pdsa_engine.web.commands import ROUTES, CommandRoute, field_of
from pdsa_engine.web.identity import CSRF_HEADER, Viewer, check_csrf, require_viewer, web_of
from pdsa_engine.web.uploads import ENROLMENT_CSV, MOST_BYTES, enrol_from_csv

PREFIX = "/api/v1"
router = APIRouter(prefix=PREFIX)


def json_response(data: Any, status: int = 200, etag: int | None = None, **headers: str) -> JSONResponse:
    if etag is not None:
        headers["ETag"] = f'"{etag}"'
    return JSONResponse(jsonable(data), status_code=status, headers=headers or None)


# -- commands ---------------------------------------------------------------------------------------------


def _command_endpoint(route: CommandRoute) -> Callable[..., Any]:
    async def endpoint(request: Request) -> Response:
        body = await request.body()
        try:
            given = json.loads(body) if body.strip() else {}
        except ValueError:
            raise InvalidInput("body", "is not JSON: send a JSON object of the command's fields") from None
        if not isinstance(given, dict):
            raise InvalidInput("body", "must be a JSON object of the command's fields")

        def work() -> Response:
            viewer = require_viewer(request)
            check_csrf(request, request.headers.get(CSRF_HEADER))
            result = perform(request, viewer, route, given, dict(request.path_params), request.headers.get("if-match"))
            made = created_id(result)
            if made is not None and route.creates:
                return json_response({"id": made}, 201, Location=f"{PREFIX}/{_plural(route.creates)}/{made}")
            return json_response({"ok": True})

        return await run_in_threadpool(work)

    endpoint.__name__ = route.name
    return endpoint


def _plural(kind: str) -> str:
    return {"person": "people"}.get(kind, kind + "s")


def body_schema(route: CommandRoute) -> dict[str, Any]:
    """The command model's JSON schema without the fields the path fills."""
    schema = route.model.model_json_schema(ref_template="#/components/schemas/{model}")
    schema.pop("$defs", None)
    taken = {field_of(route.model, p) for p in route.placeholders} | set(route.fixed)
    schema["properties"] = {k: v for k, v in schema.get("properties", {}).items() if k not in taken}
    schema["required"] = [k for k in schema.get("required", []) if k not in taken]
    return schema


def schema_definitions() -> dict[str, Any]:
    found: dict[str, Any] = {}
    for route in ROUTES:
        found.update(route.model.model_json_schema(ref_template="#/components/schemas/{model}").get("$defs", {}))
    return found


for _route in ROUTES:
    router.add_api_route(
        _route.path, _command_endpoint(_route), methods=["POST"], summary=_route.summary,
        tags=[_route.path.split("/")[1]], response_model=None,
        openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": body_schema(_route)}}}},
    )


@router.post(ENROLMENT_CSV.path, summary="Enrol from a CSV file: every row or none, each bad row named by its line",
             tags=["cohorts"], response_model=None,
             openapi_extra={"requestBody": {"required": True, "content": {"text/csv": {"schema": {"type": "string"}}}}})
async def enrolment_csv(request: Request) -> Response:
    """The body is the CSV file itself (`Content-Type: text/csv`), as `pdsa cohort import` reads it."""
    content = b""
    async for chunk in request.stream():
        content += chunk
        if len(content) > MOST_BYTES:
            break

    def work() -> Response:
        viewer = require_viewer(request)
        check_csrf(request, request.headers.get(CSRF_HEADER))
        return json_response({"enrolled": enrol_from_csv(request, viewer, content, "the CSV sent")})

    return await run_in_threadpool(work)


# -- reads -------------------------------------------------------------------------------------------------


def _read(request: Request, read: Callable[[Queries, Viewer], Any], kind: str | None = None) -> Any:
    viewer = require_viewer(request)
    if kind is None:  # a list: who may not read it is told so (403)
        return read(web_of(request).queries(), viewer)
    with hidden(kind, request.path_params.get(kind) or request.path_params.get("ref")):
        return read(web_of(request).queries(), viewer)


@router.get("/projects/{project}", summary="A project, as `pdsa project show --json`", tags=["projects"])
def get_project(request: Request) -> Response:
    found = _read(request, lambda q, v: q.project(v.actor, path_id(request, "project")), "project")
    return json_response(found, etag=found["version"])


@router.get("/cycles/{cycle}", summary="A cycle with the records of its phases", tags=["cycles"])
def get_cycle(request: Request) -> Response:
    found = _read(request, lambda q, v: q.cycle(v.actor, path_id(request, "cycle")), "cycle")
    return json_response(found, etag=found["version"])


@router.get("/signoffs/{signoff}", summary="A sign-off, and the project's version now", tags=["signoffs"])
def get_signoff(request: Request) -> Response:
    def read(queries: Queries, viewer: Viewer) -> dict[str, Any]:
        from pdsa_engine.aggregates.project import ImprovementProject

        found = queries.signoff(viewer.actor, path_id(request, "signoff"))
        project = queries.app.load(ImprovementProject, found["project_id"])
        return {**found, "project_version": project.version}

    found = _read(request, read, "signoff")
    return json_response(found, etag=found["version"])


@router.get("/measures/{measure}", summary="A measure and its points", tags=["measures"])
def get_measure(request: Request) -> Response:
    found = _read(request, lambda q, v: q.measure(v.actor, path_id(request, "measure")), "measure")
    return json_response(found, etag=found["version"])


@router.get("/measures/{measure}/series", summary="The measure's SPC analysis", tags=["measures"])
def get_series(request: Request) -> Response:
    return json_response(_read(request, lambda q, v: q.series(v.actor, path_id(request, "measure")), "measure"))


@router.get("/cohorts", summary="Every cohort", tags=["cohorts"])
def list_cohorts(request: Request) -> Response:
    return json_response(_read(request, lambda q, v: q.cohorts(v.actor)))


@router.get("/cohorts/{cohort}", summary="The cohort's dashboard", tags=["cohorts"])
def get_cohort(request: Request) -> Response:
    return json_response(_read(request, lambda q, v: q.cohort(v.actor, path_id(request, "cohort")), "cohort"))


@router.get("/projects", summary="Projects the reader may see (of a cohort; only their own with mine=true)",
            tags=["projects"])
def list_projects(request: Request, cohort: UUID | None = None, mine: bool = False) -> Response:
    return json_response(_read(request, lambda q, v: q.projects(v.actor, cohort, mine)))


@router.get("/signoffs", summary="Sign-offs, oldest request first", tags=["signoffs"])
def list_signoffs(request: Request, mine: bool = False, status: str | None = None) -> Response:
    return json_response(_read(request, lambda q, v: q.signoffs(v.actor, mine, status)))


@router.get("/people", summary="Everyone registered (in a role)", tags=["people"])
def list_people(request: Request, role: Role | None = None) -> Response:
    return json_response(_read(request, lambda q, v: q.people(v.actor, role)))


@router.get("/people/{ref}", summary="A person (by id or e-mail address); 'me' is the reader", tags=["people"])
def get_person(request: Request, ref: str) -> Response:
    def read(queries: Queries, viewer: Viewer) -> Any:
        return queries.person(viewer.actor, viewer.actor if ref == "me" else ref)

    return json_response(_read(request, read, "person"))
