"""`pdsa notify`, `pdsa outbox`, `pdsa cohort reminders` and `pdsa person notifications` as a user meets them:
exit codes, JSON, clear refusals of bad input that store nothing."""

from __future__ import annotations

import pytest

from tests.cli.test_cli import ADMIN, PARTICIPANT, SPONSOR
from tests.support.cli import Pdsa

AS_ADMIN = ("--as", ADMIN)


@pytest.fixture
def waiting(people: Pdsa) -> tuple[Pdsa, str]:
    """A cohort whose project's charter waits for the sponsor; returns the cohort."""
    pdsa = people
    cohort = pdsa(*AS_ADMIN, "cohort", "create", "--name", "Hold 1", "--start", "2034-09-01", "--end", "2035-06-30",
                  "--json").json["id"]
    assert pdsa(*AS_ADMIN, "cohort", "enrol", cohort, "--person", PARTICIPANT, "--organisation", "AUH", "--region",
                "Midtjylland", "--sector", "regional").code == 0
    project = pdsa(*AS_ADMIN, "project", "create", "--cohort", cohort, "--participant", PARTICIPANT, "--title",
                   "Færre dage", "--problem", "Ventetid", "--sponsor", SPONSOR, "--coach", "kim@example.dk",
                   "--json").json["id"]
    assert pdsa("--as", PARTICIPANT, "project", "aim", project, "--what", "Færre dage", "--how-much", "40 %", "--by",
                "2035-05-31").code == 0
    assert pdsa("--as", PARTICIPANT, "project", "measure", "add", project, "--name", "Dage", "--kind", "outcome",
                "--chart", "run", "--definition", "Dage pr. uge", "--frequency", "week", "--direction", "down").code == 0
    node = None
    for kind, text in (("--primary", "Hjemmet først"), ("--secondary", "Planlægning"), ("--change-idea", "Tavle")):
        node = pdsa("--as", PARTICIPANT, "project", "driver", "add", project, kind, text,
                    *(("--under", node) if node else ()), "--json").json["id"]
    assert pdsa("--as", PARTICIPANT, "project", "submit-charter", project).code == 0
    return pdsa, cohort


def test_a_run_over_smtp_prints_its_counts_and_exits_0(waiting, smtp_server, monkeypatch):
    pdsa, _ = waiting
    monkeypatch.setenv("PDSA_SMTP_URL", smtp_server.url)
    due = pdsa(*AS_ADMIN, "notify", "due", "--json")
    assert due.code == 0 and "signoff_requested" in {row["kind"] for row in due.json}
    assert pdsa(*AS_ADMIN, "outbox", "list", "--json").json == [], "`notify due` queues nothing"
    run = pdsa(*AS_ADMIN, "notify", "run", "--json")
    assert run.code == 0, run.err
    assert run.json["queued"] == len(due.json) == run.json["sent"] and run.json["deferred"] == run.json["failed"] == 0
    assert {m["X-PDSA-Kind"] for m in smtp_server.inbox.messages()} == {row["kind"] for row in due.json}
    again = pdsa(*AS_ADMIN, "notify", "run", "--json")
    assert again.json["queued"] == again.json["sent"] == 0
    listed = pdsa(*AS_ADMIN, "outbox", "list", "--status", "sent", "--json").json
    assert len(listed) == run.json["sent"]
    assert set(listed[0]) >= {"id", "kind", "recipient", "status", "attempts", "message_id"}
    assert all(row["message_id"].startswith("<") for row in listed)


def test_mail_that_cannot_go_stays_queued_and_the_run_exits_7(waiting, smtp_server, monkeypatch):
    pdsa, _ = waiting
    monkeypatch.setenv("PDSA_SMTP_URL", smtp_server.url)
    smtp_server.stop()
    run = pdsa(*AS_ADMIN, "notify", "run", "--json")
    assert run.code == 7 and run.json["sent"] == 0 and run.json["deferred"] == run.json["queued"]
    assert "cannot reach smtp://127.0.0.1" in run.err
    listed = pdsa(*AS_ADMIN, "outbox", "list", "--json").json
    assert {row["status"] for row in listed} == {"deferred"} and all(row["attempts"] == 1 for row in listed)


@pytest.mark.parametrize("url", ["smtp://", "http://mail.example.dk", "smtp://mail.example.dk:99999",
                                 "smtp://user:secret@mail.example.dk:25", "smtp+starttls://user@mail.example.dk"])
def test_a_malformed_smtp_url_is_refused_at_start_naming_the_variable(waiting, monkeypatch, url):
    pdsa, _ = waiting
    monkeypatch.setenv("PDSA_SMTP_URL", url)
    before = pdsa(*AS_ADMIN, "outbox", "list", "--json").json
    for command in (("notify", "run"), ("notify", "due"), ("scheduler", "run")):
        refused = pdsa(*AS_ADMIN, *command, "--json")
        assert refused.code == 2 and refused.json["error"]["field"] == "PDSA_SMTP_URL", refused.err
        assert "secret" not in refused.err + refused.out
    monkeypatch.delenv("PDSA_SMTP_URL")
    assert pdsa(*AS_ADMIN, "outbox", "list", "--json").json == before


def test_other_mail_settings_are_checked_too(waiting, monkeypatch):
    pdsa, _ = waiting
    monkeypatch.setenv("PDSA_MAIL_FROM", "not an address")
    assert pdsa(*AS_ADMIN, "notify", "run", "--json").json["error"]["field"] == "PDSA_MAIL_FROM"
    monkeypatch.setenv("PDSA_MAIL_FROM", "noreply@example.dk")
    monkeypatch.setenv("PDSA_BASE_URL", "ftp://site")
    assert pdsa(*AS_ADMIN, "notify", "run", "--json").json["error"]["field"] == "PDSA_BASE_URL"


def test_a_run_cannot_be_recorded_before_the_history_it_follows(waiting):
    pdsa, _ = waiting
    refused = pdsa(*AS_ADMIN, "notify", "run", "--at", "2030-01-01T07:00", "--json")
    assert refused.code == 2 and refused.json["error"]["field"] == "at" and "notify due" in refused.err
    bad = pdsa(*AS_ADMIN, "notify", "due", "--at", "next tuesday", "--json")
    assert bad.code == 2 and bad.json["error"]["field"] == "at"
    assert pdsa(*AS_ADMIN, "notify", "due", "--at", "2030-01-01T07:00", "--json").code == 0


def test_a_failed_message_is_retried_by_an_administrator(waiting, smtp_server, monkeypatch):
    pdsa, _ = waiting
    monkeypatch.setenv("PDSA_SMTP_URL", smtp_server.url)
    smtp_server.inbox.refuse = 550
    assert pdsa(*AS_ADMIN, "notify", "run", "--json").json["failed"] >= 1
    [failed, *_] = pdsa(*AS_ADMIN, "outbox", "list", "--status", "failed", "--json").json
    assert failed["recipient"]["name"] and "550" in failed["last_error"]
    assert pdsa("--as", SPONSOR, "outbox", "retry", failed["id"], "--json").code == 3
    smtp_server.inbox.refuse = None
    assert pdsa(*AS_ADMIN, "outbox", "retry", failed["id"][:8], "--json").code == 0
    again = pdsa(*AS_ADMIN, "outbox", "retry", failed["id"], "--json")
    assert again.code == 3 and "only a failed message" in again.err
    assert pdsa(*AS_ADMIN, "notify", "run", "--json").json["sent"] >= 1
    assert failed["kind"] in {m["X-PDSA-Kind"] for m in smtp_server.inbox.messages()}


def test_the_cohorts_thresholds_are_set_shown_and_checked(waiting):
    pdsa, cohort = waiting
    assert pdsa(*AS_ADMIN, "cohort", "reminders", cohort, "--signoff-after", "5", "--digest-day", "fredag",
                "--digest-hour", "16").code == 0
    shown = pdsa(*AS_ADMIN, "cohort", "show", cohort, "--json").json["reminders"]
    assert (shown["signoff_after"], shown["digest_day"], shown["digest_hour"], shown["signoff_every"]) == (
        5, "fri", 16, 3)
    assert "sign-offs after 5 days" in pdsa(*AS_ADMIN, "cohort", "show", cohort).out
    for option, value, field in (("--signoff-after", "0", "signoff_after"), ("--coaching-gap", "abc", "coaching_gap"),
                                 ("--digest-hour", "24", "digest_hour"), ("--digest-day", "someday", "digest_day")):
        refused = pdsa(*AS_ADMIN, "cohort", "reminders", cohort, option, value, "--json")
        assert refused.code == 2 and refused.json["error"]["field"] == field, refused.err
    same = pdsa(*AS_ADMIN, "cohort", "reminders", cohort, "--signoff-after", "5", "--json")
    assert same.code == 3 and "already" in same.err
    assert pdsa(*AS_ADMIN, "cohort", "reminders", cohort, "--off").code == 0
    assert pdsa(*AS_ADMIN, "cohort", "show", cohort, "--json").json["reminders"]["enabled"] is False
    assert pdsa(*AS_ADMIN, "notify", "due", "--json").json == []


def test_a_person_chooses_their_digest_and_nobody_else_but_an_administrator_may(waiting):
    pdsa, _ = waiting
    assert pdsa("--as", SPONSOR, "person", "notifications", SPONSOR, "--digest-day", "tue", "--digest-hour",
                "9").code == 0
    assert pdsa("--as", PARTICIPANT, "person", "notifications", SPONSOR, "--digest", "off").code == 3
    assert pdsa(*AS_ADMIN, "person", "notifications", SPONSOR, "--digest", "off").code == 0
    bad = pdsa("--as", SPONSOR, "person", "notifications", SPONSOR, "--digest-hour", "25", "--json")
    assert bad.code == 2 and bad.json["error"]["field"] == "digest_hour"
    assert pdsa("--as", SPONSOR, "person", "notifications", SPONSOR, "--digest", "maybe").code == 2


def test_without_a_mail_server_mail_goes_into_the_maildir_any_mail_client_reads(waiting, tmp_path, monkeypatch):
    import mailbox
    from email import message_from_bytes, policy

    pdsa, _ = waiting
    maildir = tmp_path / "inbox"
    monkeypatch.setenv("PDSA_MAILDIR", str(maildir))
    run = pdsa(*AS_ADMIN, "notify", "run", "--json")
    assert run.code == 0 and run.json["sent"] == run.json["queued"] >= 1
    assert "the Maildir" in pdsa(*AS_ADMIN, "notify", "run").out
    messages = [message_from_bytes(m.as_bytes(), policy=policy.default) for m in mailbox.Maildir(maildir)]
    assert len(messages) == run.json["sent"]
    assert "signoff_requested" in {m["X-PDSA-Kind"] for m in messages}


def test_a_maildir_is_made_where_there_is_none_and_one_that_cannot_be_defers_the_mail(waiting, tmp_path, monkeypatch):
    pdsa, _ = waiting
    monkeypatch.setenv("PDSA_MAILDIR", str(tmp_path / "not" / "yet" / "there"))
    assert pdsa(*AS_ADMIN, "notify", "run", "--json").json["sent"] >= 1
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("PDSA_MAILDIR", str(blocked / "mail"))
    assert pdsa("--as", SPONSOR, "person", "notifications", SPONSOR, "--digest-day", "tue").code == 0
    run = pdsa(*AS_ADMIN, "notify", "run", "--at", "2035-01-02T09:00", "--json")
    assert run.code == 7 and run.json["deferred"] >= 1 and "cannot write into the Maildir" in run.err
