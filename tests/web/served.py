"""A real `pdsa serve` in a process of its own, on a free loopback port, stopped with Ctrl-C (SIGINT)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.builders import settings_for
from tests.support.smtp import free_port

PDSA = [sys.executable, "-m", "pdsa_engine"]


@dataclass
class Served:
    base: str
    env: dict[str, str]
    log: Path
    code: int | None = None  # how the server ended, once it has

    def pdsa(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*PDSA, *args], env=self.env, capture_output=True, text=True, timeout=120)

    def said(self) -> str:
        return self.log.read_text()


def wait_for(check: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"not within {seconds} s")


@contextmanager
def serving(database_url: str, folder: Path, *args: str, **environ: str) -> Iterator[Served]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PDSA_DATABASE_URL": database_url, "PDSA_AUDIT_KEY": str(settings_for(database_url).audit_key),
           "PDSA_MAILDIR": str(folder / "mail"), "PDSA_BASE_URL": base, **environ}
    served = Served(base, env, folder / "serve.log")
    with served.log.open("w") as log:
        server = subprocess.Popen([*PDSA, "serve", "--port", str(port), *args], env=env, cwd=folder, stdout=log,
                                  stderr=subprocess.STDOUT)
        try:
            wait_for(lambda: httpx.get(f"{base}/health").json() == {"status": "ok"}, 60)
            yield served
        finally:
            server.send_signal(signal.SIGINT)
            served.code = server.wait(60)
