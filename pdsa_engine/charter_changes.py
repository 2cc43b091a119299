"""What changed in a project's charter (its title, problem, aim, measures and driver diagram) between a version of
the project and now: since the charter its sponsor last approved, or since the version a sign-off was asked
about. Both versions are rebuilt from the stored events, so what a sponsor is shown as approved is what the
sign-off bound itself to."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from pdsa_engine.aggregates.project import ImprovementProject
from pdsa_engine.aggregates.signoff import SignOff
from pdsa_engine.aggregates.values import SignOffKind, SignOffStatus
from pdsa_engine.application import PdsaApplication
from pdsa_engine.audit.state import differences, flatten

CHARTER = ("title", "problem", "aim", "measures", "diagram")


def last_approved_charter(signoffs: list[SignOff]) -> SignOff | None:
    approved = [s for s in signoffs if s.kind is SignOffKind.CHARTER and s.status is SignOffStatus.APPROVED
                and s.decided_on_version is not None]
    return max(approved, key=lambda s: s.decided_at, default=None)


def charter_changes(app: PdsaApplication, project: ImprovementProject, since_version: int) -> list[dict[str, Any]]:
    """The charter's fields that differ between the project at `since_version` and `project`, old → new; the ids
    in a field's path are given as the measure's name or the driver's text, as the reader knows them."""
    earlier = app.repository.get(project.id, version=since_version)
    names = {**_names(earlier), **_names(project)}
    changed = differences(_charter(earlier), _charter(project))
    return [{**change, "field": _named(change["field"], names)} for change in changed]


def _charter(project: ImprovementProject) -> dict[str, str]:
    return {path: value for path, value in flatten(project).items() if path.split(".", 1)[0] in CHARTER}


def _names(project: ImprovementProject) -> dict[str, str]:
    return {**{str(m): definition.name for m, definition in project.measures.items()},
            **{str(node.node_id): _short(node.text) for node in project.diagram.nodes}}


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:39] + "…"


def _named(path: str, names: dict[str, str]) -> str:
    return ".".join(names.get(part, part) for part in path.split("."))


def for_the_sponsor(app: PdsaApplication, project: ImprovementProject, asked_on_version: int | None,
                    signoff_id: UUID | None = None) -> dict[str, Any]:
    """What a sponsor deciding a sign-off is shown beside the project: the charter's changes since the charter last
    approved (None before any approval) and since the version the sign-off asked about (None if it is that one).
    Of a sign-off (``signoff_id``), the approval compared with is the last one before it was asked for: once it is
    decided, its own approval is what it did, not what it is measured against; and a scale-up's cycle (objective
    and change idea), which is what it asks to scale up."""
    signoffs = [app.load(SignOff, s) for s in project.signoff_ids]
    cycle = None
    if signoff_id is not None:
        this = next(s for s in signoffs if s.id == signoff_id)
        signoffs = [s for s in signoffs
                    if s.id != signoff_id and s.decided_at is not None and s.decided_at <= this.requested_at]
        cycle = _scaled_up(app, project, this.cycle_id) if this.cycle_id else None
    approved = last_approved_charter(signoffs)
    asked = asked_on_version if asked_on_version and asked_on_version != project.version else None
    return {
        "approved": None if approved is None else {"version": approved.decided_on_version, "at": approved.decided_at},
        "since_approved": None if approved is None else charter_changes(app, project, approved.decided_on_version),
        "since_asked": None if asked is None else charter_changes(app, project, asked),
        "cycle": cycle,
    }


def _scaled_up(app: PdsaApplication, project: ImprovementProject, cycle_id: UUID) -> dict[str, Any]:
    from pdsa_engine.aggregates.cycle import PDSACycle

    cycle = app.load(PDSACycle, cycle_id)
    idea = next((n.text for n in project.diagram.nodes if n.node_id == cycle.change_idea_id), "")
    return {"id": cycle.id, "objective": cycle.planned.objective, "change_idea": idea,
            "next_steps": cycle.acted.next_steps if cycle.acted else None}
