"""Serving the site: Uvicorn's workers, and the scheduler of reminders as a process of its own beside them
(never inside a worker: N workers would be N senders; the scheduler's leader lock keeps one per deployment
however many servers run)."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Callable

SCHEDULER = [sys.executable, "-m", "pdsa_engine", "scheduler", "run"]
STOP_WAIT = 30  # seconds the scheduler is given to finish its running job after the site stops
# Uvicorn kills a worker that does not answer its health check in time, and with it every request the worker
# was answering; its 5 s default killed busy workers on a loaded two-core machine. A worker truly hung is still
# replaced, half a minute later.
WORKER_HEALTH_CHECK = 30


def serve(host: str, port: int, workers: int, with_scheduler: bool, say: Callable[[str], None]) -> None:
    import uvicorn

    scheduler = subprocess.Popen(SCHEDULER) if with_scheduler else None
    try:
        say(f"Serving http://{host}:{port} with {workers} worker{'s' if workers != 1 else ''}"
            f"{' and the scheduler' if scheduler else ''}; Ctrl-C stops.")
        uvicorn.run("pdsa_engine.web.app:from_environ", factory=True, host=host, port=port, workers=workers,
                    proxy_headers=True, access_log=False, timeout_graceful_shutdown=10,
                    # info, not warning: a worker that died and was replaced must show in the log
                    log_level="info", timeout_worker_healthcheck=WORKER_HEALTH_CHECK)
    finally:
        if scheduler is not None:
            stop(scheduler)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(STOP_WAIT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
