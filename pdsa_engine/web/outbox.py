"""The outbox for administrators: the messages the reminders queued and how each went, as `pdsa outbox list`
shows them, and a failed one sent again, as `pdsa outbox retry` does."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from pdsa_engine.aggregates.outbox import MessageStatus
from pdsa_engine.application import PdsaApplication as A
from pdsa_engine.errors import InvalidInput
from pdsa_engine.web.actions import path_id
from pdsa_engine.web.forms import posted
from pdsa_engine.web.identity import Viewer, require_viewer, web_of
from pdsa_engine.web.pages_base import render

router = APIRouter(include_in_schema=False)

STATUSES = tuple(status.value for status in MessageStatus)


PAGE = 200  # messages a page shows


@router.get("/outbox")
def outbox_page(request: Request, status: str | None = None, page: str = "1") -> Response:
    """`?status=failed` shows the failed deliveries; `?page=2` the next 200, newest first."""
    reader = require_viewer(request)
    if status is not None and status not in STATUSES:
        raise InvalidInput("status", "must be one of {allowed}", allowed=tuple(MessageStatus))
    if not page.isdigit() or int(page) < 1:
        raise InvalidInput("page", "must be a whole number from 1")
    queries, number = web_of(request).queries(), int(page)
    counts = queries.outbox_counts(reader.actor)
    shown = counts.get(status, 0) if status else sum(counts.values())
    messages = queries.outbox(reader.actor, status, PAGE, (number - 1) * PAGE)
    return render(request, "outbox.html", {
        "messages": messages, "status": status, "statuses": STATUSES, "counts": counts, "total": shown,
        "page": number, "pages": max(1, -(-shown // PAGE)), "first": (number - 1) * PAGE + 1})


@router.post("/outbox/{message}/retry")
async def retry(request: Request) -> Response:
    def act(viewer: Viewer) -> str:
        web_of(request).app.run_command(A.retry_message, viewer.actor, path_id(request, "message"))
        return "/outbox?status=failed"

    return await posted(request, await request.form(), act)
