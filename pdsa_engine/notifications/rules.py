"""What is due: the rules, as pure functions of the facts (facts.py) and a moment.

Each rule yields notices. A notice's key names what it is about and which occurrence of it is due (the third
reminder of a sign-off, the 6-month follow-up, the digest of the week beginning on a date): the outbox queues
a key once, so evaluating the rules again, or in two processes at once, queues nothing twice. A rule that
repeats (every 3 days, weekly) yields only its latest occurrence that is due: a scheduler that was down for a
week sends one reminder, not a backlog.

Nothing is due about a sign-off decided or withdrawn, a cycle closed or cancelled, a project closed (but for its
follow-ups), a cohort whose reminders are off, or a participant who withdrew.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from pdsa_engine.aggregates.reminders import ReminderSettings
from pdsa_engine.aggregates.values import Frequency, Weekday
from pdsa_engine.clock import LOCAL_ZONE, local_date, utc_text
from pdsa_engine.notifications.facts import CohortFacts, Facts, PersonFacts, ProjectFacts


class Kind(StrEnum):
    SIGNOFF_REQUESTED = "signoff_requested"
    SIGNOFF_REMINDER = "signoff_reminder"
    SIGNOFF_ESCALATION = "signoff_escalation"
    SIGNOFF_DECIDED = "signoff_decided"
    CYCLE_OVERDUE = "cycle_overdue"
    STARTUP_MEETING_MISSING = "startup_meeting_missing"
    COACHING_GAP = "coaching_gap"
    PROGRESS_STALE = "progress_stale"
    DATA_MISSING = "data_missing"
    POSTER_INVITATION = "poster_invitation"
    FOLLOWUP = "followup"
    SPONSOR_DIGEST = "sponsor_digest"
    COACH_DIGEST = "coach_digest"
    ADMINISTRATOR_DIGEST = "administrator_digest"
    AUDITOR_CHECKPOINT = "auditor_checkpoint"

    @property
    def is_digest(self) -> bool:
        return self in WEEKLY


WEEKLY = frozenset({Kind.SPONSOR_DIGEST, Kind.COACH_DIGEST, Kind.ADMINISTRATOR_DIGEST, Kind.AUDITOR_CHECKPOINT})
# What is told "at once" (a request, a decision) is told while it is news: a decision older than this is not
# announced, so that turning the reminders on over a long history does not send its whole past.
NEWS = timedelta(days=7)
STARTUP_NOTICE = timedelta(days=14)  # before module 1
POSTER_NOTICES = (21, 3)  # days before the poster presentation
FOLLOWUP_MONTHS = (3, 6, 12)  # after the cohort ends
# Digests go to the people of a cohort from its creation until this long after its end; after that, follow-ups.
DIGESTS_AFTER_END = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class Notice:
    kind: Kind
    recipient: str  # a person's id; the address is looked up when the message is sent
    series: str  # what the notice is about: one thing, told once or repeatedly
    occurrence: str  # which telling of it this is
    about: tuple[tuple[str, str], ...]  # ids of what it concerns (project, sign-off, cycle, …) and its window
    due_at: datetime

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.series}:{self.occurrence}:{self.recipient}"

    def about_dict(self) -> dict[str, str]:
        return dict(self.about)


Rule = Callable[[Facts, datetime], Iterable[Notice]]


def due(facts: Facts, now: datetime, kinds: Iterable[Kind] | None = None) -> list[Notice]:
    """Every notice due at `now`, in a stable order."""
    wanted = set(kinds) if kinds is not None else set(Kind)
    notices = [n for rule in RULES for n in rule(facts, now) if n.kind in wanted]
    return sorted(notices, key=lambda n: (n.due_at, n.key))


# -- helpers -------------------------------------------------------------------------------------------------


def _live(facts: Facts) -> Iterator[tuple[ProjectFacts, CohortFacts]]:
    """Projects whose cohort has reminders on and whose participant has not withdrawn."""
    for project in facts.projects:
        cohort = facts.cohorts.get(project.cohort_id)
        if cohort is None or not cohort.reminders.enabled or project.participant_id in cohort.withdrawn:
            continue
        yield project, cohort


def _open(facts: Facts) -> Iterator[tuple[ProjectFacts, CohortFacts]]:
    return ((p, c) for p, c in _live(facts) if not p.closed)


def _about(project: ProjectFacts, **more: str) -> tuple[tuple[str, str], ...]:
    return (("cohort_id", project.cohort_id), ("project_id", project.id), *sorted(more.items()))


def _start_of_day(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LOCAL_ZONE)


def _latest(first: datetime, every: timedelta, now: datetime) -> tuple[int, datetime] | None:
    """The latest occurrence due at `now` of something due at `first` and every `every` after: (its number,
    when it fell due)."""
    if now < first:
        return None
    number = (now - first) // every
    return number, first + number * every


# -- sign-offs -----------------------------------------------------------------------------------------------


def signoff_requested(facts: Facts, now: datetime) -> Iterator[Notice]:
    for project, _ in _open(facts):
        for signoff in project.signoffs:
            if signoff.pending and signoff.addressed_at <= now:
                yield Notice(Kind.SIGNOFF_REQUESTED, signoff.sponsor_id, signoff.id, f"a{signoff.readdressed}",
                             _about(project, signoff_id=signoff.id), signoff.addressed_at)


def signoff_reminder(facts: Facts, now: datetime) -> Iterator[Notice]:
    for project, cohort in _open(facts):
        settings = cohort.reminders
        for signoff in project.signoffs:
            if not signoff.pending:
                continue
            first = signoff.addressed_at + timedelta(days=settings.signoff_after)
            latest = _latest(first, timedelta(days=settings.signoff_every), now)
            if latest:
                yield Notice(Kind.SIGNOFF_REMINDER, signoff.sponsor_id, f"{signoff.id}:a{signoff.readdressed}",
                             str(latest[0]), _about(project, signoff_id=signoff.id), latest[1])


def signoff_escalation(facts: Facts, now: datetime) -> Iterator[Notice]:
    """The project has waited since the request, whoever it is addressed to now."""
    administrators = facts.holders.get("administrator", ())
    for project, cohort in _open(facts):
        every = timedelta(days=cohort.reminders.escalate_after)
        for signoff in project.signoffs:
            if not signoff.pending:
                continue
            latest = _latest(signoff.requested_at + every, every, now)
            if latest:
                for recipient in dict.fromkeys((*administrators, project.coach_id)):
                    yield Notice(Kind.SIGNOFF_ESCALATION, recipient, signoff.id, str(latest[0]),
                                 _about(project, signoff_id=signoff.id), latest[1])


def signoff_decided(facts: Facts, now: datetime) -> Iterator[Notice]:
    for project, _ in _live(facts):
        for signoff in project.signoffs:
            decided = signoff.decided_at
            if signoff.status in ("requested", "withdrawn") or decided is None or not decided <= now < decided + NEWS:
                continue
            for recipient in dict.fromkeys((project.participant_id, project.coach_id)):
                yield Notice(Kind.SIGNOFF_DECIDED, recipient, signoff.id, signoff.status,
                             _about(project, signoff_id=signoff.id), decided)


# -- cycles, meetings, progress, data ------------------------------------------------------------------------


def cycle_overdue(facts: Facts, now: datetime) -> Iterator[Notice]:
    for project, cohort in _open(facts):
        settings = cohort.reminders
        for cycle in project.cycles:
            if cycle.phase not in ("plan", "do", "study") or cycle.planned_end is None:
                continue
            grace = settings.study_overdue_after if cycle.phase == "study" else settings.overdue_after
            overdue_from = _start_of_day(cycle.planned_end + timedelta(days=grace))
            if now >= overdue_from:
                for recipient in dict.fromkeys((project.participant_id, project.coach_id)):
                    yield Notice(Kind.CYCLE_OVERDUE, recipient, cycle.id, cycle.phase,
                                 _about(project, cycle_id=cycle.id), max(overdue_from, cycle.since or overdue_from))


def startup_meeting_missing(facts: Facts, now: datetime) -> Iterator[Notice]:
    today = local_date(now)
    for project, cohort in _open(facts):
        module_1 = cohort.schedule.get("1")
        if module_1 is None or project.startup_with_sponsor or not module_1 - STARTUP_NOTICE <= today < module_1:
            continue
        for recipient in dict.fromkeys((project.participant_id, project.sponsor_id, project.coach_id)):
            yield Notice(Kind.STARTUP_MEETING_MISSING, recipient, project.id, module_1.isoformat(),
                         _about(project), _start_of_day(module_1 - STARTUP_NOTICE))


def coaching_gap(facts: Facts, now: datetime) -> Iterator[Notice]:
    return _gone_quiet(facts, now, Kind.COACHING_GAP, lambda p: p.last_coaching, lambda r: r.coaching_gap,
                       lambda p: (p.participant_id, p.coach_id))


def progress_stale(facts: Facts, now: datetime) -> Iterator[Notice]:
    return _gone_quiet(facts, now, Kind.PROGRESS_STALE, lambda p: p.last_progress, lambda r: r.progress_stale,
                       lambda p: (p.participant_id,))


def _gone_quiet(facts: Facts, now: datetime, kind: Kind, last: Callable[[ProjectFacts], date | None],
                days: Callable[[ReminderSettings], int],
                recipients: Callable[[ProjectFacts], tuple[str, ...]]) -> Iterator[Notice]:
    """An active project with nothing of a kind recorded for so many days: counted from the last record, or from
    the charter's approval when there has been none. Told once for each last record."""
    for project, cohort in _open(facts):
        since = last(project) or (local_date(project.active_since) if project.active_since else None)
        if project.status != "active" or since is None:
            continue
        due_from = _start_of_day(since + timedelta(days=days(cohort.reminders)))
        if now >= due_from:
            for recipient in dict.fromkeys(recipients(project)):
                yield Notice(kind, recipient, project.id, since.isoformat(), _about(project), due_from)


def data_missing(facts: Facts, now: datetime) -> Iterator[Notice]:
    """Two whole periods without data: last month's data may still be on its way early this month, but by
    now the month before it should have come."""
    today = local_date(now)
    for project, _ in _open(facts):
        if project.status != "active":
            continue
        for measure in project.measures:
            defined = local_date(measure.defined_at) if measure.defined_at else None
            last = measure.last_period_start
            if last is None and defined is None:
                continue
            # Without data, the count begins with the period the measure was defined in.
            reference = last if last is not None else _periods_after(defined, measure.frequency, -1)
            missing_from = _periods_after(reference, measure.frequency, 3)
            if today >= missing_from:
                yield Notice(Kind.DATA_MISSING, project.participant_id, measure.id,
                             last.isoformat() if last else "none", _about(project, measure_id=measure.id),
                             _start_of_day(missing_from))


def _periods_after(start: date, frequency: Frequency, count: int) -> date:
    """The first day of the period `count` periods after the one beginning on (or containing) `start`."""
    if frequency is Frequency.DAY:
        return start + timedelta(days=count)
    if frequency is Frequency.WEEK:
        monday = start - timedelta(days=start.weekday())
        return monday + timedelta(weeks=count)
    months = start.year * 12 + start.month - 1 + count
    return date(months // 12, months % 12 + 1, 1)


# -- the programme's dates -----------------------------------------------------------------------------------


def poster_invitation(facts: Facts, now: datetime) -> Iterator[Notice]:
    """One invitation per sponsor per telling, naming all their projects in the cohort."""
    today = local_date(now)
    by_cohort: dict[str, dict[str, list[str]]] = {}
    for project, cohort in _live(facts):
        if cohort.schedule.get("poster"):
            by_cohort.setdefault(cohort.id, {}).setdefault(project.sponsor_id, []).append(project.id)
    for cohort_id, sponsors in sorted(by_cohort.items()):
        poster = facts.cohorts[cohort_id].schedule["poster"]
        told = [days for days in POSTER_NOTICES if poster - timedelta(days=days) <= today < poster]
        if not told:
            continue
        days = min(told)  # the latest telling due
        for sponsor, projects in sorted(sponsors.items()):
            about = (("cohort_id", cohort_id), ("project_ids", ",".join(sorted(projects))), ("poster", poster.isoformat()))
            yield Notice(Kind.POSTER_INVITATION, sponsor, cohort_id, f"d{days}", about,
                         _start_of_day(poster - timedelta(days=days)))


def followup(facts: Facts, now: datetime) -> Iterator[Notice]:
    """After the cohort ends, for every project not stopped (closed or not), to the participant with the sponsor
    in copy. The latest due; none once a year has passed beyond the last."""
    today = local_date(now)
    for project, cohort in _live(facts):
        if project.outcome == "stopped":
            continue
        due_months = [m for m in FOLLOWUP_MONTHS if _months_after(cohort.end, m) <= today < _months_after(cohort.end, m + 12)]
        if not due_months:
            continue
        months = max(due_months)
        yield Notice(Kind.FOLLOWUP, project.participant_id, project.id, f"m{months}",
                     _about(project, copy_to=project.sponsor_id, months=str(months)),
                     _start_of_day(_months_after(cohort.end, months)))


def _months_after(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    for last in (day.day, 30, 29, 28):  # the 31st of a month without one is its last day
        try:
            return date(year, month + 1, last)
        except ValueError:
            continue
    raise AssertionError("every month has a 28th")


# -- weekly: digests and the auditors' checkpoint ------------------------------------------------------------


def digest_slot(day: Weekday, hour: int, now: datetime) -> datetime:
    """The latest moment at `day` and `hour`, Danish time, at or before `now` (a digest's week begins then).
    Daylight saving is the zone's: 07:00 is 07:00 in summer and in winter."""
    local = now.astimezone(LOCAL_ZONE)
    back = (local.weekday() - day.index) % 7
    slot = datetime.combine(local.date() - timedelta(days=back), time(hour), tzinfo=LOCAL_ZONE)
    if slot > local:
        slot = datetime.combine(slot.date() - timedelta(days=7), time(hour), tzinfo=LOCAL_ZONE)
    return slot


def _in_digest_season(cohort: CohortFacts, now: datetime) -> bool:
    return not cohort.closed and local_date(now) <= cohort.end + DIGESTS_AFTER_END


def _slot_of(person: PersonFacts | None, settings: ReminderSettings, now: datetime) -> datetime | None:
    if person is not None and not person.digest.enabled:
        return None
    choice = person.digest if person is not None else None
    day = (choice.day if choice else None) or settings.digest_day
    hour = choice.hour if choice and choice.hour is not None else settings.digest_hour
    return digest_slot(day, hour, now)


def _weekly(kind: Kind, person_id: str, facts: Facts, settings: ReminderSettings, now: datetime,
            **about: str) -> Notice | None:
    slot = _slot_of(facts.people.get(person_id), settings, now)
    if slot is None:
        return None
    window = (("since", utc_text(slot - timedelta(days=7))), ("until", utc_text(slot)))
    return Notice(kind, person_id, person_id, slot.date().isoformat(), (*sorted(about.items()), *window),
                  slot.astimezone(now.tzinfo))


def _first_settings(cohorts: Iterable[CohortFacts]) -> ReminderSettings:
    """A person in several cohorts gets one digest, at the time the earliest of them sets."""
    return min(cohorts, key=lambda c: (c.start, c.id)).reminders


def sponsor_digest(facts: Facts, now: datetime) -> Iterator[Notice]:
    """A week in which nothing happened to their projects and nothing waits for them sends nothing: an empty
    digest teaches people to ignore the next one."""
    mine: dict[str, list[tuple[ProjectFacts, CohortFacts]]] = {}
    for project, cohort in _live(facts):
        if _in_digest_season(cohort, now):
            mine.setdefault(project.sponsor_id, []).append((project, cohort))
    for sponsor, projects in sorted(mine.items()):
        notice = _weekly(Kind.SPONSOR_DIGEST, sponsor, facts, _first_settings(c for _, c in projects), now)
        if notice is None:
            continue
        since = datetime.fromisoformat(notice.about_dict()["since"])
        waiting = any(s.pending and s.sponsor_id == sponsor for p, _ in projects for s in p.signoffs)
        happened = any(p.last_activity is not None and p.last_activity >= since for p, _ in projects)
        if waiting or happened:
            yield notice


def coach_digest(facts: Facts, now: datetime) -> Iterator[Notice]:
    mine: dict[str, list[CohortFacts]] = {}
    for project, cohort in _open(facts):
        if _in_digest_season(cohort, now):
            mine.setdefault(project.coach_id, []).append(cohort)
    for coach, cohorts in sorted(mine.items()):
        notice = _weekly(Kind.COACH_DIGEST, coach, facts, _first_settings(cohorts), now)
        if notice is not None:
            yield notice


def administrator_digest(facts: Facts, now: datetime) -> Iterator[Notice]:
    cohorts = [c for c in facts.cohorts.values() if c.reminders.enabled and _in_digest_season(c, now)]
    if not cohorts:
        return
    settings = _first_settings(cohorts)
    for administrator in facts.holders.get("administrator", ()):
        notice = _weekly(Kind.ADMINISTRATOR_DIGEST, administrator, facts, settings, now)
        if notice is not None:
            yield notice


def auditor_checkpoint(facts: Facts, now: datetime) -> Iterator[Notice]:
    """Weekly, while there is history to sign; at the programme's default digest time unless the auditor
    chose another."""
    if not facts.people:
        return
    for auditor in facts.holders.get("auditor", ()):
        notice = _weekly(Kind.AUDITOR_CHECKPOINT, auditor, facts, ReminderSettings(), now)
        if notice is not None:
            yield notice


RULES: tuple[Rule, ...] = (
    signoff_requested, signoff_reminder, signoff_escalation, signoff_decided, cycle_overdue,
    startup_meeting_missing, coaching_gap, progress_stale, data_missing, poster_invitation, followup,
    sponsor_digest, coach_digest, administrator_digest, auditor_checkpoint,
)
