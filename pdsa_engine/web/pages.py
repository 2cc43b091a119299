"""The pages, one per thing a person looks at. Each reads what the CLI's `show` reads, through the same
checks of who may read what; what a reader may not see answers 404, as if it did not exist."""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, RedirectResponse, Response

from pdsa_engine.aggregates.cycle import PDSACycle
from pdsa_engine.aggregates.measure_series import MeasureSeries
from pdsa_engine.aggregates.project import ImprovementProject
from pdsa_engine.aggregates.values import Role
from pdsa_engine.charter_changes import for_the_sponsor
from pdsa_engine.projections import reading
from pdsa_engine.queries import Queries
from pdsa_engine.web.actions import hidden, path_id
from pdsa_engine.web.identity import Viewer, language, require_viewer, viewer, web_of
from pdsa_engine.web.pages_base import render, render_kept

router = APIRouter(include_in_schema=False)


def _seen(request: Request, kind: str, read: Callable[[Queries, Viewer], Any]) -> tuple[Viewer, Any]:
    reader = require_viewer(request)
    with hidden(kind, request.path_params.get(kind)):
        return reader, read(web_of(request).queries(reader.person), reader)


@router.get("/health", include_in_schema=True, tags=["health"])
def health(request: Request) -> Response:
    """Answers ok when the database answers."""
    try:
        web_of(request).app.recorder.max_notification_id()
    except Exception:  # whatever the database says, the answer is that it is not there
        return JSONResponse({"status": "unavailable"}, status_code=503)
    return JSONResponse({"status": "ok"})


@router.get("/")
def home(request: Request) -> Response:
    reader = viewer(request)
    if reader is None:
        return RedirectResponse("/login", status_code=303)
    queries = web_of(request).queries()
    person = reader.person
    sees_all = any(person.holds(role) for role in (Role.ADMINISTRATOR, Role.COACH, Role.AUDITOR))
    context = {
        "cohorts": queries.cohorts(reader.actor) if sees_all else [],
        "projects": queries.projects(reader.actor, mine=True),
        "waiting": [s for s in queries.signoffs(reader.actor, mine=True, status="requested")
                    if s["sponsor"]["id"] == reader.actor],
        "roles": sorted(person.roles),
        "coaching": queries.coaching(reader.actor) if person.holds(Role.COACH) else [],
    }
    return render(request, "home.html", context)


@router.get("/cohorts/{cohort}")
def cohort_page(request: Request) -> Response:
    reader = require_viewer(request)
    queries = web_of(request).queries(reader.person)
    position = queries.projections.position  # of every event stored before the request: see render_kept
    with hidden("cohort", request.path_params.get("cohort")):
        facts = queries.cohort_facts(reader.actor, path_id(request, "cohort"))
    administers = reader.person.holds(Role.ADMINISTRATOR)
    # The dashboard's ages are of the moment of reading: the page is kept for as long as they read the same.
    now = queries.app.clock.now()

    def context() -> dict[str, Any]:
        found = {"cohort": reading.dated(facts, now), "administers": administers}
        if administers:  # for the form that starts a project: who has none yet, and who may sponsor and coach it
            with_project = {str(p["participant"]["id"]) for p in facts["projects"]}
            found["without_project"] = [e["participant"] for e in facts["enrolments"]
                                        if not e["withdrawn"] and str(e["participant"]["id"]) not in with_project]
            found["sponsors"] = queries.people(reader.actor, Role.SPONSOR)
            found["coaches"] = queries.people(reader.actor, Role.COACH)
        return found

    return render_kept(request, "cohort.html", ("cohort", administers, reading.ages(facts, now)), position, context)


@router.get("/projects/{project}")
def project_page(request: Request) -> Response:
    reader = require_viewer(request)
    queries = web_of(request).queries(reader.person)
    position = queries.projections.position

    def context() -> dict[str, Any]:
        with hidden("project", request.path_params.get("project")):
            project = queries.project(reader.actor, path_id(request, "project"))
            series = {m["measure_id"]: queries.series(reader.actor, UUID(str(m["measure_id"])))
                      for m in project["measures"]}
        runs = reader.person.holds(Role.PARTICIPANT) and str(project["participant"]["id"]) == reader.actor
        nodes = _nodes(project)
        return {"project": project, "series": series, "runs": runs, "change_ideas": nodes["change_idea"],
                "nodes": nodes, "continuable": _continuable(project)}

    # All of the page follows from the events: it is kept for this reader until the next one is stored.
    return render_kept(request, "project.html", ("project",), position, context)


def _continuable(project: dict[str, Any]) -> list[dict[str, Any]]:
    """The concluded cycles a new one may continue (a ramp): adapted or adopted, and not continued yet by a
    cycle that went on, each with its change idea's text. After an adapt the next cycle on that idea must continue
    it: the form offers the first adapted cycle, and its idea, as chosen."""
    went_on = {str(c["continues"]) for c in project["cycles"] if c["continues"] and c["phase"] != "cancelled"}
    ideas = {str(node["id"]): node["text"] for node in _nodes(project)["change_idea"]}
    found = [{**c, "idea": ideas.get(str(c["change_idea_id"]), "")} for c in project["cycles"]
             if c["decision"] in ("adapt", "adopt") and str(c["id"]) not in went_on]
    return sorted(found, key=lambda c: c["decision"] != "adapt")


def _nodes(project: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The driver diagram's nodes by kind, in the tree's order."""
    found: dict[str, list[dict[str, Any]]] = {"primary": [], "secondary": [], "change_idea": []}

    def walk(nodes: list[dict[str, Any]]) -> None:
        for node in nodes:
            found[node["kind"]].append(node)
            walk(node["children"])

    walk(project["driver_diagram"])
    return found


@router.get("/cycles/{cycle}")
def cycle_page(request: Request) -> Response:
    def read(queries: Queries, reader: Viewer) -> dict[str, Any]:
        cycle = queries.cycle(reader.actor, path_id(request, "cycle"))
        project = queries.app.load(ImprovementProject, UUID(str(cycle["project_id"])))
        measures = [project.measures[m].name for m in cycle["measure_ids"] if m in project.measures]
        continued = queries.app.load(PDSACycle, cycle["continues"]) if cycle["continues"] else None
        return {"cycle": cycle, "project": {"id": project.id, "title": project.title}, "measures": measures,
                "continued": continued,
                "runs": str(project.participant_id) == reader.actor and reader.person.holds(Role.PARTICIPANT)}

    _reader, found = _seen(request, "cycle", read)
    return render(request, "cycle.html", found)


@router.get("/signoffs/{signoff}")
def signoff_page(request: Request) -> Response:
    def read(queries: Queries, reader: Viewer) -> dict[str, Any]:
        signoff = queries.signoff(reader.actor, path_id(request, "signoff"))
        project = queries.app.load(ImprovementProject, UUID(str(signoff["project_id"])))
        shown = queries.project(reader.actor, project.id) if reader.person.id in (
            project.sponsor_id, project.participant_id) or _reads_all(reader) else None
        changed = for_the_sponsor(queries.app, project, signoff["requested_on_project_version"],
                                  UUID(str(signoff["id"]))) if shown else None
        return {"signoff": signoff, "project": shown, "project_version": project.version, "changed": changed,
                "decides": signoff["status"] == "requested" and str(signoff["sponsor"]["id"]) == reader.actor
                and reader.person.holds(Role.SPONSOR)}

    _reader, found = _seen(request, "signoff", read)
    return render(request, "signoff.html", found)


def _reads_all(reader: Viewer) -> bool:
    return any(reader.person.holds(role) for role in (Role.ADMINISTRATOR, Role.COACH, Role.AUDITOR))


@router.get("/measures/{measure}")
def measure_page(request: Request) -> Response:
    _reader, found = _seen(request, "measure", lambda q, v: q.measure(v.actor, path_id(request, "measure")))
    return RedirectResponse(f"/projects/{found['project_id']}#measure-{found['id']}", status_code=303)


@router.get("/measures/{measure}/chart.svg")
async def chart(request: Request) -> Response:
    def work() -> Response:
        _reader, series = _seen(request, "measure", lambda q, v: q.series(v.actor, path_id(request, "measure")))
        version = web_of(request).app.load(MeasureSeries, path_id(request, "measure")).version
        etag = f'"{version}-{language(request)}"'
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers={"ETag": etag})
        svg = CHARTS.svg(series, version, language(request))
        # matplotlib styles its SVG inline; as an image it runs nothing, so it may have its styles and no more.
        return Response(svg, media_type="image/svg+xml",
                        headers={"ETag": etag, "Cache-Control": "private, no-cache",
                                 "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"})

    return await run_in_threadpool(work)


class ChartCache:
    """Drawing is the slow part of a project page (matplotlib): each version of a chart is drawn once per process,
    in each language, and the last few hundred are kept."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._drawn: OrderedDict[tuple[str, int, str], bytes] = OrderedDict()
        self._lock = threading.Lock()

    def svg(self, series: dict[str, Any], version: int, lang: str) -> bytes:
        key = (str(series["measure_id"]), version, lang)
        with self._lock:
            if key in self._drawn:
                self._drawn.move_to_end(key)
                return self._drawn[key]
        from pdsa_engine.projections.charts import draw

        out = io.BytesIO()
        draw(series, lang).savefig(out, format="svg", metadata={"Date": None})
        with self._lock:
            self._drawn[key] = out.getvalue()
            while len(self._drawn) > self.size:
                self._drawn.popitem(last=False)
        return out.getvalue()


CHARTS = ChartCache()


@router.get("/people")
def people_page(request: Request) -> Response:
    reader = require_viewer(request)
    found = web_of(request).queries().people(reader.actor)
    return render(request, "people.html", {"people": found, "administers": reader.person.holds(Role.ADMINISTRATOR)})


@router.get("/people/{person}")
@router.get("/people/{person}/notifications")
def person_page(request: Request, digest: str | None = None) -> Response:
    """A person: who they are, their weekly digest (theirs to choose, or an administrator's), and for an
    administrator a role to grant. The digest's own mails link here: `?digest=off` readies the form to turn it
    off (a GET changes nothing; the form's POST does)."""
    def read(queries: Queries, reader: Viewer) -> dict[str, Any]:
        person = queries.person(reader.actor, request.path_params["person"])
        digest_choice = queries.app.person(str(person["id"])).digest
        shown = str(person["id"])
        # Their projects, each with the part they have in it.
        projects = [{**p, "as": [role for role in ("participant", "sponsor", "coach") if str(p[role]["id"]) == shown]}
                    for p in queries.projects(reader.actor)]
        return {"shown": person, "digest": digest_choice, "projects": [p for p in projects if p["as"]]}

    reader, found = _seen(request, "person", read)
    administers = reader.person.holds(Role.ADMINISTRATOR)
    chooses = administers or str(found["shown"]["id"]) == reader.actor
    return render(request, "person.html", {**found, "administers": administers, "chooses": chooses,
                                           "turning_off": digest == "off"})


@router.get("/audit")
def audit_page(request: Request, project: str | None = None, person: str | None = None,
               type: str | None = None) -> Response:
    from pdsa_engine.audit.log import LogFilter, event_name
    from pdsa_engine.audit.sentences import EVENT_NAMES

    reader = require_viewer(request)
    audit = web_of(request).audit()
    audit.auditor(reader.actor)
    chosen = LogFilter(project=(project or "").strip() or None, person=(person or "").strip() or None,
                       event=event_name(type) if type and type.strip() else None)
    lines = audit.log(reader.actor, chosen, language(request)) if chosen.project or chosen.person or chosen.event \
        else []
    projects = web_of(request).queries().projects(reader.actor)
    return render(request, "audit.html", {"lines": lines[-500:], "total": len(lines), "chosen": chosen,
                                          "projects": projects, "events": sorted(EVENT_NAMES)})
