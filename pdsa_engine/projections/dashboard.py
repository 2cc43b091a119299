"""The cohort dashboard view: per cohort its seats and groups, per project what an administrator follows
(status, progress and its history, cycles and their phases, sign-offs and when they were asked for, meetings
and who came, last activity). Only ids are stored; names are read from the people when the view is read.

The reminders read it too (notifications/facts.py): a cohort's reminder settings, when each cycle entered its
phase and is planned to end, when each sign-off was addressed to its sponsor."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Column, String, Table, Text
from sqlalchemy.engine import Connection

from pdsa_engine.projections.runner import Change, View
from pdsa_engine.projections.store import METADATA, dumps, load_documents, upsert

COHORTS = Table(
    "view_cohorts", METADATA,
    Column("cohort_id", String(36), primary_key=True),
    Column("document", Text, nullable=False),
)
PROJECTS = Table(
    "view_projects", METADATA,
    Column("project_id", String(36), primary_key=True),
    Column("cohort_id", String(36), index=True),
    Column("document", Text, nullable=False),
)
LINKS = Table(  # cycles, sign-offs and measures → the project they belong to
    "view_project_links", METADATA,
    Column("aggregate_id", String(36), primary_key=True),
    Column("document", Text, nullable=False),
)
_CHARTER_EVENTS = ("AimSet", "MeasureDefined", "MeasureRedefined")


class DashboardView(View):
    name = "dashboard"
    version = 2
    tables = (COHORTS, PROJECTS, LINKS)
    handles = frozenset({
        "Cohort.Created", "Cohort.ModuleScheduled", "Cohort.QuotaSet", "Cohort.Enrolled", "Cohort.Withdrawn",
        "Cohort.GroupFormed", "Cohort.Closed", "Cohort.RemindersConfigured",
        *(f"ImprovementProject.{e}" for e in (
            "Created", "SponsorReassigned", "CoachReassigned", "AimSet", "MeasureDefined", "MeasureRedefined",
            "DriverAdded", "DriverRenamed", "DriverMoved", "DriverRemoved", "ProgressScored", "MeetingRecorded",
            "CharterSubmitted", "ScaleUpRequested", "ClosureRequested", "SignOffResolved", "CycleOpened",
            "CycleConcluded", "CycleCancelled")),
        *(f"PDSACycle.{e}" for e in ("Planned", "PlanAmended", "CarriedOut", "DoAmended", "Studied",
                                     "StudyAmended", "Acted", "Cancelled")),
        *(f"SignOff.{e}" for e in ("Requested", "Decided", "Withdrawn", "Readdressed")),
        *(f"MeasureSeries.{e}" for e in ("PointRecorded", "PointCorrected", "PhaseStarted", "PhaseWithdrawn",
                                         "BaselineFrozen")),
    })

    def apply(self, connection: Connection, changes: Sequence[Change]) -> None:
        cohorts = load_documents(connection, COHORTS, "cohort_id",
                        {c.aggregate_id for c in changes if c.name.startswith("Cohort.")})
        links = load_documents(connection, LINKS, "aggregate_id",
                      {c.aggregate_id for c in changes if c.name.split(".")[0] not in ("Cohort", "ImprovementProject")})
        new_links: dict[str, dict[str, Any]] = {}
        for change in changes:  # links made in this batch are needed by later events of the same batch
            if change.name in ("ImprovementProject.CycleOpened", "ImprovementProject.MeasureDefined"):
                key = change.data.get("cycle_id") or change.data["measure_id"]
                new_links[key] = links[key] = {"project_id": change.aggregate_id}
            elif change.name in ("ImprovementProject.CharterSubmitted", "ImprovementProject.ScaleUpRequested",
                                 "ImprovementProject.ClosureRequested"):
                new_links[change.data["signoff_id"]] = links[change.data["signoff_id"]] = {
                    "project_id": change.aggregate_id}
        owners = [None if c.name.startswith("Cohort.") else self._project_of(c, links) for c in changes]
        projects = load_documents(connection, PROJECTS, "project_id", set(owners))
        for change, project_id in zip(changes, owners):
            if project_id is None:
                _apply_to_cohort(cohorts, change)
            else:
                _apply_to_project(projects.setdefault(project_id, {}), change)
        upsert(connection, COHORTS, [{"cohort_id": k, "document": dumps(d)} for k, d in cohorts.items()], "cohort_id")
        upsert(connection, PROJECTS, [{"project_id": k, "cohort_id": d.get("cohort_id"), "document": dumps(d)}
                                      for k, d in projects.items()], "project_id")
        upsert(connection, LINKS, [{"aggregate_id": k, "document": dumps(d)} for k, d in new_links.items()],
               "aggregate_id")

    @staticmethod
    def _project_of(change: Change, links: dict[str, dict[str, Any]]) -> str:
        if change.name.startswith("ImprovementProject."):
            return change.aggregate_id
        return links[change.aggregate_id]["project_id"]


def _apply_to_cohort(cohorts: dict[str, dict[str, Any]], change: Change) -> None:
    data, event = change.data, change.name.split(".")[1]
    if event == "Created":
        cohorts[change.aggregate_id] = {
            "cohort_id": change.aggregate_id, "name": data["name"], "start": data["start"], "end": data["end"],
            # A copy: the quotas change in place below, and the event's data is every view's to read as it was.
            "quotas": {region: dict(seats) for region, seats in data["quotas"].items()},
            "schedule": {}, "enrolments": {}, "groups": {}, "closed": False,
        }
        return
    cohort = cohorts[change.aggregate_id]
    if event == "ModuleScheduled":
        cohort["schedule"][data["module"]] = data["on"]
    elif event == "QuotaSet":
        cohort["quotas"].setdefault(data["region"], {})[data["sector"]] = data["seats"]
    elif event == "Enrolled":
        cohort["enrolments"][data["participant_id"]] = {
            "organisation": data["organisation"], "region": data["region"], "sector": data["sector"],
            "withdrawal_reason": None,
        }
    elif event == "Withdrawn":
        cohort["enrolments"][data["participant_id"]]["withdrawal_reason"] = data["reason"]
        for group in cohort["groups"].values():
            group["members"] = [m for m in group["members"] if m != data["participant_id"]]
    elif event == "GroupFormed":
        cohort["groups"][data["group_id"]] = {"name": data["name"], "region": data["region"],
                                              "members": data["members"]}
    elif event == "Closed":
        cohort["closed"] = True
    elif event == "RemindersConfigured":
        cohort["reminders"] = data["settings"]


def _apply_to_project(project: dict[str, Any], change: Change) -> None:
    data = change.data
    if change.name == "ImprovementProject.Created":
        project.update(
            project_id=change.aggregate_id, cohort_id=data["cohort_id"], participant_id=data["participant_id"],
            title=data["title"], sponsor_id=data["sponsor_id"], coach_id=data["coach_id"], status="draft",
            outcome=None, progress=[], meetings=[], cycles={}, signoffs={}, pending={},
            charter_changed_since_approval=False, measure_ids=[],
        )
    if change.at > project.get("last_activity", ""):  # ISO moments in UTC compare as text
        project["last_activity"] = change.at
    handler = _PROJECT_HANDLERS.get(change.name)
    if handler:
        handler(project, data, change)


def _charter_change(project: dict[str, Any], data: dict[str, Any], change: Change) -> None:
    if project["status"] == "active":
        project["charter_changed_since_approval"] = True
    if change.name.endswith("MeasureDefined"):
        project["measure_ids"].append(data["measure_id"])
        project.setdefault("measures", {})[data["measure_id"]] = {"defined_at": change.at}
    if "measure_id" in data:  # how often data is due, for the reminders
        project.setdefault("measures", {}).setdefault(data["measure_id"], {})["frequency"] = data["frequency"]


def _requested(kind: str) -> Any:
    def request(project: dict[str, Any], data: dict[str, Any], change: Change) -> None:
        project["pending"][data["signoff_id"]] = {"kind": kind, "outcome": data.get("outcome")}
        if kind == "charter":
            project["status"] = "charter_submitted"
    return request


def _resolved(project: dict[str, Any], data: dict[str, Any], change: Change) -> None:
    request = project["pending"].pop(data["signoff_id"])
    approved = data["status"] == "approved"
    if request["kind"] == "charter":
        project["status"] = "active" if approved else "draft"
        if approved:
            project["charter_changed_since_approval"] = False
            project.setdefault("active_since", change.at)
    elif request["kind"] == "closure" and approved:
        project.update(status="closed", outcome=request["outcome"])


def _cycle(phase: str | None = None, **fields: str) -> Any:
    def update(project: dict[str, Any], data: dict[str, Any], change: Change) -> None:
        cycle = project["cycles"].setdefault(data.get("cycle_id") or change.aggregate_id, {"phase": "plan"})
        if phase:
            cycle["phase"] = phase
            cycle["since"] = change.at  # when it entered the phase: how long it has been there
        cycle.update({key: data[source] for key, source in fields.items()})
    return update


def _signoff(project: dict[str, Any], data: dict[str, Any], change: Change) -> None:
    event = change.name.split(".")[1]
    signoff = project["signoffs"].setdefault(change.aggregate_id, {})
    if event == "Requested":
        signoff.update(kind=data["kind"], sponsor_id=data["sponsor_id"], requested_at=change.at, status="requested",
                       decided_at=None, decided_by=None, addressed_at=change.at, readdressed=0)
    elif event == "Readdressed":  # the new sponsor's wait begins now
        signoff.update(sponsor_id=data["sponsor_id"], addressed_at=change.at, readdressed=signoff["readdressed"] + 1)
    else:
        signoff.update(status=data.get("decision", "withdrawn"), decided_at=change.at,
                       decided_by=change.by["person_id"] if event == "Decided" and change.by else None)


_PROJECT_HANDLERS = {
    "ImprovementProject.SponsorReassigned": lambda p, d, c: p.update(sponsor_id=d["sponsor_id"]),
    "ImprovementProject.CoachReassigned": lambda p, d, c: p.update(coach_id=d["coach_id"]),
    **{f"ImprovementProject.{e}": _charter_change for e in _CHARTER_EVENTS},
    "ImprovementProject.ProgressScored": lambda p, d, c: p["progress"].append({"score": d["score"], "on": d["on"]}),
    "ImprovementProject.MeetingRecorded": lambda p, d, c: p["meetings"].append(
        {"kind": d["kind"], "on": d["on"], "attendees": d["attendees"]}),
    "ImprovementProject.CharterSubmitted": _requested("charter"),
    "ImprovementProject.ScaleUpRequested": _requested("scale_up"),
    "ImprovementProject.ClosureRequested": _requested("closure"),
    "ImprovementProject.SignOffResolved": _resolved,
    "ImprovementProject.CycleOpened": _cycle("plan", change_idea_id="change_idea_id"),
    "ImprovementProject.CycleConcluded": _cycle("closed", decision="decision"),
    "ImprovementProject.CycleCancelled": _cycle("cancelled"),
    "PDSACycle.Planned": _cycle(planned_start="start", planned_end="end"),
    "PDSACycle.PlanAmended": _cycle(planned_start="start", planned_end="end"),
    "PDSACycle.CarriedOut": _cycle("do"),
    "PDSACycle.Studied": _cycle("study"),
    **{f"SignOff.{e}": _signoff for e in ("Requested", "Decided", "Withdrawn", "Readdressed")},
}
