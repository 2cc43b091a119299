"""What a reader is shown instead of the codes the records hold, in English and Danish: the words for coded
values (statuses, phases, kinds, decisions, outcomes, directions, frequencies, chart types, sectors, roles) and
the names of the fields a history compares. Reports and charts use them; the records themselves, and the JSON
lines and CSV exports, keep the codes. The English is here; the Danish is in the gettext catalogue
``locale/da/LC_MESSAGES/labels.po``, whose context for a value is its kind and for a field "field <name>"."""

from __future__ import annotations

import re

from pdsa_engine.catalogues import strict_translations

LANGUAGES = ("en", "da")


def language_of(language: str | None) -> str:
    """The reader's language as one of LANGUAGES: Danish when asked for, English otherwise."""
    return "da" if language == "da" else "en"


# code → its English word, per kind of value; the Danish is in locale/da/LC_MESSAGES/labels.po (context: the kind).
VALUES: dict[str, dict[str, str]] = {
    "status": {  # of a project and of a sign-off
        "draft": "draft", "charter_submitted": "charter submitted",
        "active": "active", "closed": "closed",
        "requested": "requested", "approved": "approved",
        "changes_requested": "changes requested", "declined": "declined",
        "withdrawn": "withdrawn",
    },
    "phase": {
        "plan": "Plan", "do": "Do", "study": "Study",
        "closed": "closed", "cancelled": "cancelled",
    },
    "decision": {"adopt": "adopt", "adapt": "adapt", "abandon": "abandon"},
    "outcome": {"sustained": "sustained", "spread": "spread",
                "stopped": "stopped"},
    "kind": {  # of a measure, a driver, a meeting and a sign-off
        "outcome": "outcome measure", "process": "process measure",
        "balancing": "balancing measure",
        "primary": "primary driver", "secondary": "secondary driver",
        "change_idea": "change idea",
        "startup": "start-up meeting", "coaching": "coaching",
        "poster": "poster presentation",
        "charter": "charter", "scale_up": "scale-up",
        "closure": "closure",
        # of a message the reminders send
        "signoff_requested": "request for a sign-off",
        "signoff_reminder": "reminder of a sign-off",
        "signoff_escalation": "escalation of a waiting sign-off",
        "signoff_decided": "notice of a decided sign-off",
        "cycle_overdue": "reminder of an overdue cycle",
        "startup_meeting_missing": "reminder of the start-up meeting",
        "coaching_gap": "reminder of coaching",
        "progress_stale": "reminder to score progress",
        "data_missing": "reminder of missing data",
        "poster_invitation": "invitation to the poster presentation",
        "followup": "follow-up",
        "sponsor_digest": "sponsor's weekly digest",
        "coach_digest": "coach's weekly digest",
        "administrator_digest": "administrator's weekly digest",
        "auditor_checkpoint": "auditor's weekly checkpoint",
    },
    "chart": {
        "run": "run chart", "i": "I chart", "mr": "MR chart",
        "p": "p chart", "pp": "p′ chart", "u": "u chart",
        "up": "u′ chart", "c": "c chart", "g": "g chart",
        "t": "t chart",
    },
    "frequency": {"day": "daily", "week": "weekly", "month": "monthly"},
    "direction": {"up": "higher is better", "down": "lower is better"},
    "sector": {"regional": "regional", "municipal": "municipal",
               "general_practice": "general practice"},
    "role": {"administrator": "administrator", "participant": "participant",
             "sponsor": "sponsor", "coach": "coach", "auditor": "auditor"},
    "language": {"da": "Danish", "en": "English"},
    "module": {"kickoff": "kick-off", "1": "module 1", "2": "module 2",
               "3": "module 3", "4": "module 4", "5": "module 5",
               "poster": "poster presentation"},
    "yes_no": {"True": "yes", "False": "no"},
    "delivery": {  # of a message in the outbox
        "queued": "queued", "sending": "sending", "sent": "sent",
        "deferred": "deferred", "failed": "failed", "dropped": "dropped",
    },
    "weekday": {"mon": "Monday", "tue": "Tuesday", "wed": "Wednesday",
                "thu": "Thursday", "fri": "Friday", "sat": "Saturday",
                "sun": "Sunday"},
    "rule": {  # of an SPC signal
        "outside_limits": "outside the limits",
        "anhoej_longest_run": "long run", "anhoej_crossings": "few crossings",
        "mdc_two_of_three": "2 of 3 beyond 2σ", "mdc_shift": "shift",
        "mdc_trend": "trend",
    },
    "signal": {"improvement": "improvement", "concern": "concern",
               "neutral": "neutral"},
}

# The fields whose values are codes, by the last part of their path, and the kind of code each holds.
CODED_FIELDS: dict[str, str] = {
    "status": "status", "phase": "phase", "cancelled_in": "phase", "decision": "decision", "outcome": "outcome",
    "in_phase": "phase", "kind": "kind", "chart": "chart", "frequency": "frequency", "direction": "direction",
    "sector": "sector", "role": "role", "roles": "role", "language": "language", "module": "module",
    "cancelled": "yes_no", "closed": "yes_no", "charter_changed_since_approval": "yes_no",
    "sponsor_attended": "yes_no", "decided_by_mailed_link": "yes_no",
}

# The parts of a field's path (audit/state.py flattens a state into "measures.<id>.direction" and the like), in
# English; one English word may be two in Danish ("by": "senest" of an aim, "af" of a person), so each part is
# translated in a context of its own.
FIELDS: dict[str, str] = {
    "acted": "Act", "act": "Act", "next_steps": "next steps", "aim": "aim", "achieve_by": "by", "how_much": "how much",
    "what": "what", "as_of": "as of", "at": "at", "by": "by", "attendees": "attendees", "baseline": "baseline",
    "cancellation": "cancellation", "cancellation_reason": "reason for cancelling", "cancelled": "cancelled",
    "cancelled_in": "cancelled in the phase", "change_idea": "change idea", "change_idea_id": "change idea",
    "chart": "chart", "charter_changed_since_approval": "charter changed since approval", "children": "under it",
    "closed": "closed", "coach": "coach", "coach_id": "coach", "cohort_id": "cohort", "cohort_start": "cohort start",
    "comment": "comment", "continues": "continues the cycle", "corrections": "corrections", "cycle_id": "cycle",
    "cycle_records": "PDSA cycles", "cycles": "PDSA cycles", "data": "data", "data_plan": "data collection plan",
    "date": "date", "decided_at": "decided at", "decided_on_project_version": "decided on version",
    "decided_on_version": "decided on version", "decision": "decision",
    "decided_by_mailed_link": "decided through the mailed link", "definition": "operational definition",
    "diagram": "driver diagram", "direction": "direction", "do": "Do", "done": "Do",
    "driver_diagram": "driver diagram", "email": "e-mail", "end": "end", "enrolments": "enrolments",
    "findings": "findings", "first_administrator_id": "first administrator", "frequency": "frequency",
    "group_id": "group", "groups": "sparring groups", "how": "how", "id": "id", "in_phase": "in the phase",
    "kind": "kind", "language": "language", "last_activity": "last activity", "measure_id": "measure",
    "measure_ids": "measures", "measures": "measures", "meeting_id": "meeting", "meetings": "meetings",
    "members": "members", "n": "denominator (n)", "name": "name", "node_id": "node", "nodes": "nodes",
    "objective": "objective", "observations": "observations", "on": "date", "organisation": "organisation",
    "outcome": "outcome", "parent_id": "under", "participant": "participant", "participant_id": "participant",
    "pending": "pending sign-offs", "period": "period", "person_id": "person", "phase": "phase",
    "phases": "chart phases", "plan": "Plan", "planned": "Plan", "points": "data points", "predictions": "predictions",
    "problem": "problem statement", "problems": "problems", "progress": "progress", "project_id": "project",
    "projects": "projects", "questions": "questions", "quotas": "seats", "reason": "reason", "region": "region",
    "role": "role", "requested_at": "requested at", "requested_by": "requested by",
    "requested_on_project_version": "requested on version", "requested_on_version": "requested on version",
    "roles": "roles", "scaled_up": "scaled up", "schedule": "schedule", "score": "score", "sector": "sector",
    "signoff_id": "sign-off", "signoff_ids": "sign-offs", "signoff_records": "sign-offs", "signoffs": "sign-offs",
    "sponsor": "sponsor", "sponsor_attended": "sponsor attended", "sponsor_id": "sponsor", "start": "start",
    "status": "status", "studied": "Study", "study": "Study", "target": "target", "text": "text", "title": "title",
    "unit": "unit", "value": "value", "version": "version", "where": "where", "who": "who",
    "withdrawal_reason": "reason for withdrawal",
    # the fields of a message in the outbox
    "about": "about", "attempts": "attempts", "claimed_until": "being sent until", "first_try": "first try",
    "key": "key", "last_error": "last error", "message_id": "Message-ID", "next_try": "next try",
    "queued_at": "queued at", "recipient_id": "recipient", "sha256": "SHA-256",
    # the fields of the commands, as error pages name them
    "attendee": "attendee", "coaching_gap": "days between coaching sessions", "cohort": "cohort", "cycle": "cycle",
    "digest": "weekly digest", "digest_day": "digest day", "digest_hour": "digest hour", "enabled": "on",
    "escalate_after": "escalate after (days)", "exclude": "excluded points", "freeze": "baseline points",
    "from": "from", "measure": "measure", "member": "member", "module": "module", "type": "event", "page": "page",
    "csv": "CSV file",
    "mr_screening": "moving-range screening", "node": "node", "overdue_after": "overdue after (days)", "part": "phase",
    "person": "person", "prediction": "predictions", "primary": "primary driver",
    "progress_stale": "days without a progress score", "project": "project", "project_version": "project version",
    "question": "questions", "rows": "rows", "rules": "rules", "seats": "seats", "secondary": "secondary driver",
    "signoff": "sign-off", "signoff_after": "remind of a sign-off after (days)",
    "signoff_every": "remind again every (days)", "study_overdue_after": "Study overdue after (days)",
    "under": "under", "values": "values",
}

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_KEY = re.compile(r"\d+|\d{4}-(?:W\d{2}|\d{2}(?:-\d{2})?)")  # a list's index or a data point's period
SEPARATOR = " › "


# The kind of code each of the records' coded values is, by the name of its class (a message says them in words).
KINDS_OF_CODE: dict[str, str] = {
    "Role": "role", "ProjectStatus": "status", "SignOffStatus": "status", "Phase": "phase", "Decision": "decision",
    "SignOffKind": "kind", "MeasureKind": "kind", "DriverKind": "kind", "MeetingKind": "kind", "ChartType": "chart",
    "Frequency": "frequency", "Sector": "sector", "Direction": "direction", "Outcome": "outcome",
    "Module": "module", "MessageStatus": "delivery",
}


def coded_word(value: object, language: str | None) -> str | None:
    """The word for a coded value (an enum of the records), or None when the value is not one."""
    kind = KINDS_OF_CODE.get(type(value).__name__)
    return None if kind is None else word(str(getattr(value, "value", value)), kind, language)


def word(code: str, kind: str, language: str | None) -> str:
    """The word for a coded value of a kind (see VALUES); an unknown code is shown as it is."""
    english = VALUES.get(kind, {}).get(code)
    if english is None:
        return code
    return strict_translations("labels", language_of(language)).pgettext(kind, english)


def field_value(path: str, value: str, language: str | None) -> str:
    """A field's value as the reader is shown it: a code in words (each of a list, as flattened, too), free text
    and numbers as they are."""
    kind = CODED_FIELDS.get(path.rsplit(".", 1)[-1])
    if kind is None:
        return value
    return ", ".join(word(part, _kind_holding(part, kind), language) for part in value.split(", "))


def _kind_holding(code: str, kind: str) -> str:
    """The kind a field's code is of: the field's own, or, for a code it has not (an outbox message's status is a
    delivery's, not a project's), the one kind that has it."""
    if code in VALUES.get(kind, {}):
        return kind
    holding = [other for other, codes in VALUES.items() if code in codes]
    return holding[0] if len(holding) == 1 else kind


def field_label(path: str, language: str | None) -> str:
    """A field's path in words: "measures.<id>.direction" is "Measures › 1a2b3c4d… › direction"."""
    words = strict_translations("labels", language_of(language))
    parts = path.split(".")
    shown = []
    for position, part in enumerate(parts):
        parent = parts[position - 1] if position else ""
        if parent == "schedule":
            shown.append(word(part, "module", language))
        elif parent == "quotas" and " / " in part:
            region, sector = part.rsplit(" / ", 1)
            shown.append(f"{region} / {word(sector, 'sector', language)}")
        elif part in FIELDS:
            shown.append(words.pgettext(f"field {part}", FIELDS[part]))
        else:
            shown.append(_UUID.sub(lambda found: found[0][:8] + "…", part))
    text = SEPARATOR.join(shown)
    return text[:1].upper() + text[1:]


def unknown_parts(path: str) -> list[str]:
    """The parts of a field's path that have no words here: neither a field's name nor an id, index or period."""
    parts = path.split(".")
    return [part for position, part in enumerate(parts)
            if part not in FIELDS and not _UUID.fullmatch(part) and not _KEY.fullmatch(part)
            and (position == 0 or parts[position - 1] not in ("schedule", "quotas"))]
