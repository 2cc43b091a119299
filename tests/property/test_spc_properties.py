"""Properties of the statistics that hold for any data."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from pdsa_engine.projections.spc import analyse
from tests.support.examples import examples

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")  # numpy's warnings would reach the user's terminal

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


MR_SCREEN, D2 = 3.267, 1.128  # written out here, not imported: the tests' own formulas


def average_moving_range(ranges: list[float], screened: bool = True) -> tuple[float, int]:
    """The mean moving range, after screening out (once) those at or above 3.267 × the mean; and how many went."""
    average = sum(ranges) / len(ranges)
    if not screened:
        return average, 0
    kept = [r for r in ranges if r < MR_SCREEN * average]
    return sum(kept) / len(kept), len(ranges) - len(kept)


def moving_ranges(values: list[float]) -> list[float]:
    return [abs(b - a) for a, b in zip(values, values[1:])]


def planted_range(others: float, count: int, factor: float) -> float:
    """A moving range ``factor`` (> 1) times as large as it must be to be screened out among ``count`` moving
    ranges whose others sum to ``others``: r ≥ 3.267 · (others + r) / count ⇔ r · (count − 3.267) ≥ 3.267 · others."""
    return factor * MR_SCREEN * others / (count - MR_SCREEN)


@st.composite
def varied_series(draw: st.DrawFn) -> list[float]:
    """At least five values, each at least 0.5 from the one before it, so that no average moving range, screened
    or not, is 0 or missing; in about four examples of five one step planted so large that screening removes
    its moving range."""
    size = draw(st.integers(5, 60))
    start = round(draw(st.floats(-1e3, 1e3)), 3)
    steps = [sign * round(step, 3) for sign, step in draw(st.lists(
        st.tuples(st.sampled_from([1, -1]), st.floats(0.5, 50)), min_size=size - 1, max_size=size - 1))]
    if draw(st.integers(0, 4)):
        at = draw(st.integers(0, size - 2))
        others = sum(abs(step) for i, step in enumerate(steps) if i != at) + 0.01 * (size - 2)  # room for rounding
        steps[at] = math.copysign(round(planted_range(others, size - 1, draw(st.floats(1.05, 4))), 3), steps[at])
    values = [start]
    for step in steps:
        values.append(round(values[-1] + step, 3))
    return values


@given(varied_series())
def test_screening_narrows_the_limits_exactly_when_it_removes_a_moving_range(values: list[float]) -> None:
    ranges = moving_ranges(values)
    kept, removed = average_moving_range(ranges)
    event("screening removed a moving range" if removed else "screening removed nothing")
    screened, unscreened = analyse("i", values), analyse("i", values, screened=False)
    width, unscreened_width = screened.ucl - screened.cl, unscreened.ucl - unscreened.cl
    np.testing.assert_allclose(width, 3 * kept / D2, rtol=1e-9)
    np.testing.assert_allclose(unscreened_width, 3 * (sum(ranges) / len(ranges)) / D2, rtol=1e-9)
    if removed:
        assert (width < unscreened_width).all()
    else:
        np.testing.assert_allclose(width, unscreened_width, rtol=1e-12)


@st.composite
def proportions(draw: st.DrawFn) -> tuple[list[int], list[int]]:
    """Numerators and denominators (1 to 1000, varying) of proportions around one rate, from 0 to 1 inclusive, so
    that some limits are clipped at 0 or at 1 and most are not."""
    size = draw(st.integers(2, 40))
    n = draw(st.lists(st.integers(1, 1000), min_size=size, max_size=size))
    rate = draw(st.one_of(st.floats(0, 1), st.sampled_from([0.0, 0.002, 0.5, 0.998, 1.0])))
    x = [draw(st.integers(max(0, math.floor(rate * d) - 3), min(d, math.ceil(rate * d) + 3))) for d in n]
    return x, n


@settings(max_examples=examples(200))
@given(proportions())
def test_p_chart_limits_are_the_centre_plus_or_minus_3_binomial_sigmas_of_each_point_clipped_to_0_and_1(
        data: tuple[list[int], list[int]]) -> None:
    x, n = data
    result = analyse("p", x, n)
    p = sum(x) / sum(n)
    raw_low = [p - 3 * math.sqrt(p * (1 - p) / d) for d in n]
    raw_high = [p + 3 * math.sqrt(p * (1 - p) / d) for d in n]
    event("a lower limit clipped at 0" if min(raw_low) < 0 else "no lower limit clipped")
    event("an upper limit clipped at 1" if max(raw_high) > 1 else "no upper limit clipped")
    event("denominators vary" if len(set(n)) > 1 else "one denominator")
    assert (result.lcl <= result.cl).all() and (result.cl <= result.ucl).all()
    assert (result.lcl >= 0).all() and (result.ucl <= 1).all()
    np.testing.assert_allclose(result.cl, p, rtol=1e-12)
    np.testing.assert_allclose(result.lcl, [max(v, 0.0) for v in raw_low], rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(result.ucl, [min(v, 1.0) for v in raw_high], rtol=1e-9, atol=1e-15)


@st.composite
def laney_data(draw: st.DrawFn) -> tuple[str, list[int], list[int]]:
    """A P′ or U′ chart's numerators and denominators around one rate. The first two subgroups have the same
    denominator and numerators one apart, so their z-scores differ (σ_z > 0); a P′ numerator lies strictly between
    0 and its denominator (0 < p̄ < 1). In about four examples of five one subgroup is planted far off the rate,
    so that (usually) screening removes the moving ranges of its z-score."""
    chart = draw(st.sampled_from(["pp", "up"]))
    size = draw(st.integers(5, 40))
    n = draw(st.lists(st.integers(3, 500), min_size=size, max_size=size))
    n[1] = n[0]
    if chart == "pp":
        rate = draw(st.floats(0.05, 0.95))
        x = [min(max(round(rate * d) + draw(st.integers(-3, 3)), 1), d - 1) for d in n]
        x[1] = x[0] + 1 if x[0] + 1 < n[0] else x[0] - 1
    else:
        rate = draw(st.floats(0.1, 5))
        x = [max(round(rate * d) + draw(st.integers(-3, 3)), 0) for d in n]
        x[1] = x[0] + 1
    if draw(st.integers(0, 4)):
        at = draw(st.integers(2, size - 1))
        if chart == "pp":
            x[at] = n[at] - 1 if rate < 0.5 else 1
        else:
            x[at] = round(x[at] * draw(st.floats(3, 10))) + 10
    return chart, x, n


@settings(max_examples=examples(200))
@given(laney_data())
def test_laney_limits_are_the_centre_plus_or_minus_3_sigmas_times_sigma_z(data: tuple[str, list[int], list[int]]) -> None:
    chart, x, n = data
    cl = sum(x) / sum(n)
    sigmas = [math.sqrt(cl * (1 - cl) / d) if chart == "pp" else math.sqrt(cl / d) for d in n]
    z = [(xi / d - cl) / sigma for xi, d, sigma in zip(x, n, sigmas)]
    for screened in (True, False):
        average, removed = average_moving_range(moving_ranges(z), screened)
        if screened:
            event(f"{chart}: screening removed a moving range of the z-scores" if removed
                  else f"{chart}: screening removed nothing")
        sigma_z = average / D2
        result = analyse(chart, x, n, screened=screened)
        low = [max(cl - 3 * sigma * sigma_z, 0.0) for sigma in sigmas]
        high = [cl + 3 * sigma * sigma_z for sigma in sigmas]
        if chart == "pp":
            high = [min(v, 1.0) for v in high]
        np.testing.assert_allclose(result.cl, cl, rtol=1e-12)
        np.testing.assert_allclose(result.lcl, low, rtol=1e-9, atol=1e-15, err_msg=f"screened={screened}")
        np.testing.assert_allclose(result.ucl, high, rtol=1e-9, atol=1e-15, err_msg=f"screened={screened}")


@st.composite
def times_between(draw: st.DrawFn) -> list[float]:
    """Distinct times between events, 0.1 to 400 (so no transformed moving range is 0); in about four examples
    of five the last one planted so long that screening removes its transformed moving range."""
    values = draw(st.lists(st.floats(0.1, 400).map(lambda v: round(v, 2)), min_size=5, max_size=40, unique=True))
    if draw(st.integers(0, 4)):
        roots = [v ** (1 / 3.6) for v in values[:-1]]
        others = sum(moving_ranges(roots)) + 0.01
        values[-1] = (roots[-1] + planted_range(others, len(values) - 1, draw(st.floats(1.05, 3)))) ** 3.6
    return values


@given(times_between())
def test_t_chart_lines_are_an_i_chart_of_the_times_to_the_power_1_over_3_6_raised_back_by_3_6(
        values: list[float]) -> None:
    roots = [v ** (1 / 3.6) for v in values]
    mean = sum(roots) / len(roots)
    for screened in (True, False):
        average, removed = average_moving_range(moving_ranges(roots), screened)
        if screened:
            event("screening removed a moving range" if removed else "screening removed nothing")
        low, high = mean - 3 * average / D2, mean + 3 * average / D2
        if screened:
            event("lower limit clipped at 0" if low < 0 else "lower limit above 0")
        result = analyse("t", values, screened=screened)
        np.testing.assert_allclose(result.y, values, rtol=1e-12)
        np.testing.assert_allclose(result.cl, mean ** 3.6, rtol=1e-9)
        np.testing.assert_allclose(result.ucl, high ** 3.6, rtol=1e-9, err_msg=f"screened={screened}")
        np.testing.assert_allclose(result.lcl, low ** 3.6 if low >= 0 else 0.0, rtol=1e-9, atol=1e-12,
                                   err_msg=f"screened={screened}")


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


@given(varied_series(), st.booleans())
def test_mdc_limits_are_the_mean_plus_or_minus_2_66_average_moving_ranges(values: list[float],
                                                                          screened: bool) -> None:
    average, removed = average_moving_range(moving_ranges(values), screened)
    event(("screening removed a moving range" if removed else "screening removed nothing") if screened
          else "not screened")
    mean = sum(values) / len(values)
    result = analyse("i", values, rules="mdc", screened=screened)
    np.testing.assert_allclose(result.ucl, mean + 2.66 * average, rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(result.lcl, mean - 2.66 * average, rtol=1e-9, atol=1e-6)


def brute_force_run_positions(values: list[float], centre: float) -> list[tuple[int, ...]]:
    """Each run of points on one side of the centre line, as the 1-based positions of its points (points on the
    line neither break a run nor count in it)."""
    runs: list[tuple[int, list[int]]] = []
    for position, value in enumerate(values, start=1):
        if value == centre:
            continue
        side = 1 if value > centre else -1
        if runs and runs[-1][0] == side:
            runs[-1][1].append(position)
        else:
            runs.append((side, [position]))
    return [tuple(positions) for _, positions in runs]


# Series made of blocks on either side of a level, so that long runs and few crossings are common.
BLOCKS = st.lists(st.tuples(st.booleans(), st.integers(1, 12)), min_size=1, max_size=10).map(
    lambda blocks: [5 + (1 + i % 3) * (1 if up else -1) for up, length in blocks for i in range(length)])


@given(st.one_of(BLOCKS, VALUES))
def test_the_runs_signals_name_every_run_beyond_the_limit_and_too_few_crossings(values: list[float]) -> None:
    result = analyse("run", values)
    part = result.parts[0]
    long_runs = [s.points for s in result.signals if s.rule == "anhoej_longest_run"]
    crossings = [s.points for s in result.signals if s.rule == "anhoej_crossings"]
    if not part.n_useful:
        assert not long_runs and not crossings and not part.runs_signal
        return
    runs = brute_force_run_positions(values, float(np.median(values)))
    assert long_runs == [run for run in runs if len(run) > part.longest_run_max]
    few = part.n_crossings < part.n_crossings_min
    assert crossings == ([tuple(p for run in runs for p in run)] if few else [])
    assert part.runs_signal == bool(long_runs or crossings)
    event("a long run" if long_runs else "no long run")
    event("too few crossings" if few else "enough crossings")
