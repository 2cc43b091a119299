"""What each event says, in English and Danish. Ids of people are replaced by their current names when read.
The English is here; the Danish is in the gettext catalogue ``locale/da/LC_MESSAGES/audit.po``, where a
sentence's context is its event, a flag's "<event> <flag>" and a coded value's "word"."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from pdsa_engine.catalogues import strict_translations
from pdsa_engine.labels import word
from pdsa_engine.notifications.i18n import Words

PERSON_FIELDS = ("participant_id", "sponsor_id", "coach_id", "person_id", "recipient_id")
PERSON_LISTS = ("attendees", "members")

SENTENCES: dict[str, str] = {
    "Person.Registered": "registered {subject} with the roles {roles}",
    "Person.RoleGranted": "gave {subject} the role {role}",
    "Person.DigestChosen": "set the weekly digest of {subject}",
    "EmailClaim.Claimed": "reserved an e-mail address for {person_id}",
    "Installation.Bootstrapped": "installed the system as its first administrator",
    "CohortNameClaim.Claimed": "reserved the cohort's name",
    "Cohort.Created": "created the cohort {name} ({start} – {end})",
    "Cohort.ModuleScheduled": "scheduled module {module} on {on}",
    "Cohort.QuotaSet": "set the seats of {region}, {sector} to {seats}",
    "Cohort.Enrolled": "enrolled {participant_id} ({organisation}, {region}, {sector})",
    "Cohort.Withdrawn": "withdrew {participant_id}",
    "Cohort.GroupFormed": "formed the sparring group {name} in {region}: {members}",
    "Cohort.ProjectRegistered": "registered the project of {participant_id}",
    "Cohort.Closed": "closed the cohort",
    "Cohort.RemindersConfigured": "set the cohort's reminders",
    "ImprovementProject.Created": "created the project “{title}” for {participant_id}, sponsor {sponsor_id}, coach "
                                  "{coach_id}",
    "ImprovementProject.SponsorReassigned": "made {sponsor_id} the sponsor",
    "ImprovementProject.CoachReassigned": "made {coach_id} the coach",
    "ImprovementProject.AimSet": "set the aim: {what}, {how_much} by {achieve_by}",
    "ImprovementProject.MeasureDefined": "defined the measure {name}",
    "ImprovementProject.MeasureRedefined": "changed the definition of the measure {name}",
    "ImprovementProject.DriverAdded": "added the {kind} “{text}” to the driver diagram",
    "ImprovementProject.DriverRenamed": "renamed a driver to “{text}”",
    "ImprovementProject.DriverMoved": "moved a driver in the driver diagram",
    "ImprovementProject.DriverRemoved": "removed a driver from the driver diagram",
    "ImprovementProject.ProgressScored": "scored the progress {score} on {on}",
    "ImprovementProject.MeetingRecorded": "recorded a {kind} meeting on {on} with {attendees}",
    "ImprovementProject.CharterSubmitted": "submitted the charter for the sponsor's sign-off",
    "ImprovementProject.ScaleUpRequested": "asked the sponsor to sign off scaling up an adopted change",
    "ImprovementProject.ClosureRequested": "asked the sponsor to sign off closing the project ({outcome})",
    "ImprovementProject.SignOffResolved": "recorded the sign-off's outcome on the project: {status}",
    "ImprovementProject.CycleOpened": "opened a PDSA cycle",
    "ImprovementProject.CycleConcluded": "concluded a PDSA cycle: {decision}",
    "ImprovementProject.CycleCancelled": "cancelled a PDSA cycle",
    "MeasureSeries.Opened": "opened the data series of a measure",
    "MeasureSeries.PointRecorded": "recorded {value} for {period}",
    "MeasureSeries.PointCorrected": "corrected {period} to {value}",
    "MeasureSeries.Redefined": "changed the series to a {chart} chart, {frequency}",
    "MeasureSeries.PhaseStarted": "started a new phase of the chart from {period}",
    "MeasureSeries.PhaseWithdrawn": "withdrew the phase from {period}",
    "MeasureSeries.BaselineFrozen": "froze the baseline at {baseline} points",
    "PDSACycle.Planned": "planned a cycle: {objective} ({start} – {end})",
    "PDSACycle.PlanAmended": "amended the plan",
    "PDSACycle.CarriedOut": "recorded the Do phase: {observations}",
    "PDSACycle.DoAmended": "amended the Do record",
    "PDSACycle.Studied": "recorded the Study phase: {findings}",
    "PDSACycle.StudyAmended": "amended the Study record",
    "PDSACycle.Acted": "decided to {decision} the change",
    "PDSACycle.Cancelled": "cancelled the cycle",
    "SignOff.Requested": "requested a {kind} sign-off from {sponsor_id}",
    "SignOff.Decided": "decided the sign-off: {decision}",
    "SignOff.Withdrawn": "withdrew the sign-off request",
    "SignOff.Readdressed": "readdressed the sign-off to {sponsor_id}",
    "OutboxMessage.Queued": "queued a {kind} for {recipient_id}",
    "OutboxMessage.Claimed": "began sending it (try {attempt})",
    "OutboxMessage.Sent": "sent it as {message_id}",
    "OutboxMessage.Deferred": "could not deliver it and will try again: {error}",
    "OutboxMessage.Failed": "gave up delivering it: {error}",
    "OutboxMessage.Dropped": "did not send it: {reason}",
    "OutboxMessage.Retried": "queued it again",
    "AuditRecord.Exported": "exported the history of a project as {format}",
}
EVENT_NAMES = tuple(SENTENCES)
# What a true flag of an event adds to its sentence.
FLAGGED: dict[tuple[str, str], str] = {
    ("SignOff.Decided", "by_mailed_link"): " (through the link mailed to the sponsor, without logging in)",
}

# The words for coded values in a sentence (the changes keep the codes, which are what the records hold).
WORDED = ("kind", "decision", "status", "outcome", "sector", "role", "frequency")
WORDS: dict[str, str] = {  # a code without an entry reads as itself in English
    "change_idea": "change idea", "primary": "primary driver", "secondary": "secondary driver",
    "startup": "start-up", "scale_up": "scale-up", "changes_requested": "changes requested",
    "general_practice": "general practice", "charter_submitted": "charter submitted",
    **{code: code for code in (
        "coaching", "poster", "charter", "closure", "approved", "declined", "withdrawn", "adopt", "adapt", "abandon",
        "sustained", "spread", "stopped", "regional", "municipal", "day", "week", "month", "administrator",
        "participant", "sponsor", "coach", "auditor")},
}
# The kinds of message the reminders send, which read as labels.py words them.
MESSAGE_KINDS = ("signoff_requested", "signoff_reminder", "signoff_escalation", "signoff_decided", "cycle_overdue",
                 "startup_meeting_missing", "coaching_gap", "progress_stale", "data_missing", "poster_invitation",
                 "followup", "sponsor_digest", "coach_digest", "administrator_digest", "auditor_checkpoint")


def sentence(event: str, data: dict[str, Any], language: str, name_of: Callable[[str], str]) -> str:
    english = SENTENCES.get(event)
    if english is None:
        return event
    language = "da" if language == "da" else "en"
    words = strict_translations("audit", language)
    values: dict[str, Any] = {key: "" if value is None else value for key, value in data.items()}
    for key in PERSON_FIELDS:
        if data.get(key):
            values[key] = name_of(data[key])
    for key in PERSON_LISTS:
        if isinstance(data.get(key), list):
            values[key] = ", ".join(name_of(person) for person in data[key])
    for key in WORDED:
        if isinstance(data.get(key), str):
            values[key] = _word(data[key], words, language)
    if language == "da":
        values = {key: _in_danish(value) for key, value in values.items()}
    if isinstance(data.get("roles"), list):
        values["roles"] = ", ".join(_word(role, words, language) for role in data["roles"])
    try:
        said = words.pgettext(event, english).format_map(values)
    except (KeyError, IndexError, ValueError):
        return event
    return said + "".join(words.pgettext(f"{name} {flag}", added) for (name, flag), added in FLAGGED.items()
                          if name == event and data.get(flag) is True)


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_DECIMAL = re.compile(r"-?\d+\.\d+")


def _in_danish(value: Any) -> Any:
    """A day as Danes write it (7. februar 2026), a decimal with its comma (2,5), as the pages and mails do."""
    if isinstance(value, date):
        value = value.isoformat()
    text = str(value) if isinstance(value, (str, Decimal, float)) else None
    if text is None:
        return value
    if _ISO_DAY.fullmatch(text):
        return Words("da").date(text)
    if _DECIMAL.fullmatch(text):
        return Words("da").number(text)
    return value


def _word(code: str, words: Any, language: str) -> str:
    if code in MESSAGE_KINDS:
        return word(code, "kind", language)
    english = WORDS.get(code)
    return code if english is None else words.pgettext("word", english)
