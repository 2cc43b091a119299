"""`pdsa spc chart` draws in the reader's language: the acting person's own, or the one --language names."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from tests.cli.test_cli import ADMIN, PARTICIPANT, created
from tests.support.cli import Pdsa

SVG = "{http://www.w3.org/2000/svg}"


def words(path: Path) -> list[str]:
    return ["".join(t.itertext()).strip() for t in ET.parse(path).getroot().iter(f"{SVG}text")]


def test_the_chart_is_drawn_in_the_readers_language(pdsa: Pdsa, project: tuple[str, str, str], tmp_path: Path) -> None:
    project_id, measure, idea = project
    me = ("--as", PARTICIPANT)
    for week, value in enumerate((30, 28, 31, 29, 27, 30, 22, 21, 20, 19, 21, 20), start=5):
        assert pdsa(*me, "project", "measure", "record", measure, "--period", f"2031-W{week:02d}", "--value",
                    str(value)).code == 0
    cancelled = created(pdsa(*me, "cycle", "plan", project_id, "--change-idea", idea, "--objective", "Afprøv",
                             "--prediction", "Færre dage", "--measure", measure, "--start", "2031-02-10", "--end",
                             "2031-02-23", "--json"))
    assert pdsa(*me, "cycle", "cancel", cancelled, "--reason", "Konsulenten blev syg").code == 0

    danish = tmp_path / "da.svg"
    assert pdsa(*me, "spc", "chart", measure, "--out", str(danish)).code == 0  # Per P's own language: Danish
    assert {"centerlinje", "PDSA-test, annulleret", "annulleret", "Uge", "bedre ↓"} <= set(words(danish))
    assert "Dage — seriediagram" in words(danish) and "centre line" not in words(danish)

    english = tmp_path / "en.svg"
    done = pdsa(*me, "spc", "chart", measure, "--out", str(english), "--language", "en", "--json")
    assert done.code == 0 and done.json["path"] == str(english)
    assert {"centre line", "PDSA test, cancelled", "cancelled", "Week", "better ↓", "Dage — run chart"} <= set(words(english))

    assert pdsa("--as", ADMIN, "person", "add", "--name", "Eva Auditor", "--email", "eva@example.dk", "--role",
                "auditor", "--language", "en").code == 0
    hers = tmp_path / "hers.svg"
    assert pdsa("--as", "eva@example.dk", "spc", "chart", measure, "--out", str(hers)).code == 0
    assert "centre line" in words(hers) and "centerlinje" not in words(hers)  # her own language: English
    png = tmp_path / "da.png"
    assert pdsa(*me, "spc", "chart", measure, "--out", str(png)).code == 0 and png.read_bytes()[:4] == b"\x89PNG"
    bad = pdsa(*me, "spc", "chart", measure, "--out", str(tmp_path / "x.svg"), "--language", "de", "--json")
    assert bad.code == 2 and bad.json["error"]["field"] == "language"
