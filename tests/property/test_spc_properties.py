"""Properties of the statistics that hold for any data."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from pdsa_engine.projections.spc import analyse

VALUES = st.lists(st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False).map(lambda v: round(v, 3)),
                  min_size=2, max_size=60)


def brute_force_runs(values: list[float], centre: float) -> tuple[int, int, int]:
    """n_useful, longest run and crossings, counted one point at a time."""
    sides = [1 if v > centre else -1 for v in values if v != centre]
    longest = current = 0
    crossings = 0
    for i, side in enumerate(sides):
        current = current + 1 if i and side == sides[i - 1] else 1
        crossings += 1 if i and side != sides[i - 1] else 0
        longest = max(longest, current)
    return len(sides), longest, crossings


@given(VALUES)
def test_runs_statistics_equal_a_brute_force_count(values: list[float]) -> None:
    part = analyse("run", values).parts[0]
    n_useful, longest, crossings = brute_force_runs(values, float(np.median(values)))
    assert part.n_useful == n_useful
    if n_useful:
        assert (part.longest_run, part.n_crossings) == (longest, crossings)
        assert part.longest_run_max == round(math.log2(n_useful)) + 3
        assert part.runs_signal == (longest > part.longest_run_max or crossings < part.n_crossings_min)


@given(st.integers(1, 400))
def test_the_crossings_limit_is_the_binomial_5_percent_quantile(n_useful: int) -> None:
    from math import comb

    from pdsa_engine.projections.spc import crossings_min_for

    trials, k = n_useful - 1, crossings_min_for(n_useful)
    below = sum(comb(trials, j) for j in range(k)) / 2**trials
    upto = below + comb(trials, k) / 2**trials
    assert below < 0.05 <= upto + 1e-12


@given(VALUES, st.floats(-1e4, 1e4).map(lambda v: round(v, 2)), st.sampled_from(["i", "run"]))
def test_a_constant_shift_moves_centre_and_limits_by_the_same_amount(values: list[float], shift: float,
                                                                     chart: str) -> None:
    before, after = analyse(chart, values), analyse(chart, [v + shift for v in values])
    for line in ("cl", "lcl", "ucl"):
        np.testing.assert_allclose(getattr(after, line), getattr(before, line) + shift, rtol=1e-9, atol=1e-6)


@given(VALUES, st.floats(0.01, 100))
def test_scaling_the_values_scales_centre_and_limits(values: list[float], factor: float) -> None:
    before, after = analyse("i", values), analyse("i", [v * factor for v in values])
    for line in ("cl", "lcl", "ucl"):
        np.testing.assert_allclose(getattr(after, line), getattr(before, line) * factor, rtol=1e-9, atol=1e-6)


@given(VALUES)
def test_screening_never_widens_the_limits(values: list[float]) -> None:
    screened, unscreened = analyse("i", values), analyse("i", values, screened=False)
    assume(not np.isnan(screened.ucl[0]))
    assert screened.ucl[0] - screened.cl[0] <= unscreened.ucl[0] - unscreened.cl[0] + 1e-9


@settings(max_examples=200)
@given(st.lists(st.tuples(st.integers(0, 500), st.integers(1, 500)), min_size=2, max_size=40), st.booleans())
def test_p_chart_limits_stay_between_0_and_1(pairs: list[tuple[int, int]], laney: bool) -> None:
    values, n = [min(x, d) for x, d in pairs], [d for _, d in pairs]
    result = analyse("pp" if laney else "p", values, n)
    for line in (result.lcl, result.ucl):
        finite = line[~np.isnan(line)]
        assert ((finite >= 0) & (finite <= 1)).all()


@given(VALUES, st.sampled_from(["i", "c"]))
def test_sigma_signals_are_exactly_the_points_outside_the_limits(values: list[float], chart: str) -> None:
    if chart == "c":
        values = [abs(round(v)) for v in values]
    result = analyse(chart, values)
    with np.errstate(invalid="ignore"):
        outside = (result.y > result.ucl) | (result.y < result.lcl)
    assert (result.sigma_signal == outside).all()
    listed = sorted(i for s in result.signals if s.rule == "outside_limits" for i in s.points)
    assert listed == [i + 1 for i in np.flatnonzero(outside)]


@given(VALUES, st.sampled_from(["up", "down", None]), st.booleans())
def test_under_mdc_a_point_is_special_cause_exactly_when_a_rule_flags_it(values: list[float], direction: str | None,
                                                                        screened: bool) -> None:
    result = analyse("i", values, rules="mdc", direction=direction, screened=screened)
    flagged = {i for s in result.signals for i in s.points}
    assert [t != "common_cause" for t in result.point_type] == [i + 1 in flagged for i in range(len(values))]
    special = ("improvement", "concern") if direction else ("neutral_high", "neutral_low")
    assert set(result.point_type) <= {"common_cause", *(f"special_cause_{kind}" for kind in special)}


@given(VALUES, st.booleans())
def test_mdc_limits_are_the_mean_plus_or_minus_2_66_average_moving_ranges(values: list[float],
                                                                          screened: bool) -> None:
    ranges = [abs(b - a) for a, b in zip(values, values[1:])]
    average = sum(ranges) / len(ranges)
    if screened:
        kept = [r for r in ranges if r < 3.267 * average]
        assume(kept)
        average = sum(kept) / len(kept)
    mean = sum(values) / len(values)
    result = analyse("i", values, rules="mdc", screened=screened)
    np.testing.assert_allclose(result.ucl, mean + 2.66 * average, rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(result.lcl, mean - 2.66 * average, rtol=1e-9, atol=1e-6)
