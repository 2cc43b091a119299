"""The chart as its reader sees it: every word in the reader's language, proportions as percentages, a cancelled
cycle drawn as cancelled, and each cycle's band over exactly the points of the periods its days fall in. Charts
are rendered to SVG (text kept as text) and read back: their words, and where their elements are."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from pdsa_engine.projections.charts import cycle_band, moment_position, period_ticks, render_chart
from pdsa_engine.projections.spc import analyse, public_shape

SVG = "{http://www.w3.org/2000/svg}"
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def series(chart: str, frequency: str, starts: list[date], values: list[float], n: list[float] | None = None,
           annotations: tuple[dict[str, Any], ...] = (), **definition: Any) -> dict[str, Any]:
    """A series as the series view stores it, analysed by the real analysis."""
    result = analyse(chart, values, n, direction=definition.get("direction"),
                     target=float(definition["target"]) if definition.get("target") is not None else None)
    return {
        "measure_id": "m-1", "project_id": "p-1", "name": "Andel screenet inden for 24 timer", "kind": "outcome",
        "definition": "d", "chart": chart, "frequency": frequency, "unit": None, "direction": None, "target": None,
        **definition,
        "points": [{"period": s.isoformat(), "start": s.isoformat(), "value": v, "n": None if n is None else n[i],
                    "corrections": 0} for i, (s, v) in enumerate(zip(starts, values))],
        "spc": public_shape(result.as_columns()), "annotations": list(annotations),
    }


def cycle(cycle_id: str, start: str, end: str, phase: str = "closed", decision: str | None = None,
          decided_at: str | None = None) -> dict[str, Any]:
    return {"cycle_id": cycle_id, "objective": "Afprøv", "start": start, "end": end, "phase": phase,
            "decision": decision, "decided_at": decided_at}


def weeks(first: date, count: int) -> list[date]:
    return [first + timedelta(weeks=i) for i in range(count)]


def months(first: date, count: int) -> list[date]:
    found = [first]
    while len(found) < count:
        found.append((found[-1].replace(day=28) + timedelta(days=4)).replace(day=1))
    return found


def a_proportion_chart(**definition: Any) -> dict[str, Any]:
    """Sixteen weeks of a p chart that improves after week 8, with a concluded and a cancelled cycle."""
    starts = weeks(date(2027, 1, 4), 16)
    n = [40.0] * 16
    values = [8, 10, 9, 7, 9, 8, 10, 9, 30, 31, 29, 32, 30, 31, 33, 30]
    annotations = (cycle("c-done", "2027-02-08", "2027-02-21", decision="adapt", decided_at="2027-02-24T10:00:00+00:00"),
                   cycle("c-cancelled", "2027-03-22", "2027-04-04", phase="cancelled",
                         decided_at="2027-03-25T10:00:00+00:00"))
    return series("p", "week", starts, [float(v) for v in values], n, annotations,
                  **{"direction": "up", "target": "0.6", **definition})


def svg_of(data: dict[str, Any], folder: Path, language: str | None) -> ET.Element:
    path = folder / f"chart-{language}.svg"
    render_chart(data, path, language) if language else render_chart(data, path)
    return ET.parse(path).getroot()


def texts(root: ET.Element) -> list[str]:
    return ["".join(element.itertext()).strip() for element in root.iter(f"{SVG}text")]


def group(root: ET.Element, gid: str) -> ET.Element:
    found = [g for g in root.iter(f"{SVG}g") if g.get("id") == gid]
    assert found, f"no element {gid!r} in the chart"
    return found[0]


def path_xs(element: ET.Element) -> list[float]:
    """The x coordinates of the element's own paths (matplotlib writes "M x y L x y …"; markers' shapes are
    defined further down)."""
    xs: list[float] = []
    for path in element.findall(f"{SVG}path"):
        numbers = [float(v) for v in NUMBER.findall(path.get("d", ""))]
        xs += numbers[0::2]
    return xs


def tick_texts(root: ET.Element, axis: str) -> list[str]:
    return ["".join(t.itertext()).strip() for g in root.iter(f"{SVG}g") if (g.get("id") or "").startswith(f"{axis}tick_")
            for t in g.iter(f"{SVG}text")]


# -- where the bands go ---------------------------------------------------------------------------------------

def test_a_cycle_band_covers_the_periods_its_first_and_last_days_fall_in() -> None:
    # Points sit on the first day of their period; a period owns half-way to its neighbours' points.
    assert cycle_band(date(2027, 3, 1), date(2027, 3, 14), "week") == (datetime(2027, 2, 25, 12), datetime(2027, 3, 11, 12))
    assert cycle_band(date(2027, 3, 3), date(2027, 3, 10), "week") == (datetime(2027, 2, 25, 12), datetime(2027, 3, 11, 12))
    assert cycle_band(date(2027, 3, 8), date(2027, 3, 8), "week") == (datetime(2027, 3, 4, 12), datetime(2027, 3, 11, 12))
    assert cycle_band(date(2026, 3, 10), date(2026, 3, 31), "month") == (datetime(2026, 2, 15), datetime(2026, 3, 16, 12))
    assert cycle_band(date(2026, 3, 10), date(2026, 4, 5), "month") == (datetime(2026, 2, 15), datetime(2026, 4, 16))
    assert cycle_band(date(2027, 3, 1), date(2027, 3, 2), "day") == (datetime(2027, 2, 28, 12), datetime(2027, 3, 2, 12))
    # A decision on Thursday 4 March sits three sevenths into the stretch of the week of 1 March.
    assert moment_position(date(2027, 3, 4), "week") == datetime(2027, 2, 28, 12)
    assert moment_position(date(2027, 3, 1), "week") == datetime(2027, 2, 25, 12)


@pytest.mark.parametrize(("frequency", "start", "end", "covered"), [
    ("week", "2027-03-01", "2027-03-14", ["2027-03-01", "2027-03-08"]),  # Monday to Sunday: two whole weeks
    ("week", "2027-03-03", "2027-03-10", ["2027-03-01", "2027-03-08"]),  # Wednesday to Wednesday: the same weeks
    ("week", "2027-03-07", "2027-03-15", ["2027-03-01", "2027-03-08", "2027-03-15"]),
    ("month", "2026-03-10", "2026-03-31", ["2026-03-01"]),
    ("month", "2026-02-20", "2026-04-02", ["2026-02-01", "2026-03-01", "2026-04-01"]),
])
def test_in_the_drawn_chart_a_band_spans_exactly_the_points_of_its_periods(
        tmp_path: Path, frequency: str, start: str, end: str, covered: list[str]) -> None:
    starts = weeks(date(2027, 2, 1), 10) if frequency == "week" else months(date(2025, 12, 1), 8)
    values = [5.0, 6, 4, 5, 7, 6, 5, 4, 6, 5][:len(starts)]
    root = svg_of(series("i", frequency, starts, values, annotations=(cycle("c-1", start, end),)), tmp_path, "da")
    points = path_xs(group(root, "data"))
    assert len(points) == len(starts)
    left, right = min(path_xs(group(root, "cycle-c-1"))), max(path_xs(group(root, "cycle-c-1")))
    inside = [starts[i].isoformat() for i, x in enumerate(points) if left < x < right]
    assert inside == covered
    first, last = starts.index(date.fromisoformat(covered[0])), starts.index(date.fromisoformat(covered[-1]))
    # The band's edges lie half-way between the covered points and their neighbours (as the stepped limits do).
    if first > 0:
        assert left == pytest.approx((points[first - 1] + points[first]) / 2, abs=0.6)
    if last + 1 < len(points):
        assert right == pytest.approx((points[last] + points[last + 1]) / 2, abs=0.6)


# -- the reader's language ------------------------------------------------------------------------------------

def test_every_word_of_the_chart_is_danish_for_a_danish_reader(tmp_path: Path) -> None:
    words = " ".join(texts(svg_of(a_proportion_chart(), tmp_path, "da")))
    for danish in ("Andel screenet inden for 24 timer — p-diagram", "data", "centerlinje", "kontrolgrænser",
                   "målværdi", "PDSA-test", "PDSA-test, annulleret", "annulleret", "tilpas", "bedre ↑", "Uge",
                   "uge 3", "Andel", "lang serie (forbedring)"):
        assert danish in words, danish
    assert "lang serie (forværring)" not in words  # it improved after the change: its runs read so
    for english in ("centre", "limits", "target", "PDSA test", "cancelled", "adapt", "better", "chart", "Week",
                    "week", "outside", "improvement", "Proportion"):
        assert english not in words, english


def test_every_word_of_the_chart_is_english_for_an_english_reader(tmp_path: Path) -> None:
    words = " ".join(texts(svg_of(a_proportion_chart(), tmp_path, "en")))
    for english in ("Andel screenet inden for 24 timer — p chart", "centre line", "control limits", "target",
                    "PDSA test", "PDSA test, cancelled", "cancelled", "adapt", "better ↑", "Week", "week 3",
                    "Proportion", "long run (improvement)"):
        assert english in words, english
    assert "long run (concern)" not in words
    for danish in ("centerlinje", "kontrolgrænser", "målværdi", "annulleret", "tilpas", "bedre", "Uge", "uge ",
                   "diagram", "forbedring"):
        assert danish not in words, danish


@pytest.mark.parametrize(("language", "label"), [("da", "uden for kontrolgrænserne (forværring)"),
                                                 ("en", "outside the limits (concern)")])
def test_signals_are_named_by_rule_and_kind_in_the_readers_language(tmp_path: Path, language: str, label: str) -> None:
    values = [20.0, 22, 21, 19, 20, 23, 21, 20, 45, 21, 20, 22, 19, 21, 20, 22]
    data = series("i", "week", weeks(date(2027, 1, 4), 16), values, direction="down")
    assert [s["rule"] for s in data["spc"]["signals"]] == ["outside_limits"]
    assert label in texts(svg_of(data, tmp_path, language))


def test_the_measures_unit_names_the_value_axis(tmp_path: Path) -> None:
    words = texts(svg_of(a_proportion_chart(unit="andel"), tmp_path, "en"))
    assert "andel" in words and "Proportion" not in words


# -- percentages and numbers ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("language", "pattern"), [("da", r"\d+(,\d)? %"), ("en", r"\d+(\.\d)?%")])
def test_proportions_read_as_percentages(tmp_path: Path, language: str, pattern: str) -> None:
    root = svg_of(a_proportion_chart(), tmp_path, language)
    ticks = tick_texts(root, "y")
    assert ticks and all(re.fullmatch(pattern, tick) for tick in ticks), ticks
    assert ("40 %" if language == "da" else "40%") in ticks
    centre = "".join(group(root, "centre-value-1").itertext()).strip()
    assert re.fullmatch(pattern.replace(r"(,\d)?", r"(,\d+)?").replace(r"(\.\d)?", r"(\.\d+)?"), centre), centre


def test_other_charts_keep_their_numbers_with_the_readers_decimal_mark(tmp_path: Path) -> None:
    data = series("i", "week", weeks(date(2027, 1, 4), 12), [2.5, 2.75, 2.25, 2.5, 3, 2.5, 2.25, 2.5, 2.75, 2.5, 2, 2.5])
    danish, english = tick_texts(svg_of(data, tmp_path, "da"), "y"), tick_texts(svg_of(data, tmp_path, "en"), "y")
    assert not any("%" in tick for tick in danish + english)
    assert any("," in tick for tick in danish) and not any("." in tick for tick in danish)
    assert any("." in tick for tick in english) and not any("," in tick for tick in english)


# -- a cancelled cycle ----------------------------------------------------------------------------------------

def _fill(root: ET.Element, gid: str) -> str:
    (path,) = list(group(root, gid).iter(f"{SVG}path"))
    return path.get("style", "")


def test_a_cancelled_cycle_is_drawn_hatched_grey_and_labelled_cancelled(tmp_path: Path) -> None:
    root = svg_of(a_proportion_chart(), tmp_path, "da")
    cancelled, concluded = _fill(root, "cycle-c-cancelled"), _fill(root, "cycle-c-done")
    assert "url(#" in cancelled, "hatched: filled with a pattern"
    assert "url(#" not in concluded and "#cfe3f3" in concluded
    pattern_id = re.search(r"url\(#([^)]+)\)", cancelled)[1]  # type: ignore[index]
    (pattern,) = [p for p in root.iter(f"{SVG}pattern") if p.get("id") == pattern_id]
    assert "#ececec" in ET.tostring(pattern, encoding="unicode"), "grey underneath the hatching"
    assert "".join(group(root, "cycle-c-cancelled-cancelled").itertext()).strip() == "annulleret"
    assert [g for g in root.iter(f"{SVG}g") if g.get("id") == "cycle-c-cancelled-decision"] == []
    assert [g for g in root.iter(f"{SVG}g") if g.get("id") == "cycle-c-done-decision"]
    english = svg_of(a_proportion_chart(), tmp_path, "en")
    assert "".join(group(english, "cycle-c-cancelled-cancelled").itertext()).strip() == "cancelled"


def test_week_ticks_name_the_week_and_the_year_where_it_starts() -> None:
    starts = weeks(date(2026, 12, 14), 6)
    assert period_ticks(starts, "week", "da") == (starts, ["uge 51\n2026", "uge 52", "uge 53", "uge 1\n2027",
                                                           "uge 2", "uge 3"])
    assert period_ticks(starts, "week", "en")[1][0] == "week 51\n2026"
    many = weeks(date(2026, 1, 5), 39)
    positions, _ = period_ticks(many, "week", "da")
    assert len(positions) <= 13 and positions[0] == many[0]
    assert period_ticks(months(date(2025, 11, 1), 3), "month", "da")[1] == ["nov.\n2025", "dec.", "jan.\n2026"]
    assert period_ticks(months(date(2026, 1, 1), 2), "month", "en")[1] == ["Jan\n2026", "Feb"]
