"""The audit commands through the `pdsa` entry point: log, replay, what was signed, export (rendered in Debian's
Chromium), verify and checkpoint, with their errors and exit codes."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from tests.cli.test_cli import ADMIN, PARTICIPANT, SPONSOR
from tests.support.cli import Pdsa

AUDIT = ("--as", ADMIN)
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(os.environ.get("PDSA_TEST_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts"))


def test_the_log_filters_and_explains_itself(pdsa: Pdsa, project: tuple[str, str, str]) -> None:
    project_id, _, _ = project
    everything = pdsa(*AUDIT, "audit", "log", "--json").json
    mine = pdsa(*AUDIT, "audit", "log", "--project", project_id, "--json").json
    assert 0 < len(mine) < len(everything) and {line["project_id"] for line in mine} == {project_id}
    (decided,) = pdsa(*AUDIT, "audit", "log", "--type", "Decided", "--json").json
    assert decided["event"] == "SignOff.Decided" and decided["who"]["name"] == "Sus S" and decided["role"] == "sponsor"
    assert pdsa(*AUDIT, "audit", "log", "--type", "SignOff.Decided", "--language", "da", "--json").json[0][
        "what"] == "afgjorde godkendelsen: godkendt"
    by_sponsor = pdsa(*AUDIT, "audit", "log", "--person", SPONSOR, "--json").json
    assert "SignOff.Decided" in {line["event"] for line in by_sponsor}
    text = pdsa(*AUDIT, "audit", "log", "--project", project_id, "--language", "en")
    assert text.code == 0 and "decided the sign-off: approved" in text.out and "status: requested → approved" in text.out
    assert "afgjorde godkendelsen" in pdsa(*AUDIT, "audit", "log").out, "by default, in the reader's language"

    ambiguous = pdsa(*AUDIT, "audit", "log", "--type", "Created", "--json")
    assert ambiguous.code == 2 and ambiguous.json["error"]["field"] == "type"
    assert "Cohort.Created, ImprovementProject.Created" in ambiguous.err
    bad_time = pdsa(*AUDIT, "audit", "log", "--since", "last tuesday", "--json")
    assert bad_time.code == 2 and bad_time.json["error"]["field"] == "since" and "ISO 8601" in bad_time.err
    assert pdsa("--as", PARTICIPANT, "audit", "log").code == 3
    assert pdsa(*AUDIT, "audit", "log", "--since", "2099-01-01").out.strip() == "No events match."


def test_replay_at_a_version_or_a_moment(pdsa: Pdsa, project: tuple[str, str, str]) -> None:
    project_id, _, _ = project
    version = pdsa(*AUDIT, "project", "show", project_id, "--json").json["version"]
    first = pdsa(*AUDIT, "audit", "replay", project_id, "--version", "1", "--json").json
    assert first["version"] == 1 and first["status"] == "draft" and first["aim"] is None and first["measures"] == []
    last = pdsa(*AUDIT, "audit", "replay", project_id, "--version", str(version), "--json").json
    assert last["status"] == "active" and last["aim"]["how_much"] == "40 %"
    at_creation = pdsa(*AUDIT, "audit", "replay", project_id, "--at", first["as_of"], "--json").json
    assert at_creation["version"] == 1
    assert "As of" in pdsa(*AUDIT, "audit", "replay", project_id, "--version", "2").out

    assert pdsa(*AUDIT, "audit", "replay", project_id, "--at", "1999-01-01", "--json").code == 4
    both = pdsa(*AUDIT, "audit", "replay", project_id, "--at", "2031-01-01", "--version", "2", "--json")
    assert both.code == 2 and "exactly one" in both.err
    assert pdsa(*AUDIT, "audit", "replay", project_id, "--json").code == 2
    too_far = pdsa(*AUDIT, "audit", "replay", project_id, "--version", str(version + 1), "--json")
    assert too_far.code == 2 and too_far.json["error"]["field"] == "version"
    assert pdsa(*AUDIT, "audit", "replay", "6f1c2a9e-4b7d-4c1e-9a0b-2d5e8f3c7a10", "--version", "1").code == 4
    assert pdsa("--as", SPONSOR, "audit", "replay", project_id, "--version", "1").code == 3


def test_what_was_signed(pdsa: Pdsa, project: tuple[str, str, str]) -> None:
    project_id, _, _ = project
    (request,) = pdsa(*AUDIT, "project", "show", project_id, "--json").json["signoffs"]
    assert pdsa("--as", PARTICIPANT, "project", "aim", project_id, "--what", "Færre dage", "--how-much", "55 %",
                "--by", "2031-10-31").code == 0
    signed = pdsa(*AUDIT, "audit", "signoff", request["id"], "--json").json
    assert signed["decided"] and signed["project"]["aim"]["how_much"] == "40 %"
    assert {"field": "aim.how_much", "old": "40 %", "new": "55 %"} in signed["changed_since"]
    text = pdsa(*AUDIT, "audit", "signoff", request["id"]).out
    assert "as the sponsor decided on it" in text and "aim.how_much: 40 % → 55 %" in text


def test_exports_are_written_recorded_and_render_in_chromium(pdsa: Pdsa, project: tuple[str, str, str],
                                                             tmp_path: Path) -> None:
    project_id, _, _ = project
    report = tmp_path / "report.html"
    done = pdsa(*AUDIT, "audit", "export", project_id, "--format", "html", "--out", str(report), "--language", "en",
                "--json")
    assert done.code == 0 and done.json["path"] == str(report)
    again = pdsa(*AUDIT, "audit", "export", project_id, "--format", "html", "--out", str(report))
    assert again.code == 2 and "--force" in again.err
    assert pdsa(*AUDIT, "audit", "export", project_id, "--format", "pdf", "--out", str(tmp_path / "x.pdf")).code == 2
    refused = pdsa("--as", PARTICIPANT, "audit", "export", project_id, "--format", "csv", "--out",
                   str(tmp_path / "mine.csv"))
    assert refused.code == 3 and not (tmp_path / "mine.csv").exists()
    (record,) = pdsa(*AUDIT, "audit", "log", "--type", "AuditRecord.Exported", "--json").json
    assert record["who"]["name"] == "Ada Admin" and record["project_id"] == project_id

    dom = render_in_chromium(report, ARTIFACTS / "audit-export.png", tmp_path)
    assert "The stored history holds" in dom and "Færre færdigbehandlingsdage" in dom
    rows = re.findall(r'<tr id="event-(\d+)"', dom)
    assert len(rows) == done.json["events"] and rows == sorted(rows, key=int)
    assert (ARTIFACTS / "audit-export.png").read_bytes()[:4] == b"\x89PNG"


def render_in_chromium(page: Path, screenshot: Path, profile: Path) -> str:
    """Renders a page in Debian's Chromium, headless, with no network: keeps a screenshot and returns the DOM."""
    assert Path(CHROMIUM).exists(), "Debian's chromium package is needed: `make test` installs it"
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    flags = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile / 'chromium-profile'}", "--window-size=1280,2000"]
    shot = subprocess.run([*flags, f"--screenshot={screenshot}", page.as_uri()], capture_output=True, timeout=120)
    assert shot.returncode == 0 and screenshot.exists(), shot.stderr.decode()[-2000:]
    dom = subprocess.run([*flags, "--dump-dom", page.as_uri()], capture_output=True, timeout=120, text=True)
    assert dom.returncode == 0, dom.stderr[-2000:]
    return dom.stdout


def test_verify_and_checkpoint_from_the_command_line(pdsa: Pdsa, project: tuple[str, str, str],
                                                     tmp_path: Path) -> None:
    kept = tmp_path / "kept.json"
    made = pdsa(*AUDIT, "audit", "checkpoint", "--out", str(kept), "--json")
    assert made.code == 0 and made.json["path"] == str(kept) and made.json["snapshots_taken"] == 0
    verified = pdsa(*AUDIT, "audit", "verify", "--checkpoint", str(kept), "--json")
    assert verified.code == 0 and verified.json["holds"] and verified.json["checkpoints"][0]["problem"] is None
    assert "The history holds" in pdsa(*AUDIT, "audit", "verify").out
    assert pdsa("--as", PARTICIPANT, "audit", "verify").code == 3
