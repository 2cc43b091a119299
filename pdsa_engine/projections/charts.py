"""Run and control charts drawn on the server: SVG for the web, PNG for e-mail.

The chart shows the data over time, the centre line and limits of each part, the target, the project's PDSA
cycles that name the measure (the test period as a band, the decision as a marker) and the signals,
highlighted and labelled by rule. It draws a stored series (projections/reading.py); it computes nothing.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display on a server
from matplotlib.figure import Figure  # noqa: E402

matplotlib.rcParams["svg.hashsalt"] = "pdsa-engine"  # the same series gives the same SVG
matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: smaller, searchable, readable by screen readers
FORMATS = {".svg": "svg", ".png": "png"}
DATA, LINES, LIMITS, TARGET = "#3b6ea5", "#444444", "#9a9a9a", "#059748"
SIGMA_SIGNAL, RUNS_SIGNAL = "#d1495b", "#f29e4c"
RULE_LABELS = {
    "outside_limits": "outside the limits", "anhoej_longest_run": "long run", "anhoej_crossings": "few crossings",
    "mdc_two_of_three": "2 of 3 beyond 2σ", "mdc_shift": "shift", "mdc_trend": "trend",
}
DECISION_COLOURS = {"adopt": "#2a9d8f", "adapt": "#e9c46a", "abandon": "#8d99ae"}


def render_chart(series: dict[str, Any], path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"a chart is written as .svg or .png, not {suffix or 'without a suffix'}")
    figure = draw(series)
    figure.savefig(path, format=FORMATS[suffix], dpi=150 if suffix == ".png" else None,
                   metadata={"Date": None} if suffix == ".svg" else None, bbox_inches="tight")


def draw(series: dict[str, Any]) -> Figure:
    figure = Figure(figsize=(10, 4.8))
    axes = figure.add_subplot()
    spc, points = series.get("spc"), series["points"]
    x = [date.fromisoformat(p["start"]) for p in points]
    if not spc or not points:
        axes.text(0.5, 0.5, "No data yet", ha="center", va="center", transform=axes.transAxes)
        axes.set_title(series.get("name", ""))
        return figure
    rows = spc["points"]
    y = [r["y"] for r in rows]
    _annotate_cycles(axes, series["annotations"], x[0] - timedelta(days=31), x[-1] + timedelta(days=31))
    axes.plot(x, y, color=DATA, marker="o", markersize=4, linewidth=1.4, zorder=3, label="data")
    _centre_and_limits(axes, x, rows)
    target = series.get("target")
    if target is not None:
        axes.axhline(float(target), color=TARGET, linestyle=":", linewidth=1.4, label="target", zorder=2)
    _signals(axes, x, y, spc)
    unit = series.get("unit")
    axes.set_title(f"{series['name']} — {spc['chart']} chart" + (f" ({unit})" if unit else ""), loc="left")
    direction = series.get("direction")
    if direction:
        axes.annotate("better ↑" if direction == "up" else "better ↓", xy=(1.0, 1.02), xycoords="axes fraction",
                      ha="right", fontsize=8, color=LINES)
    axes.grid(axis="y", color="#eeeeee")
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), fontsize=7, frameon=False, ncols=6)
    figure.autofmt_xdate()
    return figure


def _centre_and_limits(axes: Any, x: list[date], rows: list[dict[str, Any]]) -> None:
    for number in sorted({r["part"] for r in rows}):
        indices = [i for i, r in enumerate(rows) if r["part"] == number]
        xs = [x[i] for i in indices]
        first = number == rows[0]["part"]
        axes.plot(xs, [rows[i]["cl"] for i in indices], color=LINES, linewidth=1.2, zorder=2,
                  label="centre line" if first else None)
        for key, label in (("ucl", "limits"), ("lcl", None)):
            values = [rows[i][key] for i in indices]
            if any(v is not None for v in values):
                axes.plot(xs, [float("nan") if v is None else v for v in values], color=LIMITS,
                          linestyle="--", linewidth=1, drawstyle="steps-mid", zorder=2,
                          label=label if first else None)
        axes.text(xs[-1], rows[indices[-1]]["cl"], f"  {rows[indices[-1]]['cl']:.3g}", va="center", fontsize=7,
                  color=LINES)


def _signals(axes: Any, x: list[date], y: list[float | None], spc: dict[str, Any]) -> None:
    marked: set[int] = set()
    # Runs signals first, so that points outside the limits stay on top in their own colour.
    for signal in sorted(spc["signals"], key=lambda s: s["rule"] == "outside_limits"):
        colour = SIGMA_SIGNAL if signal["rule"] == "outside_limits" else RUNS_SIGNAL
        indices = [i - 1 for i in signal["points"] if y[i - 1] is not None]
        axes.scatter([x[i] for i in indices], [y[i] for i in indices], s=42, color=colour, zorder=4,
                     edgecolors="white", linewidths=0.6)
        last = indices[-1] if indices else None
        if last is not None and last not in marked:
            marked.add(last)
            axes.annotate(f"{RULE_LABELS.get(signal['rule'], signal['rule'])} ({signal['kind']})",
                          xy=(x[last], y[last]), xytext=(4, 8), textcoords="offset points", fontsize=7,
                          color=colour)


def _annotate_cycles(axes: Any, annotations: list[dict[str, Any]], first: date, last: date) -> None:
    """Cycles over the data's time span (others would only stretch the time axis)."""
    shown = 0
    for cycle in annotations:
        start, end = date.fromisoformat(cycle["start"]), date.fromisoformat(cycle["end"])
        if end < first or start > last:
            continue
        axes.axvspan(start, end + timedelta(days=1), color="#cfe3f3", alpha=0.6, zorder=1,
                     label="PDSA test" if shown == 0 else None)
        shown += 1
        decided = datetime.fromisoformat(cycle["decided_at"]).date() if cycle["decided_at"] else None
        if cycle["decision"] and decided and first <= decided <= last:
            colour = DECISION_COLOURS.get(cycle["decision"], LINES)
            axes.axvline(decided, color=colour, linewidth=1.2, zorder=2)
            axes.annotate(cycle["decision"], xy=(decided, 0.0), xycoords=("data", "axes fraction"),
                          xytext=(2, 3), textcoords="offset points", fontsize=7, color=colour, rotation=90,
                          va="bottom")
