"""The lists people read before they act, short ids they can paste, and tables that are not cut in a pipe."""

from __future__ import annotations

from tests.cli.test_cli import ADMIN, COACH, PARTICIPANT, SPONSOR, created
from tests.support.cli import Pdsa


def test_people_are_listed_by_role_for_administrators_only(project: tuple[str, str, str], pdsa: Pdsa) -> None:
    everyone = pdsa("--as", ADMIN, "person", "list", "--json")
    assert everyone.code == 0 and sorted(p["email"] for p in everyone.json) == sorted([ADMIN, PARTICIPANT, SPONSOR,
                                                                                         COACH])
    sponsors = pdsa("--as", ADMIN, "person", "list", "--role", "sponsor", "--json").json
    assert [p["email"] for p in sponsors] == [SPONSOR]
    assert pdsa("--as", PARTICIPANT, "person", "list").code == 3


def test_projects_are_listed_all_for_administrators_and_ones_own_for_the_rest(project: tuple[str, str, str],
                                                                              pdsa: Pdsa) -> None:
    project_id, _, _ = project
    listed = pdsa("--as", ADMIN, "project", "list", "--json").json
    assert [(p["id"], p["status"], p["sponsor"]["name"]) for p in listed] == [(project_id, "active", "Sus S")]
    assert pdsa("--as", ADMIN, "project", "list", "--mine", "--json").json == []
    assert [p["id"] for p in pdsa("--as", SPONSOR, "project", "list", "--json").json] == [project_id]
    assert pdsa("--as", "kim@example.dk", "project", "list", "--mine", "--json").json[0]["id"] == project_id


def test_a_sponsor_sees_what_waits_for_them(project: tuple[str, str, str], pdsa: Pdsa) -> None:
    project_id, _, idea = project
    cycle = created(pdsa("--as", PARTICIPANT, "cycle", "plan", project_id, "--change-idea", idea, "--objective", "o",
                         "--prediction", "p", "--start", "2031-03-01", "--end", "2031-03-14", "--json"))
    for step, option, text in (("do", "--observations", "o"), ("study", "--findings", "f")):
        assert pdsa("--as", PARTICIPANT, "cycle", step, cycle, option, text).code == 0
    assert pdsa("--as", PARTICIPANT, "cycle", "act", cycle, "--decision", "adopt").code == 0
    request = created(pdsa("--as", PARTICIPANT, "project", "request-scale-up", project_id, "--cycle", cycle, "--json"))
    waiting = pdsa("--as", SPONSOR, "signoff", "list", "--mine", "--status", "requested", "--json").json
    assert [(s["id"], s["kind"]) for s in waiting] == [(request, "scale_up")]
    decided = pdsa("--as", SPONSOR, "signoff", "list", "--status", "approved", "--json").json
    assert [s["kind"] for s in decided] == ["charter"]


def test_any_unique_beginning_of_an_id_is_the_id(project: tuple[str, str, str], pdsa: Pdsa) -> None:
    project_id, measure, idea = project
    shown = pdsa("--as", ADMIN, "project", "show", project_id[:8], "--json")
    assert shown.code == 0 and shown.json["id"] == project_id
    planned = pdsa("--as", PARTICIPANT, "cycle", "plan", project_id[:6], "--change-idea", idea[:8], "--measure",
                   measure[:8], "--objective", "o", "--prediction", "p", "--start", "2031-03-01", "--end", "2031-03-14",
                   "--json")
    assert planned.code == 0, planned.err
    assert pdsa("--as", ADMIN, "cycle", "show", planned.json["id"][:8]).code == 0
    missing = pdsa("--as", ADMIN, "project", "show", "0000000", "--json")
    assert missing.code == 4 and missing.json["error"]["code"] == "not_found"
    assert pdsa("--as", ADMIN, "project", "show", "not-hex", "--json").json["error"]["field"] == "project"


def test_tables_show_short_ids_and_are_not_cut_in_a_pipe(project: tuple[str, str, str], pdsa: Pdsa) -> None:
    project_id, _, _ = project
    listed = pdsa("--as", ADMIN, "project", "list")
    assert project_id[:8] in listed.out and project_id not in listed.out
    assert "Færre færdigbehandlingsdage" in listed.out and "…" not in listed.out


def test_a_second_cohort_of_the_same_name_is_refused(people: Pdsa) -> None:
    pdsa = people
    create = ("--as", ADMIN, "cohort", "create", "--start", "2031-01-10", "--end", "2031-12-10", "--name")
    assert pdsa(*create, "Hold 2031").code == 0
    for same in ("Hold 2031", "hold  2031 ", "HOLD 2031"):
        again = pdsa(*create, same, "--json")
        assert again.code == 3 and "already exists" in again.err
    assert [c["name"] for c in pdsa("--as", ADMIN, "cohort", "list", "--json").json] == ["Hold 2031"]
