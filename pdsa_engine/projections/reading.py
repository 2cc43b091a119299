"""Reading the stored views. Nothing here replays events: it reads rows the projections wrote, joins them, and
adds what depends on the moment of reading (ages, days since) and on people's current names."""

from __future__ import annotations

import json
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Column, func, select
from sqlalchemy.engine import Connection

from pdsa_engine.aggregates.reminders import ReminderSettings
from pdsa_engine.projections.dashboard import COHORTS, PROJECTS
from pdsa_engine.projections.outbox import OUTBOX
from pdsa_engine.projections.series import SERIES, SERIES_CYCLES, analysed, ordered_points
from pdsa_engine.projections.spc import public_shape
from pdsa_engine.projections.store import ViewStore

NameOf = Callable[[str], str]


def series(store: ViewStore, measure_id: str) -> dict[str, Any] | None:
    """A measure's series with its analysis and the cycles that name it, or None if there is no such measure."""
    with store.engine.connect() as connection:
        document = _document(connection, SERIES.c.measure_id, measure_id)
        if document is None:
            return None
        cycles = [json.loads(r) for r in connection.execute(
            select(SERIES_CYCLES.c.document).where(SERIES_CYCLES.c.project_id == document.get("project_id"))
        ).scalars()]
        points = ordered_points(connection, [measure_id])[measure_id]
    analysis, latest_signal = analysed(document, points)
    annotations = [
        {"cycle_id": c["cycle_id"], "objective": c["objective"], "start": c["start"], "end": c["end"],
         "phase": c["phase"], "decision": c["decision"], "decided_at": c["decided_at"]}
        for c in sorted(cycles, key=lambda c: (c["start"], c["cycle_id"])) if measure_id in c["measure_ids"]
    ]
    return {
        "measure_id": measure_id, **document, "latest_signal": latest_signal,
        "points": points,
        "spc": public_shape(analysis) if analysis else None,
        "annotations": annotations,
    }


def cohort_summaries(store: ViewStore) -> list[dict[str, Any]]:
    """Every cohort in brief, oldest first."""
    with store.engine.connect() as connection:
        cohorts = [json.loads(r) for r in connection.execute(select(COHORTS.c.document)).scalars()]
        counts = Counter(connection.execute(select(PROJECTS.c.cohort_id)).scalars())
    summaries = [
        {"id": c["cohort_id"], "name": c["name"], "start": c["start"], "end": c["end"], "closed": c["closed"],
         "participants": sum(1 for e in c["enrolments"].values() if e["withdrawal_reason"] is None),
         "projects": counts[c["cohort_id"]]}
        for c in cohorts
    ]
    return sorted(summaries, key=lambda c: (c["start"], c["name"], c["id"]))


def project_people(store: ViewStore, project_id: str) -> dict[str, str] | None:
    """Who the project's participant and sponsor are, for deciding who may read its views."""
    with store.engine.connect() as connection:
        document = _document(connection, PROJECTS.c.project_id, project_id)
    if document is None:
        return None
    return {"participant_id": document["participant_id"], "sponsor_id": document["sponsor_id"]}


def cohort_dashboard(store: ViewStore, cohort_id: str, name_of: NameOf, now: datetime) -> dict[str, Any] | None:
    facts = cohort_facts(store, cohort_id, name_of)
    return None if facts is None else dated(facts, now)


def cohort_facts(store: ViewStore, cohort_id: str, name_of: NameOf) -> dict[str, Any] | None:
    """The cohort dashboard but for its ages: all of it follows from the stored events (names included), so a
    read cache may keep it until the next event; `dated` adds the ages as of a moment."""
    with store.engine.connect() as connection:
        cohort = _document(connection, COHORTS.c.cohort_id, cohort_id)
        if cohort is None:
            return None
        projects = [json.loads(r) for r in connection.execute(
            select(PROJECTS.c.document).where(PROJECTS.c.cohort_id == cohort_id).order_by(PROJECTS.c.project_id)
        ).scalars()]
        measure_ids = [m for p in projects for m in p["measure_ids"]]
        documents = {r.measure_id: json.loads(r.document) for r in connection.execute(
            select(SERIES.c.measure_id, SERIES.c.document).where(SERIES.c.measure_id.in_(measure_ids)))}
        points = ordered_points(connection, list(documents))
    # Each series is analysed as it is read: the analysis of every point so far is what its latest signal needs.
        reminded = dict(connection.execute(
            select(OUTBOX.c.recipient_id, func.count()).where(
                OUTBOX.c.cohort_id == cohort_id, OUTBOX.c.status == "sent", OUTBOX.c.kind == "signoff_reminder")
            .group_by(OUTBOX.c.recipient_id)).all())
        failed = connection.execute(select(func.count()).where(
            OUTBOX.c.cohort_id == cohort_id, OUTBOX.c.status == "failed")).scalar() or 0
    signals = {m: analysed(document, points[m])[1] for m, document in documents.items()}
    person = _people(name_of)
    return {
        "id": cohort["cohort_id"], "name": cohort["name"], "start": cohort["start"], "end": cohort["end"],
        "closed": cohort["closed"],
        "schedule": [{"module": m, "date": d} for m, d in sorted(cohort["schedule"].items(), key=lambda i: i[1])],
        "seats": _seats(cohort),
        "enrolments": [
            {"participant": person(pid), **{k: e[k] for k in ("organisation", "region", "sector")},
             "withdrawn": e["withdrawal_reason"] is not None, "withdrawal_reason": e["withdrawal_reason"]}
            for pid, e in cohort["enrolments"].items()
        ],
        "groups": [
            {"id": gid, "name": g["name"], "region": g["region"], "members": [person(m) for m in g["members"]],
             "below_minimum": len(g["members"]) < 6}
            for gid, g in cohort["groups"].items()
        ],
        "projects": [_project(p, person, signals) for p in projects],
        "sponsors": _sponsors(projects, person, reminded),
        "reminders": ReminderSettings.of(cohort.get("reminders") or {}).as_event(),
        "deliveries_failed": failed,
    }


def _document(connection: Connection, key: Column[str], value: str) -> dict[str, Any] | None:
    """The stored document of one row of a view, by its key."""
    text = connection.execute(select(key.table.c.document).where(key == value)).scalar()
    return None if text is None else json.loads(text)


def _people(name_of: NameOf) -> Callable[[str | None], dict[str, str] | None]:
    return lambda person_id: None if person_id is None else {"id": person_id, "name": name_of(person_id)}


def _seats(cohort: dict[str, Any]) -> list[dict[str, Any]]:
    taken = Counter((e["region"], e["sector"]) for e in cohort["enrolments"].values()
                    if e["withdrawal_reason"] is None)
    return [
        {"region": region, "sector": sector, "quota": quota, "enrolled": taken[(region, sector)]}
        for region, sectors in cohort["quotas"].items() for sector, quota in sectors.items()
        if quota or taken[(region, sector)]
    ]


def dated(facts: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The dashboard as of `now`: each project's days since its last activity and each waiting sign-off's age.
    New dicts throughout: the facts may be a kept value that other readers share."""
    def aged(project: dict[str, Any]) -> dict[str, Any]:
        days = {"days_since_last_activity": _days(project["last_activity"], now),
                "pending_signoffs": [{**{k: v for k, v in s.items() if k != "requested_at"},
                                      "age_days": _days(s["requested_at"], now)} for s in project["pending_signoffs"]]}
        return {k: days.get(k, v) for k, v in project.items() if k != "last_activity"}

    return {**facts, "projects": [aged(p) for p in facts["projects"]]}


def ages(facts: dict[str, Any], now: datetime) -> tuple[tuple[float, ...], ...]:
    """All that `dated` adds to the facts as of `now` (each project's idle days, each waiting sign-off's age),
    without making the dashboard's copy: two moments with the same ages give the same dashboard."""
    return tuple((_days(p["last_activity"], now), *(_days(s["requested_at"], now) for s in p["pending_signoffs"]))
                 for p in facts["projects"])


def _project(p: dict[str, Any], person: Any, signals: dict[str, Any]) -> dict[str, Any]:
    progress = p["progress"]
    return {
        "id": p["project_id"], "title": p["title"], "status": p["status"], "outcome": p["outcome"],
        "participant": person(p["participant_id"]), "sponsor": person(p["sponsor_id"]),
        "coach": person(p["coach_id"]),
        "progress": progress[-1]["score"] if progress else None,
        "progress_history": progress,
        "open_cycles": [{"id": cid, "phase": c["phase"]} for cid, c in p["cycles"].items()
                        if c["phase"] in ("plan", "do", "study")],
        "cycles_by_outcome": dict(Counter(c.get("decision") or "cancelled" for c in p["cycles"].values()
                                          if c["phase"] in ("closed", "cancelled"))),
        "days_since_last_activity": None, "last_activity": p["last_activity"],  # dated() fills the first in
        "charter_changed_since_approval": p["charter_changed_since_approval"],
        "pending_signoffs": [
            {"id": sid, "kind": s["kind"], "sponsor": person(s["sponsor_id"]), "age_days": None,
             "requested_at": s["requested_at"]}
            for sid, s in p["signoffs"].items() if s["status"] == "requested"
        ],
        "latest_signals": [{"measure_id": m, **signals[m]} for m in p["measure_ids"] if signals.get(m)],
    }


def _sponsors(projects: list[dict[str, Any]], person: Any, reminded: dict[str, int]) -> list[dict[str, Any]]:
    """Per sponsor: sign-offs waiting for them, how fast they answered, how often they had to be reminded, and
    whether they came to the meetings a sponsor is expected at (the start-up meeting and the poster
    presentation)."""
    stats: dict[str, dict[str, Any]] = defaultdict(lambda: {"waiting": 0, "responses": [], "attended": 0,
                                                            "expected": 0})
    for p in projects:
        sponsor = stats[p["sponsor_id"]]
        for meeting in p["meetings"]:
            if meeting["kind"] in ("startup", "poster"):
                sponsor["expected"] += 1
                sponsor["attended"] += p["sponsor_id"] in meeting["attendees"]
        for s in p["signoffs"].values():
            if s["status"] == "requested":
                stats[s["sponsor_id"]]["waiting"] += 1
            elif s["decided_by"]:
                response = datetime.fromisoformat(s["decided_at"]) - datetime.fromisoformat(s["requested_at"])
                stats[s["decided_by"]]["responses"].append(response.total_seconds() / 86400)
    rows = [
        {"sponsor": person(sid), "signoffs_waiting": s["waiting"],
         "median_response_days": round(statistics.median(s["responses"]), 1) if s["responses"] else None,
         "meetings_attended": s["attended"], "meetings_expected": s["expected"],
         "reminders_sent": reminded.get(sid, 0)}
        for sid, s in stats.items()
    ]
    return sorted(rows, key=lambda row: (row["sponsor"]["name"], row["sponsor"]["id"]))


def _days(since: str, now: datetime) -> float:
    return round((now - datetime.fromisoformat(since)).total_seconds() / 86400, 1)
