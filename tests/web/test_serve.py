"""A real `pdsa serve` on a free loopback port, on SQLite and PostgreSQL: two workers and the scheduler beside them,
health, a log-in through a link `pdsa login-link` made, a page, and a clean stop on Ctrl-C."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from tests.builders import ADMIN, PARTICIPANT, Programme, database_app
from tests.web.served import serving, wait_for
from tests.web.site import csrf_of


def test_pdsa_serve_serves_the_site_with_the_scheduler_beside_it_and_stops_on_ctrl_c(
        database_url: str, tmp_path: Path) -> None:
    app = database_app(database_url)
    active = Programme(app).people().active_project()
    app.close()
    with serving(database_url, tmp_path, "--workers", "2") as served:
        made = served.pdsa("--as", ADMIN, "login-link", PARTICIPANT, "--json")
        assert made.returncode == 0, made.stderr
        link = json.loads(made.stdout)["link"]
        with httpx.Client(follow_redirects=False) as browser:
            confirm = browser.get(link)
            assert browser.post(link, data={"csrf": csrf_of(confirm.text)}).status_code == 303
            page = browser.get(f"{served.base}/projects/{active.project}")
            assert page.status_code == 200 and "Færre færdigbehandlingsdage" in page.text
            assert browser.get(f"{served.base}/api/v1/projects/{active.project}").json()["status"] == "active"
        wait_for(lambda: "leading" in served.said(), 60)  # the scheduler, a process of its own
    said = served.said()
    assert served.code == 0, said
    assert "stopped" in said and "Traceback" not in said, said
