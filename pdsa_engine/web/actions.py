"""Carrying out one command from the web, whichever door it came through: who asks, whether they may see
what it acts on, whether they decided on the version that still stands, and then the application's method,
which checks every rule of the domain as it does for the CLI."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from fastapi import Request

from pdsa_engine.aggregates.cycle import PDSACycle
from pdsa_engine.aggregates.measure_series import MeasureSeries
from pdsa_engine.aggregates.project import ImprovementProject
from pdsa_engine.aggregates.signoff import SignOff
from pdsa_engine.commands import parse
from pdsa_engine.errors import InvalidInput, NotFound, PermissionDenied, StaleVersion, record_kind
from pdsa_engine.web.commands import CommandRoute, field_of
from pdsa_engine.web.errors import VersionRequired
from pdsa_engine.web.identity import Viewer, web_of

VERSIONED = {"project": ImprovementProject, "cycle": PDSACycle, "signoff": SignOff, "measure": MeasureSeries}


def path_id(request: Request, name: str) -> UUID:
    """The id a path names; a path that names no id names nothing there is."""
    try:
        return UUID(request.path_params[name])
    except ValueError:
        raise NotFound("no {kind} has the id {id}", kind=record_kind(name), id=request.path_params[name]) from None


@contextmanager
def hidden(kind: str, ref: object) -> Iterator[None]:
    """What the reader may not see does not exist, as far as they are told."""
    try:
        yield
    except PermissionDenied:
        raise NotFound("no {kind} has the id {id}", kind=record_kind(kind), id=ref) from None


def readable(request: Request, viewer: Viewer, kind: str, ref: str) -> None:
    with hidden(kind, ref):
        web_of(request).aggregates().check_readable(viewer.actor, kind, ref)


def perform(request: Request, viewer: Viewer, route: CommandRoute, given: dict[str, Any],
            path: dict[str, str], if_match: str | None) -> Any:
    data = dict(given)
    for placeholder in route.placeholders:
        name = field_of(route.model, placeholder)
        if name in data and str(data[name]) != path[placeholder]:
            raise InvalidInput(name, "is given by the address; leave it out of the body or give the same")
        data[name] = path[placeholder]
    for name, value in route.fixed.items():
        if name in data and data[name] != value:
            raise InvalidInput(name, "is {value} on this address", value=value)
        data[name] = value
    if route.target is not None:
        readable(request, viewer, route.target, path[route.target])
    bound, decided_on = _bind_to_version(request, route, data, path, if_match)
    command = parse(route.model, data)
    # A command decided on a version someone saw is not retried on a newer one: the conflict is theirs to see.
    return web_of(request).app.run_command(route.action, viewer.actor, command, retry_on_conflict=not bound,
                                           decided_on=decided_on)


def _bind_to_version(request: Request, route: CommandRoute, data: dict[str, Any], path: dict[str, str],
                     if_match: str | None) -> tuple[bool, tuple[UUID, int] | None]:
    """A sign-off is decided on the project's version the sponsor saw (the body's project_version, or If-Match):
    without one it is not decided at all (the decision checks it on the project it loads). Any other command may
    send If-Match with its thing's version: checked here, so that no command ignores it, and again where the
    command loads the thing, so that nothing written in between gets through."""
    seen = _version(if_match)
    if "project_version" in route.model.model_fields and route.fixed:
        if data.get("project_version") is None:
            if seen is None:
                raise VersionRequired("say which version of the project the decision is on: send project_version "
                                      "(or If-Match with the project's ETag), as the sign-off's page shows it")
            data["project_version"] = seen
        return True, None
    if seen is None or route.target not in VERSIONED:
        return False, None
    thing_id = UUID(path[route.target])
    thing = web_of(request).app.load(VERSIONED[route.target], thing_id)
    if thing.version != seen:
        raise StaleVersion.of(record_kind(route.target), seen, thing.version)
    return True, (thing_id, seen)


def _version(if_match: str | None) -> int | None:
    if if_match is None or not if_match.strip():
        return None
    text = if_match.strip().removeprefix("W/").strip('"')
    if not text.isdigit():
        raise InvalidInput("If-Match", 'must be the ETag a read sent, e.g. "12"')
    return int(text)


def created_id(result: Any) -> UUID | None:
    return result if isinstance(result, UUID) else None
