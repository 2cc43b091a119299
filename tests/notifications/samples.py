"""Sample values for every mail template, with both sides of each of its conditions: the tests render them all."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

from pdsa_engine.notifications.content import Content
from pdsa_engine.notifications.rules import Kind

NOW = datetime(2031, 3, 10, 6, 0, tzinfo=timezone.utc)
LINK = "http://127.0.0.1:8000"
PROJECT = {"id": "p1", "title": "Færre færdigbehandlingsdage", "link": f"{LINK}/projects/p1", "participant": "Per Deltager",
           "sponsor": "Sus Sponsor", "coach": "Kim Coach", "status": "active"}
SIGNOFF = {"id": "s1", "kind": "charter", "status": "changes_requested", "requested_at": NOW, "comment": "Skarpere mål",
           "decided_at": NOW, "waited_days": 4, "sponsor": "Sus Sponsor", "link": f"{LINK}/signoffs/s1",
           "decides_by_link": False}
BY_LINK = {**SIGNOFF, "status": "requested", "link": f"{LINK}/mailed/t1", "decides_by_link": True}
CYCLE = {"id": "c1", "objective": "Tavlemøde hver morgen", "phase": "do", "planned_end": date(2031, 2, 28),
         "days_over": 10, "link": f"{LINK}/cycles/c1"}
WINDOW = {"since": datetime(2031, 3, 3, 6, tzinfo=timezone.utc), "until": NOW}
SPONSOR_PROJECT = {**PROJECT, "score": Decimal("3.5"), "change": Decimal("0.5"),
                   "waiting": [{"kind": "scale_up", "days": 1, "link": f"{LINK}/signoffs/s2"}],
                   "finished": [{"objective": "Tavlemøde", "decision": "adopt"}],
                   "signals": [{"measure": "Dage", "cid": "chart-m1@example.dk",
                                "findings": [{"kind": "improvement", "rule": "anhoej_longest_run"}]}],
                   "next": {"module": "3", "date": date(2031, 5, 18)}}
QUIET_PROJECT = {**PROJECT, "score": None, "change": None, "waiting": [], "finished": [], "signals": [], "next": None}

# Per kind, one or more value sets: together they take every branch of the kind's templates.
SAMPLES: dict[Kind, list[dict[str, Any]]] = {
    Kind.SIGNOFF_REQUESTED: [{"project": PROJECT, "signoff": SIGNOFF}, {"project": PROJECT, "signoff": BY_LINK}],
    Kind.SIGNOFF_REMINDER: [{"project": PROJECT, "signoff": BY_LINK},
                            {"project": PROJECT, "signoff": {**SIGNOFF, "waited_days": 1}}],
    Kind.SIGNOFF_ESCALATION: [{"project": PROJECT, "signoff": {**SIGNOFF, "waited_days": 12}}],
    Kind.SIGNOFF_DECIDED: [{"project": PROJECT, "signoff": SIGNOFF},
                           {"project": PROJECT, "signoff": {**SIGNOFF, "status": "approved", "comment": None}}],
    Kind.CYCLE_OVERDUE: [{"project": PROJECT, "cycle": CYCLE}],
    Kind.STARTUP_MEETING_MISSING: [{"project": PROJECT, "module_1": date(2031, 2, 10)}],
    Kind.COACHING_GAP: [{"project": PROJECT, "last_coaching": date(2031, 1, 20), "days": 49},
                        {"project": PROJECT, "last_coaching": None, "days": 1}],
    Kind.PROGRESS_STALE: [{"project": PROJECT, "last_score": "2.5", "last_scored": date(2031, 2, 1), "days": 37},
                          {"project": PROJECT, "last_score": None, "last_scored": None, "days": 30}],
    Kind.DATA_MISSING: [{"project": PROJECT, "measure": {"name": "Dage", "frequency": "week",
                                                        "last_period_start": date(2031, 2, 3)}},
                        {"project": PROJECT, "measure": {"name": "Dage", "frequency": "month", "last_period_start": None}}],
    Kind.POSTER_INVITATION: [{"cohort": "Hold 2031", "poster": date(2031, 12, 10), "days_left": 21,
                              "projects": [PROJECT, {**PROJECT, "title": "Hjemmekemo"}]}],
    Kind.FOLLOWUP: [{"project": PROJECT, "months": 6, "cohort": "Hold 2031", "cohort_end": date(2031, 12, 12)},
                    {"project": PROJECT, "months": 1, "cohort": "Hold 2031", "cohort_end": date(2031, 12, 12)}],
    Kind.SPONSOR_DIGEST: [{**WINDOW, "projects": [SPONSOR_PROJECT, QUIET_PROJECT]}],
    Kind.COACH_DIGEST: [{**WINDOW, "projects": [
        {**PROJECT, "days_since_coaching": 12, "open_cycles": [{**CYCLE, "overdue": True}, {**CYCLE, "overdue": False}]},
        {**PROJECT, "days_since_coaching": None, "open_cycles": []}]}],
    Kind.ADMINISTRATOR_DIGEST: [{**WINDOW, "cohorts": [
        {"name": "Hold 2031", "reminders": 3, "escalations": 1,
         "pending": [{"project": "Færre dage", "link": f"{LINK}/signoffs/s1", "kind": "charter", "sponsor": "Sus Sponsor",
                      "days": 12}],
         "stalled": [{**PROJECT, "days": 31}], "failed": [{"kind": "sponsor_digest", "recipient": "Sus Sponsor",
                                                          "error": "550 mailbox unavailable"}]},
        {"name": "Hold 2032", "reminders": 0, "escalations": 0, "pending": [], "stalled": [], "failed": []}]}],
    Kind.AUDITOR_CHECKPOINT: [{**WINDOW, "checkpoint": {"position": 1234, "key_fingerprint": "ab12cd34"}, "problem": None},
                              {**WINDOW, "checkpoint": {"position": 0}, "problem": "event 17 was changed"}],
}


def sample_contents(language: str) -> list[Content]:
    contents = []
    for kind, samples in SAMPLES.items():
        for values in samples:
            content = Content(kind, language, None, {"recipient": "Sus Sponsor", "now": NOW,  # type: ignore[arg-type]
                                                     "settings_link": f"{LINK}/people/x/notifications", **values})
            if kind.is_digest:
                content.unsubscribe = f"{LINK}/people/x/notifications?digest=off"
            contents.append(content)
    return contents
