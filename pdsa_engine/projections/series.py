"""The series view: every measure's data points as currently known (corrections applied), its SPC analysis
with the measure's chart type, direction, target, phases and baseline, and the PDSA cycles that name it
(their test period as a band, their decision as a marker)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Column, String, Table, Text
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
SERIES_CYCLES = Table(
    "view_series_cycles", METADATA,
    Column("cycle_id", String(36), primary_key=True),
    Column("project_id", String(36), index=True),
    Column("document", Text, nullable=False),
)
_DEFINITION = ("name", "kind", "definition", "unit", "chart", "frequency", "direction", "target")


class SeriesView(View):
    name = "series"
    version = 2
    tables = (SERIES, SERIES_CYCLES)
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
        for change, measure_id in zip(changes, targets):
            if measure_id is None:
                _apply_to_cycle(cycles, change)
            else:
                _apply_to_series(series.setdefault(measure_id, {"points": {}, "phases": []}), change)
        for document in series.values():
            document["spc"], document["latest_signal"] = _analyse(document)
        upsert(connection, SERIES, [{"measure_id": k, "project_id": d.get("project_id"), "document": dumps(d)}
                                    for k, d in series.items()], "measure_id")
        upsert(connection, SERIES_CYCLES, [{"cycle_id": k, "project_id": d["project_id"], "document": dumps(d)}
                                           for k, d in cycles.items()], "cycle_id")


def _measure_of(change: Change) -> str | None:
    """The measure a change is about, or None for a cycle's change."""
    if change.name.startswith("MeasureSeries."):
        return change.aggregate_id
    return change.data["measure_id"] if change.name.startswith("ImprovementProject.") else None


def _apply_to_series(document: dict[str, Any], change: Change) -> None:
    data, event = change.data, change.name[change.name.index(".") + 1:]
    if event == "PointRecorded" or event == "PointCorrected":  # by far the most frequent: first
        previous = document["points"].get(data["period"])
        document["points"][data["period"]] = {
            "value": data["value"], "n": data["n"], "corrections": previous["corrections"] + 1 if previous else 0,
            "start": previous["start"] if previous else _start_of(data["period"], document.get("frequency", "week")),
        }
    elif event in ("MeasureDefined", "MeasureRedefined"):
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


def ordered_points(document: dict[str, Any]) -> list[dict[str, Any]]:
    points = [{"period": period, **point} for period, point in document["points"].items()]
    return sorted(points, key=lambda p: p["start"])


def _analyse(document: dict[str, Any]) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    points = ordered_points(document)
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
