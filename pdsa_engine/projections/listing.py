"""Lists read from the stored views: people by role, projects, sign-offs. Filtering by who may see what is the
caller's business (queries.py); these only read."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from pdsa_engine.projections.dashboard import PROJECTS
from pdsa_engine.projections.people import PEOPLE
from pdsa_engine.projections.store import ViewStore


def people(store: ViewStore, role: str | None = None) -> list[dict[str, Any]]:
    with store.engine.connect() as connection:
        documents = [json.loads(text) for text in connection.execute(select(PEOPLE.c.document)).scalars()]
    return [d for d in documents if role is None or role in d["roles"]]


def projects(store: ViewStore, cohort_id: str | None = None) -> list[dict[str, Any]]:
    query = select(PROJECTS.c.document)
    if cohort_id is not None:
        query = query.where(PROJECTS.c.cohort_id == cohort_id)
    with store.engine.connect() as connection:
        return [json.loads(text) for text in connection.execute(query).scalars()]


def signoffs(store: ViewStore) -> list[dict[str, Any]]:
    """Every sign-off with the project it belongs to, oldest request first."""
    rows = [
        {"id": signoff_id, "project_id": project["project_id"], "title": project["title"],
         "participant_id": project["participant_id"], **signoff}
        for project in projects(store) for signoff_id, signoff in project["signoffs"].items()
    ]
    return sorted(rows, key=lambda row: (row.get("requested_at") or "", row["id"]))
