"""The `pdsa` command line: names, options, JSON output and exit codes are a public contract."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from uuid import UUID

import pytest

from tests.support.cli import Pdsa

ADMIN, PARTICIPANT, SPONSOR, COACH = "ada@example.dk", "per@example.dk", "sus@example.dk", "kim@example.dk"


def created(result: object) -> str:
    assert result.code == 0, result.err  # type: ignore[attr-defined]
    return str(UUID(result.json["id"]))  # type: ignore[attr-defined]


def test_the_first_person_needs_no_actor_everyone_after_does(pdsa: Pdsa) -> None:
    first = pdsa("person", "add", "--name", "Ada", "--email", ADMIN, "--role", "administrator", "--json")
    assert first.code == 0 and UUID(first.json["id"])
    second = pdsa("person", "add", "--name", "Eve", "--email", "eve@example.dk", "--role", "coach", "--json")
    assert second.code == 3
    assert second.json["error"]["code"] == "permission_denied" and "--as" in second.err


def test_the_actor_may_come_from_pdsa_actor(people: Pdsa, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PDSA_ACTOR", ADMIN)
    assert people("cohort", "create", "--name", "H", "--start", "2031-01-01", "--end", "2031-06-01").code == 0


def test_a_cycle_goes_plan_do_study_act_and_show_reports_its_phase(pdsa: Pdsa, project: tuple[str, str, str]) -> None:
    project_id, measure, idea = project
    me = ("--as", PARTICIPANT)
    cycle = created(pdsa(*me, "cycle", "plan", project_id, "--change-idea", idea, "--objective", "Afprøv",
                         "--prediction", "Færre dage", "--prediction", "Ingen klager", "--measure", measure,
                         "--start", "2031-02-01", "--end", "2031-02-14", "--json"))
    skipped = pdsa(*me, "cycle", "study", cycle, "--findings", "x", "--json")
    assert skipped.code == 3 and "Do comes next" in skipped.json["error"]["message"]
    assert pdsa(*me, "cycle", "do", cycle, "--observations", "Gjort").code == 0
    assert pdsa(*me, "cycle", "amend", cycle, "--problems", "En sygemelding").code == 0
    assert pdsa(*me, "cycle", "amend", cycle, "--objective", "Omskrevet").code == 3
    assert pdsa(*me, "cycle", "study", cycle, "--findings", "Virkede").code == 0
    assert pdsa(*me, "cycle", "act", cycle, "--decision", "adapt").code == 0
    shown = pdsa(*me, "project", "show", project_id, "--json").json
    assert shown["id"] == project_id and shown["status"] == "active" and isinstance(shown["version"], int)
    assert shown["cycles"] == [{**shown["cycles"][0], "id": cycle, "phase": "closed", "decision": "adapt"}]
    again = pdsa(*me, "cycle", "plan", project_id, "--change-idea", idea, "--objective", "Igen", "--prediction",
                 "p", "--start", "2031-03-01", "--end", "2031-03-14")
    assert again.code == 3 and "--continues" in again.err
    ramp = pdsa(*me, "cycle", "plan", project_id, "--change-idea", idea, "--objective", "Igen", "--prediction", "p",
                "--start", "2031-03-01", "--end", "2031-03-14", "--continues", cycle, "--json")
    assert ramp.code == 0
    assert pdsa(*me, "cycle", "show", ramp.json["id"], "--json").json["continues"] == cycle


def test_bad_input_names_the_field_and_the_rule_and_exits_2(pdsa: Pdsa, project: tuple[str, str, str]) -> None:
    project_id, measure, _ = project
    me = ("--as", PARTICIPANT)
    cases = [
        (("project", "progress", project_id, "--score", "3.7"), "score", "steps of 0.5"),
        (("project", "measure", "add", project_id, "--name", "X", "--kind", "outcome", "--chart", "xbar",
          "--definition", "d", "--frequency", "week", "--direction", "up"), "chart", "'run'"),
        (("project", "aim", project_id, "--what", "w", "--how-much", "h", "--by", "2031-13-01"), "by", "YYYY-MM-DD"),
        (("project", "aim", project_id, "--what", "", "--how-much", "h", "--by", "2031-10-01"), "what", "at least 1"),
        (("project", "measure", "record", measure, "--period", "2031-02", "--value", "3"), "period", "2031-W05"),
        (("project", "aim", project_id, "--how-much", "h", "--by", "2031-10-01"), "what", "Missing option"),
        (("cycle", "do", "not-an-id", "--observations", "x"), "cycle", "must be an id"),
    ]
    before = pdsa("--as", ADMIN, "project", "show", project_id, "--json").json["version"]
    for args, field, rule in cases:
        result = pdsa(*me, *args, "--json")
        assert result.code == 2, (args, result.err)
        assert result.json["error"]["field"] == field and rule in result.json["error"]["message"], result.json
        assert result.err.startswith("error: ")
    assert pdsa("--as", ADMIN, "project", "show", project_id, "--json").json["version"] == before


def test_a_cpr_number_is_refused_with_the_reason(pdsa: Pdsa, project: tuple[str, str, str]) -> None:
    project_id, _, idea = project
    result = pdsa("--as", PARTICIPANT, "cycle", "plan", project_id, "--change-idea", idea, "--objective",
                  "Følg patient 0707551234 tæt", "--prediction", "p", "--start", "2031-02-01", "--end", "2031-02-02",
                  "--json")
    assert result.code == 2
    assert result.json["error"]["field"] == "objective"
    assert "patient identifiers do not belong" in result.json["error"]["message"]
    assert pdsa("--as", PARTICIPANT, "project", "show", project_id, "--json").json["cycles"] == []


def test_decimal_commas_are_accepted(pdsa: Pdsa, project: tuple[str, str, str]) -> None:
    project_id, measure, _ = project
    assert pdsa("--as", PARTICIPANT, "project", "measure", "record", measure, "--period", "2031-W05", "--value",
                "3,5").code == 0
    assert pdsa("--as", PARTICIPANT, "project", "progress", project_id, "--score", "2,5").code == 0
    points = pdsa("--as", PARTICIPANT, "project", "measure", "show", measure, "--json").json["points"]
    assert points == [{"period": "2031-W05", "value": 3.5, "n": None, "corrections": 0}]


def test_unknown_ids_exit_4_and_permissions_exit_3(pdsa: Pdsa, project: tuple[str, str, str]) -> None:
    project_id, _, _ = project
    missing = pdsa("--as", PARTICIPANT, "cycle", "show", str(UUID(int=1)), "--json")
    assert missing.code == 4 and missing.json["error"]["code"] == "not_found"
    assert pdsa("--as", "nobody@example.dk", "project", "show", project_id).code == 4
    denied = pdsa("--as", COACH, "project", "aim", project_id, "--what", "w", "--how-much", "h", "--by", "2031-10-01")
    assert denied.code == 3 and "participant role" in denied.err
    assert pdsa("--as", COACH, "project", "show", project_id).code == 0


def test_a_csv_import_enrols_all_rows_or_none(people: Pdsa, tmp_path: Path) -> None:
    pdsa = people
    cohort = created(pdsa("--as", ADMIN, "cohort", "create", "--name", "H", "--start", "2031-01-10", "--end",
                          "2031-12-10", "--json"))
    good = "email;name;organisation;region;sector\nny@example.dk;Ny Person;OUH;Syddanmark;regional\n"
    bad_rows = good + "mangler@example.dk;;OUH;Syddanmark;regional\n" + f"{SPONSOR};;OUH;Syddanmark;regional\n" + \
        "x@example.dk;X;OUH;Sydjylland;regional\n"
    (tmp_path / "bad.csv").write_text(bad_rows, encoding="utf-8")
    (tmp_path / "good.csv").write_text(good, encoding="utf-8")
    refused = pdsa("--as", ADMIN, "cohort", "import", cohort, "--csv", str(tmp_path / "bad.csv"), "--json")
    assert refused.code == 2
    message = refused.json["error"]["message"]
    assert "line 3: name:" in message and "line 4: " + SPONSOR in message and "line 5: region:" in message
    assert "line 2" not in message
    overview = pdsa("--as", ADMIN, "cohort", "show", cohort, "--json").json
    assert overview["enrolments"] == []
    assert pdsa("--as", ADMIN, "person", "show", "ny@example.dk").code == 4
    assert pdsa("--as", ADMIN, "cohort", "import", cohort, "--csv", str(tmp_path / "good.csv")).code == 0
    assert len(pdsa("--as", ADMIN, "cohort", "show", cohort, "--json").json["enrolments"]) == 1


def test_a_signoff_shows_the_versions_it_was_requested_and_decided_on(pdsa: Pdsa, project: tuple[str, str, str]) -> None:
    project_id, _, _ = project
    signoffs = pdsa("--as", SPONSOR, "project", "show", project_id, "--json").json["signoffs"]
    shown = pdsa("--as", SPONSOR, "signoff", "show", signoffs[0]["id"], "--json").json
    assert shown["status"] == "approved"
    assert shown["requested_on_project_version"] <= shown["decided_on_project_version"]
    declined = pdsa("--as", SPONSOR, "signoff", "decline", signoffs[0]["id"], "--json")
    assert declined.code == 2 and declined.json["error"]["field"] == "comment"


def test_help_lists_the_commands() -> None:
    done = subprocess.run([Path(sys.executable).parent / "pdsa", "--help"], capture_output=True, text=True)
    assert done.returncode == 0
    for group in ("person", "cohort", "project", "cycle", "signoff", "init", "demo", "run"):
        assert group in done.stdout


def test_the_console_script_is_the_entry_point(tmp_path: Path) -> None:
    env = {**os.environ, "PDSA_DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}",
           "PDSA_AUDIT_KEY": str(tmp_path / "keys" / "audit.pem")}
    script = Path(sys.executable).parent / "pdsa"
    first = subprocess.run([script, "person", "add", "--name", "A", "--email", ADMIN, "--role", "administrator",
                            "--json"], capture_output=True, text=True, env=env)
    assert first.returncode == 0 and UUID(__import__("json").loads(first.stdout)["id"])
    duplicate = subprocess.run([script, "--as", ADMIN, "person", "add", "--name", "B", "--email", ADMIN.upper(),
                                "--role", "coach"], capture_output=True, text=True, env=env)
    assert duplicate.returncode == 3 and "already belongs" in duplicate.stderr


def test_every_other_command_is_wired_to_its_rule(pdsa: Pdsa, project: tuple[str, str, str]) -> None:
    project_id, measure, idea = project
    me, admin = ("--as", PARTICIPANT), ("--as", ADMIN)
    cohort = pdsa(*admin, "project", "show", project_id, "--json").json["cohort_id"]
    ok = [
        (*admin, "cohort", "schedule", cohort, "--module", "kickoff", "--date", "2031-01-10"),
        (*admin, "cohort", "quota", cohort, "--region", "Region Midtjylland", "--sector", "general_practice",
         "--seats", "2"),
        (*admin, "person", "add", "--name", "Sven", "--email", "sven@example.dk", "--role", "sponsor"),
        (*admin, "person", "grant", COACH, "--role", "auditor"),
        (*admin, "project", "reassign", project_id, "--coach", COACH, "--reason", "x"),
        (*me, "project", "measure", "update", measure, "--target", "30"),
        (*me, "project", "measure", "record", measure, "--period", "2031-W06", "--value", "41"),
        (*me, "project", "measure", "correct", measure, "--period", "2031-W06", "--value", "40", "--reason", "Tastefejl"),
        (*me, "project", "progress", project_id, "--score", "2", "--date", "2031-03-01"),
        (*me, "project", "meeting", project_id, "--kind", "coaching", "--date", "2031-03-02", "--attendee",
         PARTICIPANT, "--attendee", COACH),
        (*admin, "project", "reassign", project_id, "--sponsor", "sven@example.dk", "--reason", "Ny stilling"),
    ]
    for args in ok[:4] + ok[5:]:
        result = pdsa(*args)
        assert result.code == 0, (args, result.err)
    assert pdsa(*ok[4]).code == 3  # the same coach again is refused
    tree = pdsa(*me, "project", "show", project_id, "--json").json["driver_diagram"]
    primary = tree[0]["id"]
    second_primary = created(pdsa(*me, "project", "driver", "add", project_id, "--primary", "Sikkerhed", "--json"))
    secondary = created(pdsa(*me, "project", "driver", "add", project_id, "--secondary", "Tjek", "--under",
                             second_primary, "--json"))
    spare = created(pdsa(*me, "project", "driver", "add", project_id, "--change-idea", "Tjekliste", "--under",
                         secondary, "--json"))
    assert pdsa(*me, "project", "driver", "rename", project_id, "--node", spare, "--text", "Kort tjekliste").code == 0
    assert pdsa(*me, "project", "driver", "move", project_id, "--node", secondary, "--under", primary).code == 0
    assert pdsa(*me, "project", "driver", "remove", project_id, "--node", second_primary).code == 0
    assert pdsa(*me, "project", "driver", "remove", project_id, "--node", secondary).code == 3  # not empty
    cycle = created(pdsa(*me, "cycle", "plan", project_id, "--change-idea", spare, "--objective", "o", "--prediction",
                         "p", "--start", "2031-03-01", "--end", "2031-03-10", "--json"))
    assert pdsa(*me, "cycle", "cancel", cycle, "--reason", "Afdelingen lukkede").code == 0
    tested = created(pdsa(*me, "cycle", "plan", project_id, "--change-idea", idea, "--objective", "o", "--prediction",
                          "p", "--start", "2031-03-01", "--end", "2031-03-10", "--json"))
    for step in (("do", "--observations", "x"), ("study", "--findings", "y"), ("act", "--decision", "adopt")):
        assert pdsa(*me, "cycle", step[0], tested, *step[1:]).code == 0
    scale_up = pdsa(*me, "project", "request-scale-up", project_id, "--cycle", tested, "--json").json
    assert scale_up["project_id"] == project_id
    assert pdsa("--as", "sven@example.dk", "signoff", "request-changes", scale_up["id"], "--comment", "Budget?").code == 0
    closure = pdsa(*me, "project", "request-closure", project_id, "--outcome", "spread", "--json").json["id"]
    assert pdsa(*me, "signoff", "withdraw", closure).code == 0
    assert pdsa("--as", "sven@example.dk", "signoff", "show", closure, "--json").json["status"] == "withdrawn"
    phases = {c["id"]: c["phase"] for c in pdsa(*me, "project", "show", project_id, "--json").json["cycles"]}
    assert phases == {cycle: "cancelled", tested: "closed"}
    assert pdsa(*admin, "cohort", "close", cohort).code == 0
    assert pdsa(*admin, "cohort", "list", "--json").json[0]["closed"] is True
