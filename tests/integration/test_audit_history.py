"""The audit log, what was signed, and exports, on SQLite and PostgreSQL: each is read from the stored events
through the real application, views and files."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest

from pdsa_engine.application import PdsaApplication as A
from pdsa_engine.audit.log import LogFilter, parse_moment
from pdsa_engine.audit.service import Audit
from pdsa_engine.commands import cycles, parse, projects, signoffs
from pdsa_engine.errors import InvalidInput, PermissionDenied
from pdsa_engine.runtime import open_projections
from tests.builders import (
    ADMIN,
    AUDITOR,
    OTHER_SPONSOR,
    PARTICIPANT,
    SPONSOR,
    ActiveProject,
    Programme,
    database_app,
    settings_for,
)


class History:
    """An active project with a correction, a reassigned sponsor, a withdrawn sign-off and a cancelled cycle."""

    def __init__(self, url: str) -> None:
        self.app = database_app(url)
        self.programme = Programme(self.app).people()
        self.active: ActiveProject = self.programme.active_project()
        settings = settings_for(url)
        self.audit = Audit(self.app, settings, open_projections(self.app, settings))

    def run(self, actor: str, method: Any, model: Any, **fields: Any) -> Any:
        return self.programme.run(actor, method, model, **fields)

    def log(self, language: str = "en", **chosen: Any) -> list[dict[str, Any]]:
        self.audit.projections.catch_up()  # type: ignore[union-attr]
        return self.audit.log(AUDITOR, LogFilter(**chosen), language)

    def eventful(self) -> History:
        measure, project = self.active.measure, self.active.project
        self.run(PARTICIPANT, A.record_data, projects.RecordData, measure=measure, period="2031-W05", value="4")
        self.run(PARTICIPANT, A.correct_data, projects.CorrectData, measure=measure, period="2031-W05", value="5",
                 reason="Tastefejl i ugeskemaet")
        self.run(ADMIN, A.reassign, projects.Reassign, project=project, sponsor=OTHER_SPONSOR,
                 reason="Ny afdelingsledelse")
        closure = self.run(PARTICIPANT, A.request_closure, projects.RequestClosure, project=project,
                           outcome="sustained")
        self.run(PARTICIPANT, A.withdraw_signoff, signoffs.WithdrawSignOff, signoff=closure)
        cycle = self.programme.plan(project, self.active.change_idea, measure=measure)
        self.run(PARTICIPANT, A.cancel_cycle, cycles.CancelCycle, cycle=cycle, reason="Afsnittet blev lukket")
        return self


def one(lines: list[dict[str, Any]], event: str) -> dict[str, Any]:
    found = [line for line in lines if line["event"] == event]
    assert len(found) == 1, f"{event}: {len(found)} lines"
    return found[0]


def change(line: dict[str, Any], ending: str) -> tuple[str | None, str | None]:
    (found,) = [c for c in line["changes"] if c["field"].endswith(ending)]
    return found["old"], found["new"]


def test_corrections_reassignments_withdrawals_and_cancellations_are_plain_to_see(database_url: str) -> None:
    history = History(database_url).eventful()
    lines = history.log(project=str(history.active.project))

    corrected = one(lines, "MeasureSeries.PointCorrected")
    assert corrected["reason"] == "Tastefejl i ugeskemaet"
    assert change(corrected, "2031-W05.value") == ("4", "5") and corrected["what"] == "corrected 2031-W05 to 5"
    assert corrected["who"]["name"] == "Per Participant" and corrected["role"] == "participant"
    assert one(lines, "MeasureSeries.PointRecorded")["changes"], "the original stays in the history"

    reassigned = one(lines, "ImprovementProject.SponsorReassigned")
    assert (reassigned["who"]["name"], reassigned["role"]) == ("Ada Admin", "administrator")
    assert reassigned["reason"] == "Ny afdelingsledelse"
    assert change(reassigned, "sponsor_id") == ("Sus Sponsor", "Sven Sponsor"), "names, read when the log is read"
    assert reassigned["what"] == "made Sven Sponsor the sponsor"

    withdrawn = one(lines, "SignOff.Withdrawn")
    assert change(withdrawn, "status") == ("requested", "withdrawn")
    cancelled = one(lines, "PDSACycle.Cancelled")
    assert cancelled["reason"] == "Afsnittet blev lukket" and change(cancelled, "phase") == ("plan", "cancelled")
    assert [line["position"] for line in lines] == sorted(line["position"] for line in lines)
    assert all(line["project_id"] == str(history.active.project) for line in lines)


def test_the_log_filters_by_project_person_type_and_time_and_speaks_danish(database_url: str) -> None:
    history = History(database_url).eventful()
    everything = history.log()
    assert len(everything) == history.app.recorder.max_notification_id()
    by_type = history.log(event="ImprovementProject.SponsorReassigned")
    assert [line["event"] for line in by_type] == ["ImprovementProject.SponsorReassigned"]

    sponsor = history.app.person(OTHER_SPONSOR)
    about_sven = history.log(person=OTHER_SPONSOR)
    assert {line["event"] for line in about_sven} >= {"Person.Registered", "ImprovementProject.SponsorReassigned",
                                                       "SignOff.Requested"}
    assert all(str(sponsor.id) in json.dumps(line) or line["who"]["id"] == str(sponsor.id)
               or "Sven Sponsor" in json.dumps(line, ensure_ascii=False) for line in about_sven)

    middle = everything[len(everything) // 2]
    since = parse_moment("since", middle["at"])
    later = history.log(since=since)
    assert later[0]["position"] <= middle["position"] and all(
        parse_moment("at", line["at"]) >= since for line in later)
    window = history.log(since=since, until=since + timedelta(minutes=1))
    assert window and all(since <= parse_moment("at", line["at"]) <= since + timedelta(minutes=1) for line in window)
    assert history.log(until=since - timedelta(days=3650)) == []

    danish = history.log("da", event="MeasureSeries.PointCorrected")
    assert danish[0]["what"] == "rettede 2031-W05 til 5"
    assert one(history.log("da"), "SignOff.Withdrawn")["what"] == "trak anmodningen om godkendelse tilbage"


def test_only_auditors_and_administrators_read_the_audit(sqlite_url: str) -> None:
    history = History(sqlite_url)
    for reader in (PARTICIPANT, SPONSOR):
        with pytest.raises(PermissionDenied):
            history.audit.log(reader, LogFilter())
        with pytest.raises(PermissionDenied):
            history.audit.replay(reader, history.active.project)
    assert history.audit.log(ADMIN, LogFilter())


def test_what_the_sponsor_signed_and_what_changed_around_it(database_url: str) -> None:
    history = History(database_url)
    project, measure = history.active.project, history.active.measure
    history.run(PARTICIPANT, A.set_aim, projects.SetAim, project=project, what="Færre dage", how_much="50 %",
                by="2031-11-30")
    scale_up_cycle = history.programme.plan(project, history.active.change_idea, measure=measure)
    history.programme.complete(scale_up_cycle, "adopt")
    request = history.run(PARTICIPANT, A.request_scale_up, projects.RequestScaleUp, project=project,
                          cycle=scale_up_cycle)
    history.run(PARTICIPANT, A.record_data, projects.RecordData, measure=measure, period="2031-W07", value="3")
    history.programme.decide(request, "approved")
    history.run(PARTICIPANT, A.set_aim, projects.SetAim, project=project, what="Færre dage", how_much="60 %",
                by="2031-11-30")

    signed = history.audit.signoff(AUDITOR, request)
    decided_on = signed["signoff"]["decided_on_project_version"]
    assert signed["decided"] and signed["project"]["version"] == decided_on
    assert signed["project"]["aim"]["how_much"] == "50 %", "the aim as it stood when the sponsor decided"
    assert signed["project"]["data"][str(measure)][-1]["period"] == "2031-W07", "data the sponsor could see"
    between = {c["field"] for c in signed["changed_between_request_and_decision"]}
    assert any(field.endswith("2031-W07.value") for field in between)
    since = {c["field"]: c for c in signed["changed_since"]}
    assert (since["aim.how_much"]["old"], since["aim.how_much"]["new"]) == ("50 %", "60 %")

    charter = history.audit.signoff(AUDITOR, history.active.charter_signoff)
    assert charter["project"]["status"] == "charter_submitted" and charter["signoff"]["status"] == "approved"


def _periods(state: dict[str, Any], measure: Any) -> list[str]:
    return [point["period"] for point in state["project"]["data"][str(measure)]]


def test_a_request_is_the_project_at_its_version_with_the_data_of_its_moment(database_url: str) -> None:
    history = History(database_url)
    project, measure = history.active.project, history.active.measure
    cycle = history.programme.plan(project, history.active.change_idea, measure=measure)
    history.programme.complete(cycle, "adopt")
    history.run(PARTICIPANT, A.record_data, projects.RecordData, measure=measure, period="2031-W06", value="2")
    request = history.run(PARTICIPANT, A.request_scale_up, projects.RequestScaleUp, project=project, cycle=cycle)
    # In the same moment as the request, but on a later version of the project: not what the sponsor was asked.
    history.app.set_aim(PARTICIPANT, parse(projects.SetAim, {"project": project, "what": "Færre dage",
                                                              "how_much": "70 %", "by": "2031-11-30"}))
    history.run(PARTICIPANT, A.record_data, projects.RecordData, measure=measure, period="2031-W07", value="3")
    history.programme.decide(request, "approved")

    signed = history.audit.signoff(AUDITOR, request)
    assert signed["project"]["aim"]["how_much"] == "70 %" and _periods(signed, measure)[-2:] == ["2031-W06", "2031-W07"]
    between = {c["field"]: c for c in signed["changed_between_request_and_decision"]}
    assert between["aim.how_much"]["new"] == "70 %" and between["aim.how_much"]["old"] != "70 %"
    assert any(field.endswith("2031-W07.value") for field in between), "recorded after the request"
    assert not any("2031-W06" in field for field in between), "recorded before the request"
    assert not [f for f in between if f.endswith(".version")], "version counters are not changes"
    assert any(f.endswith(".decided_on_project_version") for f in between), "a field named so is compared"
    assert not [c["field"] for c in signed["changed_since"] if c["field"].endswith(".version")]


def test_an_undecided_or_withdrawn_request_shows_what_was_asked_and_nothing_decided(database_url: str) -> None:
    history = History(database_url)
    project, measure = history.active.project, history.active.measure
    closure = history.run(PARTICIPANT, A.request_closure, projects.RequestClosure, project=project,
                          outcome="sustained")
    history.run(PARTICIPANT, A.record_data, projects.RecordData, measure=measure, period="2031-W07", value="3")

    pending = history.audit.signoff(AUDITOR, closure)
    asked_on = pending["signoff"]["requested_on_project_version"]
    assert not pending["decided"] and pending["changed_between_request_and_decision"] is None
    assert pending["project"]["version"] == asked_on and "2031-W07" not in _periods(pending, measure)
    assert any(c["field"].endswith("2031-W07.value") for c in pending["changed_since"])

    history.run(PARTICIPANT, A.withdraw_signoff, signoffs.WithdrawSignOff, signoff=closure)
    history.run(PARTICIPANT, A.record_data, projects.RecordData, measure=measure, period="2031-W08", value="4")
    withdrawn = history.audit.signoff(AUDITOR, closure)
    assert withdrawn["signoff"]["status"] == "withdrawn" and not withdrawn["decided"]
    assert withdrawn["changed_between_request_and_decision"] is None
    assert withdrawn["project"] == pending["project"], "what the sponsor was asked to sign"
    assert [s["status"] for s in withdrawn["project"]["signoffs"] if s["id"] == closure] == ["requested"]
    changed = {c["field"] for c in withdrawn["changed_since"]}
    assert any(f.endswith("2031-W07.value") for f in changed) and any(f.endswith("2031-W08.value") for f in changed)
    assert not [f for f in changed if f.endswith(".version")]


def test_exports_in_three_formats_are_recorded(database_url: str, tmp_path: Path) -> None:
    history = History(database_url).eventful()
    project = history.active.project
    lines = history.log(project=str(project))
    written = {}
    for format in ("jsonl", "csv", "html"):
        path = tmp_path / f"history.{format}"
        done = history.audit.export(AUDITOR, project, format, path, language="en")
        written[format] = path.read_text(encoding="utf-8")
        assert done["path"] == str(path)

    exported = [json.loads(line) for line in written["jsonl"].splitlines()]
    assert [e["position"] for e in exported] == [line["position"] for line in lines]
    assert one(exported, "MeasureSeries.PointCorrected")["reason"] == "Tastefejl i ugeskemaet"
    rows = list(csv.DictReader(io.StringIO(written["csv"])))
    assert len(rows) == len(lines) + 1, "the csv export came after the jsonl export, which is itself recorded"
    corrected = next(row for row in rows if row["event"] == "MeasureSeries.PointCorrected")
    assert "2031-W05.value: 4 → 5" in corrected["changes"]
    html = written["html"]
    assert "The stored history holds" in html and "Tastefejl i ugeskemaet" in html and "<script" not in html
    assert "Sus Sponsor" in html and "Afsnittet blev lukket" in html

    records = history.log(event="AuditRecord.Exported")
    assert [(r["who"]["name"], r["role"], r["project_id"]) for r in records] == [
        ("Aud Auditor", "auditor", str(project))] * 3
    assert [r["what"] for r in records] == [f"exported the history of a project as {f}" for f in
                                            ("jsonl", "csv", "html")]


def test_an_export_refuses_to_overwrite_and_records_nothing_it_did_not_write(sqlite_url: str,
                                                                             tmp_path: Path) -> None:
    history = History(sqlite_url)
    project = history.active.project
    taken = tmp_path / "taken.html"
    taken.write_text("the auditor's notes")
    before = history.app.recorder.max_notification_id()
    with pytest.raises(InvalidInput) as refused:
        history.audit.export(AUDITOR, project, "html", taken)
    assert refused.value.field == "out" and "--force" in refused.value.message
    with pytest.raises(PermissionDenied):
        history.audit.export(PARTICIPANT, project, "jsonl", tmp_path / "mine.jsonl")
    assert taken.read_text() == "the auditor's notes" and not (tmp_path / "mine.jsonl").exists()
    assert history.app.recorder.max_notification_id() == before
    history.audit.export(AUDITOR, project, "html", taken, replace_file=True)
    assert "<!DOCTYPE html>" in taken.read_text() and history.app.recorder.max_notification_id() == before + 1


def test_replay_reads_the_short_histories_of_a_project_together_exactly_as_one_by_one(database_url: str) -> None:
    history = History(database_url).eventful()
    project = history.app.repository.get(history.active.project)
    owned = [*project.cycles, *project.signoff_ids]
    unknown = uuid4()

    together = history.app.recorder.select_histories([*owned, unknown])  # type: ignore[attr-defined]

    assert len(owned) >= 3
    assert together.keys() == set(owned)
    for aggregate_id in owned:
        assert together[aggregate_id] == history.app.recorder.select_events(aggregate_id)


def test_the_engines_own_acts_read_as_done_by_the_engine_and_a_missing_person_as_unknown(sqlite_url: str) -> None:
    from pdsa_engine.aggregates.values import SYSTEM_ACTOR
    from pdsa_engine.names import SYSTEM_NAME, PersonNames

    history = History(sqlite_url)
    names = PersonNames(history.app)
    assert names(SYSTEM_ACTOR.person_id) == SYSTEM_NAME == "pdsa-engine"
    nobody = uuid4()
    assert names(str(nobody)) == f"(unknown person {nobody})"
