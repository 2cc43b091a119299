"""Every route of the site for every role, and for nobody: allowed, or 401 (no credentials), 403 (may read it but
not do this) or 404 (may not read it: its existence is not revealed). A refused request stores nothing.

The people of tests/builders.py: the participant runs an active project (P1: a measure, a planned cycle, the
sponsor and the coach of builders); the other participant's project (P2) waits for the other sponsor's decision on
its charter. Every command of the table in pdsa_engine/web/commands.py has a case here (a test says so), each
run on a site of its own: every other role first (nothing stored), then one allowed role (it succeeds)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import pytest

from pdsa_engine.aggregates.project import ImprovementProject
from pdsa_engine.application import PdsaApplication as A
from pdsa_engine.commands import cycles, projects
from pdsa_engine.web.commands import ROUTES
from tests.builders import COACH, OTHER_PARTICIPANT, PARTICIPANT, SPONSOR
from tests.web.site import ROLES, Site

EVERYONE = set(ROLES)
READ_ALL = {"administrator", "coach", "auditor"}
OF_P1 = READ_ALL | {"participant", "sponsor"}  # who may read the participant's project
OF_P2 = READ_ALL | {"other_participant", "other_sponsor"}
AUDITORS = {"administrator", "auditor"}  # the audit's pages and reads: 403 to anyone else, whatever they name
GROUP = [f"gruppe{i}@example.dk" for i in range(4)]  # with the two participants, the six a sparring group needs


@dataclass
class Case:
    path: str  # placeholders filled from the site: see _fill
    runner: str  # the role that does it (and succeeds)
    body: dict[str, Any] | Callable[[Site, dict[str, str]], dict[str, Any]]
    readers: set[str]  # who may read what the path names (the rest get 404)
    also_allowed: set[str] = field(default_factory=set)  # may do it too (not tried: the runner does it)
    setup: Callable[[Site], dict[str, str]] | None = None  # more placeholders, made before the requests


def _p1(site: Site) -> ImprovementProject:
    return site.app.load(ImprovementProject, site.active.project)


def _node(site: Site, kind: str) -> str:
    return str(next(n.node_id for n in _p1(site).diagram.nodes if n.kind == kind))


def _new_primary(site: Site) -> dict[str, str]:
    node = site.programme.run(PARTICIPANT, A.add_driver, projects.AddDriver, project=site.active.project,
                              primary="Ny driver")
    return {"node": str(node)}


def _adopted_cycle(site: Site) -> dict[str, str]:
    cycle = site.programme.plan(site.active.project, site.active.other_change_idea)
    site.programme.complete(cycle, "adopt")
    return {"adopted": str(cycle)}


def _second_cycle(site: Site) -> dict[str, str]:
    return {"cycle": str(site.programme.plan(site.active.project, site.active.other_change_idea))}


def _in_phase(phase: str) -> Callable[[Site], dict[str, str]]:
    def setup(site: Site) -> dict[str, str]:
        steps = {"study": [(A.do_cycle, cycles.DoCycle, {"observations": "Gjort"})],
                 "act": [(A.do_cycle, cycles.DoCycle, {"observations": "Gjort"}),
                         (A.study_cycle, cycles.StudyCycle, {"findings": "Lært"})]}[phase]
        for method, model, fields in steps:
            site.programme.run(PARTICIPANT, method, model, cycle=site.cycle, **fields)
        return {}

    return setup


def _decision(comment: str | None = None) -> Callable[[Site, dict[str, str]], dict[str, Any]]:
    def body(site: Site, _filled: dict[str, str]) -> dict[str, Any]:
        signoff = site.app.load(__import__("pdsa_engine.aggregates.signoff", fromlist=["SignOff"]).SignOff,
                                site.pending_signoff)
        version = site.app.load(ImprovementProject, signoff.project_id).version
        return {"project_version": version, **({"comment": comment} if comment else {})}

    return body


def _periods(site: Site) -> dict[str, str]:
    for week in (5, 6, 7, 8):
        site.programme.run(PARTICIPANT, A.record_data, projects.RecordData, measure=site.active.measure,
                           period=f"2031-W{week:02d}", value=week)
    return {}


CASES = [
    Case("/people", "administrator", {"name": "Ny Person", "email": "ny.person@example.dk", "role": ["participant"]},
         EVERYONE),
    Case("/people/{participant}/roles", "administrator", {"role": "coach"}, READ_ALL | {"participant"}),
    Case("/people/{participant}/notifications", "participant", {"digest": False}, READ_ALL | {"participant"},
         also_allowed={"administrator"}),
    Case("/cohorts", "administrator", {"name": "Hold 2032", "start": "2032-01-10", "end": "2032-12-12"}, EVERYONE),
    Case("/cohorts/{cohort}/modules", "administrator", {"module": "1", "date": "2031-03-01"}, READ_ALL),
    Case("/cohorts/{cohort}/quotas", "administrator", {"region": "Midtjylland", "sector": "regional", "seats": 9},
         READ_ALL),
    Case("/cohorts/{cohort}/enrolments", "administrator",
         {"person": COACH, "organisation": "Regionshospitalet", "region": "Nordjylland", "sector": "regional"},
         READ_ALL, setup=lambda site: _grant(site, COACH, "participant")),
    Case("/cohorts/{cohort}/withdrawals", "administrator", {"person": PARTICIPANT, "reason": "Nyt job"}, READ_ALL),
    Case("/cohorts/{cohort}/groups", "administrator",
         {"name": "Gruppe 1", "region": "Midtjylland", "member": [PARTICIPANT, OTHER_PARTICIPANT, *GROUP]}, READ_ALL,
         setup=lambda site: _enrolled(site, GROUP)),
    Case("/cohorts/{cohort}/reminders", "administrator", {"signoff_after": 5}, READ_ALL),
    Case("/cohorts/{cohort}/close", "administrator", {}, READ_ALL),
    Case("/projects", "administrator",
         lambda site, f: {"cohort": f["cohort"], "participant": COACH, "title": "Nyt projekt", "problem": "Ventetid",
                          "sponsor": SPONSOR, "coach": COACH},
         EVERYONE, setup=lambda site: _enrolled_coach(site)),
    Case("/projects/{project}/reassign", "administrator", {"coach": SPONSOR, "reason": "Ny coach"}, OF_P1,
         setup=lambda site: _grant(site, SPONSOR, "coach")),
    Case("/projects/{project}/aim", "participant", {"what": "Færre dage", "how_much": "30 %", "by": "2031-11-30"},
         OF_P1),
    Case("/projects/{project}/measures", "participant",
         {"name": "Genindlæggelser", "kind": "balancing", "chart": "p", "definition": "Andel genindlagt",
          "frequency": "month", "direction": "down"}, OF_P1),
    Case("/projects/{project}/drivers", "participant", {"primary": "Tidlig udskrivelse"}, OF_P1),
    Case("/projects/{project}/drivers/{node}/rename", "participant", {"text": "Nyt navn"}, OF_P1,
         setup=_new_primary),
    Case("/projects/{project}/drivers/{node}/move", "participant", lambda site, f: {"under": f["under"]}, OF_P1,
         setup=lambda site: {"under": _new_primary(site)["node"], "node": _node(site, "secondary")}),
    Case("/projects/{project}/drivers/{node}/remove", "participant", {}, OF_P1, setup=_new_primary),
    Case("/projects/{project}/progress", "participant", {"score": 2.5}, OF_P1),
    Case("/projects/{project}/meetings", "participant",
         {"kind": "coaching", "date": "2031-03-02", "attendee": [PARTICIPANT, COACH]}, OF_P1),
    Case("/projects/{draft}/charter", "participant", {}, OF_P1, setup=lambda site: _draft(site)),
    Case("/projects/{project}/scale-up", "participant", lambda site, f: {"cycle": f["adopted"]}, OF_P1,
         setup=_adopted_cycle),
    Case("/projects/{project}/closure", "participant", {"outcome": "sustained"}, OF_P1,
         setup=lambda site: _cancelled(site)),
    Case("/projects/{project}/cycles", "participant",
         lambda site, f: {"change_idea": str(site.active.other_change_idea), "objective": "Afprøve tavlemøde",
                          "prediction": ["Færre dage"], "start": "2031-03-01", "end": "2031-03-14"}, OF_P1),
    Case("/measures/{measure}/definition", "participant", {"unit": "dage"}, OF_P1),
    Case("/measures/{measure}/data", "participant", {"period": "2031-W05", "value": 4}, OF_P1),
    Case("/measures/{measure}/corrections", "participant", {"period": "2031-W05", "value": 6, "reason": "Tastefejl"},
         OF_P1, setup=_periods),
    Case("/measures/{measure}/phases", "participant", {"from": "2031-W07", "reason": "Ny praksis"}, OF_P1,
         setup=_periods),
    Case("/measures/{measure}/phases/withdraw", "participant", {"from": "2031-W07", "reason": "For tidligt"}, OF_P1,
         setup=lambda site: _phase(site)),
    Case("/measures/{measure}/baseline", "participant", {"baseline": 4, "reason": "Før forandringen"}, OF_P1,
         setup=_periods),
    Case("/cycles/{cycle}/do", "participant", {"observations": "Gennemført", "problems": "Travl uge"}, OF_P1),
    Case("/cycles/{cycle}/study", "participant", {"findings": "Færre dage"}, OF_P1, setup=_in_phase("study")),
    Case("/cycles/{cycle}/act", "participant", {"decision": "adopt", "next_steps": "Udbred"}, OF_P1,
         setup=_in_phase("act")),
    Case("/cycles/{cycle}/amend", "participant", {"objective": "Afprøve idéen på to afsnit"}, OF_P1),
    Case("/cycles/{cycle}/cancel", "participant", {"reason": "Afsnittet lukkede"}, OF_P1),
    Case("/signoffs/{signoff}/approve", "other_sponsor", _decision(), OF_P2),
    Case("/signoffs/{signoff}/request-changes", "other_sponsor", _decision("Skarpere mål"), OF_P2),
    Case("/signoffs/{signoff}/decline", "other_sponsor", _decision("Ikke nu"), OF_P2),
    Case("/signoffs/{signoff}/withdraw", "other_participant", {}, OF_P2),
]


def _enrolled(site: Site, emails: list[str]) -> dict[str, str]:
    from pdsa_engine.commands import people

    cohort = site.app.load(ImprovementProject, site.active.project).cohort_id
    for email in emails:
        site.programme.run(ROLES["administrator"], A.add_person, people.AddPerson, name="Gruppe Deltager",
                           email=email, role=["participant"])
        site.programme.enrol(cohort, email)
    return {}


def _grant(site: Site, email: str, role: str) -> dict[str, str]:
    from pdsa_engine.commands import people

    site.programme.run(ROLES["administrator"], A.grant_role, people.GrantRole, person=email, role=role)
    return {}


def _enrolled_coach(site: Site) -> dict[str, str]:
    _grant(site, COACH, "participant")
    site.programme.enrol(site.app.load(ImprovementProject, site.active.project).cohort_id, COACH)
    return {}


def _draft(site: Site) -> dict[str, str]:
    """A draft project of the participant's, with its charter, in a cohort of its own."""
    project = site.programme.project(site.programme.cohort(), PARTICIPANT)
    site.programme.charter(project)
    return {"draft": str(project)}


def _cancelled(site: Site) -> dict[str, str]:
    site.programme.run(PARTICIPANT, A.cancel_cycle, cycles.CancelCycle, cycle=site.cycle, reason="Afsnittet lukkede")
    return {}


def _phase(site: Site) -> dict[str, str]:
    _periods(site)
    site.programme.run(PARTICIPANT, A.start_phase, projects.StartPhase, measure=site.active.measure,
                       **{"from": "2031-W07"}, reason="Ny praksis")
    return {}


def _fill(site: Site, case: Case) -> tuple[str, dict[str, Any]]:
    filled = {"participant": str(site.app.person(PARTICIPANT).id), "project": str(site.active.project),
              "measure": str(site.active.measure), "cycle": str(site.cycle), "signoff": str(site.pending_signoff),
              "cohort": str(_p1(site).cohort_id)}
    if case.setup is not None:
        filled.update({k: v for k, v in case.setup(site).items() if v})
    body = case.body(site, filled) if callable(case.body) else dict(case.body)
    return case.path.format(**filled), body


def _expected_refusal(case: Case, role: str | None) -> int:
    if role is None:
        return 401
    return 403 if role in case.readers else 404


@pytest.mark.parametrize("case", CASES, ids=[c.path for c in CASES])
def test_a_command_is_refused_to_whoever_may_not_and_done_for_whoever_may(site: Site, case: Case) -> None:
    path, body = _fill(site, case)
    for role in [None, *sorted(EVERYONE - {case.runner} - case.also_allowed)]:
        before = site.events()
        client = site.client(role) if role else site.anonymous()
        headers = {"X-CSRF-Token": site.csrf(role)} if role else {}
        answer = client.post(f"/api/v1{path}", json=body, headers=headers)
        expected = _expected_refusal(case, role)
        assert answer.status_code == expected, f"{role or 'nobody'}: {answer.status_code} {answer.text}"
        assert answer.json()["error"]["code"] in {"unauthenticated", "permission_denied", "not_found"}
        assert site.events() == before, f"{role or 'nobody'}'s refused request stored something"
        form = client.post(path, data={**_form(body), **({"csrf": headers["X-CSRF-Token"]} if role else {})})
        assert form.status_code == (303 if role is None else expected), f"{role or 'nobody'} by form: {form.status_code}"
        if role is None:
            assert form.headers["location"].startswith("/login?next=")
        assert site.events() == before
    runner = site.client(case.runner)
    before = site.events()
    answer = runner.post(f"/api/v1{path}", json=body, headers={"X-CSRF-Token": site.csrf(case.runner)})
    assert answer.status_code in (200, 201), f"{case.runner}: {answer.status_code} {answer.text}"
    assert site.events() > before, "the allowed command stored nothing"


def _form(body: dict[str, Any]) -> dict[str, Any]:
    return {key: [str(v) for v in value] if isinstance(value, list) else str(value) for key, value in body.items()}


def test_every_command_of_the_table_has_a_case() -> None:
    def shape(path: str) -> str:  # the path with its placeholders unnamed
        return "/".join("{}" if part.startswith("{") else part for part in path.split("/"))

    assert sorted(shape(route.path) for route in ROUTES) == sorted(shape(case.path) for case in CASES)


# -- reads --------------------------------------------------------------------------------------------------

@dataclass
class Read:
    path: str
    readers: set[str]
    api: bool
    unreadable: int = 404  # what the others get: 404 for a thing, 403 for a list or a page of a role

READS = [
    Read("/", EVERYONE, api=False),
    Read("/projects/{project}", OF_P1, api=False), Read("/api/v1/projects/{project}", OF_P1, api=True),
    Read("/cycles/{cycle}", OF_P1, api=False), Read("/api/v1/cycles/{cycle}", OF_P1, api=True),
    Read("/signoffs/{signoff}", OF_P2, api=False), Read("/api/v1/signoffs/{signoff}", OF_P2, api=True),
    Read("/measures/{measure}/chart.svg", OF_P1, api=False), Read("/api/v1/measures/{measure}", OF_P1, api=True),
    Read("/api/v1/measures/{measure}/series", OF_P1, api=True),
    Read("/cohorts/{cohort}", READ_ALL, api=False), Read("/api/v1/cohorts/{cohort}", READ_ALL, api=True),
    Read("/api/v1/cohorts", READ_ALL, api=True, unreadable=403),
    Read("/api/v1/projects", EVERYONE, api=True), Read("/api/v1/signoffs", EVERYONE, api=True),
    Read("/people", READ_ALL, api=False, unreadable=403), Read("/api/v1/people", READ_ALL, api=True, unreadable=403),
    Read("/api/v1/people/me", EVERYONE, api=True),
    Read("/api/v1/people/{participant}", READ_ALL | {"participant"}, api=True),
    Read("/people/{participant}", READ_ALL | {"participant"}, api=False),
    Read("/people/{participant}/notifications?digest=off", READ_ALL | {"participant"}, api=False),
    Read("/audit", {"administrator", "auditor"}, api=False, unreadable=403),
    Read("/outbox?status=failed", {"administrator"}, api=False, unreadable=403),
    Read("/audit/projects/{project}", AUDITORS, api=False, unreadable=403),
    Read("/audit/projects/{project}?version=1", AUDITORS, api=False, unreadable=403),
    Read("/audit/signoffs/{signoff}", AUDITORS, api=False, unreadable=403),
    Read("/audit/verify", AUDITORS, api=False, unreadable=403),
    Read("/api/v1/projects/{project}/replay", AUDITORS, api=True, unreadable=403),
    Read("/api/v1/signoffs/{signoff}/signed", AUDITORS, api=True, unreadable=403),
    Read("/api/v1/audit/verify", AUDITORS, api=True, unreadable=403),
    Read("/api/v1/audit/log?project={project}", AUDITORS, api=True, unreadable=403),
]


def test_every_read_answers_each_role_as_it_may(sqlite_site: Site) -> None:
    site = sqlite_site
    before = site.events()
    for read in READS:
        path, _ = _fill(site, Case(read.path, "", {}, set()))
        nobody = site.anonymous().get(path)
        if read.api:
            assert nobody.status_code == 401, f"nobody {read.path}: {nobody.status_code}"
        else:
            assert nobody.status_code == 303 and nobody.headers["location"].startswith("/login"), read.path
        for role in sorted(EVERYONE):
            answer = site.client(role).get(path)
            expected = 200 if role in read.readers else read.unreadable
            assert answer.status_code == expected, f"{role} {read.path}: {answer.status_code} {answer.text[:200]}"
    assert site.events() == before, "reading stored something"


def test_a_thing_that_does_not_exist_and_one_that_may_not_be_read_answer_alike(sqlite_site: Site) -> None:
    client = sqlite_site.client("other_sponsor")
    hidden = client.get(f"/api/v1/projects/{sqlite_site.active.project}")
    missing = client.get(f"/api/v1/projects/{UUID(int=7)}")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["error"]["code"] == missing.json()["error"]["code"] == "not_found"
    assert client.get("/api/v1/projects/not-an-id").status_code == 404
