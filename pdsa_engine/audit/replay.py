"""The project as it was at any moment, rebuilt from the stored events alone (no snapshot, no view).

At a version of the project, everything else (its cycles, sign-offs and measure data) is taken as it stood at
that event's moment; at a moment, the project is at its last event up to then.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

from pdsa_engine import views
from pdsa_engine.aggregates.project import ImprovementProject
from pdsa_engine.application import PdsaApplication
from pdsa_engine.audit.state import differences, flatten
from pdsa_engine.errors import InvalidInput, NotFound

_MOMENTARY = ("version", "as_of", "last_activity")


class Replay:
    def __init__(self, app: PdsaApplication, name_of: Callable[[UUID], str]) -> None:
        self.app = app
        self.name_of = name_of

    def project(self, project_id: UUID, at: datetime | None = None, version: int | None = None) -> dict[str, Any]:
        events = list(self.app.events.get(project_id))
        if not events or type(events[0]).__qualname__.split(".")[0] != ImprovementProject.__name__:
            raise NotFound(f"no project has the id {project_id}")
        if version is not None:
            if not 1 <= version <= len(events):
                raise InvalidInput("version", f"the project has versions 1 to {len(events)}")
            moment = events[version - 1].timestamp
        else:
            moment = at if at is not None else events[-1].timestamp
        project = _as_of(events, moment)
        if project is None:
            raise NotFound(f"the project did not exist yet at {moment.isoformat()}")
        cycles = [c for c in (self._as_of(c, moment) for c in project.cycles) if c is not None]
        signoffs = [s for s in (self._as_of(s, moment) for s in project.signoff_ids) if s is not None]
        series = {m: s for m in project.measures if (s := self._as_of(m, moment)) is not None}
        summary = views.project_view(project, cycles, signoffs, series, self.name_of)
        ideas = {node.node_id: node.text for node in project.diagram.nodes}
        return {
            **summary, "as_of": moment,
            "cycle_records": [views.cycle_view(c, ideas.get(c.change_idea_id)) for c in cycles],
            "data": {str(m): [vars(point) for point in s.in_order()] for m, s in series.items()},
        }

    def _as_of(self, aggregate_id: UUID, moment: datetime) -> Any:
        return _as_of(self.app.events.get(aggregate_id), moment)


def _as_of(events: Iterable[Any], moment: datetime) -> Any:
    aggregate = None
    for event in events:
        if event.timestamp > moment:
            break
        aggregate = event.mutate(aggregate)
    return aggregate


def replay_differences(earlier: dict[str, Any], later: dict[str, Any]) -> list[dict[str, Any]]:
    """What changed between two replays of a project, field by field."""
    def comparable(replayed: dict[str, Any]) -> dict[str, str]:
        return flatten(views.jsonable({k: v for k, v in replayed.items() if k not in _MOMENTARY}))
    return differences(comparable(earlier), comparable(later))
