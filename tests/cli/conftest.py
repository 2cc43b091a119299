"""Fixtures for the command-line tests: people with each role, and an active project."""

from __future__ import annotations

import pytest

from tests.cli.test_cli import ADMIN, COACH, PARTICIPANT, SPONSOR, created
from tests.support.cli import Pdsa


@pytest.fixture
def people(pdsa: Pdsa) -> Pdsa:
    assert pdsa("person", "add", "--name", "Ada Admin", "--email", ADMIN, "--role", "administrator").code == 0
    for name, email, role in (("Per P", PARTICIPANT, "participant"), ("Sus S", SPONSOR, "sponsor"),
                              ("Kim K", COACH, "coach")):
        assert pdsa("--as", ADMIN, "person", "add", "--name", name, "--email", email, "--role", role).code == 0
    return pdsa


@pytest.fixture
def project(people: Pdsa) -> tuple[str, str, str]:
    """An active project: returns its id, its measure and its change idea."""
    pdsa = people
    cohort = created(pdsa("--as", ADMIN, "cohort", "create", "--name", "Hold 1", "--start", "2031-01-10", "--end",
                          "2031-12-10", "--json"))
    assert pdsa("--as", ADMIN, "cohort", "enrol", cohort, "--person", PARTICIPANT, "--organisation", "AUH",
                "--region", "Region Midtjylland", "--sector", "regional").code == 0
    project = created(pdsa("--as", ADMIN, "project", "create", "--cohort", cohort, "--participant", PARTICIPANT,
                           "--title", "Færre færdigbehandlingsdage", "--problem", "Lang ventetid", "--sponsor", SPONSOR,
                           "--coach", COACH, "--json"))
    me = ("--as", PARTICIPANT)
    assert pdsa(*me, "project", "aim", project, "--what", "Færre dage", "--how-much", "40 %", "--by", "2031-10-31").code == 0
    measure = created(pdsa(*me, "project", "measure", "add", project, "--name", "Dage", "--kind", "outcome", "--chart",
                           "run", "--definition", "Dage pr. uge", "--frequency", "week", "--direction", "down", "--json"))
    primary = created(pdsa(*me, "project", "driver", "add", project, "--primary", "Hjemmet først", "--json"))
    secondary = created(pdsa(*me, "project", "driver", "add", project, "--secondary", "Planlægning", "--under", primary,
                             "--json"))
    idea = created(pdsa(*me, "project", "driver", "add", project, "--change-idea", "Konsulent", "--under", secondary,
                        "--json"))
    request = pdsa(*me, "project", "submit-charter", project, "--json")
    assert request.code == 0 and request.json["project_id"] == project
    assert pdsa("--as", SPONSOR, "signoff", "approve", request.json["id"]).code == 0
    return project, measure, idea
