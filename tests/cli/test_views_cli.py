"""The read side through the `pdsa` entry point: phases and baselines as commands, SPC series and charts from
the stored view, the cohort dashboard, and the projection commands."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from tests.cli.test_cli import ADMIN, PARTICIPANT, SPONSOR, created
from tests.support.cli import Pdsa

ME = ("--as", PARTICIPANT)


@pytest.fixture
def measured(pdsa: Pdsa, project: tuple[str, str, str]) -> tuple[str, str, str]:
    """The active project's measure with 16 weeks of data, a cycle that adopted its change, and a new phase."""
    project_id, measure, idea = project
    assert pdsa(*ME, "project", "measure", "update", measure, "--chart", "i").code == 0
    for week, value in enumerate([50, 52, 49, 51, 50, 53, 48, 50, 51, 49, 30, 31, 29, 30, 32, 28], start=1):
        assert pdsa(*ME, "project", "measure", "record", measure, "--period", f"2031-W{week:02d}",
                    "--value", str(value)).code == 0
    cycle = created(pdsa(*ME, "cycle", "plan", project_id, "--change-idea", idea, "--objective", "Konsulent",
                         "--prediction", "Færre dage", "--measure", measure, "--start", "2031-03-01", "--end",
                         "2031-03-14", "--json"))
    for step in (("do", "--observations", "x"), ("study", "--findings", "y"), ("act", "--decision", "adopt")):
        assert pdsa(*ME, "cycle", step[0], cycle, *step[1:]).code == 0
    assert pdsa(*ME, "project", "measure", "phase", measure, "--from", "2031-w11", "--reason", "Indført",
                "--cycle", cycle).code == 0
    return project_id, measure, cycle


def test_spc_show_reads_parts_signals_and_cycles_from_the_view(pdsa: Pdsa, measured: tuple[str, str, str]) -> None:
    _, measure, cycle = measured
    series = pdsa(*ME, "spc", "show", measure, "--json").json
    assert [(p["start"], p["end"]) for p in series["spc"]["parts"]] == [(1, 10), (11, 16)]
    assert series["phases"] == ["2031-W11"]
    assert [a["cycle_id"] for a in series["annotations"]] == [cycle]
    assert series["points"][0]["period"] == "2031-W01" and len(series["points"]) == 16
    assert pdsa(*ME, "project", "measure", "freeze", measure, "--baseline", "4", "--reason", "Før").code == 0
    frozen = pdsa(*ME, "spc", "show", measure, "--json").json
    assert frozen["baseline"] == 4 and frozen["spc"]["points"][0]["cl"] == (50 + 52 + 49 + 51) / 4
    assert pdsa(*ME, "project", "measure", "unphase", measure, "--from", "2031-W11", "--reason", "Fejl").code == 0
    assert len(pdsa(*ME, "spc", "show", measure, "--json").json["spc"]["parts"]) == 1
    assert pdsa(*ME, "project", "measure", "unphase", measure, "--from", "2031-W11", "--reason", "x").code == 4


def test_charts_are_written_as_png_and_svg(pdsa: Pdsa, measured: tuple[str, str, str], tmp_path: Path) -> None:
    _, measure, _ = measured
    png, svg = tmp_path / "chart.png", tmp_path / "chart.svg"
    assert pdsa(*ME, "spc", "chart", measure, "--out", str(png)).code == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    assert pdsa(*ME, "spc", "chart", measure, "--out", str(svg), "--language", "en").code == 0  # ME reads Danish
    texts = " ".join(t.text or "" for t in ElementTree.parse(svg).iter() if t.tag.endswith("text"))
    for label in ("Dage", "I chart", "centre line", "limits", "PDSA test"):
        assert label in texts, label
    refused = pdsa(*ME, "spc", "chart", measure, "--out", str(tmp_path / "chart.pdf"), "--json")
    assert refused.code == 2 and refused.json["error"]["field"] == "out"


def test_only_those_who_may_read_the_project_see_its_series(pdsa: Pdsa, measured: tuple[str, str, str]) -> None:
    _, measure, _ = measured
    assert pdsa("--as", SPONSOR, "spc", "show", measure).code == 0
    assert pdsa("--as", ADMIN, "person", "add", "--name", "Olga", "--email", "olga@example.dk", "--role",
                "participant").code == 0
    assert pdsa("--as", "olga@example.dk", "spc", "show", measure).code == 3
    assert pdsa(*ME, "spc", "show", "6f1c2a9e-4b7d-4c1e-9a0b-2d5e8f3c7a10").code == 4


def test_the_cohort_dashboard_and_the_projection_commands(pdsa: Pdsa, measured: tuple[str, str, str]) -> None:
    project_id, _, _ = measured
    first = pdsa("projections", "catch-up", "--json").json
    assert first["processed"]["series"] > 0
    assert pdsa("projections", "catch-up", "--json").json["processed"] == {"series": 0, "dashboard": 0, "people": 0, "outbox": 0,
                                                                            "audit": 0, "snapshots": 0}
    cohort = pdsa(*ME, "project", "show", project_id, "--json").json["cohort_id"]
    board = pdsa("--as", ADMIN, "cohort", "show", cohort, "--json").json
    (line,) = board["projects"]
    assert line["status"] == "active" and line["cycles_by_outcome"] == {"adopt": 1}
    assert line["latest_signals"] == [] and board["sponsors"][0]["sponsor"]["name"] == "Sus S"
    rebuilt = pdsa("projections", "rebuild", "series", "--json").json
    assert rebuilt["processed"] == {"series": first["processed"]["series"]}
    assert pdsa("--as", ADMIN, "cohort", "show", cohort, "--json").json == board
    _, measure, _ = measured  # one part again: the drop after the change is a signal, and better is down
    assert pdsa(*ME, "project", "measure", "unphase", measure, "--from", "2031-W11", "--reason", "Fejl").code == 0
    (latest,) = pdsa("--as", ADMIN, "cohort", "show", cohort, "--json").json["projects"][0]["latest_signals"]
    assert latest["kind"] == "improvement" and latest["period"] == "2031-W16"
    unknown = pdsa("projections", "rebuild", "nonsense", "--json")
    assert unknown.code == 2 and unknown.json["error"]["field"] == "name"
    assert pdsa("--as", ADMIN, "cohort", "list", "--json").json[0]["projects"] == 1
