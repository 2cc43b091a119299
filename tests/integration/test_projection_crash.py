"""Crash safety with real processes: `pdsa projections catch-up` is killed with SIGKILL part-way, several
times, over more than 10,000 events; after a restart every view equals a rebuild from scratch."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from pdsa_engine.runtime import open_projections
from tests.builders import Programme, busy_cohort, database_app, settings_for
from tests.support.views import snapshot

PDSA = str(Path(sys.executable).parent / "pdsa")


def catch_up_process(url: str, batch: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PDSA_DATABASE_URL": url, "PDSA_AUDIT_KEY": str(settings_for(url).audit_key)}
    return subprocess.Popen([PDSA, "projections", "catch-up", "--batch", str(batch)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_killed_catch_ups_resume_to_views_equal_to_a_rebuild(database_url: str) -> None:
    app = database_app(database_url)
    # The 10,000 events are this test's scaffolding: who and when each one names is checked by the other tests.
    busy_cohort(Programme(app, check_stamps=False), projects=41, cycles_per_project=6, points_per_project=200)
    end = app.recorder.max_notification_id()
    assert end >= 10_000
    views = open_projections(app, settings_for(database_url))
    killed_at = []
    for share in (0.15, 0.45, 0.75):
        process = catch_up_process(database_url, batch=100)  # a hundred batches to the end: many places to die
        deadline = time.monotonic() + 120
        while min(views.store.positions().values()) < share * end:
            assert process.poll() is None, f"catch-up ended before it could be killed: {process.stderr.read()!r}"
            assert time.monotonic() < deadline
            time.sleep(0.005)
        process.send_signal(signal.SIGKILL)
        process.wait()
        positions = views.store.positions()
        assert min(positions.values()) < end, "killed while still behind the end of the log"
        killed_at.append(positions)
    assert killed_at[0] != killed_at[-1]
    finish = catch_up_process(database_url, batch=500)
    assert finish.wait(timeout=300) == 0, finish.stderr.read()
    assert set(views.store.positions().values()) == {end}
    resumed = snapshot(views)
    views.rebuild()
    assert snapshot(views) == resumed
