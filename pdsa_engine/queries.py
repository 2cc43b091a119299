"""Reading: who may see what, and the summaries they get.

Administrators, coaches and auditors read everything. A participant reads their own project and what
belongs to it; a sponsor reads the projects they sponsor and the sign-offs addressed to them; everyone
reads their own person record. Reading records nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from uuid import UUID

from pdsa_engine import views
from pdsa_engine.aggregates.cycle import PDSACycle
from pdsa_engine.aggregates.measure_series import MeasureSeries
from pdsa_engine.aggregates.person import Person
from pdsa_engine.aggregates.project import ImprovementProject
from pdsa_engine.aggregates.signoff import SignOff
from pdsa_engine.aggregates.values import Role
from pdsa_engine.application import PdsaApplication
from pdsa_engine.errors import NotFound, PermissionDenied, record_kind
from pdsa_engine.names import PersonNames

if TYPE_CHECKING:
    from pdsa_engine.projections.runner import Projections

_READ_ALL = (Role.ADMINISTRATOR, Role.COACH, Role.AUDITOR)


class Queries:
    def __init__(self, app: PdsaApplication, projections: Projections | None = None,
                 open_views: Callable[[], Projections] | None = None, reader: Person | None = None) -> None:
        self.app = app
        self.known_reader = reader  # the reader already loaded for this request (the web's viewer)
        self.projections = projections
        self._open_views = open_views  # opens the views (SQLAlchemy) only for the queries that read them
        self.name_of = PersonNames(app)

    def person(self, actor: str | None, ref: str) -> dict[str, Any]:
        reader = self._reader(actor)
        person = self.app.person(ref)
        if person.id != reader.id:
            self._require_any(reader, _READ_ALL)
        return views.person_view(person)

    def cohorts(self, actor: str | None) -> list[dict[str, Any]]:
        from pdsa_engine.projections import reading  # SQLAlchemy and numpy: for the reads of the views only

        self._require_any(self._reader(actor), _READ_ALL)
        return reading.cohort_summaries(self._views().store)

    def cohort(self, actor: str | None, cohort_id: UUID) -> dict[str, Any]:
        """The cohort dashboard, read from its stored view."""
        self._require_any(self._reader(actor), _READ_ALL)
        return self.cohort_overview(cohort_id)

    def cohort_facts(self, actor: str | None, cohort_id: UUID) -> dict[str, Any]:
        """The cohort dashboard but for its ages (reading.dated adds them): a value shared between readers, not
        to be changed."""
        self._require_any(self._reader(actor), _READ_ALL)
        return self._cohort_facts(cohort_id)

    def cohort_overviews(self) -> list[dict[str, Any]]:
        """Every cohort's dashboard, for the operator's main job (no acting person)."""
        from pdsa_engine.projections import reading

        return [self.cohort_overview(cohort["id"]) for cohort in reading.cohort_summaries(self._views().store)]

    def cohort_overview(self, cohort_id: UUID | str) -> dict[str, Any]:
        from pdsa_engine.projections import reading

        return reading.dated(self._cohort_facts(cohort_id), self.app.clock.now())

    def _cohort_facts(self, cohort_id: UUID | str) -> dict[str, Any]:
        from pdsa_engine.projections import reading

        views = self._views()
        facts = views.kept.read(("cohort", str(cohort_id)), views.position,
                                lambda: reading.cohort_facts(views.store, str(cohort_id), self.name_of))
        if facts is None:
            raise NotFound("no {kind} has the id {id}", kind=record_kind("cohort"), id=cohort_id)
        return facts

    def series(self, actor: str | None, measure_id: UUID) -> dict[str, Any]:
        """A measure's series and its SPC analysis, read from the stored view."""
        from pdsa_engine.projections import reading

        reader = self._reader(actor)
        store = self._views().store
        found = reading.series(store, str(measure_id))
        if found is None:
            raise NotFound("no {kind} has the id {id}", kind=record_kind("measure"), id=measure_id)
        people = reading.project_people(store, found["project_id"]) or {}
        if str(reader.id) not in people.values():
            self._require_any(reader, _READ_ALL)
        return found

    # -- lists ---------------------------------------------------------------------------------------

    def people(self, actor: str | None, role: Role | None = None) -> list[dict[str, Any]]:
        """Everyone registered (in a role), by name; for those who read everything."""
        from pdsa_engine.projections import listing  # SQLAlchemy: for the reads of the views only

        self._require_any(self._reader(actor), _READ_ALL)
        found = [views.person_view(self.app.load(Person, UUID(row["person_id"])))
                 for row in listing.people(self._views().store, role.value if role else None)]
        return sorted(found, key=lambda person: (person["name"].casefold(), person["email"]))

    def projects(self, actor: str | None, cohort_id: UUID | None = None, mine: bool = False) -> list[dict[str, Any]]:
        """Projects (of a cohort). Those who read everything see all unless they ask for their own; a participant,
        sponsor or coach sees the projects they take part in."""
        from pdsa_engine.projections import listing  # SQLAlchemy: for the reads of the views only

        reader = self._reader(actor)
        everyone = any(reader.holds(role) for role in _READ_ALL) and not mine
        rows = [p for p in listing.projects(self._views().store, str(cohort_id) if cohort_id else None)
                if everyone or str(reader.id) in (p["participant_id"], p["sponsor_id"], p["coach_id"])]
        found = [{"id": p["project_id"], "title": p["title"], "status": p["status"], "cohort_id": p["cohort_id"],
                  "participant": self._person_ref(p["participant_id"]), "sponsor": self._person_ref(p["sponsor_id"]),
                  "coach": self._person_ref(p["coach_id"]), "pending_signoffs": len(p["pending"]),
                  "last_activity": p.get("last_activity")} for p in rows]
        return sorted(found, key=lambda project: (project["title"].casefold(), project["id"]))

    def coaching(self, actor: str | None) -> list[dict[str, Any]]:
        """A coach's projects not closed: each open cycle (overdue by its cohort's grace, as the reminders have
        it) and the last coaching session."""
        from pdsa_engine.clock import local_date
        from pdsa_engine.notifications.coaching import coached
        from pdsa_engine.notifications.facts import load_facts

        reader = self._reader(actor)
        self._require_any(reader, (Role.COACH,))
        store = self._views()
        facts = store.kept.read(("facts",), store.position, lambda: load_facts(store.store))
        return [{
            "id": found.project.id, "title": found.project.title, "status": found.project.status,
            "participant": self._person_ref(found.project.participant_id),
            "open_cycles": [{"id": c.id, "phase": c.phase, "planned_end": c.planned_end, "overdue": c.overdue,
                             "objective": self.app.load(PDSACycle, UUID(c.id)).planned.objective}
                            for c in found.open_cycles],
            "last_coaching": found.last_coaching, "days_since_coaching": found.days_since_coaching,
            "coaching_due": found.coaching_due,
        } for found in coached(facts, str(reader.id), local_date(self.app.clock.now()))]

    def outbox(self, actor: str | None, status: str | None = None, limit: int = 200,
               offset: int = 0) -> list[dict[str, Any]]:
        """The messages the reminders queued, newest first, as `pdsa outbox list` shows them (administrators)."""
        from pdsa_engine.notifications.listing import outbox_rows

        self._require_any(self._reader(actor), (Role.ADMINISTRATOR,))
        return outbox_rows(self._views().store, status, None, limit, self.name_of, offset)

    def outbox_counts(self, actor: str | None) -> dict[str, int]:
        """How many messages are in each state (administrators)."""
        from pdsa_engine.notifications.listing import outbox_counts

        self._require_any(self._reader(actor), (Role.ADMINISTRATOR,))
        return outbox_counts(self._views().store)

    def signoffs(self, actor: str | None, mine: bool = False, status: str | None = None) -> list[dict[str, Any]]:
        """Sign-offs, oldest request first. ``mine``: addressed to the reader, or asked for by them; those who
        do not read everything always see only those."""
        from pdsa_engine.projections import listing  # SQLAlchemy: for the reads of the views only

        reader = self._reader(actor)
        everyone = any(reader.holds(role) for role in _READ_ALL) and not mine
        rows = [s for s in listing.signoffs(self._views().store)
                if (everyone or str(reader.id) in (s["sponsor_id"], s["participant_id"]))
                and (status is None or s["status"] == status)]
        return [{"id": s["id"], "kind": s["kind"], "status": s["status"], "project_id": s["project_id"],
                 "project": s["title"], "sponsor": self._person_ref(s["sponsor_id"]),
                 "requested_at": s["requested_at"], "decided_at": s["decided_at"]} for s in rows]

    def _person_ref(self, person_id: str) -> dict[str, str]:
        return {"id": person_id, "name": self.name_of(UUID(person_id))}

    def _views(self) -> Projections:
        if self.projections is None and self._open_views is not None:
            self.projections = self._open_views()
        if self.projections is None:
            raise RuntimeError("these queries were opened without the views")
        return self.projections

    def project(self, actor: str | None, project_id: UUID) -> dict[str, Any]:
        project = self._readable_project(actor, project_id)
        cycles = [self.app.load(PDSACycle, c) for c in project.cycles]
        signoffs = [self.app.load(SignOff, s) for s in project.signoff_ids]
        series = {m: self.app.load(MeasureSeries, m) for m in project.measures}
        return views.project_view(project, cycles, signoffs, series, self.name_of)

    def cycle(self, actor: str | None, cycle_id: UUID) -> dict[str, Any]:
        cycle = self.app.load(PDSACycle, cycle_id)
        project = self._readable_project(actor, cycle.project_id)
        idea = next((n.text for n in project.diagram.nodes if n.node_id == cycle.change_idea_id), None)
        return views.cycle_view(cycle, idea)

    def signoff(self, actor: str | None, signoff_id: UUID) -> dict[str, Any]:
        signoff = self.app.load(SignOff, signoff_id)
        reader = self._reader(actor)
        if reader.id != signoff.sponsor_id:
            self._readable_project(actor, signoff.project_id)
        return views.signoff_view(signoff, self.name_of)

    def measure(self, actor: str | None, measure_id: UUID) -> dict[str, Any]:
        series = self.app.load(MeasureSeries, measure_id)
        project = self._readable_project(actor, series.project_id)
        return views.measure_view(series, project)

    def check_readable(self, actor: str | None, kind: str, ref: str) -> None:
        """Raises NotFound when there is no such thing, PermissionDenied when the reader may not read it: the
        check a command on a thing begins with at the web's doors (which answer both as not found)."""
        from pdsa_engine.aggregates.cohort import Cohort

        reader = self._reader(actor)
        if kind == "person":
            if self.app.person(ref).id != reader.id:
                self._require_any(reader, _READ_ALL)
            return
        try:
            thing_id = UUID(ref)
        except ValueError:
            raise NotFound("no {kind} has the id {id}", kind=record_kind(kind), id=ref) from None
        if kind == "cohort":
            self.app.load(Cohort, thing_id)
            self._require_any(reader, _READ_ALL)
        elif kind == "project":
            self._readable_project(actor, thing_id)
        elif kind == "cycle":
            self._readable_project(actor, self.app.load(PDSACycle, thing_id).project_id)
        elif kind == "measure":
            self._readable_project(actor, self.app.load(MeasureSeries, thing_id).project_id)
        elif kind == "signoff":
            self.signoff(actor, thing_id)
        else:
            raise NotFound("nothing of the kind '{kind}' is kept here", kind=kind)

    def _readable_project(self, actor: str | None, project_id: UUID) -> ImprovementProject:
        reader = self._reader(actor)
        project = self.app.load(ImprovementProject, project_id)
        own = reader.id in (project.participant_id, project.sponsor_id)
        if not own:
            self._require_any(reader, _READ_ALL)
        return project

    def _reader(self, actor: str | None) -> Person:
        if actor is None:
            raise PermissionDenied("reading needs an acting person: give --as PERSON or set PDSA_ACTOR")
        if self.known_reader is not None and actor == str(self.known_reader.id):
            return self.known_reader
        return self.app.person(actor)

    @staticmethod
    def _require_any(reader: Person, roles: tuple[Role, ...]) -> None:
        if not any(reader.holds(role) for role in roles):
            raise PermissionDenied("{name} may not read this", name=reader.name)
