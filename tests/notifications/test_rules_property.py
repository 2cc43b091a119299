"""Properties of the rules over random read models and random moments of evaluation after them:

- a notice is never queued twice, and what one thing is told again is told of a later occurrence;
- nothing is said of a sign-off decided or withdrawn, a cycle closed or cancelled, a closed project (but its
  follow-ups and the poster invitation), a withdrawn participant's project or a cohort with reminders off;
- evaluating at every hour of a period queues the same non-digest notices as evaluating at its end only, but
  for the earlier occurrences the end-only evaluation skips (the latest only, never a backlog).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from pdsa_engine.aggregates.reminders import ReminderSettings
from pdsa_engine.aggregates.values import Frequency
from pdsa_engine.clock import LOCAL_ZONE, local_date
from pdsa_engine.notifications.facts import CycleFacts, Facts, MeasureFacts, SignOffFacts
from pdsa_engine.notifications.rules import FOLLOWUP_MONTHS, NEWS, STARTUP_NOTICE, Kind, Notice, _months_after, due
from tests.notifications.facts import COACH, PARTICIPANT, cohort, people, project
from tests.support.examples import examples

BASE = datetime(2031, 1, 13, 8, tzinfo=LOCAL_ZONE)
OTHER_SPONSOR = "a0000000-0000-4000-8000-000000000009"


def moments_before(limit: datetime, since: datetime = BASE) -> st.SearchStrategy[datetime]:
    """Whole hours from `since` to `limit`."""
    return st.integers(0, int((limit - since).total_seconds() // 3600)).map(lambda h: since + timedelta(hours=h))


@st.composite
def worlds(draw) -> tuple[Facts, datetime, datetime]:
    """A read model whose every fact happened by T0, and a period [T0, T1] of at most four days after it."""
    t0 = BASE + timedelta(hours=draw(st.integers(24, 500 * 24)))
    t1 = t0 + timedelta(hours=draw(st.integers(0, 96)))
    before = moments_before(t0)
    settings_ = replace(ReminderSettings(), enabled=draw(st.booleans()) or draw(st.booleans()),
                        **{name: draw(st.integers(1, 15)) for name in (
                            "signoff_after", "signoff_every", "escalate_after", "overdue_after",
                            "study_overdue_after", "coaching_gap", "progress_stale")})
    the_cohort = cohort(reminders=settings_, withdrawn=frozenset({PARTICIPANT}) if draw(st.integers(0, 5)) == 0
                        else frozenset())
    projects = []
    for number in range(draw(st.integers(1, 3))):
        status = draw(st.sampled_from(["draft", "charter_submitted", "active", "active", "closed"]))
        signoffs = []
        for index in range(draw(st.integers(0, 2))):
            requested = draw(before)
            state = draw(st.sampled_from(["requested", "requested", "approved", "changes_requested", "declined",
                                          "withdrawn"]))
            decided = None if state == "requested" else draw(moments_before(t0, requested))
            readdressed = draw(st.integers(0, 1))
            addressed = draw(moments_before(t0, requested)) if readdressed else requested
            signoffs.append(SignOffFacts(f"s{number}{index}", "charter", draw(st.sampled_from([
                "a0000000-0000-4000-8000-000000000002", OTHER_SPONSOR])), state, requested, addressed, readdressed,
                decided))
        cycles = [CycleFacts(f"c{number}{index}", draw(st.sampled_from(["plan", "do", "study", "closed", "cancelled"])),
                             draw(before), local_date(draw(before)), None) for index in range(draw(st.integers(0, 2)))]
        measures = [MeasureFacts(f"m{number}{index}", draw(st.sampled_from(list(Frequency))), draw(before),
                                 draw(st.none() | before.map(local_date))) for index in range(draw(st.integers(0, 1)))]
        day_before = before.map(local_date)
        projects.append(project(
            id=f"p{number}", status=status, outcome=draw(st.sampled_from(["sustained", "stopped"])) if status == "closed"
            else None, participant_id=PARTICIPANT if number == 0 else f"{PARTICIPANT[:-1]}{number + 5}",
            active_since=draw(before) if status in ("active", "closed") else None, last_activity=draw(before),
            last_progress=draw(st.none() | day_before), last_coaching=draw(st.none() | day_before),
            startup_with_sponsor=draw(st.booleans()), signoffs=tuple(signoffs), cycles=tuple(cycles),
            measures=tuple(measures)))
    facts = Facts.of([the_cohort], projects, people())
    # Windows that close inside the period would make "every hour" and "its end" differ for a reason other
    # than coalescing: such periods are not drawn.
    closing = [_start(the_cohort.schedule["1"]), _start(the_cohort.schedule["poster"]),
               *(s.decided_at + NEWS for p in projects for s in p.signoffs if s.decided_at),
               *(_start(_months_after(the_cohort.end, m + 12)) for m in FOLLOWUP_MONTHS),
               *(_start(_months_after(the_cohort.end, m)) for m in FOLLOWUP_MONTHS[1:]),
               *(_start(the_cohort.schedule["poster"] - timedelta(days=3)),),
               _start(the_cohort.schedule["1"] - STARTUP_NOTICE)]
    assume(not any(t0 < moment <= t1 for moment in closing))
    return facts, t0, t1


def _start(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=LOCAL_ZONE)


def group(notice: Notice) -> tuple[str, str, str]:
    return notice.kind.value, notice.series, notice.recipient


def evaluated(facts: Facts, moments: list[datetime]) -> list[Notice]:
    """What an outbox queues evaluating at each moment in turn: each key once."""
    queued: dict[str, Notice] = {}
    for moment in moments:
        for notice in due(facts, moment):
            queued.setdefault(notice.key, notice)
    return list(queued.values())


@settings(max_examples=examples(150), deadline=None)
@given(worlds(), st.lists(st.integers(0, 96), min_size=1, max_size=12))
def test_nothing_is_told_twice_and_a_retelling_is_of_a_later_occurrence(world, offsets):
    facts, t0, _ = world
    moments = [t0 + timedelta(hours=h) for h in sorted(offsets)]
    queued: set[str] = set()
    latest: dict[tuple[str, str, str], datetime] = {}
    for moment in moments:
        for notice in due(facts, moment):
            if notice.key in queued:
                continue
            queued.add(notice.key)
            previous = latest.get(group(notice))
            assert previous is None or notice.due_at > previous, (notice, previous)
            latest[group(notice)] = notice.due_at


@settings(max_examples=examples(150), deadline=None)
@given(worlds(), st.integers(0, 96))
def test_nothing_is_told_of_what_is_decided_withdrawn_closed_or_cancelled(world, hours):
    facts, t0, _ = world
    the_cohort = next(iter(facts.cohorts.values()))
    for notice in due(facts, t0 + timedelta(hours=hours)):
        about = notice.about_dict()
        if notice.kind.is_digest:
            continue
        assert the_cohort.reminders.enabled, notice
        project = next(p for p in facts.projects if p.id == about["project_ids"].split(",")[0]) \
            if "project_ids" in about else next(p for p in facts.projects if p.id == about["project_id"])
        assert project.participant_id not in the_cohort.withdrawn, notice
        if project.closed:
            assert notice.kind in (Kind.FOLLOWUP, Kind.POSTER_INVITATION, Kind.SIGNOFF_DECIDED), notice
        if "signoff_id" in about:
            signoff = next(s for s in project.signoffs if s.id == about["signoff_id"])
            if notice.kind is Kind.SIGNOFF_DECIDED:
                assert signoff.status not in ("requested", "withdrawn"), notice
            elif notice.kind is Kind.SIGNOFF_ESCALATION:
                assert signoff.pending and notice.recipient in (*facts.holders["administrator"], project.coach_id)
            else:
                assert signoff.pending and notice.recipient == signoff.sponsor_id, notice
        if "cycle_id" in about:
            cycle = next(c for c in project.cycles if c.id == about["cycle_id"])
            assert cycle.phase in ("plan", "do", "study") and notice.occurrence == cycle.phase, notice
        assert notice.recipient in (project.participant_id, project.sponsor_id, project.coach_id, COACH,
                                    *facts.holders["administrator"], *(s.sponsor_id for s in project.signoffs)), notice


@settings(max_examples=examples(150), deadline=None)
@given(worlds())
def test_every_hour_of_a_period_queues_what_its_end_does_but_for_earlier_occurrences(world):
    facts, t0, t1 = world
    hours = int((t1 - t0).total_seconds() // 3600)
    hourly = [n for n in evaluated(facts, [t0 + timedelta(hours=h) for h in range(hours + 1)] + [t1])
              if not n.kind.is_digest]
    at_end = [n for n in due(facts, t1) if not n.kind.is_digest]
    by_group: dict[tuple[str, str, str], list[Notice]] = {}
    for notice in hourly:
        by_group.setdefault(group(notice), []).append(notice)
    assert {group(n) for n in at_end} == set(by_group), "the same things are told"
    for notice in at_end:
        assert notice.key == max(by_group[group(notice)], key=lambda n: n.due_at).key, "the latest occurrence"
