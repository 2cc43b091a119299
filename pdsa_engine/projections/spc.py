"""Statistical process control as qicharts2 0.8.1 (Jacob Anhøj's R package, the Danish reference) computes it.

Pure functions on numbers: centre lines and per-point limits for run, I (XmR), MR, P, P′ (Laney), U, U′, C, G
and T charts; Anhøj's runs analysis per part; moving-range screening (on by default; off reproduces the NHS
"Making Data Count" Excel tool); freeze (baseline), parts and excluded points. One deliberate difference:
qicharts2 ignores ``freeze`` when parts are given; here the freeze then fixes the first part's centre line and
limits on its first K points, and every later part is computed from all its own points.

With ``rules="mdc"`` the analysis is NHS "Making Data Count" as NHSRplotthedots 0.2.2 computes it (spc_mdc.py):
an I chart's limits are mean ± 2.66 × the average moving range, a freeze fixes every part on its own first K
points, and each point gets a variation type (``point_type``); with Anhøj's rules nothing of that changes.

Indices in and out are 1-based, as in qicharts2. Signals are named and listed with their points in
spc_signals.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from functools import lru_cache
from math import comb, lgamma, log, sqrt
from typing import Any

import numpy as np

from pdsa_engine.projections.chart_names import CHARTS as CHARTS  # where the CLI and the series view read them
from pdsa_engine.projections.spc_input import check_input
from pdsa_engine.projections.spc_mdc import mdc_assurance, mdc_rules, xmr_lines
from pdsa_engine.projections.spc_signals import Signal, assurance, find_signals

MR_SCREEN = 3.267  # moving ranges at or above 3.267 × the average are screened out once (Nelson 1982)
D2 = 1.128  # σ = average moving range / d2
_QBINOM_FUZZ = 1 - 64 * np.finfo(float).eps  # R's qbinom searches with this tolerance


@dataclass(frozen=True)
class Part:
    part: int
    start: int
    end: int
    cl: float
    n_obs: int
    n_useful: int
    longest_run: int | None
    longest_run_max: int | None
    n_crossings: int | None
    n_crossings_min: int | None
    runs_signal: bool
    useful: np.ndarray = field(repr=False, compare=False)  # 1-based indices of points off the centre line
    sides: np.ndarray = field(repr=False, compare=False)  # their side of it, +1 or -1


@dataclass(frozen=True)
class SpcResult:
    chart: str
    y: np.ndarray
    cl: np.ndarray
    lcl: np.ndarray
    ucl: np.ndarray
    lcl_2sigma: np.ndarray  # under MDC, where "close to the lower limit" begins: 2σ, or MDC's own on an XmR chart
    ucl_2sigma: np.ndarray  # and the upper
    part: np.ndarray
    excluded: np.ndarray
    sigma_signal: np.ndarray
    parts: tuple[Part, ...]
    signals: tuple[Signal, ...]
    assurance: str | None  # anhoej: pass, fail, hit_and_miss; mdc: consistent_pass, consistent_fail, inconsistent
    rules: str = "anhoej"
    point_type: tuple[str, ...] | None = None  # mdc only: common_cause, special_cause_improvement, ...

    def as_dict(self) -> dict[str, Any]:
        """The public JSON shape of `pdsa spc analyse --json`: null where a value does not exist."""
        return public_shape(self.as_columns())

    def as_columns(self) -> dict[str, Any]:
        """The same, one list per line rather than one object per point: compact to store in a view."""
        return {
            "chart": self.chart, "y": _numbers(self.y), "cl": _numbers(self.cl), "lcl": _numbers(self.lcl),
            "ucl": _numbers(self.ucl), "part": self.part.tolist(), "excluded": self.excluded.tolist(),
            "sigma_signal": self.sigma_signal.tolist(),
            "parts": [
                {"part": p.part, "start": p.start, "end": p.end, "cl": _number(p.cl), "n_obs": p.n_obs,
                 "n_useful": p.n_useful, "longest_run": p.longest_run, "longest_run_max": p.longest_run_max,
                 "n_crossings": p.n_crossings, "n_crossings_min": p.n_crossings_min, "runs_signal": p.runs_signal}
                for p in self.parts
            ],
            "signals": [{"rule": s.rule, "points": list(s.points), "kind": s.kind} for s in self.signals],
            "assurance": self.assurance, "rules": self.rules,
            "point_type": None if self.point_type is None else list(self.point_type),
        }


def public_shape(columns: dict[str, Any]) -> dict[str, Any]:
    """One object per point, as `pdsa spc analyse --json` promises, from the columns of an analysis. Columns
    stored before rules and point types were kept read as Anhøj's rules, without point types."""
    types = columns.get("point_type") or [None] * len(columns["y"])
    lines = zip(columns["y"], columns["cl"], columns["lcl"], columns["ucl"], columns["part"], columns["excluded"],
                columns["sigma_signal"], types)
    points = [{"index": i + 1, "y": y, "cl": cl, "lcl": lcl, "ucl": ucl, "part": part, "excluded": excluded,
               "sigma_signal": signal, "point_type": kind}
              for i, (y, cl, lcl, ucl, part, excluded, signal, kind) in enumerate(lines)]
    return {"chart": columns["chart"], "rules": columns.get("rules", "anhoej"), "points": points,
            "parts": columns["parts"], "signals": columns["signals"], "assurance": columns["assurance"]}


def analyse(
    chart: str, values: Sequence[float] | np.ndarray, n: Sequence[float] | np.ndarray | None = None, *,
    freeze: int | None = None, parts: Sequence[int] = (), exclude: Sequence[int] = (), rules: str = "anhoej",
    screened: bool = True, direction: str | None = None, target: float | None = None,
) -> SpcResult:
    """Centre lines, limits, runs analysis, signals and assurance for one series of data points."""
    numerators, denominators = check_input(chart, values, n, freeze, parts, exclude, rules, direction)
    count = len(numerators)
    y = numerators / denominators  # denominators are all 1 for charts without them
    part = np.ones(count, dtype=np.int64)
    for boundary in parts:
        part[boundary:] += 1
    index = np.arange(1, count + 1)
    excluded = np.isin(index, list(exclude))
    baseline = _baseline(index, part, parts, freeze, rules)
    lines = np.full((5, count), np.nan)
    summaries = []
    for number, (start, end) in enumerate(_spans(parts, count), start=1):
        where = slice(start - 1, end)
        base = baseline[where] & ~excluded[where]
        if chart == "mr":  # the moving range of each point from the one before it, within the part
            y[where] = np.concatenate(([np.nan], np.abs(np.diff(numerators[where]))))
        if chart == "i" and rules == "mdc":
            lines[:, where] = _mdc_lines(y[where], base, screened)
        elif chart == "t":
            lines[:, where] = _t_chart(y[where], base, screened)
        else:
            lines[:, where] = _lines(chart, y[where], numerators[where], denominators[where], base, screened)
        summary = _runs(number, start, end, y[where], lines[0, where], ~excluded[where])
        if chart == "mr":  # as qicharts2: moving ranges are not independent, so no runs analysis signals
            summary = replace(summary, runs_signal=False)
        summaries.append(summary)
    cl, lcl, ucl, lcl2, ucl2 = lines
    sigma_signal = (y > ucl) | (y < lcl)  # NaN compares False: run charts and missing limits never signal
    if rules == "mdc":
        signals, types = mdc_rules(y, lines, excluded, summaries, direction)
        return SpcResult(chart, y, cl, lcl, ucl, lcl2, ucl2, part, excluded, sigma_signal, tuple(summaries),
                         tuple(signals), mdc_assurance(lcl, ucl, direction, target), rules, tuple(types))
    return SpcResult(chart, y, cl, lcl, ucl, lcl2, ucl2, part, excluded, sigma_signal, tuple(summaries),
                     tuple(find_signals(y, lcl, ucl, summaries, direction)), assurance(lcl, ucl, direction, target))


def _baseline(index: np.ndarray, part: np.ndarray, parts: Sequence[int], freeze: int | None, rules: str) -> np.ndarray:
    """The points each part's centre line and limits come from. A freeze fixes the first part on its first K
    points; under MDC, as NHSRplotthedots' fix_after_n_points, it fixes every part on its own first K."""
    if freeze is None:
        return np.ones(len(index), dtype=bool)
    if rules == "mdc":
        starts = np.asarray([1, *(p + 1 for p in parts)])
        return index - starts[part - 1] < freeze
    return (index <= freeze) | (part > 1)


def _mdc_lines(y: np.ndarray, base: np.ndarray, screened: bool) -> np.ndarray:
    """An XmR part's mean, MDC limits and the bounds of "close to a limit"."""
    if not base.any():
        return np.full((5, len(y)), np.nan)
    return xmr_lines(float(np.mean(y[base])), _average_moving_range(y[base], screened), len(y))


def _lines(chart: str, y: np.ndarray, x: np.ndarray, n: np.ndarray, base: np.ndarray, screened: bool) -> np.ndarray:
    """Centre line and 3σ and 2σ limits of one part, as rows cl, lcl, ucl, lcl2, ucl2."""
    nan = np.full(len(y), np.nan)
    if not base.any():
        return np.vstack([nan] * 5)
    if chart == "run":
        return np.vstack([np.full(len(y), np.median(y[base])), nan, nan, nan, nan])
    if chart == "mr":
        ranges = y[base][~np.isnan(y[base])]  # a part's first point has no range
        if not len(ranges):
            return np.vstack([nan] * 5)
        cl = float(np.mean(ranges))
        return np.vstack([np.full(len(y), cl), np.zeros(len(y)), np.full(len(y), MR_SCREEN * cl), np.zeros(len(y)),
                          np.full(len(y), MR_SCREEN / 3 * 2 * cl)])
    if chart == "i":
        return _i_lines(y, base, screened)
    if chart == "g":
        cl = float(np.mean(y[base]))
        lines = _around(np.full(len(y), cl), np.full(len(y), np.sqrt(cl * (cl + 1))), 0.0, None)
        lines[0] = np.median(y[base])  # qicharts2 draws the median as the centre line, limits from the mean
        return lines
    # A c chart is a u chart whose every denominator is 1: the mean count, ±3√c̄, not below 0.
    cl = x[base].sum() / n[base].sum()
    sigma = np.sqrt(cl * (1 - cl) / n) if chart in ("p", "pp") else np.sqrt(cl / n)
    if chart in ("pp", "up"):  # Laney: scale by the spread of the z-scores between subgroups
        with np.errstate(invalid="ignore"):  # all or none of the events: 0/0, no spread, no limits
            z = (y[base] - cl) / sigma[base]
        sigma = sigma * (_average_moving_range(z, screened) / D2)
    return _around(np.full(len(y), cl), sigma, 0.0, 1.0 if chart in ("p", "pp") else None)


def _i_lines(y: np.ndarray, base: np.ndarray, screened: bool) -> np.ndarray:
    """An I chart's centre line and 3σ and 2σ limits (all missing without a point to compute them from)."""
    if not base.any():
        return np.full((5, len(y)), np.nan)
    sigma = np.full(len(y), _average_moving_range(y[base], screened) / D2)
    return _around(np.full(len(y), float(np.mean(y[base]))), sigma, None, None)


def _around(cl: np.ndarray, sigma: np.ndarray, low: float | None, high: float | None) -> np.ndarray:
    lcl, ucl, lcl2, ucl2 = cl - 3 * sigma, cl + 3 * sigma, cl - 2 * sigma, cl + 2 * sigma
    if low is not None:
        lcl, lcl2 = np.maximum(lcl, low), np.maximum(lcl2, low)
    if high is not None:
        ucl, ucl2 = np.minimum(ucl, high), np.minimum(ucl2, high)
    return np.vstack([cl, lcl, ucl, lcl2, ucl2])


def _average_moving_range(values: np.ndarray, screened: bool) -> float:
    ranges = np.abs(np.diff(values))
    if not len(ranges):
        return np.nan
    average = ranges.mean()
    if screened:
        kept = ranges[ranges < MR_SCREEN * average]
        average = kept.mean() if len(kept) else np.nan
    return float(average)


def _t_chart(y: np.ndarray, base: np.ndarray, screened: bool) -> np.ndarray:
    """Time between events: an I chart of y^(1/3.6), transformed back. A lower limit below 0 (NaN once raised to
    the power 3.6) is 0; a part without a centre line has no limits at all."""
    with np.errstate(invalid="ignore"):
        back = _i_lines(y ** (1 / 3.6), base, screened) ** 3.6
    back[1][np.isnan(back[1]) & ~np.isnan(back[0])] = 0.0
    return back


def _runs(number: int, start: int, end: int, y: np.ndarray, cl: np.ndarray, include: np.ndarray) -> Part:
    """Anhøj's runs analysis of one part: included points, those on the centre line left out."""
    indices = np.arange(start, end + 1)[include]
    with np.errstate(invalid="ignore"):
        sides = np.sign(y[include] - cl[include])
    useful = ~np.isnan(sides) & (sides != 0)
    indices, sides = indices[useful], sides[useful].astype(np.int8)
    n_obs, n_useful = int(include.sum()), len(sides)
    centre = float(cl[0])  # a part has at least one point
    if not n_useful:
        return Part(number, start, end, centre, n_obs, 0, None, None, None, None, False, indices, sides)
    changes = np.flatnonzero(np.diff(sides)) + 1
    lengths = np.diff(np.concatenate(([0], changes, [n_useful])))
    longest, crossings = int(lengths.max()), len(changes)
    longest_max, crossings_min = longest_run_max(n_useful), crossings_min_for(n_useful)
    signal = longest > longest_max or crossings < crossings_min
    return Part(number, start, end, centre, n_obs, n_useful, longest, longest_max, crossings, crossings_min, signal,
                indices, sides)


def longest_run_max(n_useful: int) -> int:
    return int(round(np.log2(n_useful))) + 3  # Schilling 2012


@lru_cache(maxsize=4096)
def crossings_min_for(n_useful: int) -> int:
    """qbinom(0.05, n_useful − 1, 0.5): the smallest k with P(X ≤ k) ≥ 0.05 (Chen 2010)."""
    trials = max(n_useful - 1, 0)
    threshold = 0.05 * _QBINOM_FUZZ
    if trials <= 5000:  # exactly, in integers
        bound, total = Fraction(threshold) * 2**trials, 0
        for k in range(trials + 1):
            total += comb(trials, k)
            if total >= bound:
                return k
    # Longer series: the lower tail from 20 standard deviations below the mean, built by ratios of terms.
    low = max(0, int(trials / 2 - 10 * sqrt(trials)))
    k = np.arange(low, trials // 2 + 2)
    first = lgamma(trials + 1) - lgamma(low + 1) - lgamma(trials - low + 1) - trials * log(2)
    steps = np.log((trials - k[:-1]) / (k[:-1] + 1))
    cumulative = np.cumsum(np.exp(first + np.concatenate(([0.0], np.cumsum(steps)))))
    return int(k[np.argmax(cumulative >= threshold)])


def _spans(parts: Sequence[int], count: int) -> list[tuple[int, int]]:
    starts = [1, *(p + 1 for p in parts)]
    ends = [*parts, count]
    return list(zip(starts, ends))


def _number(value: float) -> float | None:
    return None if value != value else float(value)  # NaN is the only value not equal to itself


def _numbers(values: np.ndarray) -> list[float | None]:
    return [None if v != v else v for v in values.tolist()]
