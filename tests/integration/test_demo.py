"""The demo: realistic, deterministic, and played through the real rules on both databases."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from uuid import UUID

import pytest

from pdsa_engine.aggregates.cycle import PDSACycle
from pdsa_engine.aggregates.measure_series import MeasureSeries
from pdsa_engine.aggregates.project import ImprovementProject
from pdsa_engine.audit.log import LogFilter
from pdsa_engine.audit.service import Audit
from pdsa_engine.demo import DEMO_ADMINISTRATOR, load_demo
from pdsa_engine.demo.six_projects import SIX_PROJECTS
from pdsa_engine.projections import reading
from pdsa_engine.projections.charts import render_chart
from pdsa_engine.queries import Queries
from pdsa_engine.runtime import open_application, open_projections
from tests.builders import settings_for


@pytest.mark.postgres
def test_the_demo_loads_the_same_history_into_sqlite_and_postgresql(sqlite_url: str, postgres_url: str,
                                                                   tmp_path: Path) -> None:
    histories = []
    for url in (sqlite_url, postgres_url):
        loaded = load_demo(settings_for(url))
        check_the_demo(url, loaded, tmp_path)
        app = open_application(settings_for(url))
        notifications = app.recorder.select_notifications(1, 100_000)
        histories.append([(n.originator_id, n.originator_version, n.topic, n.state) for n in notifications])
        app.close()
        check_the_audit_of_the_demo(url, tmp_path)  # which records its exports
    assert len(histories[0]) > 2000
    assert histories[0] == histories[1], "the demo is deterministic: same ids, events and moments everywhere"
    charts = sorted(tmp_path.glob("*.png"))
    assert len(charts) >= 12 and all(c.read_bytes()[:4] == b"\x89PNG" for c in charts)


def check_the_demo(database_url: str, loaded: dict[str, object], chart_folder: Path) -> None:
    app = open_application(settings_for(database_url))
    views = open_projections(app, settings_for(database_url))
    views.catch_up()
    overview = Queries(app, views).cohort(DEMO_ADMINISTRATOR, loaded["cohort_id"])  # type: ignore[arg-type]

    active = [e for e in overview["enrolments"] if not e["withdrawn"]]
    assert 38 <= len(active) <= 42 and len(overview["projects"]) == len(active)
    assert {s["region"] for s in overview["seats"]} >= {"Region Hovedstaden", "Region Nordjylland"}
    assert any(g["below_minimum"] for g in overview["groups"]), "a withdrawal left a sparring group flagged"

    projects = [app.load(ImprovementProject, UUID(p["id"])) for p in overview["projects"]]
    titles = {p.title: p for p in projects}
    for _, _, _, plan in SIX_PROJECTS:
        project = titles[plan.title]
        assert project.aim is not None and project.meetings and len(project.diagram.change_idea_ids()) >= 2
        for measure_id in project.measures:
            assert 20 <= len(app.load(MeasureSeries, measure_id).points) <= 40

    assert Counter(p.status for p in projects).keys() >= {"draft", "charter_submitted", "active", "closed"}
    assert {p.outcome for p in projects if p.outcome} == {"sustained", "spread", "stopped"}
    cycles = [app.load(PDSACycle, c) for p in projects for c in p.cycles]
    assert {c.phase for c in cycles} == {"plan", "do", "study", "closed", "cancelled"}
    assert {c.acted.decision for c in cycles if c.acted} == {"adopt", "adapt", "abandon"}
    assert any(c.continues for c in cycles), "some cycles form a ramp"
    sponsors_absent = [m for p in projects for m in p.meetings if m.kind == "startup" and p.sponsor_id not in m.attendees]
    assert sponsors_absent, "sponsors' absence is part of the story"
    for _, _, _, plan in SIX_PROJECTS:  # every real project's charts show signals and its PDSA cycles
        series = [reading.series(views.store, str(m)) for m in titles[plan.title].measures]
        assert any(s["spc"]["signals"] for s in series), plan.title
        assert any(s["annotations"] for s in series), plan.title
        if database_url.startswith("sqlite"):
            for number, one in enumerate(series):
                render_chart(one, chart_folder / f"{plan.title[:20]}-{number}.png")
    app.close()


def check_the_audit_of_the_demo(database_url: str, folder: Path) -> None:
    """Every demo project's history can be logged, replayed at every sign-off, and exported; all of it verifies."""
    settings = settings_for(database_url)
    app = open_application(settings)
    audit = Audit(app, settings, open_projections(app, settings))
    everything = audit.log(DEMO_ADMINISTRATOR, LogFilter())
    assert len(everything) == app.recorder.max_notification_id()
    assert all(line["what"] != line["event"] for line in everything), "every event has its sentence"
    project_ids = {line["project_id"] for line in everything if line["event"] == "ImprovementProject.Created"}
    for project_id in sorted(project_ids):
        project = UUID(project_id)
        lines = audit.log(DEMO_ADMINISTRATOR, LogFilter(project=project_id))
        replayed = audit.replay(DEMO_ADMINISTRATOR, project)
        assert replayed["version"] == app.load(ImprovementProject, project).version
        assert audit.replay(DEMO_ADMINISTRATOR, project, version=1)["status"] == "draft"
        for signoff in replayed["signoffs"]:
            signed = audit.signoff(DEMO_ADMINISTRATOR, signoff["id"])
            assert signed["project"]["version"] == (signed["signoff"]["decided_on_project_version"]
                                                    or signed["signoff"]["requested_on_project_version"])
        done = audit.export(DEMO_ADMINISTRATOR, project, "html", folder / f"{database_url[:6]}-{project_id}.html")
        assert done["events"] == len(lines) > 0
    assert audit.verify(DEMO_ADMINISTRATOR, []).holds
    app.close()
