"""SPC details beyond the reference cases: signals with their points and kinds, freeze, parts, exclusions,
the charts qicharts2 has that the cases do not cover, and bad input."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from pdsa_engine.errors import InvalidInput
from pdsa_engine.projections.chart_names import CHARTS
from pdsa_engine.projections.spc import analyse, public_shape

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")  # numpy's warnings would reach the user's terminal


def rules_fired(result: object) -> dict[str, list[tuple[tuple[int, ...], str]]]:
    fired: dict[str, list[tuple[tuple[int, ...], str]]] = {}
    for signal in result.signals:  # type: ignore[attr-defined]
        fired.setdefault(signal.rule, []).append((signal.points, signal.kind))
    return fired


def test_a_long_run_names_its_points_and_reads_as_improvement_in_the_direction_of_improvement() -> None:
    values = [5, 6, 4, 5, 6, 4, 5, 9, 9, 8, 9, 9, 8, 9, 9, 9, 4, 5, 4]
    result = analyse("run", values, direction="up")
    (points, kind), = rules_fired(result)["anhoej_longest_run"]
    assert points == tuple(range(8, 17)) and kind == "improvement"
    assert rules_fired(analyse("run", values, direction="down"))["anhoej_longest_run"][0][1] == "concern"
    assert rules_fired(analyse("run", values))["anhoej_longest_run"][0][1] == "neutral"


def test_too_few_crossings_fire_for_the_whole_part() -> None:
    values = [1] * 8 + [9] * 8
    part = analyse("run", values).parts[0]
    assert part.n_crossings == 1 < part.n_crossings_min
    crossings = rules_fired(analyse("run", values))["anhoej_crossings"]
    assert crossings == [(tuple(range(1, 17)), "neutral")]


@pytest.mark.parametrize(("values", "direction"), [
    ([1] * 8 + [9] * 8, "up"),  # below the median, then above it: better is up
    ([9] * 8 + [1] * 8, "down"),  # the mirror image
])
def test_runs_signals_read_as_the_side_of_the_most_recent_long_run(values: list[int], direction: str) -> None:
    fired = rules_fired(analyse("run", values, direction=direction))
    assert {kind for rule in ("anhoej_longest_run", "anhoej_crossings") for _, kind in fired[rule]} == {"improvement"}
    assert [points for points, _ in fired["anhoej_longest_run"]] == [tuple(range(1, 9)), tuple(range(9, 17))]


def test_a_short_last_run_does_not_turn_the_reading_of_an_earlier_long_run() -> None:
    values = [1, 2] * 5 + [8, 9, 8, 9]  # around the mean, 3.5: a long run of 10 below, then a short one above
    part = analyse("i", values).parts[0]
    assert (part.longest_run, part.longest_run_max, part.n_crossings) == (10, 7, 1) and part.n_crossings_min > 1
    fired = rules_fired(analyse("i", values, direction="up"))
    assert [kind for rule in ("anhoej_longest_run", "anhoej_crossings") for _, kind in fired[rule]] == ["concern"] * 2


def test_without_a_long_run_too_few_crossings_read_as_the_most_recent_longest_run() -> None:
    values = [1, 2] * 3 + [8, 9] * 3 + [1, 2] * 2  # around the mean: runs of 6 below, 6 above, 4 below
    part = analyse("i", values).parts[0]
    assert (part.longest_run, part.longest_run_max, part.n_crossings, part.n_crossings_min) == (6, 7, 2, 4)
    assert rules_fired(analyse("i", values, direction="up"))["anhoej_crossings"][0][1] == "improvement"
    assert rules_fired(analyse("i", values, direction="down"))["anhoej_crossings"][0][1] == "concern"


def test_making_data_count_rules() -> None:
    flat = [10, 11, 9, 10, 11, 9, 10, 11, 9, 10]
    shift = flat + [12, 12.5, 12, 12.5, 12, 12.5, 12]
    fired = rules_fired(analyse("i", shift, freeze=10, rules="mdc", direction="down"))
    assert fired["mdc_shift"] == [(tuple(range(11, 18)), "concern")]
    trend = flat + [10.2, 10.4, 10.6, 10.8, 11.0, 11.2, 11.4]
    fired = rules_fired(analyse("i", trend, freeze=10, rules="mdc", direction="up"))
    assert fired["mdc_trend"] == [(tuple(range(9, 18)), "improvement")]  # 9 at point 9 starts the rise
    near = flat + [13, 10.5, 13]  # close to the upper limit is above 12.36, outside it above 13.55
    fired = rules_fired(analyse("i", near, freeze=10, rules="mdc"))
    assert fired["mdc_two_of_three"] == [((11, 13), "neutral")]
    assert "anhoej_longest_run" not in fired


FLAT = [10, 11, 9, 10, 11, 9, 10, 11, 9, 10]  # mean 10, average moving range 4/3


def test_making_data_count_limits_use_2_66_where_qicharts2_uses_3_over_1_128() -> None:
    mdc, anhoej = analyse("i", FLAT, rules="mdc"), analyse("i", FLAT)
    assert mdc.ucl[0] == pytest.approx(10 + 2.66 * 4 / 3, rel=1e-12)
    assert mdc.lcl[0] == pytest.approx(10 - 2.66 * 4 / 3, rel=1e-12)
    assert mdc.ucl_2sigma[0] == pytest.approx(10 + 2 / 3 * 2.66 * 4 / 3, rel=1e-12)  # "close to a limit"
    assert anhoej.ucl[0] == pytest.approx(10 + 3 / 1.128 * 4 / 3, rel=1e-12)


@pytest.mark.parametrize(("after", "flagged"), [
    ([13, 10.5, 13], [(11, 13)]),  # two close above, all three above the centre: only the close points
    ([14, 10.5, 14], []),  # outside the limits is not close to them
    ([13, 9.5, 13], []),  # the middle point below the centre: not all on one side
    ([13, 10, 13], []),  # the middle point on the centre: not on one side either
    ([13, 13, 10.5], [(11, 12)]),
])
def test_two_of_three_counts_only_points_close_to_a_limit_on_one_side(after: list[float],
                                                                      flagged: list[tuple[int, ...]]) -> None:
    fired = rules_fired(analyse("i", FLAT + after, freeze=10, rules="mdc"))
    assert [points for points, _ in fired.get("mdc_two_of_three", [])] == flagged


def test_a_point_on_the_centre_breaks_a_shift_and_a_tie_breaks_a_trend() -> None:
    shift = FLAT + [11, 12, 11, 10.5, 11, 12, 11, 12]
    fired = rules_fired(analyse("i", shift, freeze=10, rules="mdc", direction="up"))
    assert fired["mdc_shift"] == [(tuple(range(11, 19)), "improvement")]  # the eighth continues the run
    broken = FLAT + [11, 12, 11, 10, 11, 12, 11, 12]
    assert "mdc_shift" not in rules_fired(analyse("i", broken, freeze=10, rules="mdc"))
    falling = FLAT + [9.8, 9.6, 9.4, 9.2, 9.0, 8.8]  # from the 10 at point 10: seven points falling
    fired = rules_fired(analyse("i", falling, freeze=10, rules="mdc", direction="up"))
    assert fired["mdc_trend"] == [(tuple(range(10, 17)), "concern")]
    tied = FLAT + [9.8, 9.6, 9.6, 9.4, 9.2, 9.0]
    assert "mdc_trend" not in rules_fired(analyse("i", tied, freeze=10, rules="mdc"))


def test_a_points_variation_type_comes_from_the_first_rule_that_flags_it() -> None:
    values = FLAT + [13, 12.5, 12, 11.5, 11, 10.5, 20]  # six falling, then a point far above the limit
    result = analyse("i", values, freeze=10, rules="mdc", direction="up")
    fired = rules_fired(result)
    assert fired["mdc_shift"] == [(tuple(range(11, 18)), "improvement")]
    assert 11 in fired["mdc_two_of_three"][0][0] and fired["outside_limits"] == [((17,), "improvement")]
    # 11–16 only fall and rise to 17: no trend; above the centre they are shift (and 11, 12 two of three).
    assert list(result.point_type[10:]) == ["special_cause_improvement"] * 7
    assert list(result.point_type[:10]) == ["common_cause"] * 10
    down = analyse("i", FLAT + [13.5, 13, 12.5, 12, 11.5, 11, 10.5], freeze=10, rules="mdc", direction="up")
    assert rules_fired(down)["mdc_trend"] == [(tuple(range(11, 18)), "concern")]
    # a trend outranks two of three and a shift: falling, so concern, though every point is above the centre
    assert list(down.point_type[10:]) == ["special_cause_concern"] * 7
    neutral = analyse("i", FLAT + [12] * 7 + [8] * 7, freeze=10, rules="mdc")
    assert set(neutral.point_type[10:17]) == {"special_cause_neutral_high"}
    assert set(neutral.point_type[17:]) == {"special_cause_neutral_low"}


def test_under_making_data_count_a_freeze_fixes_every_part_on_its_own_first_points() -> None:
    values = FLAT + [20, 21, 19, 20, 21, 30, 31, 29]
    mdc = analyse("i", values, freeze=5, parts=[10], rules="mdc")
    assert mdc.cl[0] == np.mean(FLAT[:5]) and mdc.cl[10] == pytest.approx(np.mean(values[10:15]))
    anhoej = analyse("i", values, freeze=5, parts=[10])
    assert anhoej.cl[0] == np.mean(FLAT[:5]) and anhoej.cl[10] == pytest.approx(np.mean(values[10:]))


@pytest.mark.parametrize(("direction", "target", "expected"), [
    ("up", 5.0, "consistent_pass"), ("up", 30.0, "consistent_fail"), ("up", 10.0, "inconsistent"),
    ("down", 30.0, "consistent_pass"), ("down", 5.0, "consistent_fail"), (None, 5.0, None), ("up", None, None),
])
def test_making_data_count_assurance_against_a_target(direction: str | None, target: float | None,
                                                     expected: str | None) -> None:
    assert analyse("i", FLAT, rules="mdc", direction=direction, target=target).assurance == expected


def test_anhoej_rules_give_no_point_types() -> None:
    result = analyse("i", FLAT + [30])
    assert result.rules == "anhoej" and result.point_type is None
    assert {p["point_type"] for p in result.as_dict()["points"]} == {None}


def test_outside_limits_lists_the_points_on_each_side() -> None:
    values = [10, 11, 9, 10, 11, 9, 10, 11, 9, 10, 30, 10, -10]
    fired = rules_fired(analyse("i", values, freeze=10, direction="up"))
    assert fired["outside_limits"] == [((11,), "improvement"), ((13,), "concern")]


def test_freeze_fixes_the_baseline_and_with_parts_the_first_part_only() -> None:
    values = [4, 5, 6, 5, 4, 20, 21, 22, 20, 21, 22, 21]
    frozen = analyse("i", values, freeze=5)
    assert frozen.cl[0] == frozen.cl[-1] == 4.8
    parted = analyse("i", values, freeze=3, parts=[5])
    assert parted.cl[0] == 5.0 and parted.cl[5] == pytest.approx(np.mean(values[5:]))
    assert [p.cl for p in parted.parts] == [5.0, pytest.approx(np.mean(values[5:]))]


def test_excluded_points_leave_the_limits_but_are_still_flagged() -> None:
    values = [10, 11, 9, 10, 50, 11, 9, 10, 11, 9]
    with_it, without = analyse("i", values), analyse("i", values, exclude=[5])
    assert without.cl[0] == pytest.approx(np.mean([v for v in values if v != 50]))
    assert without.sigma_signal[4] and without.excluded[4] and not with_it.excluded[4]
    assert without.parts[0].n_obs == 9


def test_c_mr_g_and_t_charts_follow_qicharts2() -> None:
    counts = [3, 5, 2, 4, 6, 3, 4]
    c = analyse("c", counts)
    mean = np.mean(counts)
    assert c.ucl[0] == pytest.approx(mean + 3 * np.sqrt(mean)) and c.lcl[0] == 0
    mr = analyse("mr", counts)
    assert np.isnan(mr.y[0]) and mr.cl[0] == pytest.approx(np.mean(np.abs(np.diff(counts))))
    steady = analyse("mr", [1, 9] * 3 + [5] * 10)  # runs of equal moving ranges are no signal on an MR chart
    assert not steady.parts[0].runs_signal and not [s for s in steady.signals if s.rule.startswith("anhoej")]
    assert mr.ucl[0] == pytest.approx(3.267 * mr.cl[0])
    g = analyse("g", counts)
    assert g.cl[0] == np.median(counts) and g.ucl[0] == pytest.approx(mean + 3 * np.sqrt(mean * (mean + 1)))
    t = analyse("t", [2.0, 3.5, 1.2, 4.0, 2.2])
    assert t.cl[0] == pytest.approx(np.mean(np.array([2.0, 3.5, 1.2, 4.0, 2.2]) ** (1 / 3.6)) ** 3.6)


@pytest.mark.parametrize(("direction", "target", "expected"), [
    ("up", 5.0, "pass"), ("up", 30.0, "fail"), ("up", 10.0, "hit_and_miss"),
    ("down", 30.0, "pass"), ("down", 5.0, "fail"), (None, 5.0, None),
])
def test_assurance_against_a_target(direction: str | None, target: float, expected: str | None) -> None:
    values = [10, 11, 9, 10, 11, 9, 10, 11, 9, 10]
    assert analyse("i", values, direction=direction, target=target).assurance == expected
    assert analyse("run", values, direction="up", target=target).assurance is None


TEN = list(range(1, 11))


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"chart": "xbar", "values": [1, 2]}, f"chart: must be one of {', '.join(CHARTS)}, not 'xbar'"),
    ({"chart": "i", "values": []}, "values: give at least one value"),
    ({"chart": "i", "values": [[1, 2], [3, 4]]}, "values: give at least one value"),
    ({"chart": "i", "values": [1, float("nan")]}, "values: every value must be a finite number"),
    ({"chart": "i", "values": [float("inf"), 1]}, "values: every value must be a finite number"),
    ({"chart": "p", "values": [1, 2]}, "n: a p chart needs a denominator for every value"),
    ({"chart": "u", "values": [1, 2], "n": [1]}, "n: give as many denominators as values (2), not 1"),
    ({"chart": "u", "values": [1, 2], "n": [1, 0]}, "n: every denominator must be a number greater than 0"),
    ({"chart": "up", "values": [1, 2], "n": [1, float("inf")]}, "n: every denominator must be a number greater than 0"),
    ({"chart": "p", "values": [3, 2], "n": [2, 2]}, "values: a proportion's numerator lies between 0 and its denominator"),
    ({"chart": "pp", "values": [-1, 2], "n": [2, 2]},
     "values: a proportion's numerator lies between 0 and its denominator"),
    ({"chart": "c", "values": [1, -2]}, "values: a c chart counts, so no value can be negative"),
    ({"chart": "u", "values": [1, -2], "n": [3, 3]}, "values: a u chart counts, so no value can be negative"),
    ({"chart": "up", "values": [1, -2], "n": [3, 3]}, "values: a up chart counts, so no value can be negative"),
    ({"chart": "g", "values": [-1, 2]}, "values: a g chart counts, so no value can be negative"),
    ({"chart": "t", "values": [3, 0]},
     "values: a t chart measures time between events: every value must be greater than 0"),
    ({"chart": "i", "values": [1, 2, 3], "parts": [3]},
     "part: list the last index of each part but the last, rising, between 1 and 2"),
    ({"chart": "i", "values": [1, 2, 3], "parts": [0]},
     "part: list the last index of each part but the last, rising, between 1 and 2"),
    ({"chart": "i", "values": [1, 2, 3], "parts": [2, 1]},
     "part: list the last index of each part but the last, rising, between 1 and 2"),
    ({"chart": "i", "values": TEN, "parts": [4, 4]},
     "part: list the last index of each part but the last, rising, between 1 and 9"),
    ({"chart": "i", "values": TEN, "freeze": 0}, "freeze: the baseline is the first 1 to 10 points"),
    ({"chart": "i", "values": TEN, "freeze": 11}, "freeze: the baseline is the first 1 to 10 points"),
    ({"chart": "i", "values": TEN, "parts": [4], "freeze": 5},
     "freeze: the baseline is the first 1 to 4 points (within the first part)"),
    ({"chart": "i", "values": TEN, "exclude": [11]}, "exclude: indices run from 1 to 10"),
    ({"chart": "i", "values": TEN, "exclude": [0]}, "exclude: indices run from 1 to 10"),
    ({"chart": "i", "values": TEN, "rules": "nelson"}, "rules: must be anhoej or mdc"),
    ({"chart": "i", "values": TEN, "direction": "sideways"}, "direction: must be up or down"),
])
def test_bad_input_is_refused_naming_the_field_and_the_rule(kwargs: dict[str, object], message: str) -> None:
    kwargs = dict(kwargs)  # the parameters are shared: a second run of this test must see them whole
    chart, values = kwargs.pop("chart"), kwargs.pop("values")
    with pytest.raises(InvalidInput) as refused:
        analyse(chart, values, kwargs.pop("n", None), **kwargs)  # type: ignore[arg-type]
    assert refused.value.message == message


@pytest.mark.parametrize("kwargs", [
    {"chart": "i", "values": TEN, "parts": [1, 9], "freeze": 1, "exclude": [1, 10]},
    {"chart": "i", "values": TEN, "freeze": 10},
    {"chart": "i", "values": TEN, "parts": [4], "freeze": 4, "direction": "down"},
    {"chart": "p", "values": [0, 2, 2], "n": [2, 2, 2.0]},
    {"chart": "up", "values": [0, 2.5, 1], "n": [0.5, 3, 1]},
    {"chart": "c", "values": [0, 0, 3]}, {"chart": "g", "values": [0, 5, 3]}, {"chart": "t", "values": [0.5, 5, 3]},
])
def test_input_at_the_edges_of_the_rules_is_analysed(kwargs: dict[str, object]) -> None:
    kwargs = dict(kwargs)
    chart, values = kwargs.pop("chart"), kwargs.pop("values")
    result = analyse(chart, values, kwargs.pop("n", None), **kwargs)  # type: ignore[arg-type]
    assert len(result.y) == len(values)  # type: ignore[arg-type]


@pytest.mark.parametrize("chart", ["pp", "up"])
def test_laney_charts_screen_the_moving_ranges_of_their_z_scores(chart: str) -> None:
    """One subgroup far off the rest: screening drops the two moving ranges of its z-score, so σ_z and the limits
    shrink; without screening they stay. No qicharts2 reference case shows this for P′, so it is computed here."""
    x = [30, 32, 29, 31, 33, 30, 28, 32, 31, 29, 30, 75, 31, 30, 29, 32, 30, 31, 29, 30]
    n = [100, 105, 95, 100, 110, 100, 95, 105, 100, 95, 100, 105, 100, 100, 95, 105, 100, 100, 95, 100]
    cl = sum(x) / sum(n)
    sigmas = np.sqrt(cl * (1 - cl) / np.array(n)) if chart == "pp" else np.sqrt(cl / np.array(n))
    ranges = np.abs(np.diff((np.array(x) / np.array(n) - cl) / sigmas))
    kept = ranges[ranges < 3.267 * ranges.mean()]
    assert len(ranges) - len(kept) == 2
    for screened, used in ((True, kept), (False, ranges)):
        result = analyse(chart, x, n, screened=screened)
        assert result.ucl == pytest.approx(cl + 3 * sigmas * used.mean() / 1.128, rel=1e-9)
        assert result.lcl == pytest.approx(np.maximum(cl - 3 * sigmas * used.mean() / 1.128, 0), rel=1e-9)


LIMITS = analyse("i", FLAT, rules="mdc")  # with freeze=10 every later point is judged by exactly these limits


@pytest.mark.parametrize(("after", "flagged"), [
    ([LIMITS.ucl[0], 10.5, 13], [(11, 13)]),  # on the upper limit is not outside it, but close to it
    ([LIMITS.lcl[0], 9.5, 7], [(11, 13)]),  # on the lower limit likewise
    ([LIMITS.ucl_2sigma[0], 13, 10.5], []),  # on the bound of "close" is not close yet
    ([LIMITS.lcl_2sigma[0], 7, 9.5], []),
])
def test_under_making_data_count_a_point_on_a_limit_is_close_to_it_and_one_on_the_bound_of_close_is_not(
        after: list[float], flagged: list[tuple[int, ...]]) -> None:
    result = analyse("i", FLAT + after, freeze=10, rules="mdc")
    fired = rules_fired(result)
    assert "outside_limits" not in fired
    assert [points for points, _ in fired.get("mdc_two_of_three", [])] == flagged
    assert (result.point_type[10] == "common_cause") == (not flagged)


@pytest.mark.parametrize(("after", "direction", "kind"), [
    ([13, 10.5, 13], "up", "improvement"), ([13, 10.5, 13], "down", "concern"),
    ([7, 9.5, 7], "up", "concern"), ([7, 9.5, 7], "down", "improvement"),
])
def test_two_of_three_reads_as_the_direction_of_improvement(after: list[float], direction: str, kind: str) -> None:
    fired = rules_fired(analyse("i", FLAT + after, freeze=10, rules="mdc", direction=direction))
    assert fired["mdc_two_of_three"] == [((11, 13), kind)]


def test_two_of_three_three_points_apart_are_two_episodes() -> None:
    fired = rules_fired(analyse("i", FLAT + [13, 13, 10.5, 10.5, 13, 13], freeze=10, rules="mdc"))
    assert fired["mdc_two_of_three"] == [((11, 12), "neutral"), ((15, 16), "neutral")]


def test_six_points_on_one_side_are_no_shift_and_a_shift_broken_by_one_point_is_two() -> None:
    assert "mdc_shift" not in rules_fired(analyse("i", FLAT + [11, 12, 11, 12, 11, 12, 9], freeze=10, rules="mdc"))
    fired = rules_fired(analyse("i", FLAT + [12] * 7 + [9] + [12] * 7, freeze=10, rules="mdc", direction="up"))
    assert fired["mdc_shift"] == [(tuple(range(11, 18)), "improvement"), (tuple(range(19, 26)), "improvement")]


def test_a_trend_point_followed_by_a_fall_reads_as_the_rise_before_it() -> None:
    values = FLAT + [10.2, 10.4, 10.6, 10.8, 11.0, 11.2, 11.4, 10.5]
    result = analyse("i", values, freeze=10, rules="mdc", direction="up")
    assert rules_fired(result)["mdc_trend"] == [(tuple(range(9, 18)), "improvement")]
    assert list(result.point_type[8:17]) == ["special_cause_improvement"] * 9


@pytest.mark.parametrize(("after", "points", "side"), [
    ([9.8, 9.6, 9.4, 9.2, 9.0, 8.8], range(10, 17), "low"),  # from the 10 at point 10, on the centre
    ([10.2, 10.4, 10.6, 10.8, 11.0, 11.2, 11.4], range(9, 18), "high"),
])
def test_without_a_direction_a_trend_types_its_points_by_its_direction(after: list[float], points: range,
                                                                      side: str) -> None:
    result = analyse("i", FLAT + after, freeze=10, rules="mdc")
    assert [result.point_type[i - 1] for i in points] == [f"special_cause_neutral_{side}"] * len(points)


def test_under_making_data_count_every_part_keeps_its_signals() -> None:
    result = analyse("i", FLAT + [30] + FLAT + [30], parts=[11], freeze=10, rules="mdc", direction="up")
    assert rules_fired(result)["outside_limits"] == [((11,), "improvement"), ((22,), "improvement")]


@pytest.mark.parametrize(("values", "parts"), [([5.0], []), (FLAT + [12], [10]), (FLAT + [12, 30], [10, 11])])
def test_under_making_data_count_a_part_of_one_point_has_no_limits_and_no_special_cause(
        values: list[float], parts: list[int]) -> None:
    result = analyse("i", values, parts=parts, rules="mdc", direction="up")
    last = parts[-1] if parts else 0
    assert np.isnan(result.lcl[last]) and np.isnan(result.ucl[last]) and result.cl[last] == values[last]
    assert set(result.point_type) == {"common_cause"} and not result.signals


def test_under_making_data_count_a_part_with_every_point_excluded_has_no_lines() -> None:
    result = analyse("i", FLAT + [1, 50, 2], parts=[10], exclude=[11, 12, 13], rules="mdc")
    for line in (result.cl, result.lcl, result.ucl, result.lcl_2sigma, result.ucl_2sigma):
        assert np.isnan(line[10:]).all() and not np.isnan(line[:10]).any()
    assert set(result.point_type) == {"common_cause"} and not result.signals


@pytest.mark.parametrize(("direction", "limit"), [("up", "ucl"), ("up", "lcl"), ("down", "ucl"), ("down", "lcl")])
def test_making_data_count_assurance_with_the_target_on_a_limit_is_inconsistent(direction: str, limit: str) -> None:
    target = float(getattr(LIMITS, limit)[-1])
    assert analyse("i", FLAT, rules="mdc", direction=direction, target=target).assurance == "inconsistent"


@pytest.mark.parametrize(("target", "expected"), [(0.7, "inconsistent"), (0.81, "consistent_fail"),
                                                  (0.3, "inconsistent"), (0.19, "consistent_pass")])
def test_making_data_count_assurance_reads_the_last_points_limits(target: float, expected: str) -> None:
    """A P chart's limits differ point by point: the last point's (n = 25, the widest) decide."""
    x, n = [50, 100, 50, 12], [100, 200, 100, 25]
    result = analyse("p", x, n, rules="mdc", direction="up", target=target)
    assert result.lcl[-1] < 0.3 < result.lcl[:-1].min() and result.ucl[:-1].max() < 0.7 < result.ucl[-1] < 0.81
    assert result.assurance == expected


@pytest.mark.parametrize(("chart", "values", "parts"), [
    ("i", [5.0], []), ("mr", [5.0], []), ("t", [5.0], []), ("t", [2.0, 3.0, 4.0, 5.0], [3]),
    ("i", [2.0, 3.0, 4.0, 5.0], [3]),
])
def test_making_data_count_assurance_without_an_upper_limit_at_the_end_is_none(chart: str, values: list[float],
                                                                             parts: list[int]) -> None:
    result = analyse(chart, values, parts=parts, rules="mdc", direction="up", target=3.0)
    assert np.isnan(result.ucl[-1]) and result.assurance is None


def test_making_data_count_assurance_reads_the_last_part_not_an_earlier_one_without_limits() -> None:
    result = analyse("i", [5.0, 6.0, *FLAT], parts=[1, 2], rules="mdc", direction="up", target=5.0)
    assert np.isnan(result.lcl[:2]).all() and result.assurance == "consistent_pass"


def test_a_t_charts_lower_limit_below_zero_is_zero() -> None:
    values = [1.0, 100.0, 2.0, 90.0, 3.0, 80.0]
    roots = np.array(values) ** (1 / 3.6)
    low = roots.mean() - 3 * np.abs(np.diff(roots)).mean() / 1.128
    assert low < 0
    result = analyse("t", values, screened=False)
    assert (result.lcl == 0).all() and (result.ucl > result.cl).all() and not np.isnan(result.ucl).any()


def test_a_t_chart_part_with_every_point_excluded_has_no_centre_or_upper_limit() -> None:
    result = analyse("t", [2.0, 3.0, 4.0, 5.0, 6.0], parts=[3], exclude=[4, 5])
    assert np.isnan(result.cl[3:]).all() and np.isnan(result.ucl[3:]).all() and not np.isnan(result.cl[:3]).any()


def test_a_runs_signal_reads_as_the_latest_long_run_not_the_longest() -> None:
    """Eight points above the median, then seven below: the longest run is above, but the process now runs
    below it, so for a measure where up is better the signal is a concern."""
    result = analyse("run", list(range(10, 19)) + list(range(1, 8)), direction="up").as_dict()
    assert result["parts"][0]["longest_run"] == 8 and result["parts"][0]["longest_run_max"] == 7
    assert {signal["rule"]: signal["kind"] for signal in result["signals"]} == {
        "anhoej_longest_run": "concern", "anhoej_crossings": "concern"}


def test_a_series_that_is_one_run_as_long_as_the_limit_reads_as_its_side() -> None:
    """Every useful point above a frozen centre line: six, exactly the longest run allowed, and no crossing."""
    result = analyse("run", [5, 6, 7, 8, 9, 10, 11], direction="up", freeze=1).as_dict()
    assert (result["parts"][0]["n_useful"], result["parts"][0]["longest_run_max"]) == (6, 6)
    assert result["signals"] == [{"rule": "anhoej_crossings", "points": [2, 3, 4, 5, 6, 7], "kind": "improvement"}]


def test_the_public_shape_says_of_each_point_whether_it_was_excluded() -> None:
    points = analyse("i", [5, 6, 5, 30, 6, 5, 6, 5, 6, 5], exclude=[4]).as_dict()["points"]
    assert [point["index"] for point in points if point["excluded"]] == [4]
    assert all(point["excluded"] is False for point in points if point["index"] != 4)


def test_columns_stored_before_rules_were_kept_read_as_anhoej_without_point_types() -> None:
    columns = analyse("run", [5, 6, 5, 7, 6, 5, 6, 5, 6, 5]).as_columns()
    stored_before = {name: value for name, value in columns.items() if name not in ("rules", "point_type")}
    shape = public_shape(stored_before)
    assert shape["rules"] == "anhoej" and {point["point_type"] for point in shape["points"]} == {None}
    assert shape == {**analyse("run", [5, 6, 5, 7, 6, 5, 6, 5, 6, 5]).as_dict(), "rules": "anhoej"}


def test_a_moving_range_of_exactly_3_267_times_the_average_is_screened_out() -> None:
    """Screening keeps the ranges below 3.267 × their average (qicharts2: mr < 3.267 · amr); here the first
    range, 3.267, is exactly that times the average of 1."""
    result = analyse("i", [0, 3.267, 3.267, 3.267, 2.534])
    kept_average = 0.733 / 3
    assert result.ucl[0] - result.cl[0] == pytest.approx(3 * kept_average / 1.128)


def test_under_mdc_a_count_is_close_to_a_limit_between_two_and_three_sigma() -> None:
    """On a chart other than XmR, MDC's "close to a limit" lies between the 2σ and the 3σ line: two of three
    points there, on one side of the centre, signal."""
    baseline = [10, 9, 11, 10, 10, 9, 11, 10, 10, 9, 11, 10]  # c̄ = 10, σ = √10: 2σ 3.68 and 16.32, 3σ 0.51 and 19.49
    result = analyse("c", [*baseline, 17, 12, 18, 3, 8, 2], rules="mdc", freeze=12)
    assert [(s.points, s.kind) for s in result.signals if s.rule == "mdc_two_of_three"] == [
        ((13, 15), "neutral"), ((16, 18), "neutral")]
    assert result.lcl[0] == pytest.approx(10 - 3 * 10 ** 0.5) and result.ucl[0] == pytest.approx(10 + 3 * 10 ** 0.5)


def test_a_p_prime_chart_of_all_or_none_of_the_events_has_no_limits() -> None:
    """Every case an event (or none): no spread between subgroups, so Laney's correction gives no limits —
    not limits at the centre line."""
    for events in (10, 0):
        result = analyse("pp", [events] * 12, n=[10] * 12)
        assert result.cl[0] == events / 10 and np.isnan(result.lcl).all() and np.isnan(result.ucl).all()


def test_a_part_whose_every_point_is_excluded_has_no_centre_line_or_limits() -> None:
    result = analyse("p", [3, 4, 5, 4, 3, 4, 9, 9, 9, 9], n=[10] * 10, parts=[6], exclude=[7, 8, 9, 10])
    points = result.as_dict()["points"]
    assert {(p["cl"], p["lcl"], p["ucl"]) for p in points[6:]} == {(None, None, None)}
    assert points[0]["cl"] == pytest.approx(23 / 60)
    assert [p["lcl"] for p in analyse("run", [5, 6, 5, 7, 6, 5, 6, 5, 6, 5]).as_dict()["points"]] == [None] * 10


def test_under_mdc_a_moving_range_is_close_to_its_limit_beyond_two_thirds_of_it() -> None:
    """An MR chart's limit is 3.267 × the average moving range; "close to it" begins at two thirds of that."""
    baseline = [0, 1] * 6 + [0]  # twelve moving ranges of 1
    result = analyse("mr", [*baseline, 2.5, 1.0, 3.5], rules="mdc", freeze=13)  # ranges 2.5, 1.5, 2.5
    assert result.ucl[-1] == pytest.approx(3.267)
    assert [(s.rule, s.points) for s in result.signals] == [("mdc_two_of_three", (14, 16))]


def test_assurance_reads_the_limits_of_the_last_point() -> None:
    """A p chart whose last subgroup is large: its limits are narrow, the earlier ones wide."""
    n = [100] * 11 + [10_000]
    result = analyse("p", [50] * 11 + [5000], n=n, direction="up", target=0.45)
    assert result.lcl[-1] > 0.45 > result.lcl[-2]
    assert result.assurance == "pass"
    earlier_part_without_limits = analyse("p", [50] * 11 + [5000], n=n, direction="up", target=0.45,
                                          parts=[6, 11], exclude=[7, 8, 9, 10, 11])
    assert np.isnan(earlier_part_without_limits.ucl[-2]) and earlier_part_without_limits.assurance == "pass"


def test_a_part_without_a_centre_line_has_no_limits_and_the_last_one_gives_no_assurance() -> None:
    for chart in ("t", "mr", "i", "c"):
        result = analyse(chart, [30, 2, 25, 1, 40, 3, 28, 2, 35, 1, 30, 2], parts=[8], exclude=[9, 10, 11, 12],
                         direction="up", target=5)
        assert np.isnan(result.cl[-1]) and np.isnan(result.lcl[-1]) and np.isnan(result.ucl[-1]), chart
        assert not np.isnan(result.ucl[0]) and result.assurance is None, chart


def test_each_part_is_read_for_points_outside_its_own_limits() -> None:
    first = [10, 12, 9, 11, 10, 13, 9, 11, 40, 10]  # a spike at 9 above the first part's limits
    second = [50, 52, 49, 51, 50, 53, 49, 51, 20, 50]  # a drop at 19 below the second part's
    result = analyse("i", first + second, parts=[10])
    outside = [(s.points, s.kind) for s in result.signals if s.rule == "outside_limits"]
    assert outside == [((9,), "neutral"), ((19,), "neutral")]


def test_a_run_as_long_as_the_limit_is_no_signal() -> None:
    """Sixteen useful points allow a longest run of 7 (round(log2 16) + 3); a run of exactly 7 is no signal."""
    values = [1.0] * 7 + [-2.2, 1.0, -2.2, 1.0, -2.2, 1.0, -2.2, 1.0, -2.2]  # mean 0: seven above, then crossing
    part = analyse("i", values).parts[0]
    assert (part.n_useful, part.longest_run, part.longest_run_max) == (16, 7, 7)
    assert part.n_crossings >= part.n_crossings_min and not part.runs_signal
    assert not [s for s in analyse("i", values).signals if s.rule.startswith("anhoej")]


# -- the edges that a chart's reader sees -------------------------------------------------------------------

STEADY = [10, 11, 9, 10, 11, 9, 10, 11, 9, 10]  # I chart: cl 10, limits 6.4539… and 13.5460…


def test_assurance_down_can_be_hit_and_miss_and_a_target_on_a_limit_is_hit_and_miss() -> None:
    chart = analyse("i", STEADY)
    low, high = chart.lcl[-1], chart.ucl[-1]
    assert analyse("i", STEADY, direction="down", target=10.0).assurance == "hit_and_miss"
    for direction in ("up", "down"):
        for target in (low, high):  # a limit at the target may fall either side of it: no promise either way
            assert analyse("i", STEADY, direction=direction, target=float(target)).assurance == "hit_and_miss"


def test_assurance_reads_the_upper_limit_of_the_last_point() -> None:
    counts, n = [5, 6, 40], [10, 12, 100]  # the last point's larger sample has the narrowest limits
    ucl = analyse("p", counts, n).ucl
    target = 0.7
    assert ucl[-1] < target < min(ucl[0], ucl[-2])
    assert analyse("p", counts, n, direction="up", target=target).assurance == "fail"


def test_the_two_sigma_lines_and_the_lower_limits_of_counting_charts() -> None:
    i = analyse("i", STEADY)
    sigma = (i.ucl[0] - i.cl[0]) / 3
    assert (i.lcl_2sigma[0], i.ucl_2sigma[0]) == pytest.approx((i.cl[0] - 2 * sigma, i.cl[0] + 2 * sigma))
    mr = analyse("mr", STEADY)
    assert (mr.lcl_2sigma[1], mr.ucl_2sigma[1]) == pytest.approx((0.0, 3.267 / 3 * 2 * mr.cl[1]))
    g = analyse("g", [3, 0, 5, 1, 8, 2, 4])
    assert g.lcl[0] == 0.0 and g.cl[0] == 3.0, "a count's lower limit is never below 0"
    assert analyse("i", STEADY, rules="mdc").chart == "i"


def test_values_and_denominators_as_recorded_decimals_are_analysed_as_numbers() -> None:
    as_recorded = analyse("p", [Decimal("5"), Decimal("6"), Decimal("40")], [Decimal(10), Decimal(12), Decimal(100)])
    as_floats = analyse("p", [5.0, 6.0, 40.0], [10.0, 12.0, 100.0])
    assert as_recorded.as_columns() == as_floats.as_columns()


def test_a_part_without_useful_points_has_no_runs_statistics() -> None:
    flat = analyse("run", [3] * 8).parts[0]  # every point on the centre line
    assert (flat.part, flat.start, flat.end, flat.cl, flat.n_obs, flat.n_useful, flat.runs_signal) == (
        1, 1, 8, 3.0, 8, 0, False)
    assert flat.useful.tolist() == [] and flat.sides.tolist() == []
    single = analyse("mr", [5.0]).as_columns()["parts"][0]  # no moving range at all: no centre line
    assert single["cl"] is None and single["n_obs"] == 1


def test_crossings_exactly_at_their_minimum_are_no_signal() -> None:
    part = analyse("run", [1, 8, 1, 8, 9, 9, 9, 9, 9, 2]).parts[0]
    assert (part.n_useful, part.n_crossings, part.n_crossings_min, part.longest_run, part.longest_run_max) == (
        10, 2, 2, 5, 6)
    assert not part.runs_signal


def test_a_long_run_signals_alone_when_the_crossings_are_exactly_at_their_minimum() -> None:
    result = analyse("i", [10] * 7 + [0] + [10] * 2)  # mean 9: seven above, one below, two above
    part = result.parts[0]
    assert (part.longest_run, part.longest_run_max, part.n_crossings, part.n_crossings_min) == (7, 6, 2, 2)
    assert [s.rule for s in result.signals if s.rule.startswith("anhoej")] == ["anhoej_longest_run"]
