"""An administrator enrols from a CSV file uploaded on the cohort page: every row or none, each bad row
reported by its line, nothing stored when any is bad."""

from __future__ import annotations

from tests.builders import ADMIN
from tests.web.site import Site, csrf_of

GOOD = ("email;organisation;region;sector;name\n"
        "ny.en@example.dk;Aarhus Universitetshospital;Region Midtjylland;regional;Nanna Ny\n"
        "ny.to@example.dk;Randers Kommune;Region Midtjylland;municipal;Niels Ny\n")
BAD = ("email;organisation;region;sector;name\n"
       "ny.en@example.dk;Aarhus Universitetshospital;Region Midtjylland;regional;Nanna Ny\n"
       "ikke-en-adresse;Randers Kommune;Region Midtjylland;municipal;Niels Ny\n"
       "ny.tre@example.dk;Randers Kommune;Region Midtjylland;hospital;Nora Ny\n")


def _cohort(site: Site) -> str:
    return str(site.web.queries().project(str(site.app.person(ADMIN).id), site.active.project)["cohort_id"])


def test_every_bad_row_is_named_by_its_line_and_nothing_is_stored(sqlite_site: Site) -> None:
    site, cohort = sqlite_site, _cohort(sqlite_site)
    admin = site.client("administrator")
    page = admin.get(f"/cohorts/{cohort}")
    assert 'enctype="multipart/form-data"' in page.text
    before = site.events()
    refused = admin.post(f"/cohorts/{cohort}/enrolments/csv", data={"csrf": csrf_of(page.text)},
                         files={"csv": ("hold.csv", BAD.encode(), "text/csv")})
    assert refused.status_code == 422
    assert "linje 3" in refused.text and "linje 4" in refused.text and "linje 2" not in refused.text
    assert site.events() == before

    enrolled = admin.post(f"/cohorts/{cohort}/enrolments/csv", data={"csrf": csrf_of(page.text)},
                          files={"csv": ("hold.csv", GOOD.encode("utf-8-sig"), "text/csv")})
    assert enrolled.status_code == 303 and enrolled.headers["location"] == f"/cohorts/{cohort}"
    board = admin.get(f"/api/v1/cohorts/{cohort}", headers={"X-CSRF-Token": site.csrf("administrator")}).json()
    names = {e["participant"]["name"] for e in board["enrolments"]}
    assert {"Nanna Ny", "Niels Ny"} <= names


def test_an_upload_without_a_file_or_a_csrf_token_or_by_another_role_stores_nothing(sqlite_site: Site) -> None:
    site, cohort = sqlite_site, _cohort(sqlite_site)
    admin = site.client("administrator")
    token = csrf_of(admin.get(f"/cohorts/{cohort}").text)
    before = site.events()
    files = {"csv": ("hold.csv", GOOD.encode(), "text/csv")}
    assert admin.post(f"/cohorts/{cohort}/enrolments/csv", data={"csrf": token}).status_code == 422
    assert admin.post(f"/cohorts/{cohort}/enrolments/csv", files=files).status_code == 403
    coach = site.client("coach")
    assert coach.post(f"/cohorts/{cohort}/enrolments/csv", data={"csrf": site.csrf("coach")},
                      files=files).status_code == 403
    assert site.events() == before


def test_the_api_enrols_from_a_csv_body_every_row_or_none(sqlite_site: Site) -> None:
    site, cohort = sqlite_site, _cohort(sqlite_site)
    path = f"/api/v1/cohorts/{cohort}/enrolments/csv"
    admin, headers = site.client("administrator"), {"X-CSRF-Token": site.csrf("administrator"),
                                                    "Content-Type": "text/csv"}
    before = site.events()
    refused = admin.post(path, content=BAD.encode(), headers=headers)
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["field"] == "csv" and "line 3" in error["message"] and "line 4" in error["message"]
    coach = site.client("coach").post(path, content=GOOD.encode(),
                                      headers={**headers, "X-CSRF-Token": site.csrf("coach")})
    assert coach.status_code == 403
    assert site.events() == before
    enrolled = admin.post(path, content=GOOD.encode("utf-8-sig"), headers=headers)
    assert enrolled.status_code == 200 and len(enrolled.json()["enrolled"]) == 2
    board = admin.get(f"/api/v1/cohorts/{cohort}").json()
    assert {"Nanna Ny", "Niels Ny"} <= {e["participant"]["name"] for e in board["enrolments"]}
    assert "text/csv" in str(admin.get("/api/v1/openapi.json").json()["paths"]["/api/v1/cohorts/{cohort}/enrolments/csv"])
