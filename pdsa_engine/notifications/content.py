"""What a message says: the facts of its notice gathered into the plain values its templates show.

Names, titles and comments are read now, from the aggregates and views (never copied into the outbox), so a
message always shows people under their current names. Each kind has a gatherer; all of them share the
recipient, the links and the reader's language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import BytesIO
from typing import Any
from uuid import UUID

from sqlalchemy import func, select

from pdsa_engine.aggregates.cycle import PDSACycle
from pdsa_engine.aggregates.person import Person
from pdsa_engine.aggregates.project import ImprovementProject
from pdsa_engine.aggregates.signoff import SignOff
from pdsa_engine.application import PdsaApplication
from pdsa_engine.clock import local_date, utc_text
from pdsa_engine.errors import NotFound
from pdsa_engine.notifications.coaching import coached
from pdsa_engine.notifications.facts import Facts, ProjectFacts
from pdsa_engine.notifications.rules import Kind
from pdsa_engine.notifications.settings import MailSettings
from pdsa_engine.projections.audit_log import periods_recorded_since
from pdsa_engine.projections.outbox import OUTBOX
from pdsa_engine.projections.store import ViewStore

STALLED = timedelta(days=30)  # an open project without any recorded activity for this long is stalled


@dataclass
class Content:
    """A message's words and pictures before they are rendered."""

    kind: Kind
    language: str
    recipient: Person
    values: dict[str, Any]
    copy_to: list[Person] = field(default_factory=list)
    images: dict[str, bytes] = field(default_factory=dict)  # cid → PNG
    attachments: list[tuple[str, str, bytes]] = field(default_factory=list)  # (file name, MIME type, bytes)
    unsubscribe: str | None = None  # digests: where to turn them off


class Gathering:
    """Everything a run's messages draw on, read once and shared by them."""

    def __init__(self, app: PdsaApplication, store: ViewStore, facts: Facts, mail: MailSettings, now: datetime,
                 checkpoint: Callable[[], tuple[dict[str, Any], bytes | None, str | None]] | None = None,
                 decision_token: Callable[[UUID, UUID, datetime], str] | None = None) -> None:
        self.app, self.store, self.facts, self.mail, self.now = app, store, facts, mail, now
        self.projects = {p.id: p for p in facts.projects}
        self._checkpoint = checkpoint
        self._decision_token = decision_token  # (sponsor, sign-off, now) → the token of a mailed link
        self._charts: dict[tuple[str, str], bytes] = {}
        self._names: dict[str, str] = {}

    # -- shared helpers --------------------------------------------------------------------------------------

    def person(self, person_id: str) -> Person:
        return self.app.load(Person, UUID(person_id))

    def name(self, person_id: str | None) -> str:
        if person_id is None:
            return ""
        if person_id not in self._names:
            try:
                self._names[person_id] = self.person(person_id).name
            except NotFound:  # someone erased: the message still reads
                self._names[person_id] = "—"
        return self._names[person_id]

    def project(self, project_id: str) -> dict[str, Any]:
        facts = self.projects[project_id]
        return {"id": project_id, "title": facts.title, "link": self.mail.link(f"/projects/{project_id}"),
                "participant": self.name(facts.participant_id), "sponsor": self.name(facts.sponsor_id),
                "coach": self.name(facts.coach_id), "status": facts.status}

    def chart(self, series: dict[str, Any], language: str) -> bytes:
        """A measure's chart as PNG, drawn once per run and language however many digests show it."""
        key = (series["measure_id"], language)
        if key not in self._charts:
            from pdsa_engine.projections.charts import draw  # matplotlib: only when a chart is sent

            buffer = BytesIO()
            figure = draw(series, language)
            # Margins set by hand: a "tight" bounding box draws the chart twice, and charts were most of the
            # cost of sending digests in the profile.
            figure.set_size_inches(9, 4.4)
            figure.subplots_adjust(left=0.08, right=0.88, top=0.9, bottom=0.24)  # room for the signals' labels
            figure.savefig(buffer, format="png", dpi=80)
            self._charts[key] = buffer.getvalue()
        return self._charts[key]

    def signoff_link(self, signoff_id: str, sponsor_id: str | None, pending: bool, recipient: Person) -> tuple[str, bool]:
        """The link to a sign-off, and whether it lets the recipient decide without logging in: only the
        sponsor it waits for gets such a link (see pdsa_engine.web.mailed_links); anyone else logs in."""
        if pending and self._decision_token is not None and sponsor_id == str(recipient.id):
            token = self._decision_token(recipient.id, UUID(signoff_id), self.now)
            return self.mail.link(f"/mailed/{token}"), True
        return self.mail.link(f"/signoffs/{signoff_id}"), False

    def days_since(self, moment: datetime | date | None) -> int:
        if moment is None:
            return 0
        day = local_date(moment) if isinstance(moment, datetime) else moment
        return (local_date(self.now) - day).days

    # -- a message ------------------------------------------------------------------------------------------

    def content(self, kind: Kind, recipient_id: str, about: dict[str, str]) -> Content:
        recipient = self.person(recipient_id)
        values = {"recipient": recipient.name, "now": self.now, "settings_link": self.mail.link(
            f"/people/{recipient_id}/notifications")}
        content = Content(kind, recipient.language.value, recipient, values)
        GATHERERS[kind](self, content, about)
        if kind.is_digest:
            content.unsubscribe = self.mail.link(f"/people/{recipient_id}/notifications?digest=off")
        return content


# -- sign-offs -----------------------------------------------------------------------------------------------


def _signoff(gathering: Gathering, content: Content, about: dict[str, str]) -> None:
    signoff = gathering.app.load(SignOff, UUID(about["signoff_id"]))
    project = gathering.project(about["project_id"])
    facts = next((s for s in gathering.projects[about["project_id"]].signoffs if s.id == about["signoff_id"]), None)
    # The sponsor is reminded of their own wait (since it was addressed to them); an escalation tells the
    # project's wait (since the request).
    since = signoff.requested_at if content.kind is Kind.SIGNOFF_ESCALATION or facts is None else facts.addressed_at
    link, decides_by_link = gathering.signoff_link(str(signoff.id), str(signoff.sponsor_id), signoff.pending,
                                                   content.recipient)
    content.values.update(
        project=project,
        signoff={"id": str(signoff.id), "kind": signoff.kind.value, "status": signoff.status.value,
                 "requested_at": signoff.requested_at, "comment": signoff.comment, "decided_at": signoff.decided_at,
                 "waited_days": gathering.days_since(since),
                 "sponsor": gathering.name(str(signoff.sponsor_id)),
                 "link": link, "decides_by_link": decides_by_link},
    )


# -- cycles, meetings, progress, data ------------------------------------------------------------------------


def _cycle(gathering: Gathering, content: Content, about: dict[str, str]) -> None:
    cycle = gathering.app.load(PDSACycle, UUID(about["cycle_id"]))
    content.values.update(
        project=gathering.project(about["project_id"]),
        cycle={"id": str(cycle.id), "objective": cycle.planned.objective, "phase": cycle.phase.value,
               "planned_end": cycle.planned.end, "days_over": gathering.days_since(cycle.planned.end),
               "link": gathering.mail.link(f"/cycles/{cycle.id}")},
    )


def _startup(gathering: Gathering, content: Content, about: dict[str, str]) -> None:
    cohort = gathering.facts.cohorts[about["cohort_id"]]
    content.values.update(project=gathering.project(about["project_id"]), module_1=cohort.schedule.get("1"))


def _coaching(gathering: Gathering, content: Content, about: dict[str, str]) -> None:
    facts = gathering.projects[about["project_id"]]
    since = facts.last_coaching
    content.values.update(project=gathering.project(facts.id), last_coaching=since,
                          days=gathering.days_since(since or facts.active_since))


def _progress(gathering: Gathering, content: Content, about: dict[str, str]) -> None:
    facts = gathering.projects[about["project_id"]]
    last = facts.progress[-1] if facts.progress else None
    content.values.update(project=gathering.project(facts.id), last_score=last[1] if last else None,
                          last_scored=last[0] if last else None,
                          days=gathering.days_since(last[0] if last else facts.active_since))


def _data(gathering: Gathering, content: Content, about: dict[str, str]) -> None:
    project = gathering.app.load(ImprovementProject, UUID(about["project_id"]))
    measure = project.measure(UUID(about["measure_id"]))
    facts = next(m for m in gathering.projects[about["project_id"]].measures if m.id == about["measure_id"])
    content.values.update(project=gathering.project(about["project_id"]),
                          measure={"name": measure.name, "frequency": measure.frequency.value,
                                   "last_period_start": facts.last_period_start})


# -- the programme's dates -----------------------------------------------------------------------------------


def _poster(gathering: Gathering, content: Content, about: dict[str, str]) -> None:
    cohort = gathering.facts.cohorts[about["cohort_id"]]
    poster = date.fromisoformat(about["poster"])
    content.values.update(cohort=cohort.name, poster=poster, days_left=(poster - local_date(gathering.now)).days,
                          projects=[gathering.project(p) for p in about["project_ids"].split(",")])


def _followup(gathering: Gathering, content: Content, about: dict[str, str]) -> None:
    cohort = gathering.facts.cohorts[about["cohort_id"]]
    content.values.update(project=gathering.project(about["project_id"]), months=int(about["months"]),
                          cohort=cohort.name, cohort_end=cohort.end)
    if about.get("copy_to"):
        content.copy_to.append(gathering.person(about["copy_to"]))


# -- digests -------------------------------------------------------------------------------------------------


def _window(content: Content, about: dict[str, str]) -> tuple[datetime, datetime]:
    since, until = datetime.fromisoformat(about["since"]), datetime.fromisoformat(about["until"])
    content.values.update(since=since, until=until)
    return since, until


def _next_date(gathering: Gathering, cohort_id: str) -> dict[str, Any] | None:
    cohort = gathering.facts.cohorts.get(cohort_id)
    today = local_date(gathering.now)
    upcoming = sorted((on, module) for module, on in cohort.schedule.items() if on >= today) if cohort else []
    return {"module": upcoming[0][1], "date": upcoming[0][0]} if upcoming else None


def _sponsor_digest(gathering: Gathering, content: Content, about: dict[str, str]) -> None:
    since, _ = _window(content, about)
    sponsor = str(content.recipient.id)
    projects = [p for p in gathering.facts.projects if p.sponsor_id == sponsor
                and (not p.closed or (p.last_activity and p.last_activity >= since))]
    content.values["projects"] = [_sponsor_project(gathering, content, p, since) for p in projects]


def _sponsor_project(gathering: Gathering, content: Content, facts: ProjectFacts, since: datetime) -> dict[str, Any]:
    scores = [Decimal(score) for _, score in facts.progress]
    before = [Decimal(score) for on, score in facts.progress if on < local_date(since)]
    waiting = [{"kind": s.kind, "days": gathering.days_since(s.addressed_at),
                "link": gathering.signoff_link(s.id, s.sponsor_id, s.pending, content.recipient)[0]}
               for s in facts.signoffs if s.pending and s.sponsor_id == facts.sponsor_id]
    finished = []
    for cycle in facts.cycles:
        if cycle.phase == "closed" and cycle.since and cycle.since >= since:
            planned = gathering.app.load(PDSACycle, UUID(cycle.id)).planned
            finished.append({"objective": planned.objective, "decision": cycle.decision})
    return {
        **gathering.project(facts.id), "score": scores[-1] if scores else None,
        "change": scores[-1] - before[-1] if scores and before else None,
        "waiting": waiting, "finished": finished, "signals": _new_signals(gathering, content, facts, since),
        "next": _next_date(gathering, facts.cohort_id),
    }


def _new_signals(gathering: Gathering, content: Content, facts: ProjectFacts, since: datetime) -> list[dict[str, Any]]:
    """Signals that were not there at the last digest, with their measure's chart: the series as it is now
    against the same series without the points recorded since. A long run that merely grew is not news."""
    from pdsa_engine.projections import reading
    from pdsa_engine.projections.series import analysed

    measure_ids = [m.id for m in facts.measures]
    with gathering.store.engine.connect() as connection:
        fresh = periods_recorded_since(connection, measure_ids, utc_text(since))
    found = []
    for measure_id in measure_ids:
        if not fresh[measure_id]:
            continue
        series = reading.series(gathering.store, measure_id)
        if not series or not series.get("spc"):
            continue
        before, _ = analysed(series, [p for p in series["points"] if p["period"] not in fresh[measure_id]])
        known = {(s["rule"], s["kind"]) for s in (before or {}).get("signals", [])}
        findings = [{"kind": s["kind"], "rule": s["rule"]} for s in series["spc"]["signals"]
                    if s["kind"] in ("improvement", "concern") and (s["rule"], s["kind"]) not in known]
        if findings:  # one chart per measure, however many rules its new points break
            cid = f"chart-{measure_id}@{gathering.mail.domain}"
            content.images[cid] = gathering.chart(series, content.language)
            found.append({"measure": series["name"], "cid": cid, "findings": findings})
    return found


def _coach_digest(gathering: Gathering, content: Content, about: dict[str, str]) -> None:
    _window(content, about)
    rows = []
    for found in coached(gathering.facts, str(content.recipient.id), local_date(gathering.now)):
        open_cycles = [{"objective": gathering.app.load(PDSACycle, UUID(cycle.id)).planned.objective,
                        "phase": cycle.phase, "overdue": cycle.overdue,
                        "link": gathering.mail.link(f"/cycles/{cycle.id}")} for cycle in found.open_cycles]
        rows.append({**gathering.project(found.project.id), "open_cycles": open_cycles,
                     "days_since_coaching": found.days_since_coaching})
    content.values["projects"] = rows


def _administrator_digest(gathering: Gathering, content: Content, about: dict[str, str]) -> None:
    since, _ = _window(content, about)
    sent = _outbox_counts(gathering, since)
    cohorts = []
    for cohort in sorted(gathering.facts.cohorts.values(), key=lambda c: (c.start, c.name)):
        if cohort.closed or local_date(gathering.now) > cohort.end + timedelta(days=30):
            continue
        projects = [p for p in gathering.facts.projects if p.cohort_id == cohort.id]
        pending = sorted(
            ({"project": p.title, "link": gathering.mail.link(f"/signoffs/{s.id}"), "kind": s.kind,
              "sponsor": gathering.name(s.sponsor_id), "days": gathering.days_since(s.requested_at)}
             for p in projects for s in p.signoffs if s.pending),
            key=lambda row: -row["days"])
        stalled = [{**gathering.project(p.id), "days": gathering.days_since(p.last_activity)}
                   for p in projects if not p.closed and p.last_activity and gathering.now - p.last_activity >= STALLED]
        cohorts.append({"name": cohort.name, "pending": pending, "stalled": stalled,
                        **sent.get(cohort.id, {"reminders": 0, "escalations": 0, "failed": []})})
    content.values["cohorts"] = cohorts


def _outbox_counts(gathering: Gathering, since: datetime) -> dict[str, dict[str, Any]]:
    counts: dict[str, dict[str, Any]] = {}
    with gathering.store.engine.connect() as connection:
        rows = connection.execute(
            select(OUTBOX.c.cohort_id, OUTBOX.c.kind, func.count()).where(
                OUTBOX.c.status == "sent", OUTBOX.c.changed_at >= utc_text(since),
                OUTBOX.c.kind.in_(("signoff_reminder", "signoff_escalation")))
            .group_by(OUTBOX.c.cohort_id, OUTBOX.c.kind))
        for cohort_id, kind, number in rows:
            entry = counts.setdefault(cohort_id, {"reminders": 0, "escalations": 0, "failed": []})
            entry["reminders" if kind == "signoff_reminder" else "escalations"] += number
        failed = connection.execute(select(OUTBOX.c.cohort_id, OUTBOX.c.kind, OUTBOX.c.recipient_id,
                                           OUTBOX.c.last_error).where(OUTBOX.c.status == "failed"))
        for cohort_id, kind, recipient, error in failed:
            entry = counts.setdefault(cohort_id, {"reminders": 0, "escalations": 0, "failed": []})
            entry["failed"].append({"kind": kind, "recipient": gathering.name(recipient), "error": error})
    return counts


def _auditor_checkpoint(gathering: Gathering, content: Content, about: dict[str, str]) -> None:
    _window(content, about)
    assert gathering._checkpoint is not None, "a checkpoint needs the audit key"
    summary, document, problem = gathering._checkpoint()
    content.values.update(checkpoint=summary, problem=problem)
    if document is not None:
        content.attachments.append((f"checkpoint-{summary['position']:012d}.json", "application/json", document))


GATHERERS: dict[Kind, Callable[[Gathering, Content, dict[str, str]], None]] = {
    Kind.SIGNOFF_REQUESTED: _signoff, Kind.SIGNOFF_REMINDER: _signoff, Kind.SIGNOFF_ESCALATION: _signoff,
    Kind.SIGNOFF_DECIDED: _signoff, Kind.CYCLE_OVERDUE: _cycle, Kind.STARTUP_MEETING_MISSING: _startup,
    Kind.COACHING_GAP: _coaching, Kind.PROGRESS_STALE: _progress, Kind.DATA_MISSING: _data,
    Kind.POSTER_INVITATION: _poster, Kind.FOLLOWUP: _followup, Kind.SPONSOR_DIGEST: _sponsor_digest,
    Kind.COACH_DIGEST: _coach_digest, Kind.ADMINISTRATOR_DIGEST: _administrator_digest,
    Kind.AUDITOR_CHECKPOINT: _auditor_checkpoint,
}
