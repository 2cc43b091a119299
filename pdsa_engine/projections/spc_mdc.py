"""NHS England's "Making Data Count" (MDC), as NHSRplotthedots 0.2.2 (``ptd_spc`` and its rule functions)
computes it: the rules, every point's variation type and the assurance against a target.

Per part: on an XmR (I) chart the centre is the mean (of the first K points of the part with a freeze), the
limits mean ± 2.66 × the average moving range (MDC's rounded constant, not qicharts2's 3/1.128), and a point is
close to a limit when it lies beyond two thirds of the way to it without being outside it. The four rules run on
each part's included points: outside the limits; two of three consecutive points close to a limit, all three on
one side of the centre (only the close points are flagged); a shift of seven points on one side (a point on the
centre breaks it); a trend of seven points rising or falling (a tie breaks it). A point's variation type comes
from the first rule that flags it, in MDC's order outside, trend, two of three, shift.

Beyond NHSRplotthedots, which draws only XmR charts and cannot exclude points: on other charts the chart's own
limits are used, with its 2σ limits as "close"; excluded points stay out of the centre, the moving ranges and the
rules, and are still flagged (and typed) when outside the limits.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from pdsa_engine.projections.spc_signals import Signal, kind_of, outside_limits

if TYPE_CHECKING:
    from pdsa_engine.projections.spc import Part

LIMIT = 2.66  # MDC's constant: 3/1.128 rounded
CLOSE = 2 * (LIMIT / 3)  # written as NHSRplotthedots writes it, so that the limits agree to the last bit
SEVEN = 7  # points in a shift or a trend
COMMON = "common_cause"
NEUTRAL = {1: "special_cause_neutral_high", -1: "special_cause_neutral_low"}


def xmr_lines(cl: float, average_moving_range: float, count: int) -> np.ndarray:
    """One part's rows cl, lcl, ucl, and the bounds of "close to a limit" below and above."""
    lines = [cl, cl - LIMIT * average_moving_range, cl + LIMIT * average_moving_range,
             cl - CLOSE * average_moving_range, cl + CLOSE * average_moving_range]
    return np.vstack([np.full(count, value) for value in lines])


def mdc_rules(
    y: np.ndarray, lines: np.ndarray, excluded: np.ndarray, parts: Sequence[Part], direction: str | None,
) -> tuple[list[Signal], list[str]]:
    """The signals of every part, one per rule and episode, and every point's variation type."""
    cl, lcl, ucl, close_low, close_high = lines
    signals: list[Signal] = []
    side = np.nan_to_num(np.sign(y - cl))  # +1 above the centre, -1 below, 0 on it (or without one)
    outside = (y > ucl) | (y < lcl)  # NaN limits (too few points) compare False: they flag nothing
    close = ~outside & ((y < close_low) | (y > close_high))
    point_side = np.where(outside, side, 0)  # the side that types each point, from the first rule to flag it
    for summary in parts:
        where = slice(summary.start - 1, summary.end)
        signals += outside_limits(y[where], lcl[where], ucl[where], summary.start, direction)
        included = np.flatnonzero(~excluded[where]) + summary.start - 1  # 0-based
        found, typed = _part_rules(y[included], side[included], close[included], direction)
        signals += [Signal(rule, tuple((included[list(at)] + 1).tolist()), kind) for rule, at, kind in found]
        untyped = point_side[included] == 0
        point_side[included[untyped]] = typed[untyped]
    return signals, [_variation(s, direction) for s in point_side.tolist()]


def _part_rules(
    y: np.ndarray, side: np.ndarray, close: np.ndarray, direction: str | None,
) -> tuple[list[tuple[str, tuple[int, ...], str]], np.ndarray]:
    """Trend, two of three and shift in one part: their episodes (rule, positions, kind) and, per point, the
    side of the first of them that flags it (0 for none)."""
    trend, rising = _trend(y)
    two = _two_of_three(close, side)
    shift = _part_of(_seven_on_one_side(side))
    trend_side = np.where(rising, 1, -1)
    found = [("mdc_two_of_three", *episode) for episode in _episodes(two, side, direction, gap=2)]
    found += [("mdc_shift", *episode) for episode in _episodes(shift, side, direction)]
    found += [("mdc_trend", *episode) for episode in _episodes(trend, trend_side, direction)]
    typed = np.select([trend, two | shift], [trend_side, side])  # 0 where none flags the point
    return found, typed


def _seven_on_one_side(side: np.ndarray) -> np.ndarray:
    """Where a window of seven points on the same side of the centre ends (a point on it has side 0)."""
    ends = np.zeros(len(side), dtype=bool)
    for end in range(SEVEN - 1, len(side)):
        window = side[end - SEVEN + 1:end + 1]
        ends[end] = bool((window == 1).all() or (window == -1).all())
    return ends


def _trend(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The points in a trend of seven, and per point whether its trend is rising.

    NHSRplotthedots reads a trend point's direction from the step after it when the next point is in a trend
    too, else from the step before it, and calls every step that is not a rise "decreasing" (so a tie between two
    trends reads as decreasing): the same here, so the variation types agree."""
    steps = np.sign(np.diff(y))
    ends = np.zeros(len(y), dtype=bool)
    for end in range(SEVEN - 1, len(y)):
        window = steps[end - SEVEN + 1:end]  # the six steps between seven points
        ends[end] = bool((window == 1).all() or (window == -1).all())
    trend = _part_of(ends)
    after = np.concatenate((steps, steps[-1:])) if len(steps) else np.zeros(len(y))
    before = np.concatenate(([0.0], steps))
    next_too = np.concatenate((trend[1:], [False])) & trend
    return trend, np.where(next_too, after, before) == 1


def _two_of_three(close: np.ndarray, side: np.ndarray) -> np.ndarray:
    """The close points in a window of three consecutive points of which at least two are close to a limit
    and all three lie on one side of the centre (NHSRplotthedots 0.2.2, issue #143)."""
    flagged = np.zeros(len(close), dtype=bool)
    for start in range(len(close) - 2):
        window = slice(start, start + 3)
        if close[window].sum() >= 2 and abs(int(side[window].sum())) == 3:
            flagged[window] = close[window]  # a window's close points: an earlier window flagged no others
    return flagged


def _part_of(ends: np.ndarray) -> np.ndarray:
    """Every point of the windows of seven that end where ``ends`` is true."""
    flagged = ends.copy()
    for back in range(1, SEVEN):
        flagged[:-back] |= ends[back:]
    return flagged


def _episodes(
    flagged: np.ndarray, sides: np.ndarray, direction: str | None, gap: int = 1,
) -> list[tuple[tuple[int, ...], str]]:
    """Flagged points grouped into episodes: the same side, at most ``gap`` positions apart."""
    episodes: list[tuple[list[int], int]] = []
    for position in np.flatnonzero(flagged).tolist():
        side = int(sides[position])
        if episodes and episodes[-1][1] == side and position - episodes[-1][0][-1] <= gap:
            episodes[-1][0].append(position)
        else:
            episodes.append(([position], side))
    return [(tuple(positions), kind_of(side, direction)) for positions, side in episodes]


def _variation(side: int, direction: str | None) -> str:
    """NHSRplotthedots' point type: the side of the rule that flagged the point (+1 or -1; 0 for none), read
    with the direction."""
    if side == 0:
        return COMMON
    if direction is None:
        return NEUTRAL[side]
    better = 1 if direction == "up" else -1
    return "special_cause_improvement" if side == better else "special_cause_concern"


def mdc_assurance(lcl: np.ndarray, ucl: np.ndarray, direction: str | None, target: float | None) -> str | None:
    """Whether the process, as the last part's limits describe it, will meet the target: a target beyond the
    upper limit is always failed when higher is better (always met when lower is better), beyond the lower
    limit the reverse; between the limits it is met some weeks and not others."""
    if target is None or direction is None or np.isnan(lcl[-1]) or np.isnan(ucl[-1]):  # analyse has a point
        return None
    up = direction == "up"
    if target > ucl[-1]:
        return "consistent_fail" if up else "consistent_pass"
    if target < lcl[-1]:
        return "consistent_pass" if up else "consistent_fail"
    return "inconsistent"
