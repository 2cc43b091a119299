"""Plain, JSON-ready summaries of aggregates, for `show` commands (and later the web and the API).

They read aggregates loaded from the event store; names of people are looked up through a callable, so
personal data is fetched from the Person aggregate at the moment of reading and never copied.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

from pdsa_engine.aggregates.values import Phase

if TYPE_CHECKING:  # jsonable() is the CLI's, for every command: it must not import the aggregates
    from pdsa_engine.aggregates.cycle import PDSACycle
    from pdsa_engine.aggregates.driver_diagram import DriverDiagram
    from pdsa_engine.aggregates.measure_series import MeasureSeries
    from pdsa_engine.aggregates.person import Person
    from pdsa_engine.aggregates.project import ImprovementProject
    from pdsa_engine.aggregates.signoff import SignOff

NameOf = Callable[[UUID], str]


def jsonable(value: Any) -> Any:
    """Dates, ids, decimals and enums as JSON-friendly values."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value.value if hasattr(value, "value") and not isinstance(value, bool) else value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def person_view(person: Person) -> dict[str, Any]:
    return {
        "id": person.id, "name": person.name, "email": person.email, "language": person.language,
        "roles": sorted(person.roles), "version": person.version,
    }


def _ref(person_id: UUID | None, name_of: NameOf) -> dict[str, Any] | None:
    return None if person_id is None else {"id": person_id, "name": name_of(person_id)}


def project_view(
    project: ImprovementProject, cycles: Iterable[PDSACycle], signoffs: Iterable[SignOff],
    series: dict[UUID, MeasureSeries], name_of: NameOf,
) -> dict[str, Any]:
    return {
        "id": project.id, "version": project.version, "status": project.status, "outcome": project.outcome,
        "title": project.title, "problem": project.problem, "cohort_id": project.cohort_id,
        "participant": _ref(project.participant_id, name_of), "sponsor": _ref(project.sponsor_id, name_of),
        "coach": _ref(project.coach_id, name_of),
        "aim": asdict(project.aim) if project.aim else None,
        "charter_changed_since_approval": project.charter_changed_since_approval,
        "measures": [
            {**asdict(m), "points": len(series[m.measure_id].points) if m.measure_id in series else 0}
            for m in project.measures.values()
        ],
        "driver_diagram": driver_tree(project.diagram),
        "progress": [asdict(entry) for entry in project.progress],
        "meetings": [
            {"id": m.meeting_id, "kind": m.kind, "date": m.on, "attendees": [_ref(a, name_of) for a in m.attendees],
             "sponsor_attended": project.sponsor_id in m.attendees}
            for m in project.meetings
        ],
        "cycles": [cycle_line(c) for c in cycles],
        "signoffs": [signoff_line(s, name_of) for s in signoffs],
        "last_activity": project.modified_on,
    }


def driver_tree(diagram: DriverDiagram, parent_id: UUID | None = None) -> list[dict[str, Any]]:
    return [
        {"id": node.node_id, "kind": node.kind, "text": node.text, "children": driver_tree(diagram, node.node_id)}
        for node in diagram.children(parent_id)
    ]


def cycle_line(cycle: PDSACycle) -> dict[str, Any]:
    return {
        "id": cycle.id, "phase": cycle.phase, "change_idea_id": cycle.change_idea_id,
        "objective": cycle.planned.objective, "continues": cycle.continues,
        "decision": cycle.acted.decision if cycle.acted else None,
    }


def cycle_view(cycle: PDSACycle, change_idea: str | None) -> dict[str, Any]:
    return {
        **cycle_line(cycle), "version": cycle.version, "project_id": cycle.project_id, "change_idea": change_idea,
        "measure_ids": list(cycle.measure_ids),
        "plan": asdict(cycle.planned),
        "do": asdict(cycle.done) if cycle.done else None,
        "study": asdict(cycle.studied) if cycle.studied else None,
        "act": asdict(cycle.acted) if cycle.acted else None,
        "cancellation": {"reason": cycle.cancellation_reason, "in_phase": cycle.cancelled_in}
        if cycle.phase is Phase.CANCELLED else None,
    }


def signoff_line(signoff: SignOff, name_of: NameOf) -> dict[str, Any]:
    return {
        "id": signoff.id, "kind": signoff.kind, "status": signoff.status,
        "sponsor": _ref(signoff.sponsor_id, name_of), "requested_at": signoff.requested_at,
        "decided_at": signoff.decided_at,
    }


def signoff_view(signoff: SignOff, name_of: NameOf) -> dict[str, Any]:
    return {
        **signoff_line(signoff, name_of), "version": signoff.version, "project_id": signoff.project_id,
        "requested_by": _ref(signoff.requested_by, name_of), "cycle_id": signoff.cycle_id,
        "outcome": signoff.outcome, "comment": signoff.comment,
        "requested_on_project_version": signoff.requested_on_version,
        "decided_on_project_version": signoff.decided_on_version,
        "decided_by_mailed_link": signoff.decided_by_mailed_link,
    }


def measure_view(series: MeasureSeries, project: ImprovementProject) -> dict[str, Any]:
    definition = project.measure(series.id)
    return {
        **asdict(definition), "id": series.id, "project_id": project.id, "version": series.version,
        "points": [asdict(point) for point in series.in_order()],
    }
