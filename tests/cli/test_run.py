"""`make run`'s main job on the embedded default: a fresh directory gets ./var/pdsa.sqlite and the demo, whose
simulated year includes its reminders and digests; here they go to a real SMTP server (aiosmtpd), and two later
`pdsa notify run --at` send what comes after the year: every kind of message arrives at least once. A Danish
reminder and a sponsor's digest are kept in test-artifacts/, to be read as their recipients would."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

from pdsa_engine.demo import DEMO_ADMINISTRATOR
from pdsa_engine.notifications.rules import Kind
from tests.cli.test_audit_cli import ARTIFACTS
from tests.support.smtp import SmtpServer


def test_run_creates_the_database_loads_the_demo_once_and_prints_the_cohort(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "pdsa"
    server = SmtpServer().start()
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PDSA_")} | {
            "COLUMNS": "160", "PDSA_SMTP_URL": server.url,
            "PDSA_MAIL_FROM": "Det Nationale Ledelsesprogram <noreply@ledelsesprogram.example.dk>"}
        first = subprocess.run([script, "run", "--no-serve"], cwd=tmp_path, capture_output=True, text=True, env=env, timeout=900)
        assert first.returncode == 0, first.stderr
        assert (tmp_path / "var" / "pdsa.sqlite").exists()
        for expected in ("Hold 2026", "Hjemmebehandling med kemoterapi", "Forbedringstorsdag hver 14. dag",
                         "below 6 members", "Region Nordjylland", "Reminders: sign-offs after 3 days"):
            assert expected in first.stdout
        in_the_year = Counter(m["X-PDSA-Kind"] for m in server.inbox.messages())
        again = subprocess.run([script, "run", "--no-serve", "--json"], cwd=tmp_path, capture_output=True, text=True, env=env)
        assert again.returncode == 0
        assert '"name": "Hold 2026"' in again.stdout and again.stdout.count('"name": "Hold 2026"') == 1
        demo = subprocess.run([script, "demo"], cwd=tmp_path, capture_output=True, text=True, env=env)
        assert demo.returncode == 3 and "already holds data" in demo.stderr
        for moment in ("2026-12-07T08:00", "2027-03-15T08:00"):  # the poster's last call; the 3-month follow-up
            run = subprocess.run([script, "--as", DEMO_ADMINISTRATOR, "notify", "run", "--at", moment, "--json"],
                                 cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
            assert run.returncode == 0, run.stderr
    finally:
        server.stop()
    sent = Counter(m["X-PDSA-Kind"] for m in server.inbox.messages())
    assert set(sent) == {kind.value for kind in Kind}, f"missing: {set(k.value for k in Kind) - set(sent)}"
    assert in_the_year["sponsor_digest"] >= 40 and in_the_year["signoff_reminder"] >= 10, in_the_year
    ids = [m["Message-ID"] for m in server.inbox.messages()]
    assert len(ids) == len(set(ids)), "nothing twice"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    danish = [r for r in server.inbox.received
              if r.message["X-PDSA-Kind"] == "signoff_reminder" and r.message["Content-Language"] == "da"]
    (ARTIFACTS / "demo-signoff-reminder-da.eml").write_bytes(danish[-1].data)
    digests = [r for r in server.inbox.received if r.message["X-PDSA-Kind"] == "sponsor_digest" and b"image/png" in r.data]
    (ARTIFACTS / "demo-sponsor-digest.eml").write_bytes(digests[-1].data)
    text = danish[-1].message.get_body(("plain",)).get_content()
    assert "Kære" in text and "har ventet" in text and "http://127.0.0.1:8000/mailed/" in text  # the sponsor decides by the link
