"""`pdsa spc analyse --rules mdc` agrees with NHSRplotthedots 0.2.2 ("Making Data Count") on every reference
case: centre line and limits to a relative difference of at most 1e-9, the points each rule flags, every
point's variation type and the assurance against the target."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pdsa_engine.projections.spc import analyse
from tests.spc.test_reference_cases import close
from tests.support.cli import Pdsa

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")  # numpy's warnings would reach the user's terminal

CASES = json.loads((Path(__file__).parent / "mdc_cases.json").read_text())["cases"]
DIRECTIONS = {"increase": "up", "decrease": "down", "neutral": None}
RULES = {"outside_limits": "outside_limits", "two_in_three": "mdc_two_of_three", "shift": "mdc_shift",
         "trend": "mdc_trend"}


def points(listed: int | list[int]) -> list[int]:
    """R's JSON writes a vector of one as a bare number."""
    return [listed] if isinstance(listed, int) else listed


def cli_args(case: dict[str, Any]) -> list[str]:
    args = ["spc", "analyse", "--chart", "i", "--rules", "mdc", "--values", ",".join(map(repr, case["values"]))]
    if DIRECTIONS[case["direction"]] is not None:
        args += ["--direction", DIRECTIONS[case["direction"]]]
    for theirs, ours in (("rebase_after", "--part"), ("fix_after", "--freeze"), ("target", "--target")):
        if case[theirs] is not None:
            args += [ours, repr(case[theirs])]
    return args + ([] if case["screen"] else ["--no-mr-screening"]) + ["--json"]


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_the_cli_agrees_with_nhsrplotthedots(pdsa: Pdsa, case: dict[str, Any]) -> None:
    result = pdsa(*cli_args(case))
    assert result.code == 0, result.err
    data, expected = result.json, case["expected"]
    assert data["rules"] == "mdc"
    for line in ("cl", "lcl", "ucl"):
        mine = [point[line] for point in data["points"]]
        bad = [(i + 1, m, t) for i, (m, t) in enumerate(zip(mine, expected[line], strict=True)) if not close(m, t)]
        assert not bad, f"{line} differs at (index, ours, NHSRplotthedots): {bad[:5]}"
    for theirs, ours in RULES.items():
        flagged = sorted({i for signal in data["signals"] if signal["rule"] == ours for i in signal["points"]})
        assert flagged == points(expected[theirs]), theirs
    assert [point["point_type"] for point in data["points"]] == expected["point_type"]
    special = [point["index"] for point in data["points"] if point["point_type"] != "common_cause"]
    assert special == points(expected["special_cause"])
    assert data["assurance"] == expected["assurance"]


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_the_analysis_agrees_with_nhsrplotthedots(case: dict[str, Any]) -> None:
    def given(key: str) -> list[int]:
        return [] if case[key] is None else [case[key]]

    result = analyse("i", case["values"], rules="mdc", screened=case["screen"], direction=DIRECTIONS[case["direction"]],
                     parts=given("rebase_after"), freeze=case["fix_after"], target=case["target"])
    expected = case["expected"]
    for line in ("cl", "lcl", "ucl"):
        assert all(close(m, t) for m, t in zip(getattr(result, line).tolist(), expected[line], strict=True)), line
    assert list(result.point_type) == expected["point_type"]
    assert result.assurance == expected["assurance"]
