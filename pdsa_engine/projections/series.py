"""The series view: every measure's data points as currently known (corrections applied), with the measure's
chart type, direction, target, phases and baseline, and the PDSA cycles that name it (their test period as a
band, their decision as a marker).

A point is a row of its own, so that catching up a new point writes that row and nothing else, however long the
series. The SPC analysis is not stored: every new point moves the centre line and limits of the whole chart, so
it is worked out from the points when the series is read (analysed()), which reads them anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Column, Integer, String, Table, Text, select, tuple_
from sqlalchemy.engine import Connection

from pdsa_engine.aggregates.periods import period_start
from pdsa_engine.aggregates.values import Frequency
from pdsa_engine.errors import InvalidInput
from pdsa_engine.projections.runner import Change, View
from pdsa_engine.projections.spc import analyse
from pdsa_engine.projections.spc_input import WITH_DENOMINATOR
from pdsa_engine.projections.store import METADATA, dumps, load_documents, upsert

SERIES = Table(
    "view_series", METADATA,
    Column("measure_id", String(36), primary_key=True),
    Column("project_id", String(36), index=True),
    Column("document", Text, nullable=False),
)
POINTS = Table(
    "view_series_points", METADATA,
    Column("measure_id", String(36), primary_key=True),
    Column("period", String(16), primary_key=True),
    Column("start", String(10), nullable=False),  # the period's first day: the points' order
    Column("value", Text, nullable=False),  # decimals as text, exactly as recorded
    Column("n", Text),
    Column("corrections", Integer, nullable=False),
)
SERIES_CYCLES = Table(
    "view_series_cycles", METADATA,
    Column("cycle_id", String(36), primary_key=True),
    Column("project_id", String(36), index=True),
    Column("document", Text, nullable=False),
)
_DEFINITION = ("name", "kind", "definition", "unit", "chart", "frequency", "direction", "target")


class SeriesView(View):
    name = "series"
    version = 3
    tables = (SERIES, POINTS, SERIES_CYCLES)
    handles = frozenset({
        "ImprovementProject.MeasureDefined", "ImprovementProject.MeasureRedefined", "MeasureSeries.Opened",
        "MeasureSeries.PointRecorded", "MeasureSeries.PointCorrected", "MeasureSeries.Redefined",
        "MeasureSeries.PhaseStarted", "MeasureSeries.PhaseWithdrawn", "MeasureSeries.BaselineFrozen",
        "PDSACycle.Planned", "PDSACycle.PlanAmended", "PDSACycle.CarriedOut", "PDSACycle.Studied",
        "PDSACycle.Acted", "PDSACycle.Cancelled",
    })

    def apply(self, connection: Connection, changes: Sequence[Change]) -> None:
        targets = [_measure_of(change) for change in changes]
        series = load_documents(connection, SERIES, "measure_id", set(targets))
        cycles = load_documents(connection, SERIES_CYCLES, "cycle_id",
                                {c.aggregate_id for c, t in zip(changes, targets) if t is None})
        corrected = {(t, c.data["period"]) for c, t in zip(changes, targets) if c.name == "MeasureSeries.PointCorrected"}
        points = _stored_points(connection, corrected)
        described = set()  # the series whose own document changed, not only their points
        for change, measure_id in zip(changes, targets):
            if measure_id is None:
                _apply_to_cycle(cycles, change)
                continue
            document = series.setdefault(measure_id, {"phases": []})
            if change.name in _POINT_EVENTS:
                _apply_to_point(points, measure_id, document, change)
            else:
                _apply_to_series(document, change)
                described.add(measure_id)
        upsert(connection, SERIES, [{"measure_id": k, "project_id": series[k].get("project_id"),
                                     "document": dumps(series[k])} for k in sorted(described)], "measure_id")
        upsert(connection, POINTS, [{"measure_id": m, "period": period, **point}
                                    for (m, period), point in points.items()], ("measure_id", "period"))
        upsert(connection, SERIES_CYCLES, [{"cycle_id": k, "project_id": d["project_id"], "document": dumps(d)}
                                           for k, d in cycles.items()], "cycle_id")


_POINT_EVENTS = frozenset({"MeasureSeries.PointRecorded", "MeasureSeries.PointCorrected"})


def _measure_of(change: Change) -> str | None:
    """The measure a change is about, or None for a cycle's change."""
    if change.name.startswith("MeasureSeries."):
        return change.aggregate_id
    return change.data["measure_id"] if change.name.startswith("ImprovementProject.") else None


def _stored_points(connection: Connection, keys: set[tuple[str | None, str]]) -> dict[tuple[str, str], dict[str, Any]]:
    """The stored rows of the points a batch corrects: a correction counts on from what is stored."""
    if not keys:
        return {}
    rows = connection.execute(select(POINTS).where(tuple_(POINTS.c.measure_id, POINTS.c.period).in_(sorted(keys))))
    return {(row.measure_id, row.period): {"start": row.start, "value": row.value, "n": row.n,
                                           "corrections": row.corrections} for row in rows}


def _apply_to_point(points: dict[tuple[str, str], dict[str, Any]], measure_id: str, document: dict[str, Any],
                    change: Change) -> None:
    data = change.data
    previous = points.get((measure_id, data["period"]))
    points[(measure_id, data["period"])] = {
        "value": data["value"], "n": data["n"], "corrections": previous["corrections"] + 1 if previous else 0,
        "start": previous["start"] if previous else _start_of(data["period"], document.get("frequency", "week")),
    }


def _apply_to_series(document: dict[str, Any], change: Change) -> None:
    data, event = change.data, change.name[change.name.index(".") + 1:]
    if event in ("MeasureDefined", "MeasureRedefined"):
        document.update({key: data[key] for key in _DEFINITION})
        document["project_id"] = change.aggregate_id
    elif event in ("Opened", "Redefined"):
        document.update({key: data[key] for key in ("chart", "frequency") if key in data})
        document.setdefault("project_id", data.get("project_id"))
    elif event == "PhaseStarted":
        document["phases"] = sorted({*document["phases"], data["period"]})
    elif event == "PhaseWithdrawn":
        document["phases"] = [p for p in document["phases"] if p != data["period"]]
    elif event == "BaselineFrozen":
        document["baseline"] = data["baseline"] or None


def _apply_to_cycle(cycles: dict[str, dict[str, Any]], change: Change) -> None:
    data, event = change.data, change.name.split(".")[1]
    if event == "Planned":
        cycles[change.aggregate_id] = {
            "cycle_id": change.aggregate_id, "project_id": data["project_id"], "measure_ids": data["measure_ids"],
            "change_idea_id": data["change_idea_id"], "objective": data["objective"], "start": data["start"],
            "end": data["end"], "phase": "plan", "decision": None, "decided_at": None,
        }
        return
    cycle = cycles[change.aggregate_id]
    if event == "PlanAmended":
        cycle.update(objective=data["objective"], start=data["start"], end=data["end"])
    elif event in ("CarriedOut", "Studied"):
        cycle["phase"] = "do" if event == "CarriedOut" else "study"
    elif event == "Acted":
        cycle.update(phase="closed", decision=data["decision"], decided_at=change.at)
    elif event == "Cancelled":
        cycle.update(phase="cancelled", decided_at=change.at)


@lru_cache(maxsize=8192)
def _start_of(period: str, frequency: str) -> str:
    """The first day of a period as ISO text; periods repeat across measures, so this is cached."""
    return period_start(period, Frequency(frequency)).isoformat()


def ordered_points(connection: Connection, measure_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """The points of several series, each in time order (a measure without points has none)."""
    found: dict[str, list[dict[str, Any]]] = {measure_id: [] for measure_id in measure_ids}
    if not found:
        return found
    rows = connection.execute(select(POINTS).where(POINTS.c.measure_id.in_(sorted(found)))
                              .order_by(POINTS.c.measure_id, POINTS.c.start))
    for row in rows:
        found[row.measure_id].append({"period": row.period, "value": row.value, "n": row.n,
                                      "corrections": row.corrections, "start": row.start})
    return found


def analysed(document: dict[str, Any], points: list[dict[str, Any]]) -> tuple[dict[str, Any] | None,
                                                                              dict[str, Any] | None]:
    """The SPC analysis of a series (its points in time order) and its latest signal, or (None, None) where
    it cannot be charted yet."""
    chart = document.get("chart")
    if not points or chart is None:
        return None, None
    values = [float(p["value"]) for p in points]
    n = [float(p["n"]) if p["n"] is not None else None for p in points]
    if chart in WITH_DENOMINATOR:
        denominators = n
    else:
        denominators = None
        if all(d is not None for d in n):  # proportions or rates plotted on a run or I chart
            values = [v / d for v, d in zip(values, n)]  # type: ignore[operator]
    starts = [p["start"] for p in points]
    boundaries = sorted({sum(1 for s in starts if s < _start_of(phase, document["frequency"]))
                         for phase in document["phases"]})
    parts = [b for b in boundaries if 1 <= b < len(points)]
    baseline = document.get("baseline")
    freeze = min(baseline, parts[0] if parts else len(points)) if baseline else None
    target = float(document["target"]) if document.get("target") is not None else None
    try:
        result = analyse(chart, values, denominators, freeze=freeze, parts=parts, direction=document.get("direction"),
                         target=target).as_columns()
    except InvalidInput:  # data that cannot be charted this way yet is shown without an analysis
        return None, None
    latest = max(result["signals"], key=lambda s: (s["points"][-1], s["rule"]), default=None)
    latest_signal = None if latest is None else {
        "rule": latest["rule"], "kind": latest["kind"], "period": points[latest["points"][-1] - 1]["period"],
    }
    return result, latest_signal
