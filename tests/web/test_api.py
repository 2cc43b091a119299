"""The JSON API's contract: versions as ETags, decisions bound to the version seen, errors in one shape with the
status codes the README lists; and the pages' forms, which take the same paths and the same checks."""

from __future__ import annotations

import re

from pdsa_engine.application import PdsaApplication as A
from pdsa_engine.commands import projects
from pdsa_engine.web.commands import ROUTES
from tests.builders import OTHER_PARTICIPANT
from tests.web.site import Site, csrf_of


def _write(site: Site, role: str, path: str, body: dict, **headers: str):
    return site.client(role).post(f"/api/v1{path}", json=body, headers={"X-CSRF-Token": site.csrf(role), **headers})


def test_a_cycle_goes_through_its_phases_by_the_api_with_its_version_as_the_etag(site: Site) -> None:
    read = site.client("participant").get(f"/api/v1/cycles/{site.cycle}")
    assert read.status_code == 200 and read.headers["etag"] == f'"{read.json()["version"]}"'
    seen = read.headers["etag"]
    assert _write(site, "participant", f"/cycles/{site.cycle}/do", {"observations": "Gjort"},
                  **{"If-Match": seen}).status_code == 200
    stale = _write(site, "participant", f"/cycles/{site.cycle}/study", {"findings": "Lært"}, **{"If-Match": seen})
    assert stale.status_code == 412 and stale.json()["error"]["code"] == "stale"
    assert _write(site, "participant", f"/cycles/{site.cycle}/study", {"findings": "Lært"}).status_code == 200
    acted = _write(site, "participant", f"/cycles/{site.cycle}/act", {"decision": "adopt", "next_steps": "Udbred"})
    assert acted.status_code == 200
    assert site.client("participant").get(f"/api/v1/cycles/{site.cycle}").json()["phase"] == "closed"
    again = _write(site, "participant", f"/cycles/{site.cycle}/do", {"observations": "Igen"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "refused"


def test_planning_answers_201_with_where_the_cycle_is(sqlite_site: Site) -> None:
    site = sqlite_site
    made = _write(site, "participant", f"/projects/{site.active.project}/cycles", {
        "change_idea": str(site.active.other_change_idea), "objective": "Tavlemøde", "prediction": ["Færre dage"],
        "start": "2031-03-01", "end": "2031-03-14"})
    assert made.status_code == 201, made.text
    assert made.headers["location"] == f"/api/v1/cycles/{made.json()['id']}"
    assert site.client("participant").get(made.headers["location"]).json()["objective"] == "Tavlemøde"


def test_invalid_input_names_the_field_and_stores_nothing(sqlite_site: Site) -> None:
    site = sqlite_site
    before = site.events()
    for body, field in (({}, "observations"), ({"observations": "x", "extra": 1}, "extra"),
                        ({"observations": "cpr 010203-1234"}, "observations"), ({"observations": ""}, "observations")):
        answer = _write(site, "participant", f"/cycles/{site.cycle}/do", body)
        assert answer.status_code == 422, (body, answer.text)
        assert answer.json()["error"]["field"] == field, answer.json()
    not_json = site.client("participant").post(f"/api/v1/cycles/{site.cycle}/do", content=b"{oops",
                                                headers={"X-CSRF-Token": site.csrf("participant")})
    assert not_json.status_code == 422 and not_json.json()["error"]["field"] == "body"
    conflicting = _write(site, "participant", f"/cycles/{site.cycle}/do",
                         {"observations": "x", "cycle": str(site.active.project)})
    assert conflicting.status_code == 422 and conflicting.json()["error"]["field"] == "cycle"
    assert site.events() == before


def test_a_sign_off_is_decided_only_on_the_version_the_sponsor_saw(site: Site) -> None:
    path = f"/signoffs/{site.pending_signoff}"
    shown = site.client("other_sponsor").get(f"/api/v1{path}").json()
    assert shown["status"] == "requested"
    missing = _write(site, "other_sponsor", f"{path}/approve", {})
    assert missing.status_code == 428
    project = shown["project_id"]
    _meeting(site, project)
    stale = _write(site, "other_sponsor", f"{path}/approve", {"project_version": shown["project_version"]})
    assert stale.status_code == 412
    assert "meeting recorded" in stale.json()["error"]["message"]
    assert site.client("other_sponsor").get(f"/api/v1{path}").json()["status"] == "requested"
    fresh = site.client("other_sponsor").get(f"/api/v1{path}").json()["project_version"]
    by_header = _write(site, "other_sponsor", f"{path}/approve", {}, **{"If-Match": f'"{fresh}"'})
    assert by_header.status_code == 200, by_header.text
    decided = site.client("other_sponsor").get(f"/api/v1{path}").json()
    assert decided["status"] == "approved" and decided["decided_on_project_version"] == fresh


def _meeting(site: Site, project: str) -> None:
    """The project changes while its sponsor reads it: the participant records the start-up meeting."""
    site.programme.run(OTHER_PARTICIPANT, A.record_meeting, projects.RecordMeeting, project=project, kind="startup",
                       date="2031-01-20", attendee=[OTHER_PARTICIPANT])


def test_the_sign_off_page_decides_on_the_version_it_showed(sqlite_site: Site) -> None:
    site = sqlite_site
    sponsor = site.client("other_sponsor")
    page = sponsor.get(f"/signoffs/{site.pending_signoff}")
    assert page.status_code == 200 and "/request-changes" in page.text
    signoff = sponsor.get(f"/api/v1/signoffs/{site.pending_signoff}").json()
    _meeting(site, signoff["project_id"])
    version = str(signoff["project_version"])
    refused = sponsor.post(f"/signoffs/{site.pending_signoff}/decline",
                           data={"csrf": csrf_of(page.text), "project_version": version, "comment": "Nej"})
    assert refused.status_code == 412 and "møde registreret" in refused.text
    page = sponsor.get(f"/signoffs/{site.pending_signoff}")
    without_comment = sponsor.post(f"/signoffs/{site.pending_signoff}/decline",
                                   data={"csrf": csrf_of(page.text), "project_version": str(int(version) + 1)})
    assert without_comment.status_code == 422 and "<strong>Kommentar</strong>: skal udfyldes" in without_comment.text
    done = sponsor.post(f"/signoffs/{site.pending_signoff}/request-changes",
                        data={"csrf": csrf_of(page.text), "project_version": str(int(version) + 1),
                              "comment": "Skarpere mål"})
    assert done.status_code == 303 and done.headers["location"] == f"/signoffs/{site.pending_signoff}"
    after = sponsor.get(done.headers["location"]).text
    assert "Gemt." in after and "/request-changes" not in after  # decided: no form any more


def test_a_participant_takes_a_cycle_through_its_phases_by_the_pages_forms(sqlite_site: Site) -> None:
    site = sqlite_site
    browser = site.client("participant")
    project = browser.get(f"/projects/{site.active.project}")
    made = browser.post(f"/projects/{site.active.project}/cycles", data={
        "csrf": csrf_of(project.text), "change_idea": str(site.active.other_change_idea), "objective": "Tavlemøde",
        "prediction": "Færre dage\nKortere møder", "start": "2031-03-01", "end": "2031-03-14"})
    assert made.status_code == 303 and made.headers["location"].startswith("/cycles/")
    cycle = made.headers["location"]
    for action, fields in (("do", {"observations": "Gjort"}), ("study", {"findings": "Lært"}),
                           ("act", {"decision": "adapt"})):
        page = browser.get(cycle).text
        forms = [form for form in ("/do", "/study", "/act") if f'action="{cycle}{form}"' in page]
        assert forms == [f"/{action}"], f"the {action} page offers {forms}"  # only the phase's own form
        if action == "act":  # the decision is the participant's to choose: none is chosen for them
            assert '<select id="act-decision" name="decision" required>\n<option value="">Vælg …</option>' in page
        answer = browser.post(f"{cycle}/{action}", data={"csrf": csrf_of(page), **fields})
        assert answer.status_code == 303, answer.text
    closed = browser.get(f"/api/v1{cycle}").json()
    assert closed["phase"] == "closed" and closed["plan"]["predictions"] == ["Færre dage", "Kortere møder"]
    assert closed["act"]["decision"] == "adapt"
    # After adapt the next cycle on the idea continues it: the plan form offers that cycle and its idea as chosen.
    project = browser.get(f"/projects/{site.active.project}").text
    offered = re.search(r'<option value="([^"]+)" selected>[^<]* › Tavlemøde \(tilpas\)</option>', project)
    assert offered is not None and f"/cycles/{offered[1]}" == cycle
    assert f'<option value="{site.active.other_change_idea}" selected>' in project
    plan = {"csrf": csrf_of(project), "change_idea": str(site.active.other_change_idea), "objective": "Tavlemøde 2",
            "prediction": "Endnu færre dage", "start": "2031-03-15", "end": "2031-03-28"}
    refused = browser.post(f"/projects/{site.active.project}/cycles", data=plan)
    assert refused.status_code == 409 and "<strong>Fortsætter cyklussen</strong>: " in refused.text
    made = browser.post(f"/projects/{site.active.project}/cycles", data={**plan, "continues": offered[1]})
    assert made.status_code == 303, made.text
    assert browser.get(f"/api/v1{made.headers['location']}").json()["continues"] == offered[1]


def test_the_openapi_document_has_every_command_of_the_table(sqlite_site: Site) -> None:
    document = sqlite_site.anonymous().get("/api/v1/openapi.json").json()
    for route in ROUTES:
        operation = document["paths"][f"/api/v1{route.path}"]["post"]
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        assert route.target is None or route.target not in schema["properties"], route.path
    assert "/api/v1/projects/{project}" in document["paths"]
    for ref in _refs(document):
        assert ref.removeprefix("#/components/schemas/") in document["components"]["schemas"], ref


def _refs(value: object) -> list[str]:
    if isinstance(value, dict):
        return [value["$ref"]] if "$ref" in value else [r for v in value.values() for r in _refs(v)]
    if isinstance(value, list):
        return [r for v in value for r in _refs(v)]
    return []


def test_health_answers_when_the_database_does(sqlite_site: Site) -> None:
    assert sqlite_site.anonymous().get("/health").json() == {"status": "ok"}


def test_pages_are_in_the_readers_language(sqlite_site: Site) -> None:
    nobody = sqlite_site.anonymous()
    assert "Log in" in nobody.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9,da;q=0.5"}).text
    assert "Log ind" in nobody.get("/login", headers={"Accept-Language": "da-DK"}).text
    assert "Log ind" in nobody.get("/login", headers={"Accept-Language": "fr"}).text
    page = sqlite_site.client("participant").get("/", headers={"Accept-Language": "en"})
    assert "Velkommen" in page.text and page.headers["content-language"] == "da"  # the person's own language


def test_a_charter_awaiting_its_sign_off_offers_no_form_to_change_it(sqlite_site: Site) -> None:
    site = sqlite_site
    signoff = site.client("other_participant").get(f"/api/v1/signoffs/{site.pending_signoff}").json()
    waiting = site.client("other_participant").get(f"/projects/{signoff['project_id']}").text
    assert "/aim" not in waiting
    assert f'action="/projects/{site.active.project}/aim"' in site.client("participant").get(
        f"/projects/{site.active.project}").text


def test_a_forms_broken_rules_are_said_in_the_readers_language_naming_each_field(sqlite_site: Site) -> None:
    site = sqlite_site
    browser = site.client("participant")  # reads Danish
    page = browser.get(f"/projects/{site.active.project}").text
    before = len(browser.get(f"/api/v1/projects/{site.active.project}").json()["cycles"])
    answer = browser.post(f"/projects/{site.active.project}/cycles", data={
        "csrf": csrf_of(page), "change_idea": str(site.active.other_change_idea), "objective": "x" * 4001,
        "prediction": "Færre dage", "start": "2031-13-01", "end": "2031-03-14"})
    assert answer.status_code == 422
    assert "<strong>Formål</strong>: må højst være 4000 tegn" in answer.text
    assert "<strong>Start</strong>: skal være en gyldig dato skrevet ÅÅÅÅ-MM-DD" in answer.text
    assert "String should" not in answer.text
    assert len(browser.get(f"/api/v1/projects/{site.active.project}").json()["cycles"]) == before
    english = browser.post(f"/api/v1/projects/{site.active.project}/cycles", json={
        "change_idea": str(site.active.other_change_idea), "objective": "x" * 4001, "prediction": ["Færre dage"],
        "start": "2031-03-01", "end": "2031-03-14"}, headers={"X-CSRF-Token": site.csrf("participant")})
    assert english.status_code == 422 and english.json()["error"]["field"] == "objective"
    assert "String should have at most 4000 characters" in english.json()["error"]["message"]  # the API's words


def test_a_participant_records_a_coaching_session_by_the_project_pages_form(sqlite_site: Site) -> None:
    site = sqlite_site
    browser = site.client("participant")
    page = browser.get(f"/projects/{site.active.project}").text
    assert f'action="/projects/{site.active.project}/meetings"' in page
    project = browser.get(f"/api/v1/projects/{site.active.project}").json()
    attendees = [project["participant"]["id"], project["coach"]["id"]]
    answer = browser.post(f"/projects/{site.active.project}/meetings", data={
        "csrf": csrf_of(page), "kind": "coaching", "date": "2031-03-02", "attendee": attendees})
    assert answer.status_code == 303, answer.text
    meetings = browser.get(f"/api/v1/projects/{site.active.project}").json()["meetings"]
    assert [(m["kind"], m["date"], sorted(a["id"] for a in m["attendees"])) for m in meetings][-1] == (
        "coaching", "2031-03-02", sorted(attendees))
    coach_page = site.client("coach").get(f"/projects/{site.active.project}").text
    assert f'action="/projects/{site.active.project}/meetings"' not in coach_page  # the participant records them


def test_a_page_drawn_once_is_served_again_only_until_the_next_event(sqlite_site: Site) -> None:
    """The project page and the dashboard are kept per reader and position of the log: the same page again,
    with each browser's own CSRF token, until anything is stored; then the new state."""
    site = sqlite_site
    browser, other_browser = site.client("participant"), site.client("participant")
    first = browser.get(f"/projects/{site.active.project}").text
    again = browser.get(f"/projects/{site.active.project}").text
    assert _without_csrf(first) == _without_csrf(again)
    assert csrf_of(first) == csrf_of(again) == csrf_of(browser.get("/").text)
    assert csrf_of(other_browser.get(f"/projects/{site.active.project}").text) == csrf_of(other_browser.get("/").text)
    scored = browser.post(f"/projects/{site.active.project}/progress", data={"csrf": csrf_of(again), "score": "4.5"})
    assert scored.status_code == 303
    after = browser.get(f"/projects/{site.active.project}").text
    assert "<td>4,5</td>" in after and "<td>4,5</td>" not in first
    administrator = site.client("administrator")
    cohort = browser.get(f"/api/v1/projects/{site.active.project}").json()["cohort_id"]
    dashboard = _without_csrf(administrator.get(f"/cohorts/{cohort}").text)
    assert _without_csrf(administrator.get(f"/cohorts/{cohort}").text) == dashboard
    browser.post(f"/projects/{site.active.project}/progress", data={"csrf": csrf_of(after), "score": "2"})
    assert _without_csrf(administrator.get(f"/cohorts/{cohort}").text) != dashboard  # the project's progress


def _without_csrf(page: str) -> str:
    return re.sub(r'name="csrf" value="[^"]+"', "", page)


def test_a_participant_builds_the_charter_and_asks_for_sign_offs_by_the_project_pages_forms(sqlite_site: Site) -> None:
    site = sqlite_site
    browser = site.client("participant")
    project = f"/projects/{site.active.project}"

    def post(path: str, fields: dict) -> None:
        page = browser.get(project).text
        assert f'action="{project}{path}"' in page, path
        answer = browser.post(f"{project}{path}", data={"csrf": csrf_of(page), **fields})
        assert answer.status_code == 303, answer.text

    post("/measures", {"name": "Ventetid", "kind": "process", "definition": "Dage fra henvisning til start",
                       "chart": "i", "frequency": "week", "direction": "down", "unit": "dage", "target": "3,5"})
    post("/drivers", {"primary": "Flow"})
    shown = browser.get(f"/api/v1{project}").json()
    primary = next(n for n in shown["driver_diagram"] if n["text"] == "Flow")
    post("/drivers", {"secondary": "Visitation", "under": primary["id"]})
    secondary = browser.get(f"/api/v1{project}").json()["driver_diagram"]
    [visitation] = [n for p in secondary if p["id"] == primary["id"] for n in p["children"]]
    post("/drivers", {"change_idea": "Fast visitationstid", "under": visitation["id"]})
    page = browser.get(project).text
    closing = browser.post(f"{project}/closure", data={"csrf": csrf_of(page), "outcome": "sustained"})
    assert closing.status_code == 409 and "afslut eller annuller først de åbne cyklusser" in closing.text  # the rule's
    assert re.search(r"åbne cyklusser: ‘[^’]+’", closing.text)  # each named by its objective, not its id
    after = browser.get(f"/api/v1{project}").json()
    assert [float(m["target"]) for m in after["measures"] if m["name"] == "Ventetid"] == [3.5]
    [flow] = [n for n in after["driver_diagram"] if n["id"] == primary["id"]]
    assert [c["text"] for c in flow["children"][0]["children"]] == ["Fast visitationstid"]
    assert "closure" not in [s["kind"] for s in after["signoffs"]]


def test_a_cycle_page_names_its_measures_and_the_cycle_it_continues(sqlite_site: Site) -> None:
    site = sqlite_site
    participant = site.client("participant")
    first = participant.get(f"/cycles/{site.cycle}").text
    assert "Målinger: Færdigbehandlingsdage" in first and "Fortsætter" not in first
    site.programme.complete(site.cycle, decision="adapt")
    next_cycle = site.programme.plan(site.active.project, site.active.change_idea, continues=site.cycle)
    page = participant.get(f"/cycles/{next_cycle}").text
    assert f'Fortsætter: <a href="/cycles/{site.cycle}">Afprøve idéen på ét afsnit</a> (tilpas)' in page
    assert "Målinger:" not in page  # this one tracks none
