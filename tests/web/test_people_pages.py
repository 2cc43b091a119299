"""People's pages: an administrator registers a person and grants a role by form; a person chooses their weekly
digest on their own page, which the digest's mails link to (a GET readies the form, only its POST changes)."""

from __future__ import annotations

import re
from uuid import UUID

from tests.builders import ADMIN, COACH, PARTICIPANT
from tests.web.site import Site, csrf_of


def test_an_administrator_registers_a_person_and_grants_a_role(sqlite_site: Site) -> None:
    site = sqlite_site
    admin = site.client("administrator")
    page = admin.get("/people")
    assert "Registrér en person" in page.text
    made = admin.post("/people", data={"csrf": csrf_of(page.text), "name": "Nina Ny", "email": "nina@example.dk",
                                      "language": "da", "role": ["participant", "coach"]})
    assert made.status_code == 303
    person = site.app.person("nina@example.dk")
    assert sorted(person.roles) == ["coach", "participant"]
    shown = admin.get(made.headers["location"])
    assert shown.status_code == 200 and "Nina Ny" in shown.text and "Giv en rolle" in shown.text
    offered = re.findall(r'<option value="(\w+)"', shown.text.split('id="grant"', 1)[1])
    assert offered == ["sponsor", "auditor", "administrator"]  # not the roles she holds
    granted = admin.post(f"/people/{person.id}/roles", data={"csrf": csrf_of(shown.text), "role": "sponsor"})
    assert granted.status_code == 303 and "sponsor" in site.app.person("nina@example.dk").roles

    before = site.events()
    refused = admin.post("/people", data={"csrf": csrf_of(page.text), "name": "Uden rolle", "email": "x@example.dk"})
    assert refused.status_code == 422 and "role" in refused.text and site.events() == before


def test_a_participant_turns_their_digest_off_from_the_mailed_link(sqlite_site: Site) -> None:
    site = sqlite_site
    participant = site.client("participant")
    me = site.app.person(PARTICIPANT)
    before = site.events()
    page = participant.get(f"/people/{me.id}/notifications", params={"digest": "off"})
    assert page.status_code == 200 and "Tryk på Gem" in page.text and "Giv en rolle" not in page.text
    assert site.events() == before  # opening the link changes nothing
    saved = participant.post(f"/people/{me.id}/notifications", data={"csrf": csrf_of(page.text), "digest": "false"})
    assert saved.status_code == 303
    assert site.app.person(PARTICIPANT).digest.enabled is False
    assert "Fra: der sendes intet ugentligt overblik" in participant.get(f"/people/{me.id}").text


def test_a_person_may_not_read_another_persons_page(sqlite_site: Site) -> None:
    administrator = sqlite_site.app.person(ADMIN).id
    assert sqlite_site.client("participant").get(f"/people/{administrator}").status_code == 404


def test_a_persons_page_lists_their_projects_with_their_part_in_each(sqlite_site: Site) -> None:
    site = sqlite_site
    coach = site.app.person(COACH)
    page = site.client("administrator").get(f"/people/{coach.id}").text
    mine = page.split('id="their-projects"', 1)[1].split("</section>", 1)[0]
    assert f'href="/projects/{site.active.project}"' in mine and "— coach (" in mine
    own = site.client("participant").get(f"/people/{site.app.person(PARTICIPANT).id}").text
    assert f'href="/projects/{site.active.project}"' in own.split('id="their-projects"', 1)[1] and "— deltager (" in own


def test_an_administrator_creates_a_cohort_and_starts_a_project_by_the_pages_forms(sqlite_site: Site) -> None:
    from tests.builders import SPONSOR

    site = sqlite_site
    admin = site.client("administrator")
    home = admin.get("/")
    made = admin.post("/cohorts", data={"csrf": csrf_of(home.text), "name": "Hold 2032", "start": "2032-01-10",
                                        "end": "2032-12-10"})
    assert made.status_code == 303 and made.headers["location"].startswith("/cohorts/")
    cohort = made.headers["location"].removeprefix("/cohorts/")
    page = admin.get(f"/cohorts/{cohort}").text
    assert "Alle tilmeldte deltagere har et projekt." in page  # nobody is enrolled yet
    site.programme.enrol(UUID(cohort), person=PARTICIPANT)
    page = admin.get(f"/cohorts/{cohort}").text
    participant = site.app.person(PARTICIPANT)
    assert f'<option value="{participant.id}">{participant.name}</option>' in page
    for field in ("participant", "sponsor", "coach"):  # nobody is chosen for the administrator
        assert f'name="{field}" required><option value="">Vælg …</option>' in page
    sponsor, coach = site.app.person(SPONSOR), site.app.person(COACH)
    started = admin.post("/projects", data={"csrf": csrf_of(page), "cohort": cohort, "participant": str(participant.id),
                                            "title": "Færre fald", "problem": "Patienter falder om natten.",
                                            "sponsor": str(sponsor.id), "coach": str(coach.id)})
    assert started.status_code == 303 and started.headers["location"].startswith("/projects/"), started.text
    project = admin.get(f"/api/v1{started.headers['location']}").json()
    assert project["title"] == "Færre fald" and project["sponsor"]["id"] == str(sponsor.id)
    assert f'<option value="{participant.id}">' not in admin.get(f"/cohorts/{cohort}").text  # has one now
    assert 'action="/cohorts"' not in site.client("participant").get("/").text
