"""Run and control charts drawn on the server: SVG for the web, PNG for e-mail.

The chart shows the data over time, the centre line and limits of each part, the target, the project's PDSA
cycles that name the measure (the test period as a band, the decision as a marker; a cancelled cycle hatched
and labelled as such) and the signals, highlighted and labelled by rule. Every word on it is in the reader's
language; proportions (p and p′ charts) read as percentages. It draws a stored series (projections/reading.py);
it computes nothing but where things go.

Where things go: each data point sits on the first day of its period, and its period owns the stretch of the
time axis from half-way to the previous period's point to half-way to the next one's (where the stepped limits
change too). A cycle's band covers the stretches of the periods its first and last days fall in, so that it
spans exactly the points of those periods; a decision's marker sits inside the stretch of the period it was
taken in, as far along as the day is in that period.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import matplotlib
from babel.dates import format_date

matplotlib.use("Agg")  # no display on a server
from matplotlib.dates import date2num  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from pdsa_engine.catalogues import strict_translations  # noqa: E402
from pdsa_engine.labels import language_of, word  # noqa: E402

matplotlib.rcParams["svg.hashsalt"] = "pdsa-engine"  # the same series gives the same SVG
matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: smaller, searchable, readable by screen readers
FORMATS = {".svg": "svg", ".png": "png"}
DATA, LINES, LIMITS, TARGET = "#3b6ea5", "#444444", "#9a9a9a", "#059748"
SIGMA_SIGNAL, RUNS_SIGNAL = "#d1495b", "#f29e4c"
TEST_BAND, TEST_EDGE, CANCELLED_BAND, CANCELLED_EDGE = "#cfe3f3", "#8fb8dc", "#ececec", "#8c8c8c"
LABEL_BOX = {"facecolor": "white", "edgecolor": "none", "alpha": 0.75, "pad": 0.6}  # readable over the lines
DECISION_COLOURS = {"adopt": "#2a9d8f", "adapt": "#e9c46a", "abandon": "#8d99ae"}
PERCENT_CHARTS = ("p", "pp")  # proportions, shown as percentages
MAX_TICKS = 13

# A chart's words in English; their Danish is in locale/da/LC_MESSAGES/labels.po (context "chart").
TEXT: dict[str, str] = {
    "data": "data", "centre": "centre line", "limits": "control limits", "target": "target", "test": "PDSA test",
    "cancelled_test": "PDSA test, cancelled", "cancelled": "cancelled", "better_up": "better ↑",
    "better_down": "better ↓", "no_data": "No data yet", "day": "Day", "week": "Week", "month": "Month",
    "week_number": "week",
}
Y_LABELS: dict[str, str] = {  # by chart; any other is labelled "Value"
    "p": "Proportion", "pp": "Proportion", "u": "Rate", "up": "Rate", "c": "Count", "g": "Cases between events",
    "t": "Time between events",
}


def render_chart(series: dict[str, Any], path: Path, language: str | None = "en") -> None:
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"a chart is written as .svg or .png, not {suffix or 'without a suffix'}")
    figure = draw(series, language)
    figure.savefig(path, format=FORMATS[suffix], dpi=150 if suffix == ".png" else None,
                   metadata={"Date": None} if suffix == ".svg" else None, bbox_inches="tight")


def draw(series: dict[str, Any], language: str | None = "en") -> Figure:
    say = _Words(language)
    figure = Figure(figsize=(10, 4.8))
    axes = figure.add_subplot()
    spc, points = series.get("spc"), series["points"]
    if not spc or not points:
        axes.text(0.5, 0.5, say("no_data"), ha="center", va="center", transform=axes.transAxes)
        axes.set_title(series.get("name", ""))
        return figure
    frequency = series.get("frequency") or "week"
    percent = spc["chart"] in PERCENT_CHARTS
    x = [date.fromisoformat(p["start"]) for p in points]
    rows = spc["points"]
    y = [r["y"] for r in rows]
    _annotate_cycles(axes, series["annotations"], x[0] - timedelta(days=31), x[-1] + timedelta(days=31), frequency,
                     say)
    axes.plot(x, y, color=DATA, marker="o", markersize=4, linewidth=1.4, zorder=3, label=say("data"), gid="data")
    _centre_and_limits(axes, x, rows, say, percent)
    target = series.get("target")
    if target is not None:
        axes.axhline(float(target), color=TARGET, linestyle=":", linewidth=1.4, label=say("target"), zorder=2,
                     gid="target")
    _signals(axes, x, y, spc, say)
    unit = series.get("unit")
    axes.set_title(f"{series['name']} — {word(spc['chart'], 'chart', say.language)}" + (f" ({unit})" if unit else ""),
                   loc="left")
    direction = series.get("direction")
    if direction:
        axes.annotate(say("better_up" if direction == "up" else "better_down"), xy=(1.0, 1.02),
                      xycoords="axes fraction", ha="right", fontsize=8, color=LINES)
    axes.set_xlabel(say(frequency) if frequency in ("day", "week", "month") else "", fontsize=8, color=LINES)
    axes.set_ylabel(unit or say.text(Y_LABELS.get(spc["chart"], "Value")),
                    fontsize=8, color=LINES)
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: say.number(value, percent)))
    positions, labels = period_ticks(x, frequency, say.language)
    axes.set_xticks([_num(p) for p in positions], labels, fontsize=8)
    axes.grid(axis="y", color="#eeeeee")
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), fontsize=7, frameon=False, ncols=7)
    return figure


# -- where things go on the time axis ------------------------------------------------------------------------

def period_first_day(day: date, frequency: str) -> date:
    """The first day of the period (day, ISO week or month) that a day falls in."""
    if frequency == "month":
        return day.replace(day=1)
    if frequency == "week":
        return day - timedelta(days=day.weekday())
    return day


def _next_period(first: date, frequency: str) -> date:
    if frequency == "month":
        return (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first + timedelta(days=7 if frequency == "week" else 1)


def _previous_period(first: date, frequency: str) -> date:
    if frequency == "month":
        return (first - timedelta(days=1)).replace(day=1)
    return first - timedelta(days=7 if frequency == "week" else 1)


def period_slot(day: date, frequency: str) -> tuple[datetime, datetime]:
    """The stretch of the time axis owned by the period a day falls in: its point (the period's first day) and
    half-way to the points of the periods before and after it."""
    first = period_first_day(day, frequency)
    point = datetime.combine(first, time())
    before = (first - _previous_period(first, frequency)) / 2
    after = (_next_period(first, frequency) - first) / 2
    return point - before, point + after


def cycle_band(start: date, end: date, frequency: str) -> tuple[datetime, datetime]:
    """Where a cycle's band goes: over the points of every period from the one its first day falls in to the
    one its last day falls in."""
    return period_slot(start, frequency)[0], period_slot(max(start, end), frequency)[1]


def moment_position(moment: date, frequency: str) -> datetime:
    """Where a day goes: inside the stretch of its period, as far along as the day is in the period."""
    first = period_first_day(moment, frequency)
    left, right = period_slot(moment, frequency)
    share = (moment - first) / (_next_period(first, frequency) - first)
    return left + (right - left) * share


def period_ticks(starts: list[date], frequency: str, language: str | None) -> tuple[list[date], list[str]]:
    """Ticks on the points of some of the periods (at most MAX_TICKS, evenly spread), each named as the reader
    names the period: "uge 12"/"week 12", "mar."/"Mar", "5. mar."/"5 Mar", with the year under the first of
    each year."""
    step = max(1, -(-len(starts) // MAX_TICKS))
    chosen = starts[::step]
    labels, year, week_word = [], None, _Words(language)("week_number")
    for day in chosen:
        if frequency == "week":
            iso_year, week, _ = day.isocalendar()
            labels.append(f"{week_word} {week}" + (f"\n{iso_year}" if iso_year != year else ""))
            year = iso_year
        else:
            pattern = "MMM" if frequency == "month" else ("d. MMM" if language == "da" else "d MMM")
            labels.append(format_date(day, pattern, locale=language_of(language))
                          + (f"\n{day.year}" if day.year != year else ""))
            year = day.year
    return chosen, labels


def _num(day: date | datetime) -> float:
    return float(date2num(day))


# -- what is drawn --------------------------------------------------------------------------------------------

class _Words:
    """The chart's words and numbers in the reader's language."""

    def __init__(self, language: str | None) -> None:
        self.language = language_of(language)
        self._catalogue = strict_translations("labels", self.language)

    def __call__(self, key: str) -> str:
        return self.text(TEXT[key])

    def text(self, english: str) -> str:
        return self._catalogue.pgettext("chart", english)

    def number(self, value: float, percent: bool = False, digits: int | None = None) -> str:
        """42 % (Danish) or 42% (English) for a proportion; otherwise a decimal comma in Danish."""
        shown = value * 100 if percent else value
        if digits is not None:  # significant digits, but never fewer than the whole part needs
            text = f"{shown:.{max(digits, len(str(int(abs(shown)))))}g}"
        elif abs(shown - round(shown)) < 1e-9:
            text = f"{round(shown):d}"
        else:
            text = f"{shown:.10g}" if not percent else f"{shown:.1f}"
        if self.language == "da":
            text = text.replace(".", ",")
        return text + ((" %" if self.language == "da" else "%") if percent else "")


def _centre_and_limits(axes: Any, x: list[date], rows: list[dict[str, Any]], say: _Words, percent: bool) -> None:
    for number in sorted({r["part"] for r in rows}):
        indices = [i for i, r in enumerate(rows) if r["part"] == number]
        xs = [x[i] for i in indices]
        first = number == rows[0]["part"]
        axes.plot(xs, [rows[i]["cl"] for i in indices], color=LINES, linewidth=1.2, zorder=2,
                  label=say("centre") if first else None, gid=f"centre-line-{number}")
        for key, label in (("ucl", say("limits")), ("lcl", None)):
            values = [rows[i][key] for i in indices]
            if any(v is not None for v in values):
                axes.plot(xs, [float("nan") if v is None else v for v in values], color=LIMITS,
                          linestyle="--", linewidth=1, drawstyle="steps-mid", zorder=2,
                          label=label if first else None, gid=f"{key}-{number}")
        centre = rows[indices[-1]]["cl"]
        # The last part's value in the margin right of the plot, clear of the cycles' lines and labels there.
        at_the_end = number == rows[-1]["part"]
        axes.annotate(say.number(centre, percent, digits=3), xy=(1.0 if at_the_end else _num(xs[-1]), centre),
                      xycoords=("axes fraction" if at_the_end else "data", "data"), xytext=(3, 0),
                      textcoords="offset points", va="center", fontsize=7, color=LINES, bbox=LABEL_BOX,
                      annotation_clip=False, gid=f"centre-value-{number}")


def _signals(axes: Any, x: list[date], y: list[float | None], spc: dict[str, Any], say: _Words) -> None:
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
            rule, kind = word(signal["rule"], "rule", say.language), word(signal["kind"], "signal", say.language)
            axes.annotate(f"{rule} ({kind})", xy=(x[last], y[last]), xytext=(4, 8), textcoords="offset points",
                          fontsize=7, color=colour, bbox=LABEL_BOX, zorder=5)


def _annotate_cycles(axes: Any, annotations: list[dict[str, Any]], first: date, last: date, frequency: str,
                     say: _Words) -> None:
    """Cycles over the data's time span (others would only stretch the time axis)."""
    labelled: set[bool] = set()
    for cycle in annotations:
        start, end = date.fromisoformat(cycle["start"]), date.fromisoformat(cycle["end"])
        if end < first or start > last:
            continue
        left, right = cycle_band(start, end, frequency)
        cancelled = cycle["phase"] == "cancelled"
        label = None if cancelled in labelled else say("cancelled_test" if cancelled else "test")
        labelled.add(cancelled)
        gid = f"cycle-{cycle['cycle_id']}"
        if cancelled:
            axes.axvspan(left, right, facecolor=CANCELLED_BAND, edgecolor=CANCELLED_EDGE, hatch="///", linewidth=0.6,
                         alpha=0.8, zorder=1, label=label, gid=gid)
            axes.annotate(say("cancelled"), xy=(_num(left + (right - left) / 2), 1.0),
                          xycoords=("data", "axes fraction"), xytext=(0, -3), textcoords="offset points",
                          rotation=90, ha="center", va="top", fontsize=7, color="#5f5f5f", bbox=LABEL_BOX,
                          gid=f"{gid}-cancelled")
            continue
        axes.axvspan(left, right, facecolor=TEST_BAND, edgecolor=TEST_EDGE, linewidth=0.6, alpha=0.6, zorder=1,
                     label=label, gid=gid)  # the edges keep the bands of consecutive cycles apart
        decided = datetime.fromisoformat(cycle["decided_at"]).date() if cycle["decided_at"] else None
        if cycle["decision"] and decided and first <= decided <= last:
            colour = DECISION_COLOURS.get(cycle["decision"], LINES)
            at = moment_position(decided, frequency)
            axes.axvline(at, color=colour, linewidth=1.2, zorder=2, gid=f"{gid}-decision")
            axes.annotate(word(cycle["decision"], "decision", say.language), xy=(_num(at), 0.0),
                          xycoords=("data", "axes fraction"), xytext=(2, 3), textcoords="offset points",
                          fontsize=7, color=colour, rotation=90, va="bottom", bbox=LABEL_BOX)
