"""`make run`'s main job on the embedded default: a fresh directory gets ./var/pdsa.sqlite and the demo."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_run_creates_the_database_loads_the_demo_once_and_prints_the_cohort(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "pdsa"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PDSA_")} | {"COLUMNS": "160"}
    first = subprocess.run([script, "run"], cwd=tmp_path, capture_output=True, text=True, env=env, timeout=300)
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "var" / "pdsa.sqlite").exists()
    for expected in ("Hold 2026", "Hjemmebehandling med kemoterapi", "Forbedringstorsdag hver 14. dag",
                     "below 6 members", "Region Nordjylland"):
        assert expected in first.stdout
    again = subprocess.run([script, "run", "--json"], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert again.returncode == 0
    assert '"name": "Hold 2026"' in again.stdout and again.stdout.count('"name": "Hold 2026"') == 1
    demo = subprocess.run([script, "demo"], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert demo.returncode == 3 and "already holds data" in demo.stderr
