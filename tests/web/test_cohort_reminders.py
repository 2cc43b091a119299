"""The cohort page's reminder settings: an administrator sees the cohort's thresholds and changes them by form;
a bad value is refused, naming the field, and nothing is stored."""

from __future__ import annotations

from tests.builders import ADMIN
from tests.web.site import Site, csrf_of


def test_an_administrator_sets_the_cohorts_reminders_by_form(sqlite_site: Site) -> None:
    site = sqlite_site
    project = site.web.queries().project(str(site.app.person(ADMIN).id), site.active.project)
    cohort_id = project["cohort_id"]
    admin = site.client("administrator")
    page = admin.get(f"/cohorts/{cohort_id}")
    assert page.status_code == 200 and 'name="coaching_gap" value="42"' in page.text  # the programme's default
    fields = {"csrf": csrf_of(page.text), "enabled": "true", "signoff_after": "3", "signoff_every": "3",
              "escalate_after": "10", "overdue_after": "7", "study_overdue_after": "14", "coaching_gap": "28",
              "progress_stale": "30", "digest_hour": "7", "digest_day": "thu"}
    saved = admin.post(f"/cohorts/{cohort_id}/reminders", data=fields)
    assert saved.status_code == 303
    again = admin.get(f"/cohorts/{cohort_id}")
    assert 'name="coaching_gap" value="28"' in again.text and 'value="thu" selected' in again.text

    before = site.events()
    refused = admin.post(f"/cohorts/{cohort_id}/reminders", data={**fields, "coaching_gap": "0"})
    assert refused.status_code == 422 and "<strong>Dage mellem coachingsessioner</strong>" in refused.text
    assert site.events() == before


def test_only_an_administrator_has_the_form(sqlite_site: Site) -> None:
    site = sqlite_site
    project = site.web.queries().project(str(site.app.person(ADMIN).id), site.active.project)
    for role in ("coach", "auditor"):
        assert 'action="/cohorts/' not in site.client(role).get(f"/cohorts/{project['cohort_id']}").text, role
