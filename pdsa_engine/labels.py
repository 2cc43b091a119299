"""What a reader is shown instead of the codes the records hold, in English and Danish: the words for coded
values (statuses, phases, kinds, decisions, outcomes, directions, frequencies, chart types, sectors, roles) and
the names of the fields a history compares. Reports and charts use them; the records themselves, and the JSON
lines and CSV exports, keep the codes."""

from __future__ import annotations

import re

LANGUAGES = ("en", "da")


def language_of(language: str | None) -> str:
    """The reader's language as one of LANGUAGES: Danish when asked for, English otherwise."""
    return "da" if language == "da" else "en"


# code → (English, Danish), per kind of value.
VALUES: dict[str, dict[str, tuple[str, str]]] = {
    "status": {  # of a project and of a sign-off
        "draft": ("draft", "kladde"), "charter_submitted": ("charter submitted", "kommissorium indsendt"),
        "active": ("active", "aktiv"), "closed": ("closed", "afsluttet"),
        "requested": ("requested", "anmodet"), "approved": ("approved", "godkendt"),
        "changes_requested": ("changes requested", "ændringer ønsket"), "declined": ("declined", "afvist"),
        "withdrawn": ("withdrawn", "trukket tilbage"),
    },
    "phase": {
        "plan": ("Plan", "Plan"), "do": ("Do", "Do"), "study": ("Study", "Study"),
        "closed": ("closed", "afsluttet"), "cancelled": ("cancelled", "annulleret"),
    },
    "decision": {"adopt": ("adopt", "indfør"), "adapt": ("adapt", "tilpas"), "abandon": ("abandon", "opgiv")},
    "outcome": {"sustained": ("sustained", "fastholdt"), "spread": ("spread", "spredt"),
                "stopped": ("stopped", "stoppet")},
    "kind": {  # of a measure, a driver, a meeting and a sign-off
        "outcome": ("outcome measure", "resultatmål"), "process": ("process measure", "procesmål"),
        "balancing": ("balancing measure", "balancemål"),
        "primary": ("primary driver", "primær driver"), "secondary": ("secondary driver", "sekundær driver"),
        "change_idea": ("change idea", "forandringsidé"),
        "startup": ("start-up meeting", "opstartsmøde"), "coaching": ("coaching", "coaching"),
        "poster": ("poster presentation", "posterpræsentation"),
        "charter": ("charter", "kommissorium"), "scale_up": ("scale-up", "opskalering"),
        "closure": ("closure", "afslutning"),
        # of a message the reminders send
        "signoff_requested": ("request for a sign-off", "anmodning om godkendelse"),
        "signoff_reminder": ("reminder of a sign-off", "påmindelse om godkendelse"),
        "signoff_escalation": ("escalation of a waiting sign-off", "eskalering af en ventende godkendelse"),
        "signoff_decided": ("notice of a decided sign-off", "besked om en afgjort godkendelse"),
        "cycle_overdue": ("reminder of an overdue cycle", "påmindelse om en forsinket cyklus"),
        "startup_meeting_missing": ("reminder of the start-up meeting", "påmindelse om opstartsmødet"),
        "coaching_gap": ("reminder of coaching", "påmindelse om coaching"),
        "progress_stale": ("reminder to score progress", "påmindelse om at score fremdriften"),
        "data_missing": ("reminder of missing data", "påmindelse om manglende data"),
        "poster_invitation": ("invitation to the poster presentation", "invitation til posterpræsentationen"),
        "followup": ("follow-up", "opfølgning"),
        "sponsor_digest": ("sponsor's weekly digest", "sponsorens ugentlige overblik"),
        "coach_digest": ("coach's weekly digest", "coachens ugentlige overblik"),
        "administrator_digest": ("administrator's weekly digest", "administratorens ugentlige overblik"),
        "auditor_checkpoint": ("auditor's weekly checkpoint", "revisorens ugentlige kontrolpunkt"),
    },
    "chart": {
        "run": ("run chart", "seriediagram"), "i": ("I chart", "I-diagram"), "mr": ("MR chart", "MR-diagram"),
        "p": ("p chart", "p-diagram"), "pp": ("p′ chart", "p′-diagram"), "u": ("u chart", "u-diagram"),
        "up": ("u′ chart", "u′-diagram"), "c": ("c chart", "c-diagram"), "g": ("g chart", "g-diagram"),
        "t": ("t chart", "t-diagram"),
    },
    "frequency": {"day": ("daily", "dagligt"), "week": ("weekly", "ugentligt"), "month": ("monthly", "månedligt")},
    "direction": {"up": ("higher is better", "højere er bedre"), "down": ("lower is better", "lavere er bedre")},
    "sector": {"regional": ("regional", "regional"), "municipal": ("municipal", "kommunal"),
               "general_practice": ("general practice", "almen praksis")},
    "role": {"administrator": ("administrator", "administrator"), "participant": ("participant", "deltager"),
             "sponsor": ("sponsor", "sponsor"), "coach": ("coach", "coach"), "auditor": ("auditor", "revisor")},
    "language": {"da": ("Danish", "dansk"), "en": ("English", "engelsk")},
    "module": {"kickoff": ("kick-off", "kick-off"), "1": ("module 1", "modul 1"), "2": ("module 2", "modul 2"),
               "3": ("module 3", "modul 3"), "4": ("module 4", "modul 4"), "5": ("module 5", "modul 5"),
               "poster": ("poster presentation", "posterpræsentation")},
    "yes_no": {"True": ("yes", "ja"), "False": ("no", "nej")},
    "delivery": {  # of a message in the outbox
        "queued": ("queued", "i kø"), "sending": ("sending", "sendes"), "sent": ("sent", "sendt"),
        "deferred": ("deferred", "udsat"), "failed": ("failed", "mislykket"), "dropped": ("dropped", "opgivet"),
    },
    "weekday": {"mon": ("Monday", "mandag"), "tue": ("Tuesday", "tirsdag"), "wed": ("Wednesday", "onsdag"),
                "thu": ("Thursday", "torsdag"), "fri": ("Friday", "fredag"), "sat": ("Saturday", "lørdag"),
                "sun": ("Sunday", "søndag")},
    "rule": {  # of an SPC signal
        "outside_limits": ("outside the limits", "uden for kontrolgrænserne"),
        "anhoej_longest_run": ("long run", "lang serie"), "anhoej_crossings": ("few crossings", "få kryds"),
        "mdc_two_of_three": ("2 of 3 beyond 2σ", "2 af 3 uden for 2σ"), "mdc_shift": ("shift", "niveauskift"),
        "mdc_trend": ("trend", "trend"),
    },
    "signal": {"improvement": ("improvement", "forbedring"), "concern": ("concern", "forværring"),
               "neutral": ("neutral", "neutral")},
}

# The fields whose values are codes, by the last part of their path, and the kind of code each holds.
CODED_FIELDS: dict[str, str] = {
    "status": "status", "phase": "phase", "cancelled_in": "phase", "decision": "decision", "outcome": "outcome",
    "in_phase": "phase", "kind": "kind", "chart": "chart", "frequency": "frequency", "direction": "direction", "sector": "sector",
    "role": "role", "roles": "role", "language": "language", "module": "module",
    "cancelled": "yes_no", "closed": "yes_no", "charter_changed_since_approval": "yes_no",
    "sponsor_attended": "yes_no", "decided_by_mailed_link": "yes_no",
}

# The parts of a field's path (audit/state.py flattens a state into "measures.<id>.direction" and the like).
FIELDS: dict[str, tuple[str, str]] = {
    "acted": ("Act", "Act"), "act": ("Act", "Act"), "next_steps": ("next steps", "næste skridt"),
    "aim": ("aim", "mål"), "achieve_by": ("by", "senest"), "how_much": ("how much", "hvor meget"),
    "what": ("what", "hvad"), "as_of": ("as of", "pr."), "at": ("at", "tidspunkt"), "by": ("by", "af"), "attendees": ("attendees", "deltagere"),
    "baseline": ("baseline", "baseline"), "cancellation": ("cancellation", "annullering"),
    "cancellation_reason": ("reason for cancelling", "begrundelse for annullering"),
    "cancelled": ("cancelled", "annulleret"), "cancelled_in": ("cancelled in the phase", "annulleret i fasen"),
    "change_idea": ("change idea", "forandringsidé"), "change_idea_id": ("change idea", "forandringsidé"),
    "chart": ("chart", "diagramtype"), "charter_changed_since_approval": (
        "charter changed since approval", "kommissorium ændret siden godkendelsen"),
    "children": ("under it", "under den"), "closed": ("closed", "lukket"), "coach": ("coach", "coach"),
    "coach_id": ("coach", "coach"), "cohort_id": ("cohort", "hold"), "cohort_start": ("cohort start", "holdstart"),
    "comment": ("comment", "kommentar"), "continues": ("continues the cycle", "fortsætter cyklussen"),
    "corrections": ("corrections", "rettelser"), "cycle_id": ("cycle", "cyklus"),
    "cycle_records": ("PDSA cycles", "PDSA-cyklusser"), "cycles": ("PDSA cycles", "PDSA-cyklusser"),
    "data": ("data", "data"), "data_plan": ("data collection plan", "dataindsamlingsplan"), "date": ("date", "dato"),
    "decided_at": ("decided at", "afgjort"), "decided_on_project_version": ("decided on version", "afgjort på version"),
    "decided_on_version": ("decided on version", "afgjort på version"), "decision": ("decision", "beslutning"),
    "decided_by_mailed_link": ("decided through the mailed link", "afgjort via linket i mailen"),
    "definition": ("operational definition", "operationel definition"), "diagram": ("driver diagram", "driverdiagram"),
    "direction": ("direction", "retning"), "do": ("Do", "Do"), "done": ("Do", "Do"),
    "driver_diagram": ("driver diagram", "driverdiagram"), "email": ("e-mail", "e-mail"), "end": ("end", "slut"),
    "enrolments": ("enrolments", "optagelser"), "findings": ("findings", "fund"),
    "first_administrator_id": ("first administrator", "første administrator"), "frequency": ("frequency", "frekvens"),
    "group_id": ("group", "gruppe"), "groups": ("sparring groups", "sparringsgrupper"), "how": ("how", "hvordan"),
    "id": ("id", "id"), "in_phase": ("in the phase", "i fasen"), "kind": ("kind", "type"), "language": ("language", "sprog"),
    "last_activity": ("last activity", "seneste aktivitet"), "measure_id": ("measure", "måling"),
    "measure_ids": ("measures", "målinger"), "measures": ("measures", "målinger"), "meeting_id": ("meeting", "møde"),
    "meetings": ("meetings", "møder"), "members": ("members", "medlemmer"), "n": ("denominator (n)", "nævner (n)"),
    "name": ("name", "navn"), "node_id": ("node", "knude"), "nodes": ("nodes", "knuder"), "objective": ("objective", "formål"),
    "observations": ("observations", "observationer"), "on": ("date", "dato"),
    "organisation": ("organisation", "organisation"), "outcome": ("outcome", "udfald"),
    "parent_id": ("under", "under"), "participant": ("participant", "deltager"),
    "participant_id": ("participant", "deltager"), "pending": ("pending sign-offs", "ventende godkendelser"),
    "period": ("period", "periode"), "person_id": ("person", "person"), "phase": ("phase", "fase"),
    "phases": ("chart phases", "diagramfaser"), "plan": ("Plan", "Plan"), "planned": ("Plan", "Plan"),
    "points": ("data points", "datapunkter"), "predictions": ("predictions", "forudsigelser"),
    "problem": ("problem statement", "problemformulering"), "problems": ("problems", "problemer"),
    "progress": ("progress", "fremdrift"), "project_id": ("project", "projekt"), "projects": ("projects", "projekter"),
    "questions": ("questions", "spørgsmål"), "quotas": ("seats", "pladser"), "reason": ("reason", "begrundelse"),
    "region": ("region", "region"), "role": ("role", "rolle"),
    "requested_at": ("requested at", "anmodet"), "requested_by": ("requested by", "anmodet af"),
    "requested_on_project_version": ("requested on version", "anmodet på version"),
    "requested_on_version": ("requested on version", "anmodet på version"), "roles": ("roles", "roller"),
    "scaled_up": ("scaled up", "opskaleret"), "schedule": ("schedule", "tidsplan"), "score": ("score", "score"),
    "sector": ("sector", "sektor"), "signoff_id": ("sign-off", "godkendelse"), "signoff_ids": ("sign-offs", "godkendelser"),
    "signoff_records": ("sign-offs", "godkendelser"), "signoffs": ("sign-offs", "godkendelser"),
    "sponsor": ("sponsor", "sponsor"), "sponsor_attended": ("sponsor attended", "sponsor deltog"),
    "sponsor_id": ("sponsor", "sponsor"), "start": ("start", "start"), "status": ("status", "status"),
    "studied": ("Study", "Study"), "study": ("Study", "Study"), "target": ("target", "målværdi"),
    "text": ("text", "tekst"), "title": ("title", "titel"), "unit": ("unit", "enhed"), "value": ("value", "værdi"),
    "version": ("version", "version"), "where": ("where", "hvor"), "who": ("who", "hvem"),
    "withdrawal_reason": ("reason for withdrawal", "begrundelse for udmeldelse"),
}

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_KEY = re.compile(r"\d+|\d{4}-(?:W\d{2}|\d{2}(?:-\d{2})?)")  # a list's index or a data point's period
SEPARATOR = " › "


def word(code: str, kind: str, language: str | None) -> str:
    """The word for a coded value of a kind (see VALUES); an unknown code is shown as it is."""
    words = VALUES.get(kind, {}).get(code)
    return code if words is None else words[LANGUAGES.index(language_of(language))]


def field_value(path: str, value: str, language: str | None) -> str:
    """A field's value as the reader is shown it: a code in words (each of a list, as flattened, too), free text
    and numbers as they are."""
    kind = CODED_FIELDS.get(path.rsplit(".", 1)[-1])
    if kind is None:
        return value
    return ", ".join(word(part, kind, language) for part in value.split(", "))


def field_label(path: str, language: str | None) -> str:
    """A field's path in words: "measures.<id>.direction" is "Measures › 1a2b3c4d… › direction"."""
    index = LANGUAGES.index(language_of(language))
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
            shown.append(FIELDS[part][index])
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
