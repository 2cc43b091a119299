"""The project as it was at any moment, rebuilt from the stored events (no view, no copy).

At a version of the project, the project is cut at that version, and what belongs to it (its cycles, sign-offs
and measure data) is taken as it stood at that event's moment; at a moment, everything is at its last event up
to then. Events saved together (a request and the project's note of it) share their moment, so they are seen
together. Long histories (the project, its measures' data) start from a sealed snapshot when there is one whose
seal holds (snapshots.py), and are otherwise replayed from their first event.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from itertools import takewhile
from typing import Any
from uuid import UUID

from pdsa_engine import views
from pdsa_engine.aggregates.cycle import PDSACycle
from pdsa_engine.aggregates.measure_series import MeasureSeries
from pdsa_engine.aggregates.project import ImprovementProject
from pdsa_engine.aggregates.signoff import SignOff
from pdsa_engine.application import PdsaApplication
from pdsa_engine.audit.snapshots import SealedSnapshots
from pdsa_engine.audit.state import differences, flatten
from pdsa_engine.errors import InvalidInput, NotFound, record_kind
from pdsa_engine.stores import select_histories

# Left out when two replays are compared: when they were taken, and the summaries of what is compared in full.
_NOT_COMPARED = ("version", "as_of", "last_activity", "cycles", "signoffs")


class Replay:
    def __init__(self, app: PdsaApplication, name_of: Callable[[UUID], str],
                 snapshots: SealedSnapshots | None = None) -> None:
        self.app = app
        self.name_of = name_of
        self.snapshots = snapshots

    def project(self, project_id: UUID, at: datetime | None = None, version: int | None = None) -> dict[str, Any]:
        """The project now, at a version, or at a moment. Given both, the project is cut at the version and the
        rest at the moment (what a sponsor saw when deciding)."""
        head = self._head(project_id)
        if version is not None:
            if not 1 <= version <= head.version:
                raise InvalidInput("version", "must be between 1 and {last}, the project's versions", last=head.version)
            project = self._replayed(project_id, version=version)
            moment = at or project.modified_on
        elif at is not None:
            project, moment = self._replayed(project_id, moment=at), at
            if project is None:
                raise NotFound("the project did not exist yet at {at}", at=at.isoformat())
        else:
            project, moment = head, None
        cycles = self._replayed_together(list(project.cycles), moment)
        signoffs = self._replayed_together(list(project.signoff_ids), moment)
        series = {m: s for m in project.measures if (s := self._replayed(m, moment=moment)) is not None}
        whole = project_state(project, cycles, signoffs, series, self.name_of)
        return {**whole, "as_of": moment or max(a.modified_on for a in (project, *cycles, *signoffs,
                                                                          *series.values()))}

    def _head(self, project_id: UUID) -> ImprovementProject:
        project = self._replayed(project_id)
        if not isinstance(project, ImprovementProject):
            raise NotFound("no {kind} has the id {id}", kind=record_kind("project"), id=project_id)
        return project

    def _replayed(self, aggregate_id: UUID, version: int | None = None, moment: datetime | None = None) -> Any:
        """An aggregate with a long history (the project, a measure's data) at a version or moment (or now),
        from a sealed snapshot if there is one; None if it did not exist yet."""
        start = self.snapshots.latest(aggregate_id, version, moment) if self.snapshots else None
        events = self.app.events.get(aggregate_id, gt=start.version if start else None, lte=version)
        return _folded(events, moment, start)

    def _replayed_together(self, aggregate_ids: list[UUID], moment: datetime | None) -> list[Any]:
        """Aggregates with short histories (cycles, sign-offs: a handful of events each) at a moment, those that
        existed then, read together."""
        histories = select_histories(self.app.recorder, aggregate_ids)
        replayed = (_folded(map(self.app.mapper.to_domain_event, histories.get(aggregate_id, [])), moment)
                    for aggregate_id in aggregate_ids)
        return [aggregate for aggregate in replayed if aggregate is not None]


def _folded(events: Iterable[Any], moment: datetime | None, start: Any = None) -> Any:
    if moment is not None:
        events = takewhile(lambda e: e.timestamp <= moment, events)  # an aggregate's events are in time order
    aggregate = start
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate


def project_state(project: ImprovementProject, cycles: list[PDSACycle], signoffs: list[SignOff],
                  series: dict[UUID, MeasureSeries], name_of: Callable[[UUID], str]) -> dict[str, Any]:
    """The whole project from its aggregates: what `project show` shows, with every cycle's records, every
    sign-off and every data point."""
    ideas = {node.node_id: node.text for node in project.diagram.nodes}
    return {
        **views.project_view(project, cycles, signoffs, series, name_of),
        "cycle_records": [views.cycle_view(c, ideas.get(c.change_idea_id)) for c in cycles],
        "signoff_records": [views.signoff_view(s, name_of) for s in signoffs],
        "data": {str(m): [vars(point) for point in s.in_order()] for m, s in series.items()},
    }


def replay_differences(earlier: dict[str, Any], later: dict[str, Any]) -> list[dict[str, Any]]:
    """What changed between two replays of a project, field by field."""
    def comparable(replayed: dict[str, Any]) -> dict[str, str]:
        flat = flatten(views.jsonable({k: v for k, v in replayed.items() if k not in _NOT_COMPARED}))
        return {field: value for field, value in flat.items() if not field.endswith(".version")}
    return differences(comparable(earlier), comparable(later))
