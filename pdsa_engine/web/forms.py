"""The pages' forms: the command table's paths without /api/v1, taking form fields instead of JSON, and
answering with the page to go to next (303), or with a page saying what was wrong and that nothing was stored."""

from __future__ import annotations

import typing
from collections.abc import Callable
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from pdsa_engine.web.actions import created_id, perform
from pdsa_engine.web.commands import PAGES, ROUTES, CommandRoute
from pdsa_engine.web.identity import CSRF_FIELD, Viewer, check_csrf, require_viewer
from pdsa_engine.web.pages_base import flash

router = APIRouter(include_in_schema=False)


def _repeatable(route: CommandRoute) -> set[str]:
    """Fields a form may give more than once (a cycle's predictions, a meeting's attendees)."""
    found = set()
    for name, info in route.model.model_fields.items():
        shape = typing.get_origin(info.annotation)
        arguments = typing.get_args(info.annotation)
        if shape is tuple or any(typing.get_origin(a) is tuple for a in arguments):
            found.add(info.alias or name)
    return found


def form_fields(route: CommandRoute, form: Any) -> dict[str, Any]:
    """A form's fields as the command takes them: an empty field is one left out, a repeated one a list."""
    repeatable = _repeatable(route)
    given: dict[str, Any] = {}
    for name in form.keys():
        if name == CSRF_FIELD:
            continue
        values = [v.strip() for v in form.getlist(name) if isinstance(v, str) and v.strip()]
        if name in repeatable:
            lines = [line.strip() for v in values for line in v.splitlines() if line.strip()]
            if lines:
                given[name] = tuple(lines)
        elif values:
            given[name] = values[-1]
    return given


def next_page(route: CommandRoute, path: dict[str, str], result: Any) -> str:
    made = created_id(result)
    if made is not None and route.creates:
        return PAGES[route.creates].format(made)
    if route.target is not None:
        return PAGES[route.target].format(path[route.target])
    return "/"


async def posted(request: Request, form: Any, act: Callable[[Viewer], str]) -> Response:
    """A form's POST: the reader logged in, the form's CSRF token checked, then `act` (in a worker thread), and
    on to the page it names, saying it was saved. Whatever `act` raises is answered as an error page."""
    def work() -> Response:
        viewer = require_viewer(request)
        csrf = form.get(CSRF_FIELD)
        check_csrf(request, csrf if isinstance(csrf, str) else None)
        response = RedirectResponse(act(viewer), status_code=303)
        flash(request, response, "saved")
        return response

    return await run_in_threadpool(work)


def _form_endpoint(route: CommandRoute) -> Callable[..., Any]:
    async def endpoint(request: Request) -> Response:
        form = await request.form()

        def act(viewer: Viewer) -> str:
            path = dict(request.path_params)
            return next_page(route, path, perform(request, viewer, route, form_fields(route, form), path, None))

        return await posted(request, form, act)

    endpoint.__name__ = f"form_{route.name}"
    return endpoint


for _route in ROUTES:
    router.add_api_route(_route.path, _form_endpoint(_route), methods=["POST"])


def page_of_measure(request: Request, measure: UUID) -> str:
    from pdsa_engine.aggregates.measure_series import MeasureSeries
    from pdsa_engine.web.identity import web_of

    series = web_of(request).app.load(MeasureSeries, measure)
    return f"/projects/{series.project_id}#measure-{measure}"
