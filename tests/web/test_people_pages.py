"""People's pages: an administrator registers a person and grants a role by form; a person chooses their weekly
digest on their own page, which the digest's mails link to (a GET readies the form, only its POST changes)."""

from __future__ import annotations

import re

from tests.builders import ADMIN, PARTICIPANT
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
