"""`pdsa spc analyse` agrees with qicharts2 0.8.1 on every reference case, with moving-range screening (the
default) and, where the case gives `expected_unscreened_mr`, without it (`--no-mr-screening`, `screened=False`):
every expected field, the per-point lines to a relative difference of at most 1e-9."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pdsa_engine.projections.spc import analyse
from tests.support.cli import Pdsa

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")  # numpy's warnings would reach the user's terminal

CASES = json.loads((Path(__file__).parent / "qicharts2_cases.json").read_text())
TOLERANCE = 1e-9  # the reference carries R's full double precision; we agree to about 1e-15

LINES = ("y", "cl", "lcl", "ucl")
PART_FIELDS = ("part", "start", "end", "cl", "n_obs", "n_useful", "longest_run", "longest_run_max", "n_crossings",
               "n_crossings_min", "runs_signal")
# Summaries some cases also give outside `parts`: one value per part (R writes a vector of one as a bare value).
SUMMARIES = {"cl_by_part": "cl", **{name: name for name in PART_FIELDS[4:]}}
CHECKED = {*LINES, "sigma_signal_indices", "parts", *SUMMARIES}

VARIANTS = [pytest.param(case, True, id=f"{case['name']}-screened") for case in CASES] + [
    pytest.param(case, False, id=f"{case['name']}-unscreened") for case in CASES if case.get("expected_unscreened_mr")]


def close(mine: float | None, theirs: float | None) -> bool:
    if mine is None or theirs is None:
        return mine is theirs
    return abs(mine - theirs) <= TOLERANCE * max(abs(theirs), 1e-300)


def same(mine: Any, theirs: Any) -> bool:
    """Floats to the tolerance; integers, booleans and nulls exactly (True is not 1 here)."""
    if isinstance(theirs, float) and not isinstance(mine, bool):
        return isinstance(mine, (int, float)) and close(float(mine), theirs)
    return type(mine) is type(theirs) and mine == theirs


def expectation(case: dict[str, Any], screened: bool) -> dict[str, Any]:
    """Without screening, what `expected_unscreened_mr` gives; what it leaves out (the data points themselves,
    say) is what screening cannot change, as in `expected`."""
    return {**case["expected"], **({} if screened else case["expected_unscreened_mr"])}


def cli_args(case: dict[str, Any], screened: bool) -> list[str]:
    args = ["spc", "analyse", "--chart", case["chart"], "--values", ",".join(map(repr, case["values"]))]
    if case["n"] is not None:
        args += ["--n", ",".join(map(repr, case["n"]))]
    for option in ("freeze", "part", "exclude"):
        if case[option] is not None:
            given = case[option]
            args += [f"--{option}", ",".join(map(str, given)) if isinstance(given, list) else str(given)]
    return args + ([] if screened else ["--no-mr-screening"]) + ["--json"]


def listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def assert_agrees(data: dict[str, Any], case: dict[str, Any], expected: dict[str, Any]) -> None:
    assert data["chart"] == case["chart"]
    assert [point["index"] for point in data["points"]] == list(range(1, len(case["values"]) + 1))
    for line in LINES:
        mine = [point[line] for point in data["points"]]
        bad = [(i + 1, m, t) for i, (m, t) in enumerate(zip(mine, expected[line], strict=True)) if not close(m, t)]
        assert not bad, f"{line} differs at (index, ours, qicharts2): {bad[:5]}"
    assert [point["index"] for point in data["points"] if point["sigma_signal"]] == expected["sigma_signal_indices"]
    assert len(data["parts"]) == len(expected["parts"])
    for mine, theirs in zip(data["parts"], expected["parts"], strict=True):
        assert set(theirs) <= set(PART_FIELDS), set(theirs) - set(PART_FIELDS)
        for key, value in theirs.items():
            assert same(mine[key], value), (key, mine[key], value)
    for summary, key in SUMMARIES.items():
        if summary in expected:
            theirs = listed(expected[summary])
            assert len(theirs) == len(data["parts"]), summary
            assert all(same(part[key], value) for part, value in zip(data["parts"], theirs)), (summary, theirs)


@pytest.mark.parametrize(("case", "screened"), VARIANTS)
def test_the_cli_agrees_with_qicharts2(pdsa: Pdsa, case: dict[str, Any], screened: bool) -> None:
    result = pdsa(*cli_args(case, screened))
    assert result.code == 0, result.err
    assert_agrees(result.json, case, expectation(case, screened))


@pytest.mark.parametrize(("case", "screened"), VARIANTS)
def test_the_analysis_agrees_with_qicharts2(case: dict[str, Any], screened: bool) -> None:
    result = analyse(case["chart"], case["values"], case["n"], freeze=case["freeze"], parts=case["part"] or (),
                     exclude=case["exclude"] or (), screened=screened)
    assert_agrees(result.as_dict(), case, expectation(case, screened))


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_every_expected_field_is_checked(case: dict[str, Any]) -> None:
    for variant in ("expected", "expected_unscreened_mr"):
        assert set(case.get(variant) or {}) <= CHECKED, set(case[variant]) - CHECKED
    assert {*LINES, "sigma_signal_indices", "parts"} <= set(case["expected"])
    assert case["index_base"] == 1


def test_the_cases_cover_screening_that_changes_the_limits() -> None:
    """At least one case where qicharts2's screened and unscreened limits differ, so that a screening that does
    nothing (or too much) cannot pass both."""
    differ = [case["name"] for case in CASES if case.get("expected_unscreened_mr")
              and expectation(case, False)["ucl"] != case["expected"]["ucl"]]
    assert "up_screening_matters" in differ


def test_screening_changes_an_i_chart_with_an_outlying_moving_range_as_computed_by_hand() -> None:
    values = [10, 11, 10, 12, 11, 30, 11, 10, 12, 11]
    ranges = [abs(b - a) for a, b in zip(values, values[1:])]
    average = sum(ranges) / len(ranges)
    kept = [r for r in ranges if r < 3.267 * average]
    mean = sum(values) / len(values)
    for screened, used in ((True, kept), (False, ranges)):
        sigma = (sum(used) / len(used)) / 1.128
        result = analyse("i", values, screened=screened)
        assert close(float(result.cl[0]), mean)
        assert close(float(result.ucl[0]), mean + 3 * sigma) and close(float(result.lcl[0]), mean - 3 * sigma)
    assert len(kept) < len(ranges)
