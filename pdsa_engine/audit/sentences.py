"""What each event says, in English and Danish. Ids of people are replaced by their current names when read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pdsa_engine.labels import VALUES

PERSON_FIELDS = ("participant_id", "sponsor_id", "coach_id", "person_id", "recipient_id")
PERSON_LISTS = ("attendees", "members")

SENTENCES: dict[str, tuple[str, str]] = {
    "Person.Registered": ("registered {subject} with the roles {roles}", "registrerede {subject} med rollerne {roles}"),
    "Person.RoleGranted": ("gave {subject} the role {role}", "gav {subject} rollen {role}"),
    "Person.DigestChosen": ("set the weekly digest of {subject}", "indstillede det ugentlige overblik for {subject}"),
    "EmailClaim.Claimed": ("reserved an e-mail address for {person_id}", "reserverede en e-mailadresse til {person_id}"),
    "Installation.Bootstrapped": ("installed the system as its first administrator",
                                 "installerede systemet som dets første administrator"),
    "CohortNameClaim.Claimed": ("reserved the cohort's name", "reserverede holdets navn"),
    "Cohort.Created": ("created the cohort {name} ({start} – {end})", "oprettede holdet {name} ({start} – {end})"),
    "Cohort.ModuleScheduled": ("scheduled module {module} on {on}", "planlagde modul {module} den {on}"),
    "Cohort.QuotaSet": ("set the seats of {region}, {sector} to {seats}", "satte pladserne for {region}, {sector} til {seats}"),
    "Cohort.Enrolled": ("enrolled {participant_id} ({organisation}, {region}, {sector})",
                        "optog {participant_id} ({organisation}, {region}, {sector})"),
    "Cohort.Withdrawn": ("withdrew {participant_id}", "udmeldte {participant_id}"),
    "Cohort.GroupFormed": ("formed the sparring group {name} in {region}: {members}",
                           "dannede sparringsgruppen {name} i {region}: {members}"),
    "Cohort.ProjectRegistered": ("registered the project of {participant_id}", "registrerede projektet for {participant_id}"),
    "Cohort.Closed": ("closed the cohort", "lukkede holdet"),
    "Cohort.RemindersConfigured": ("set the cohort's reminders", "indstillede holdets påmindelser"),
    "ImprovementProject.Created": ("created the project “{title}” for {participant_id}, sponsor {sponsor_id}, coach "
                                   "{coach_id}", "oprettede projektet “{title}” for {participant_id}, sponsor "
                                   "{sponsor_id}, coach {coach_id}"),
    "ImprovementProject.SponsorReassigned": ("made {sponsor_id} the sponsor", "gjorde {sponsor_id} til sponsor"),
    "ImprovementProject.CoachReassigned": ("made {coach_id} the coach", "gjorde {coach_id} til coach"),
    "ImprovementProject.AimSet": ("set the aim: {what}, {how_much} by {achieve_by}",
                                  "satte målet: {what}, {how_much} senest {achieve_by}"),
    "ImprovementProject.MeasureDefined": ("defined the measure {name}", "definerede målingen {name}"),
    "ImprovementProject.MeasureRedefined": ("changed the definition of the measure {name}",
                                            "ændrede definitionen af målingen {name}"),
    "ImprovementProject.DriverAdded": ("added the {kind} “{text}” to the driver diagram",
                                       "tilføjede {kind} “{text}” til driverdiagrammet"),
    "ImprovementProject.DriverRenamed": ("renamed a driver to “{text}”", "omdøbte en driver til “{text}”"),
    "ImprovementProject.DriverMoved": ("moved a driver in the driver diagram", "flyttede en driver i driverdiagrammet"),
    "ImprovementProject.DriverRemoved": ("removed a driver from the driver diagram", "fjernede en driver fra driverdiagrammet"),
    "ImprovementProject.ProgressScored": ("scored the progress {score} on {on}", "vurderede fremdriften til {score} den {on}"),
    "ImprovementProject.MeetingRecorded": ("recorded a {kind} meeting on {on} with {attendees}",
                                           "registrerede et {kind}-møde den {on} med {attendees}"),
    "ImprovementProject.CharterSubmitted": ("submitted the charter for the sponsor's sign-off",
                                            "indsendte kommissoriet til sponsorens godkendelse"),
    "ImprovementProject.ScaleUpRequested": ("asked the sponsor to sign off scaling up an adopted change",
                                            "bad sponsoren godkende opskalering af en indført forandring"),
    "ImprovementProject.ClosureRequested": ("asked the sponsor to sign off closing the project ({outcome})",
                                            "bad sponsoren godkende afslutning af projektet ({outcome})"),
    "ImprovementProject.SignOffResolved": ("recorded the sign-off's outcome on the project: {status}",
                                           "registrerede godkendelsens udfald på projektet: {status}"),
    "ImprovementProject.CycleOpened": ("opened a PDSA cycle", "åbnede en PDSA-cyklus"),
    "ImprovementProject.CycleConcluded": ("concluded a PDSA cycle: {decision}", "afsluttede en PDSA-cyklus: {decision}"),
    "ImprovementProject.CycleCancelled": ("cancelled a PDSA cycle", "annullerede en PDSA-cyklus"),
    "MeasureSeries.Opened": ("opened the data series of a measure", "oprettede dataserien for en måling"),
    "MeasureSeries.PointRecorded": ("recorded {value} for {period}", "registrerede {value} for {period}"),
    "MeasureSeries.PointCorrected": ("corrected {period} to {value}", "rettede {period} til {value}"),
    "MeasureSeries.Redefined": ("changed the series to a {chart} chart, {frequency}", "ændrede serien til et {chart}-diagram, {frequency}"),
    "MeasureSeries.PhaseStarted": ("started a new phase of the chart from {period}", "startede en ny fase i diagrammet fra {period}"),
    "MeasureSeries.PhaseWithdrawn": ("withdrew the phase from {period}", "trak fasen fra {period} tilbage"),
    "MeasureSeries.BaselineFrozen": ("froze the baseline at {baseline} points", "fastlåste baseline på {baseline} punkter"),
    "PDSACycle.Planned": ("planned a cycle: {objective} ({start} – {end})", "planlagde en cyklus: {objective} ({start} – {end})"),
    "PDSACycle.PlanAmended": ("amended the plan", "rettede planen"),
    "PDSACycle.CarriedOut": ("recorded the Do phase: {observations}", "registrerede Do-fasen: {observations}"),
    "PDSACycle.DoAmended": ("amended the Do record", "rettede Do-registreringen"),
    "PDSACycle.Studied": ("recorded the Study phase: {findings}", "registrerede Study-fasen: {findings}"),
    "PDSACycle.StudyAmended": ("amended the Study record", "rettede Study-registreringen"),
    "PDSACycle.Acted": ("decided to {decision} the change", "besluttede at {decision} forandringen"),
    "PDSACycle.Cancelled": ("cancelled the cycle", "annullerede cyklussen"),
    "SignOff.Requested": ("requested a {kind} sign-off from {sponsor_id}", "anmodede {sponsor_id} om godkendelse ({kind})"),
    "SignOff.Decided": ("decided the sign-off: {decision}", "afgjorde godkendelsen: {decision}"),
    "SignOff.Withdrawn": ("withdrew the sign-off request", "trak anmodningen om godkendelse tilbage"),
    "SignOff.Readdressed": ("readdressed the sign-off to {sponsor_id}", "sendte godkendelsen videre til {sponsor_id}"),
    "OutboxMessage.Queued": ("queued a {kind} for {recipient_id}", "satte en {kind} i kø til {recipient_id}"),
    "OutboxMessage.Claimed": ("began sending it (try {attempt})", "begyndte at sende den (forsøg {attempt})"),
    "OutboxMessage.Sent": ("sent it as {message_id}", "sendte den som {message_id}"),
    "OutboxMessage.Deferred": ("could not deliver it and will try again: {error}",
                               "kunne ikke levere den og prøver igen: {error}"),
    "OutboxMessage.Failed": ("gave up delivering it: {error}", "opgav at levere den: {error}"),
    "OutboxMessage.Dropped": ("did not send it: {reason}", "sendte den ikke: {reason}"),
    "OutboxMessage.Retried": ("queued it again", "satte den i kø igen"),
    "AuditRecord.Exported": ("exported the history of a project as {format}", "eksporterede et projekts historik som {format}"),
}
EVENT_NAMES = tuple(SENTENCES)
# What a true flag of an event adds to its sentence.
FLAGGED: dict[tuple[str, str], tuple[str, str]] = {
    ("SignOff.Decided", "by_mailed_link"): (" (through the link mailed to the sponsor, without logging in)",
                                            " (via linket i mailen til sponsoren, uden log-ind)"),
}

# The words for coded values in a sentence (the changes keep the codes, which are what the records hold).
WORDED = ("kind", "decision", "status", "outcome", "sector", "role", "frequency")
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "change_idea": "change idea", "primary": "primary driver", "secondary": "secondary driver",
        "startup": "start-up", "scale_up": "scale-up", "changes_requested": "changes requested",
        "general_practice": "general practice", "charter_submitted": "charter submitted",
    },
    "da": {
        "change_idea": "forandringsidé", "primary": "primær driver", "secondary": "sekundær driver",
        "startup": "opstarts", "coaching": "coaching", "poster": "posterpræsentations", "charter": "kommissorium",
        "scale_up": "opskalering", "closure": "afslutning", "approved": "godkendt",
        "changes_requested": "ændringer ønsket", "declined": "afvist", "withdrawn": "trukket tilbage",
        "adopt": "indføre", "adapt": "tilpasse", "abandon": "opgive", "sustained": "fastholdt",
        "spread": "spredt", "stopped": "stoppet", "regional": "regional", "municipal": "kommunal",
        "general_practice": "almen praksis", "day": "dagligt", "week": "ugentligt", "month": "månedligt",
        "administrator": "administrator", "participant": "deltager", "sponsor": "sponsor", "coach": "coach",
        "auditor": "revisor",
    },
}
# The kinds of message the reminders send, in the words labels.py has for them.
_MESSAGE_KINDS = ("signoff_requested", "signoff_reminder", "signoff_escalation", "signoff_decided", "cycle_overdue",
                  "startup_meeting_missing", "coaching_gap", "progress_stale", "data_missing", "poster_invitation",
                  "followup", "sponsor_digest", "coach_digest", "administrator_digest", "auditor_checkpoint")
for _index, _language in enumerate(("en", "da")):
    WORDS[_language].update({kind: VALUES["kind"][kind][_index] for kind in _MESSAGE_KINDS})


def sentence(event: str, data: dict[str, Any], language: str, name_of: Callable[[str], str]) -> str:
    templates = SENTENCES.get(event)
    if templates is None:
        return event
    values: dict[str, Any] = {key: "" if value is None else value for key, value in data.items()}
    for key in PERSON_FIELDS:
        if data.get(key):
            values[key] = name_of(data[key])
    for key in PERSON_LISTS:
        if isinstance(data.get(key), list):
            values[key] = ", ".join(name_of(person) for person in data[key])
    words = WORDS["da" if language == "da" else "en"]
    for key in WORDED:
        if isinstance(data.get(key), str):
            values[key] = words.get(data[key], data[key])
    if isinstance(data.get("roles"), list):
        values["roles"] = ", ".join(words.get(role, role) for role in data["roles"])
    index = 1 if language == "da" else 0
    try:
        said = templates[index].format_map(values)
    except (KeyError, IndexError, ValueError):
        return event
    return said + "".join(words[index] for (name, flag), words in FLAGGED.items() if name == event and data.get(flag) is True)
