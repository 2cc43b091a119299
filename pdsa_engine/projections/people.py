"""The people view: who is registered, in which roles, and their choice of digest. Only ids and roles are stored here; names and e-mail
addresses stay in the Person aggregates (the one place personal data lives) and are read from them when listed."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Column, String, Table, Text
from sqlalchemy.engine import Connection

from pdsa_engine.projections.runner import Change, View
from pdsa_engine.projections.store import METADATA, dumps, load_documents, upsert

PEOPLE = Table(
    "view_people", METADATA,
    Column("person_id", String(36), primary_key=True),
    Column("document", Text, nullable=False),
)


class PeopleView(View):
    name = "people"
    version = 1  # a choice of digest is a new event: the documents stored before need nothing rebuilt
    tables = (PEOPLE,)
    handles = frozenset({"Person.Registered", "Person.RoleGranted", "Person.DigestChosen"})

    def apply(self, connection: Connection, changes: Sequence[Change]) -> None:
        people = load_documents(connection, PEOPLE, "person_id", {c.aggregate_id for c in changes})
        for change in changes:
            person = people.setdefault(change.aggregate_id, {"person_id": change.aggregate_id, "roles": []})
            if change.name == "Person.Registered":
                person.update(roles=sorted(change.data["roles"]), registered_at=change.at)
            elif change.name == "Person.DigestChosen":
                person["digest"] = {key: change.data[key] for key in ("enabled", "day", "hour")}
            else:
                person["roles"] = sorted({*person["roles"], change.data["role"]})
        upsert(connection, PEOPLE, [{"person_id": k, "document": dumps(d)} for k, d in people.items()], "person_id")
