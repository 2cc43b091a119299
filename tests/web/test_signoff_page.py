"""The page a sponsor decides on: the project as it stands, what changed in its charter since the charter was
last approved, and since the version the sign-off asked about — each rebuilt from the stored events."""

from __future__ import annotations

from datetime import timedelta

from pdsa_engine.aggregates.project import ImprovementProject
from pdsa_engine.application import PdsaApplication as A
from pdsa_engine.clock import local_date
from pdsa_engine.commands import cycles, projects
from tests.builders import PARTICIPANT
from tests.web.site import Site

OLD_AMOUNT, NEW_AMOUNT = "40 %", "55 %"  # the builders' charter approved it at the first; the participant raises it


def test_the_sponsor_sees_the_charters_changes_since_its_approval_and_since_the_request(sqlite_site: Site) -> None:
    site, project = sqlite_site, sqlite_site.active.project
    run = site.programme.run
    today = local_date(site.clock.now())
    run(PARTICIPANT, A.set_aim, projects.SetAim, project=project, what="Færre genindlæggelser",
        how_much=NEW_AMOUNT, by=str(today + timedelta(days=200)))
    run(PARTICIPANT, A.cancel_cycle, cycles.CancelCycle, cycle=site.cycle, reason="Afsnittet lukkede")  # open cycles bar a closure
    closure = run(PARTICIPANT, A.request_closure, projects.RequestClosure, project=project, outcome="sustained")
    sponsor = site.client("sponsor")

    page = sponsor.get(f"/signoffs/{closure}")
    assert page.status_code == 200
    since_approval = page.text.split("siden det sidst blev godkendt", 1)[1]
    assert OLD_AMOUNT in since_approval and NEW_AMOUNT in since_approval  # the aim, before → after
    assert "Kommissoriet er ændret, siden det sidst blev godkendt" in page.text
    assert "siden der blev bedt om godkendelsen" not in page.text  # nothing changed since the request

    run(PARTICIPANT, A.set_aim, projects.SetAim, project=project, what="Færre genindlæggelser",
        how_much="60 %", by=str(today + timedelta(days=200)))
    changed = sponsor.get(f"/signoffs/{closure}")
    since_asked = changed.text.split("siden der blev bedt om godkendelsen", 1)[1].split("siden det sidst blev", 1)[0]
    assert NEW_AMOUNT in since_asked and "60 %" in since_asked and OLD_AMOUNT not in since_asked


def test_before_any_approval_the_page_says_so(sqlite_site: Site) -> None:
    page = sqlite_site.client("other_sponsor").get(f"/signoffs/{sqlite_site.pending_signoff}")  # a first charter
    assert page.status_code == 200
    assert "Intet kommissorium for dette projekt er godkendt endnu" in page.text
    assert "siden det sidst blev godkendt" not in page.text


def test_a_decided_sign_off_is_compared_with_the_approval_before_it_not_with_its_own(sqlite_site: Site) -> None:
    from tests.builders import OTHER_SPONSOR

    site = sqlite_site
    site.programme.decide(site.pending_signoff, sponsor=OTHER_SPONSOR)  # the project's first charter approved
    page = site.client("other_sponsor").get(f"/signoffs/{site.pending_signoff}")
    assert page.status_code == 200 and "godkendt" in page.text
    assert "Intet kommissorium for dette projekt er godkendt endnu" in page.text  # none before this one
    assert "siden det sidst blev godkendt" not in page.text


def test_a_scale_up_says_which_change_and_cycle_it_scales_up_and_a_closure_its_outcome(sqlite_site: Site) -> None:
    site, project = sqlite_site, sqlite_site.active.project
    site.programme.complete(site.cycle, decision="adopt")
    scale_up = site.programme.run(PARTICIPANT, A.request_scale_up, projects.RequestScaleUp, project=project,
                                  cycle=site.cycle)
    page = site.client("sponsor").get(f"/signoffs/{scale_up}").text
    said = page.split("Skal opskaleres: forandringsidéen ", 1)[1].split("</p>", 1)[0]
    idea = next(n.text for n in site.app.load(ImprovementProject, project).diagram.nodes
                if n.node_id == site.active.change_idea)
    assert said.startswith(f"{idea}, indført efter cyklussen") and f'href="/cycles/{site.cycle}"' in said
    closure = site.programme.run(PARTICIPANT, A.request_closure, projects.RequestClosure, project=project,
                                 outcome="spread")
    closing = site.client("sponsor").get(f"/signoffs/{closure}").text
    assert "Afslutning med udfaldet: " in closing and "Skal opskaleres" not in closing
    site.programme.decide(scale_up)
    decided = site.client("sponsor").get(f"/signoffs/{scale_up}").text
    assert "Opskalering af forandringsidéen" in decided and "Skal opskaleres" not in decided
    assert "Afgjort " in decided and " på version " in decided


def test_a_sponsors_home_says_when_nothing_waits(sqlite_site: Site) -> None:
    site = sqlite_site
    assert "Intet venter på din beslutning." not in site.client("other_sponsor").get("/").text  # a charter waits
    assert "Intet venter på din beslutning." in site.client("sponsor").get("/").text
    assert "Intet venter på din beslutning." not in site.client("participant").get("/").text
