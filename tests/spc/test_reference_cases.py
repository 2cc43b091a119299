"""`pdsa spc analyse` agrees with qicharts2 0.8.1 on every reference case, screened and unscreened, to a
relative difference of at most 1e-9."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pdsa_engine.projections.spc import analyse
from tests.support.cli import Pdsa

CASES = json.loads((Path(__file__).parent / "qicharts2_cases.json").read_text())
TOLERANCE = 1e-9


def close(mine: float | None, theirs: float | None) -> bool:
    if mine is None or theirs is None:
        return mine is theirs
    return abs(mine - theirs) <= TOLERANCE * max(abs(theirs), 1e-300)


def expectation(case: dict[str, Any], screened: bool) -> dict[str, Any]:
    """The unscreened expectation lists only what differs from the screened one."""
    return {**case["expected"], **({} if screened else case.get("expected_unscreened_mr") or {})}


def cli_args(case: dict[str, Any], screened: bool) -> list[str]:
    args = ["spc", "analyse", "--chart", case["chart"], "--values", ",".join(map(repr, case["values"]))]
    if case["n"] is not None:
        args += ["--n", ",".join(map(repr, case["n"]))]
    for option in ("freeze", "part", "exclude"):
        if case[option] is not None:
            given = case[option]
            args += [f"--{option}", ",".join(map(str, given)) if isinstance(given, list) else str(given)]
    return args + ([] if screened else ["--no-mr-screening"]) + ["--json"]


@pytest.mark.parametrize("screened", [True, False], ids=["screened", "unscreened"])
@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_the_cli_agrees_with_qicharts2(pdsa: Pdsa, case: dict[str, Any], screened: bool) -> None:
    result = pdsa(*cli_args(case, screened))
    assert result.code == 0, result.err
    data, expected = result.json, expectation(case, screened)
    assert data["chart"] == case["chart"]
    for line in ("y", "cl", "lcl", "ucl"):
        wanted = expected[line] if line in expected else case["expected"][line]
        mine = [point[line] for point in data["points"]]
        bad = [(i + 1, m, t) for i, (m, t) in enumerate(zip(mine, wanted, strict=True)) if not close(m, t)]
        assert not bad, f"{line} differs at (index, ours, qicharts2): {bad[:5]}"
    flagged = [point["index"] for point in data["points"] if point["sigma_signal"]]
    assert flagged == expected["sigma_signal_indices"]
    assert len(data["parts"]) == len(expected["parts"])
    for mine, theirs in zip(data["parts"], expected["parts"], strict=True):
        for key, value in theirs.items():
            assert close(mine[key], value) if isinstance(value, float) else mine[key] == value, (key, mine, theirs)


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
