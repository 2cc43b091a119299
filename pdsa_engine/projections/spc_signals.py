"""Signals in an SPC chart, each named by its rule and listing the points that fired it.

Rules: ``anhoej`` (qicharts2's default: Anhøj's longest run and number of crossings, per part, plus points
outside the 3σ limits) or ``mdc`` (NHS "Making Data Count": outside the limits, two of three beyond 2σ on one
side, a shift of 7 on one side of the centre line, a trend of 7 rising or falling). With a direction of
improvement each signal is an ``improvement`` or a ``concern``; without one, ``neutral``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from pdsa_engine.projections.spc import Part

SHIFT, TREND = 7, 7


@dataclass(frozen=True)
class Signal:
    rule: str
    points: tuple[int, ...]  # 1-based
    kind: str  # improvement, concern or neutral


def kind_of(side: int, direction: str | None) -> str:
    """+1 is above the centre line (or rising), −1 below (or falling)."""
    if direction is None or side == 0:
        return "neutral"
    return "improvement" if (side > 0) == (direction == "up") else "concern"


def find_signals(
    rules: str, y: np.ndarray, cl: np.ndarray, lcl: np.ndarray, ucl: np.ndarray, lcl2: np.ndarray,
    ucl2: np.ndarray, part: np.ndarray, excluded: np.ndarray, parts: Sequence[Part], direction: str | None,
) -> list[Signal]:
    signals: list[Signal] = []
    for summary in parts:
        where = slice(summary.start - 1, summary.end)
        signals += _outside(y[where], lcl[where], ucl[where], summary.start, "outside_limits", direction)
        if rules == "anhoej":
            signals += _anhoej(summary, direction)
            continue
        included = np.flatnonzero(~excluded[where]) + summary.start
        values = y[included - 1]
        signals += _two_of_three(values, lcl2[included - 1], ucl2[included - 1], included, direction)
        signals += [Signal("mdc_shift", run, kind_of(side, direction))
                    for run, side in _runs_of(summary.sides, summary.useful, SHIFT)]
        with np.errstate(invalid="ignore"):
            steps = np.sign(np.diff(values))
        signals += [Signal("mdc_trend", points, kind_of(side, direction))
                    for points, side in _runs_of(steps, included, TREND - 1, span_points=True)]
    return signals


def _outside(y: np.ndarray, lcl: np.ndarray, ucl: np.ndarray, start: int, rule: str, direction: str | None) -> list:
    found = []
    with np.errstate(invalid="ignore"):
        for side, beyond in ((1, y > ucl), (-1, y < lcl)):
            if beyond.any():
                found.append(Signal(rule, tuple((np.flatnonzero(beyond) + start).tolist()), kind_of(side, direction)))
    return found


def _anhoej(summary: Part, direction: str | None) -> list[Signal]:
    found: list[Signal] = []
    if not summary.runs_signal:  # qicharts2 switches the runs signal off for MR charts; so do we
        return found
    # A runs signal says the process is not random, not which way it went; the part's most recent long run
    # says where it is now, so every runs signal of the part reads as that run's side.
    kind = kind_of(_side_of_latest_long_run(summary), direction)
    if summary.longest_run is not None and summary.longest_run > summary.longest_run_max:  # type: ignore[operator]
        found += [Signal("anhoej_longest_run", run, kind)
                  for run, _ in _runs_of(summary.sides, summary.useful, summary.longest_run_max + 1)]  # type: ignore[operator]
    if summary.n_crossings is not None and summary.n_crossings < summary.n_crossings_min:  # type: ignore[operator]
        found.append(Signal("anhoej_crossings", tuple(summary.useful.tolist()), kind))
    return found


def _side_of_latest_long_run(summary: Part) -> int:
    """The side of the most recent run at least longest_run_max long; without one, of the most recent of the
    longest runs. A run as long as the limit, one short of a signal itself, already shows where a change took
    the process."""
    runs = _runs_of(summary.sides, summary.useful, summary.longest_run_max or 1)
    if not runs:
        runs = _runs_of(summary.sides, summary.useful, summary.longest_run or 1)
    return runs[-1][1] if runs else 0


def _runs_of(
    sides: np.ndarray, indices: np.ndarray, minimum: int, span_points: bool = False
) -> list[tuple[tuple[int, ...], int]]:
    """Runs of equal, non-zero sides at least ``minimum`` long, as (point indices, side). With ``span_points``
    the sides are steps between consecutive points, and a run of k steps spans k + 1 points."""
    if len(sides) < minimum or minimum <= 0:
        return []
    changes = np.flatnonzero(np.diff(sides)) + 1
    starts = np.concatenate(([0], changes))
    ends = np.concatenate((changes, [len(sides)]))
    long = np.flatnonzero((ends - starts >= minimum) & (sides[starts] != 0) & ~np.isnan(sides[starts]))
    extra = 1 if span_points else 0
    return [(tuple(indices[starts[i]:ends[i] + extra].tolist()), int(sides[starts[i]])) for i in long]


def _two_of_three(
    y: np.ndarray, lcl2: np.ndarray, ucl2: np.ndarray, indices: np.ndarray, direction: str | None
) -> list[Signal]:
    found = []
    for side, beyond in ((1, y > ucl2), (-1, y < lcl2)):
        if len(beyond) < 3:
            continue
        hits = beyond.astype(np.int8)
        windows = np.flatnonzero(hits[:-2] + hits[1:-1] + hits[2:] >= 2)
        flagged = np.zeros(len(hits), dtype=bool)
        for offset in range(3):
            flagged[windows + offset] |= beyond[windows + offset]
        positions = np.flatnonzero(flagged)
        if not len(positions):
            continue
        # Flagged points two or fewer apart belong to one episode.
        breaks = np.flatnonzero(np.diff(positions) > 2) + 1
        for group in np.split(positions, breaks):
            found.append(Signal("mdc_two_of_three", tuple(indices[group].tolist()), kind_of(side, direction)))
    return found


def assurance(lcl: np.ndarray, ucl: np.ndarray, direction: str | None, target: float | None) -> str | None:
    """Whether the current process (the last point's limits) will reliably meet the target."""
    if target is None or direction is None or not len(lcl) or np.isnan(lcl[-1]) or np.isnan(ucl[-1]):
        return None
    low, high = float(lcl[-1]), float(ucl[-1])
    if direction == "up":
        return "pass" if low > target else "fail" if high < target else "hit_and_miss"
    return "pass" if high < target else "fail" if low > target else "hit_and_miss"
