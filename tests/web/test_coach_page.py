"""A coach's page: the projects they coach, each open cycle (overdue by the cohort's grace, as the reminders
have it) and the last coaching session."""

from __future__ import annotations

from datetime import timedelta

from pdsa_engine.application import PdsaApplication as A
from pdsa_engine.clock import local_date
from pdsa_engine.commands import cycles, projects
from tests.builders import COACH, PARTICIPANT
from tests.web.site import Site

OBJECTIVE = "Afprøve idéen på ét afsnit"  # the builders' plan, to end 2031-02-14: long overdue at the site's clock


def coached(page: str) -> str:
    return page.split("De projekter, du coacher", 1)[1].split("</section>", 1)[0]


def test_the_coach_sees_overdue_cycles_and_the_days_since_coaching(sqlite_site: Site) -> None:
    site = sqlite_site
    coach = site.client("coach")
    section = coached(coach.get("/").text)
    assert OBJECTIVE in section and "forsinket" in section and "ingen endnu" in section
    assert f"/cycles/{site.cycle}" in section and f"/projects/{site.active.project}" in section

    today = local_date(site.clock.now())
    site.programme.run(PARTICIPANT, A.record_meeting, projects.RecordMeeting, project=site.active.project,
                       kind="coaching", date=str(today - timedelta(days=3)), attendee=[PARTICIPANT, COACH])
    home = coach.get("/").text
    assert "for 3 dage siden" in coached(home) and "tid til coaching" not in coached(home)
    # Each project shows once: those the coach coaches are not listed again as their own.
    assert home.count(f'href="/projects/{site.active.project}"') == 1

    site.programme.run(PARTICIPANT, A.cancel_cycle, cycles.CancelCycle, cycle=site.cycle, reason="Afsnittet lukkede")
    assert OBJECTIVE not in coached(coach.get("/").text)  # a cancelled cycle is no longer open

    site.clock.advance(timedelta(days=43))  # past the cohort's 42 days between sessions (a new log-in: a new day)
    site.clients.pop("coach")
    later = coached(site.client("coach").get("/").text)
    assert "for 46 dage siden) <strong class=\"warning\">tid til coaching" in later


def test_only_a_coach_has_the_section(sqlite_site: Site) -> None:
    for role in ("participant", "sponsor", "auditor", "administrator"):
        assert "De projekter, du coacher" not in sqlite_site.client(role).get("/").text, role
