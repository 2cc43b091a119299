"""Reading the audit log: filtered lines, with sentences in the reader's language and people's current names."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from pdsa_engine.audit.sentences import EVENT_NAMES, sentence
from pdsa_engine.clock import LOCAL_ZONE, utc_text
from pdsa_engine.errors import InvalidInput
from pdsa_engine.projections.audit_log import AUDIT
from pdsa_engine.projections.store import ViewStore

PERSON_VALUED = ("participant_id", "sponsor_id", "coach_id", "requested_by", "first_administrator_id", "person_id",
                 "recipient_id", "attendees", "members")


@dataclass(frozen=True)
class LogFilter:
    project: str | None = None
    person: str | None = None
    event: str | None = None
    since: datetime | None = None
    until: datetime | None = None


EARLIEST_YEAR, LATEST_YEAR = 1900, 2999


def parse_moment(field: str, text: str) -> datetime:
    """ISO 8601; a moment without a zone is taken as Danish time."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(field, "must be an ISO 8601 moment like 2026-03-09T14:00 or 2026-03-09") from None
    # Years near 1 or 9999 cannot be moved between time zones; no history reaches them anyway.
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise InvalidInput(field, "must lie between the years {earliest} and {latest}", earliest=EARLIEST_YEAR,
                           latest=LATEST_YEAR)
    return moment if moment.tzinfo else moment.replace(tzinfo=LOCAL_ZONE)


def event_name(text: str) -> str:
    """An event name as the log shows it ("PDSACycle.Acted"); the part after the dot alone will do when it is
    unambiguous ("Acted")."""
    wanted = text.strip().casefold()
    matches = [n for n in EVENT_NAMES if n.casefold() == wanted] or \
        [n for n in EVENT_NAMES if n.split(".")[1].casefold() == wanted]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise InvalidInput("type", "must be one of the event names the log shows: it could be {names}",
                           names=tuple(matches))
    raise InvalidInput("type", "must be one of the event names the log shows, e.g. PDSACycle.Acted or SignOff.Decided")


def read_log(store: ViewStore, chosen: LogFilter, language: str, name_of: Callable[[str], str]) -> list[dict[str, Any]]:
    query = select(AUDIT).order_by(AUDIT.c.position)
    if chosen.project:
        query = query.where(AUDIT.c.project_id == chosen.project)
    if chosen.person:
        query = query.where(AUDIT.c.people.contains(chosen.person))
    if chosen.event:
        query = query.where(AUDIT.c.event == chosen.event)
    if chosen.since:
        query = query.where(AUDIT.c.at >= utc_text(chosen.since))
    if chosen.until:
        query = query.where(AUDIT.c.at <= utc_text(chosen.until))
    with store.engine.connect() as connection:
        rows = list(connection.execute(query))
    return [_line(row, language, name_of) for row in rows]


def _line(row: Any, language: str, name_of: Callable[[str], str]) -> dict[str, Any]:
    document = json.loads(row.document)
    data = {**document["data"]}
    if row.event.startswith("Person."):
        data["subject"] = name_of(row.aggregate_id)
    return {
        "position": row.position,
        "at": datetime.fromisoformat(row.at).astimezone(LOCAL_ZONE).isoformat(),
        "who": None if row.actor_id is None else {"id": row.actor_id, "name": name_of(row.actor_id)},
        "role": row.actor_role,
        "what": sentence(row.event, data, language, name_of),
        "event": row.event,
        "aggregate_id": row.aggregate_id,
        "project_id": row.project_id,
        "reason": document["reason"],
        "changes": [_named(change, name_of) for change in document["changes"]],
    }


def _named(change: dict[str, Any], name_of: Callable[[str], str]) -> dict[str, Any]:
    if change["field"].rsplit(".", 1)[-1] not in PERSON_VALUED:
        return change
    return {**change, **{key: _names(change[key], name_of) for key in ("old", "new")}}


def _names(value: str | None, name_of: Callable[[str], str]) -> str | None:
    """Ids of people (one, or a list as flattened) as their current names."""
    return value and ", ".join(name_of(part) for part in value.split(", "))
