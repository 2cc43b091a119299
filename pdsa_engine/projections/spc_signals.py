"""Signals in an SPC chart, each named by its rule and listing the points that fired it.

This module has Anhøj's rules (qicharts2's default: the longest run and the number of crossings, per part, plus
points outside the 3σ limits) and the assurance against a target that goes with them; NHS "Making Data Count"
(``--rules mdc``) is in spc_mdc.py. With a direction of improvement each signal is an ``improvement`` or a
``concern``; without one, ``neutral``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from pdsa_engine.projections.spc import Part


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
    y: np.ndarray, lcl: np.ndarray, ucl: np.ndarray, parts: Sequence[Part], direction: str | None,
) -> list[Signal]:
    """Anhøj's rules, part by part."""
    signals: list[Signal] = []
    for summary in parts:
        where = slice(summary.start - 1, summary.end)
        signals += outside_limits(y[where], lcl[where], ucl[where], summary.start, direction)
        signals += _anhoej(summary, direction)
    return signals


def outside_limits(y: np.ndarray, lcl: np.ndarray, ucl: np.ndarray, start: int, direction: str | None) -> list[Signal]:
    """The points of one part above its upper limit, and those below its lower one (excluded points too)."""
    found = []
    with np.errstate(invalid="ignore"):
        for side, beyond in ((1, y > ucl), (-1, y < lcl)):
            if beyond.any():
                found.append(Signal("outside_limits", tuple((np.flatnonzero(beyond) + start).tolist()),
                                    kind_of(side, direction)))
    return found


def _anhoej(summary: Part, direction: str | None) -> list[Signal]:
    # A runs signal needs useful points, so its statistics exist. qicharts2 switches it off for MR charts; so
    # do we.
    if not summary.runs_signal:
        return []
    # A runs signal says the process is not random, not which way it went; the part's most recent long run
    # says where it is now, so every runs signal of the part reads as that run's side.
    kind = kind_of(_side_of_latest_long_run(summary), direction)
    found = [Signal("anhoej_longest_run", run, kind)  # none when the longest run is within the limit
             for run, _ in _runs_of(summary.sides, summary.useful, summary.longest_run_max + 1)]  # type: ignore[operator]
    if summary.n_crossings < summary.n_crossings_min:  # type: ignore[operator]
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


def _runs_of(sides: np.ndarray, indices: np.ndarray, minimum: int) -> list[tuple[tuple[int, ...], int]]:
    """Runs of equal, non-zero sides at least ``minimum`` long, as (point indices, side)."""
    if len(sides) < minimum or minimum <= 0:
        return []
    changes = np.flatnonzero(np.diff(sides)) + 1
    starts = np.concatenate(([0], changes))
    ends = np.concatenate((changes, [len(sides)]))
    long = np.flatnonzero((ends - starts >= minimum) & (sides[starts] != 0) & ~np.isnan(sides[starts]))
    return [(tuple(indices[starts[i]:ends[i]].tolist()), int(sides[starts[i]])) for i in long]


def assurance(lcl: np.ndarray, ucl: np.ndarray, direction: str | None, target: float | None) -> str | None:
    """Whether the current process (the last point's limits) will reliably meet the target: pass, fail or
    hit_and_miss."""
    if target is None or direction is None or np.isnan(ucl[-1]):  # a part without limits has neither of them
        return None
    low, high = float(lcl[-1]), float(ucl[-1])
    if direction == "up":
        return "pass" if low > target else "fail" if high < target else "hit_and_miss"
    return "pass" if high < target else "fail" if low > target else "hit_and_miss"
