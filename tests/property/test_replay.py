"""Point-in-time replay, and the audit log's field-by-field changes, over random histories that mostly take legal
steps (tests/support/histories.py): charters approved, cycles adopted and scaled up, sponsors deciding and being
reassigned, projects closed.

The expected states are the test's own: after every command, every aggregate of the project (project, cycles,
sign-offs, measure data) is loaded as the application loads it and rendered at once into plain, new Python
values by ``render`` below, from the aggregates' public attributes; ``expected_replay`` then lays those out as
replay presents a project. Nothing of replay's own code (project_state, the views) builds what it is compared
with, and nothing rendered is shared with a live aggregate, so a later change in place cannot reach it."""

from __future__ import annotations

from collections.abc import Mapping
from copy import deepcopy
from dataclasses import dataclass, fields, is_dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from pdsa_engine.aggregates.cycle import PDSACycle
from pdsa_engine.aggregates.measure_series import MeasureSeries
from pdsa_engine.aggregates.project import ImprovementProject
from pdsa_engine.aggregates.signoff import SignOff
from pdsa_engine.audit.replay import Replay
from pdsa_engine.audit.state import applied, changed_fields, differences, flatten
from pdsa_engine.clock import SimulatedClock
from tests.builders import MOMENT, Programme, memory_app
from tests.support.examples import examples
from tests.support.histories import ProjectHistory, person_names

LENGTH = st.integers(25, 60)


def history_of(data: st.DataObject) -> ProjectHistory:
    history = ProjectHistory(Programme(memory_app(SimulatedClock(MOMENT))).people())
    length = data.draw(LENGTH, label="length")
    for number in range(length):
        history.step(data, late=number >= length * 3 // 4)
    history.label()
    return history


# -- the test's own rendering of an aggregate's state ------------------------------------------------------

def render(value: Any) -> Any:
    """Plain, new values for an aggregate and everything it holds: dicts for aggregates (their public
    attributes, id, version and moments) and dataclasses, new tuples, lists and dicts, scalars as they are."""
    if isinstance(value, (ImprovementProject, PDSACycle, SignOff, MeasureSeries)):
        public = {name: render(item) for name, item in vars(value).items() if not name.startswith("_")}
        return {**public, "id": value.id, "version": value.version, "created_on": value.created_on,
                "modified_on": value.modified_on}
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: render(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):  # a dict, or a persistent map: the same to whoever reads the state
        return {key: render(item) for key, item in value.items()}
    if isinstance(value, tuple):
        return tuple(render(item) for item in value)
    if isinstance(value, list):
        return [render(item) for item in value]
    if isinstance(value, (set, frozenset)):
        return frozenset(value)
    assert value is None or isinstance(value, (str, int, float, Decimal, date, UUID, Enum)), type(value)
    return value


@dataclass(frozen=True)
class Snapshot:
    """Everything of the project, right after one command."""

    at: datetime
    project: dict[str, Any]
    cycles: dict[UUID, dict[str, Any]]
    signoffs: dict[UUID, dict[str, Any]]
    series: dict[UUID, dict[str, Any]]


def snapshot(history: ProjectHistory) -> Snapshot:
    project = history.now()
    return Snapshot(
        history.app.clock.now(), render(project),
        {c: render(history.load(PDSACycle, c)) for c in project.cycles},
        {s: render(history.load(SignOff, s)) for s in project.signoff_ids},
        {m: render(history.load(MeasureSeries, m)) for m in project.measures},
    )


def expected_replay(project: dict[str, Any], rest: Snapshot, as_of: datetime,
                    names: dict[UUID, str]) -> dict[str, Any]:
    """What replay must give for the project as rendered in ``project``, with its cycles, sign-offs and data as
    rendered in ``rest`` (those that existed then), seen at ``as_of``."""
    def ref(person: UUID | None) -> dict[str, Any] | None:
        return None if person is None else {"id": person, "name": names[person]}

    nodes = project["diagram"]["nodes"]

    def tree(parent: UUID | None) -> list[dict[str, Any]]:
        return [{"id": n["node_id"], "kind": n["kind"], "text": n["text"], "children": tree(n["node_id"])}
                for n in nodes if n["parent_id"] == parent]

    cycles = [rest.cycles[ref_["cycle_id"]] for ref_ in project["cycles"]["refs"] if ref_["cycle_id"] in rest.cycles]
    signoffs = [rest.signoffs[s] for s in project["signoff_ids"] if s in rest.signoffs]
    series = {m: rest.series[m] for m in project["measures"] if m in rest.series}

    def cycle_line(c: dict[str, Any]) -> dict[str, Any]:
        return {"id": c["id"], "phase": c["phase"], "change_idea_id": c["change_idea_id"],
                "objective": c["planned"]["objective"], "continues": c["continues"],
                "decision": c["acted"]["decision"] if c["acted"] else None}

    def signoff_line(s: dict[str, Any]) -> dict[str, Any]:
        return {"id": s["id"], "kind": s["kind"], "status": s["status"], "sponsor": ref(s["sponsor_id"]),
                "requested_at": s["requested_at"], "decided_at": s["decided_at"]}

    ideas = {n["node_id"]: n["text"] for n in nodes}
    return {
        "id": project["id"], "version": project["version"], "status": project["status"],
        "outcome": project["outcome"], "title": project["title"], "problem": project["problem"],
        "cohort_id": project["cohort_id"], "participant": ref(project["participant_id"]),
        "sponsor": ref(project["sponsor_id"]), "coach": ref(project["coach_id"]), "aim": project["aim"],
        "charter_changed_since_approval": project["charter_changed_since_approval"],
        "measures": [{**m, "points": len(series[key]["points"]) if key in series else 0}
                     for key, m in project["measures"].items()],
        "driver_diagram": tree(None),
        "progress": list(project["progress"]),
        "meetings": [{"id": m["meeting_id"], "kind": m["kind"], "date": m["on"],
                      "attendees": [ref(a) for a in m["attendees"]],
                      "sponsor_attended": project["sponsor_id"] in m["attendees"]} for m in project["meetings"]],
        "cycles": [cycle_line(c) for c in cycles],
        "signoffs": [signoff_line(s) for s in signoffs],
        "last_activity": project["modified_on"],
        "cycle_records": [{
            **cycle_line(c), "version": c["version"], "project_id": c["project_id"],
            "change_idea": ideas.get(c["change_idea_id"]), "measure_ids": list(c["measure_ids"]), "plan": c["planned"],
            "do": c["done"], "study": c["studied"], "act": c["acted"],
            "cancellation": {"reason": c["cancellation_reason"], "in_phase": c["cancelled_in"]}
            if c["phase"].value == "cancelled" else None,
        } for c in cycles],
        "signoff_records": [{
            **signoff_line(s), "version": s["version"], "project_id": s["project_id"],
            "requested_by": ref(s["requested_by"]), "cycle_id": s["cycle_id"], "outcome": s["outcome"],
            "comment": s["comment"], "requested_on_project_version": s["requested_on_version"],
            "decided_on_project_version": s["decided_on_version"],
            # a class default until a mailed link decides: vars() of the sign-off holds it only then
            "decided_by_mailed_link": s.get("decided_by_mailed_link", False),
        } for s in signoffs],
        "data": {str(m): sorted(s["points"].values(), key=lambda p: p["period"]) for m, s in series.items()},
        "as_of": as_of,
    }


def recorded_history(data: st.DataObject) -> tuple[ProjectHistory, list[Snapshot]]:
    """A random history, with the project's whole state rendered after every command (accepted or refused)."""
    history = ProjectHistory(Programme(memory_app(SimulatedClock(MOMENT))).people())
    recorded = [snapshot(history)]
    length = data.draw(LENGTH, label="length")
    for number in range(length):
        history.step(data, late=number >= length * 3 // 4)
        recorded.append(snapshot(history))
    history.label()
    return history, recorded


def same(replayed: dict[str, Any], expected: dict[str, Any], where: str) -> None:
    if replayed != expected:
        wrong = sorted(k for k in replayed.keys() | expected.keys() if replayed.get(k) != expected.get(k))
        raise AssertionError(f"{where}: replay differs in {wrong}: "
                             f"{ {k: (replayed.get(k), expected.get(k)) for k in wrong} }")


@settings(max_examples=examples(30), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_replay_gives_the_recorded_state_at_every_version_and_moment(data: st.DataObject) -> None:
    history, recorded = recorded_history(data)
    names = person_names(history.app)
    replay = Replay(history.app, names.__getitem__)
    project_id = history.project

    # At every moment a command was made, and between it and the next: the state right after that command.
    for index, moment in enumerate(recorded):
        for at in (moment.at, moment.at + timedelta(seconds=30))[:1 + index % 2]:
            same(replay.project(project_id, at=at), expected_replay(moment.project, moment, at, names), f"at {at}")

    # At every version: the project as that version's command left it, the rest at that command's moment.
    at_version = {}
    for moment in recorded:
        at_version.setdefault(moment.project["version"], moment)
    assert sorted(at_version) == list(range(min(at_version), history.now().version + 1))
    for version, moment in at_version.items():
        same(replay.project(project_id, version=version),
             expected_replay(moment.project, moment, moment.project["modified_on"], names), f"version {version}")

    # What each sponsor was asked and decided on: the project at the version named, the rest at the moment.
    by_moment = {moment.at: moment for moment in recorded}
    last = recorded[-1]
    for signoff in last.signoffs.values():
        for version, at in ((signoff["requested_on_version"], signoff["requested_at"]),
                            (signoff["decided_on_version"], signoff["decided_at"])):
            if version is None or at is None:
                continue
            same(replay.project(project_id, version=version, at=at),
                 expected_replay(at_version[version].project, by_moment[at], at, names), f"v{version} at {at}")
        event("sign-off replayed as requested and decided" if signoff["decided_on_version"] else
              "sign-off replayed as requested")

    head = max(a["modified_on"] for a in (last.project, *last.cycles.values(), *last.signoffs.values(),
                                           *last.series.values()))
    same(replay.project(project_id), expected_replay(last.project, last, head, names), "now")


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_the_audit_log_compares_only_what_changed_yet_finds_every_change(data: st.DataObject) -> None:
    """changed_fields skips whatever before and after share, and applied() compares a persistent map only at the
    keys the event set; each must find exactly what comparing the two whole states finds, for every event of
    every aggregate of a random history. The states are folded as the audit log folds them (applied(): each
    event applied to a shallow copy of the state before); the state before is compared as a deep copy taken
    before the event was applied, so an event that changes a value in place, behind the shallow copy's back,
    is seen for what it did."""
    history = history_of(data)

    stored = history.app.recorder.select_notifications(start=1, limit=100_000)
    compared = 0
    for aggregate_id in {item.originator_id for item in stored}:
        aggregate = None
        for domain_event in history.app.events.get(aggregate_id):
            before, kept = aggregate, deepcopy(aggregate)
            aggregate, found = applied(domain_event, before)
            where = (type(aggregate).__name__, domain_event.originator_version)
            if before is not None:
                assert flatten(before) == flatten(kept), f"{where}: the event changed the state before it"
            whole = differences(flatten(kept) if kept is not None else {}, flatten(aggregate))
            assert found == whole, where
            assert changed_fields(before, aggregate) == whole, where
            assert flatten(aggregate) == flatten(domain_event.mutate(deepcopy(kept))), f"{where}: applied otherwise"
            compared += 1
    assert compared == len(stored)
