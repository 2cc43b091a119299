"""The web's keys from the command line: API tokens (printed once, hashed, revocable), log-in links and ending a
person's sessions; and that a token made there opens the API."""

from __future__ import annotations

import json
import os

from fastapi.testclient import TestClient

from pdsa_engine.config import Settings
from pdsa_engine.notifications.settings import MailSettings
from pdsa_engine.web.app import create_app
from pdsa_engine.web.context import Web
from tests.cli.test_cli import ADMIN, PARTICIPANT, SPONSOR
from tests.support.cli import Pdsa


def _site() -> Web:
    settings = Settings.from_environ()
    return Web.open(settings, MailSettings.from_environ({}, settings.maildir))


def test_a_token_is_printed_once_opens_the_api_and_stops_when_revoked(people: Pdsa) -> None:
    pdsa = people
    made = pdsa("--as", PARTICIPANT, "token", "create", "--person", PARTICIPANT, "--name", "mit script", "--json")
    assert made.code == 0, made.err
    token, token_id = json.loads(made.out)["token"], json.loads(made.out)["id"]
    assert token.startswith("pdsa_")
    listed = pdsa("--as", PARTICIPANT, "token", "list", "--json")
    assert listed.code == 0 and [row["name"] for row in json.loads(listed.out)] == ["mit script"]
    assert token not in listed.out
    web = _site()
    try:
        api = TestClient(create_app(web))
        bearer = {"Authorization": f"Bearer {token}"}
        assert api.get("/api/v1/people/me", headers=bearer).json()["email"] == PARTICIPANT
        refused = pdsa("--as", SPONSOR, "token", "revoke", token_id)
        assert refused.code == 3 and api.get("/api/v1/people/me", headers=bearer).status_code == 200
        assert pdsa("--as", PARTICIPANT, "token", "revoke", token_id).code == 0
        assert api.get("/api/v1/people/me", headers=bearer).status_code == 401
    finally:
        web.close()
    assert pdsa("--as", PARTICIPANT, "token", "revoke", "not-an-id").code == 2


def test_only_an_administrator_or_the_person_makes_their_token(people: Pdsa) -> None:
    refused = people("--as", SPONSOR, "token", "create", "--person", PARTICIPANT)
    assert refused.code == 3 and "token" not in refused.out
    assert people("--as", ADMIN, "token", "create", "--person", PARTICIPANT, "--expires", "30").code == 0
    assert people("--as", ADMIN, "token", "create", "--person", PARTICIPANT, "--expires", "0").code == 2


def test_a_log_in_link_from_the_command_line_logs_in_once(people: Pdsa) -> None:
    made = people("--as", ADMIN, "login-link", PARTICIPANT, "--json")
    assert made.code == 0, made.err
    link = json.loads(made.out)["link"]
    assert link.startswith(os.environ.get("PDSA_BASE_URL", "http://127.0.0.1:8000") + "/login/")
    path = link.split("8000", 1)[1]
    web = _site()
    try:
        browser = TestClient(create_app(web), follow_redirects=False)
        page = browser.get(path)
        csrf = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        assert browser.post(path, data={"csrf": csrf}).status_code == 303
        assert "Per P" in browser.get("/").text
        ended = people("--as", ADMIN, "session", "end", PARTICIPANT, "--json")
        assert ended.code == 0 and json.loads(ended.out)["ended"] == 1
        assert browser.get("/").status_code == 303  # sent to log in again
    finally:
        web.close()
    assert people("--as", PARTICIPANT, "login-link", ADMIN).code == 3
