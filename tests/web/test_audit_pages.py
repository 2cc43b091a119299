"""The auditors' pages: a project replayed at a version or a moment, what a sponsor signed, the verification of
the whole history, and the history downloaded — each download recorded before it leaves."""

from __future__ import annotations

import csv
import io
from uuid import UUID

from pdsa_engine.aggregates.audit_record import AuditRecord
from pdsa_engine.aggregates.project import ImprovementProject
from pdsa_engine.clock import LOCAL_ZONE
from tests.support.database import Database
from tests.web.site import Site, csrf_of

AIM_AMOUNT = "40 %"  # the aim's "how much" of builders' charter: set at version 2 of the project


def test_a_project_is_replayed_at_a_version_and_at_a_moment(sqlite_site: Site) -> None:
    site, project = sqlite_site, sqlite_site.active.project
    auditor = site.client("auditor")
    head = site.app.load(ImprovementProject, project)
    now = auditor.get(f"/audit/projects/{project}")
    assert now.status_code == 200 and AIM_AMOUNT in now.text
    assert f"{head.version} af {head.version}" in now.text  # the auditor reads Danish
    first = auditor.get(f"/audit/projects/{project}", params={"version": "1"})
    assert first.status_code == 200 and AIM_AMOUNT not in first.text and f"1 af {head.version}" in first.text
    assert "Intet mål endnu" in first.text
    created = site.app.events.get(project, lte=1)
    moment = next(iter(created)).timestamp.astimezone(LOCAL_ZONE).strftime("%Y-%m-%dT%H:%M")
    at_creation = auditor.get(f"/audit/projects/{project}", params={"at": moment})
    assert at_creation.status_code == 200 and AIM_AMOUNT not in at_creation.text
    assert "Hvad der er ændret siden" not in first.text and "?version=2" in first.text and "?version=0" not in first.text


def test_a_replayed_version_shows_what_changed_since_the_version_before(sqlite_site: Site) -> None:
    site, project = sqlite_site, sqlite_site.active.project
    aim_set = next(e.originator_version for e in site.app.events.get(project) if type(e).__name__ == "AimSet")
    page = site.client("auditor").get(f"/audit/projects/{project}", params={"version": str(aim_set)}).text
    since = page.split(f"Hvad der er ændret siden version {aim_set - 1}", 1)[1].split("</section>", 1)[0]
    assert AIM_AMOUNT in since and "Mål" in since  # the aim, before → after
    assert f"?version={aim_set - 1}" in page and f"?version={aim_set + 1}" in page


def test_a_replay_asked_for_wrongly_says_which_field_and_why(sqlite_site: Site) -> None:
    site, project = sqlite_site, sqlite_site.active.project
    auditor = site.client("auditor")
    head = site.app.load(ImprovementProject, project).version
    for params, field in (({"version": "0"}, "version"), ({"version": str(head + 1)}, "version"),
                          ({"version": "sidste"}, "version"), ({"at": "i går"}, "at"),
                          ({"at": "2034-12-04T07:00", "version": "1"}, "at")):
        answer = auditor.get(f"/audit/projects/{project}", params=params)
        assert answer.status_code == 422 and field in answer.text, (params, answer.text[:300])
        assert "Traceback" not in answer.text
    before = auditor.get(f"/audit/projects/{project}", params={"at": "1999-01-01T00:00"})
    assert before.status_code == 404  # the project did not exist yet
    assert auditor.get(f"/audit/projects/{UUID(int=5)}").status_code == 404


def test_what_a_sponsor_signed_and_what_changed_since(sqlite_site: Site) -> None:
    site = sqlite_site
    auditor = site.client("auditor")
    signed = auditor.get(f"/audit/signoffs/{site.active.charter_signoff}")
    assert signed.status_code == 200 and AIM_AMOUNT in signed.text
    assert "Projektet, som sponsoren afgjorde det" in signed.text and "Ændret siden" in signed.text
    assert "PDSA-cyklusser" in signed.text  # the cycle planned after the approval is among the changes since
    waiting = auditor.get(f"/audit/signoffs/{site.pending_signoff}")
    assert waiting.status_code == 200 and "Ikke afgjort" in waiting.text


def test_verification_says_whether_the_history_holds(sqlite_url: str, sqlite_site: Site) -> None:
    site = sqlite_site
    holds = site.client("auditor").get("/audit/verify")
    assert holds.status_code == 200 and "Historikken holder." in holds.text
    database = Database(sqlite_url)
    middle = site.events() // 2
    row = database.row(middle)
    database.put(middle, (*row[:3], bytes(row[3]).replace(b":", b": ", 1)))  # the same JSON, other bytes
    broken = site.client("auditor").get("/audit/verify")
    assert broken.status_code == 200 and "Historikken holder ikke." in broken.text and f"position {middle}" in broken.text


def test_a_download_of_the_history_is_recorded_before_it_leaves(sqlite_site: Site) -> None:
    site, project = sqlite_site, sqlite_site.active.project
    auditor = site.client("auditor")
    page = auditor.get(f"/audit/projects/{project}").text
    before = site.events()
    answer = auditor.post(f"/audit/projects/{project}/export",
                          data={"csrf": csrf_of(page), "format": "csv", "language": "en"})
    assert answer.status_code == 200, answer.text[:300]
    assert answer.headers["content-disposition"].startswith(f'attachment; filename="pdsa-history-{project}.csv"')
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert rows and all(row["project_id"] in (str(project), "") for row in rows)
    assert any(row["event"] == "ImprovementProject.Created" for row in rows)
    record = site.app.load(AuditRecord, UUID(answer.headers["x-pdsa-export-record"]))
    assert record.project_id == project and record.format == "csv"
    assert site.events() == before + 1  # the record, and nothing else

    report = auditor.post(f"/audit/projects/{project}/export", data={"csrf": csrf_of(page), "format": "html"})
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in report.headers["content-security-policy"]  # a document, not a page that runs


def test_a_download_without_its_token_or_in_no_format_is_refused_and_nothing_recorded(sqlite_site: Site) -> None:
    site, project = sqlite_site, sqlite_site.active.project
    auditor = site.client("auditor")
    page = auditor.get(f"/audit/projects/{project}").text
    before = site.events()
    assert auditor.post(f"/audit/projects/{project}/export", data={"format": "csv"}).status_code == 403
    wrong = auditor.post(f"/audit/projects/{project}/export", data={"csrf": csrf_of(page), "format": "pdf"})
    assert wrong.status_code == 422 and "<strong>Format</strong>" in wrong.text
    assert site.events() == before


def test_only_auditors_and_administrators_open_the_audit_pages(sqlite_site: Site) -> None:
    site = sqlite_site
    paths = [f"/audit/projects/{site.active.project}", f"/audit/signoffs/{site.active.charter_signoff}",
             "/audit/verify", f"/audit/projects/{UUID(int=5)}"]
    for role in ("participant", "sponsor", "coach", "other_participant", "other_sponsor"):
        for path in paths:
            assert site.client(role).get(path).status_code == 403, (role, path)
        refused = site.client(role).post(f"/audit/projects/{site.active.project}/export",
                                         data={"csrf": site.csrf(role), "format": "csv"})
        assert refused.status_code == 403, role
    assert site.client("administrator").get(paths[0]).status_code == 200
    nobody = site.anonymous().get(paths[0])
    assert nobody.status_code == 303 and nobody.headers["location"].startswith("/login")


def test_the_api_gives_the_audit_s_reads_as_the_cli_does(sqlite_site: Site) -> None:
    site, project = sqlite_site, sqlite_site.active.project
    auditor = site.client("auditor")
    first = auditor.get(f"/api/v1/projects/{project}/replay", params={"version": "1"}).json()
    assert first["version"] == 1 and first["aim"] is None and first["status"] == "draft"
    signed = auditor.get(f"/api/v1/signoffs/{site.active.charter_signoff}/signed").json()
    assert signed["decided"] is True and signed["project"]["aim"]["how_much"] == AIM_AMOUNT
    verified = auditor.get("/api/v1/audit/verify").json()
    assert verified["holds"] is True and verified["events"] == site.events() and verified["problem"] is None
    log = auditor.get("/api/v1/audit/log", params={"project": str(project)}).json()
    assert log and {line["project_id"] for line in log} == {str(project)}
    later = auditor.get("/api/v1/audit/log", params={"project": str(project), "after": log[2]["position"]}).json()
    assert later == log[3:]
    bad = auditor.get(f"/api/v1/projects/{project}/replay", params={"version": "0"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "version"
    for path in (f"/api/v1/projects/{project}/replay", "/api/v1/audit/verify", "/api/v1/audit/log"):
        assert site.client("participant").get(path).status_code == 403
        assert site.anonymous().get(path).status_code == 401


def test_a_replays_changes_name_what_their_ids_are_and_write_days_as_the_reader_does(sqlite_site: Site) -> None:
    site, project = sqlite_site, sqlite_site.active.project
    planned = next(e.originator_version for e in site.app.events.get(project) if type(e).__name__ == "CycleOpened")
    page = site.client("auditor").get(f"/audit/projects/{project}", params={"version": str(planned)}).text
    since = page.split(f"Hvad der er ændret siden version {planned - 1}", 1)[1].split("</section>", 1)[0]
    assert "Afprøve idéen på ét afsnit" in since  # the cycle by its objective, not its id
    assert str(site.cycle) not in since and str(site.active.change_idea) not in since
    assert "1. februar 2031" in since and "2031-02-01" not in since  # the plan's start
