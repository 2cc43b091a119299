"""Plays demo stories through the application on a simulated clock.

A story is a generator that yields the moment it wants to act next; the scheduler moves the clock to the
earliest waiting moment and resumes that story. Stories for different projects, measures and change ideas
thus interleave as they would over a real year, and every command goes through the real rules.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from pdsa_engine.aggregates.values import Frequency, Phase, SignOffStatus
from pdsa_engine.application import PdsaApplication as App
from pdsa_engine.clock import LOCAL_ZONE, SimulatedClock
from pdsa_engine.commands import cycles, parse, projects, signoffs
from pdsa_engine.demo.plans import CyclePlan, MeasurePlan, ProjectPlan

Story = Generator[datetime, None, None]


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    """A moment on a Danish working day."""
    return datetime.combine(day, time(hour, minute), LOCAL_ZONE)


class Scheduler:
    def __init__(self, clock: SimulatedClock, ends: datetime) -> None:
        self.clock = clock
        self.ends = ends
        self._waiting: list[tuple[datetime, int, Story]] = []
        self._sequence = 0
        self.steps = 0

    def spawn(self, story: Story) -> None:
        """Starts a story: it runs up to its first yield right away, and waits there."""
        self._resume(story)

    def _resume(self, story: Story) -> None:
        try:
            wake = next(story)
        except StopIteration:
            return
        if wake <= self.ends:
            self._sequence += 1
            heapq.heappush(self._waiting, (max(wake, self.clock.now()), self._sequence, story))

    def run(self, progress: Callable[[str], None]) -> None:
        while self._waiting:
            wake, _, story = heapq.heappop(self._waiting)
            self.clock.set(wake)
            self._resume(story)
            self.steps += 1
            if self.steps % 200 == 0:
                progress(self.clock.now().astimezone(LOCAL_ZONE).strftime("%d %b %Y"))


@dataclass
class Demo:
    """The demo's hands: issue a command as someone, through the command models and the application."""

    app: App
    scheduler: Scheduler

    def __call__(self, actor: str | None, action: Callable[[App, Any, Any], Any], model: Any, **fields: Any) -> Any:
        given = {k: v for k, v in fields.items() if v is not None}
        return action(self.app, actor, parse(model, given))

    def now(self) -> datetime:
        return self.scheduler.clock.now()


@dataclass(frozen=True)
class Cast:
    participant: str
    sponsor: str
    coach: str
    administrator: str
    cohort_id: UUID


def project_story(demo: Demo, cast: Cast, plan: ProjectPlan, rng: random.Random, created: date) -> Story:
    me = cast.participant
    yield at(created, 10, rng.randrange(60))
    project_id = demo(cast.administrator, App.create_project, projects.CreateProject, cohort=cast.cohort_id,
                      participant=me, title=plan.title, problem=plan.problem, sponsor=cast.sponsor, coach=cast.coach)
    yield at(created + timedelta(days=7 + rng.randrange(10)), 13)
    attendees = [me, cast.coach] + ([cast.sponsor] if plan.sponsor_at_startup else [])
    demo(me, App.record_meeting, projects.RecordMeeting, project=project_id, kind="startup",
         date=demo.now().astimezone(LOCAL_ZONE).date(), attendee=attendees)
    what, how_much, by = plan.aim
    demo(me, App.set_aim, projects.SetAim, project=project_id, what=what, how_much=how_much, by=by)
    measure_ids = []
    for index, measure in enumerate(plan.measures):
        measure_ids.append(_define_measure(demo, me, project_id, measure))
        demo.scheduler.spawn(data_story(demo, me, measure_ids[-1], measure, random.Random(rng.random() + index)))
    ideas = _draw_driver_diagram(demo, me, project_id, plan)
    demo.scheduler.spawn(progress_story(demo, me, project_id, plan))
    demo.scheduler.spawn(coaching_story(demo, me, cast.coach, project_id, plan))
    if plan.submit_on is None:
        return
    yield at(plan.submit_on, 15, rng.randrange(60))
    if not (yield from _charter_signed(demo, cast, project_id, plan)):
        return
    if plan.freeze:
        measure, baseline = plan.freeze
        demo(me, App.freeze_baseline, projects.FreezeBaseline, measure=measure_ids[measure], baseline=baseline,
             reason="Før forandringerne: baseline for kontrolgrænserne.")
    by_idea: dict[int, list[CyclePlan]] = {}
    for cycle in plan.cycles:
        by_idea.setdefault(cycle.idea, []).append(cycle)
    measures = list(zip(measure_ids, plan.measures))
    for ramp in by_idea.values():
        demo.scheduler.spawn(ramp_story(demo, cast, project_id, ideas, measures, ramp, plan.sponsor_days or 4))
    if plan.closure:
        when, outcome, answer = plan.closure
        yield at(when, 11)
        signoff = demo(me, App.request_closure, projects.RequestClosure, project=project_id, outcome=outcome)
        if answer is not None:
            yield at(when + timedelta(days=plan.sponsor_days or 4), 8)
            _answer(demo, cast.sponsor, signoff, answer, "Flot arbejde; resultaterne er forankret i driften.")


def _charter_signed(demo: Demo, cast: Cast, project_id: UUID, plan: ProjectPlan) -> Generator[datetime, None, bool]:
    signoff = demo(cast.participant, App.submit_charter, projects.SubmitCharter, project=project_id)
    if plan.sponsor_days is None:
        return False
    yield demo.now() + timedelta(days=plan.sponsor_days, hours=-6)
    if plan.first_answer is not SignOffStatus.APPROVED:
        _answer(demo, cast.sponsor, signoff, plan.first_answer,
                "Målet skal være mere præcist: hvor meget, og hvornår? Lad os tage det op på næste møde.")
        yield demo.now() + timedelta(days=4)
        what, how_much, by = plan.aim
        demo(cast.participant, App.set_aim, projects.SetAim, project=project_id, what=what,
             how_much=f"{how_much} (målt som beskrevet i målingens definition)", by=by)
        if plan.first_answer is SignOffStatus.DECLINED:
            return False
        signoff = demo(cast.participant, App.submit_charter, projects.SubmitCharter, project=project_id)
        yield demo.now() + timedelta(days=3)
    _answer(demo, cast.sponsor, signoff, SignOffStatus.APPROVED, None)
    return True


def _answer(demo: Demo, sponsor: str, signoff: UUID, answer: SignOffStatus, comment: str | None) -> None:
    demo(sponsor, App.decide_signoff, signoffs.DecideSignOff, signoff=signoff, decision=answer,
         comment=comment if answer is not SignOffStatus.APPROVED else None)


def _define_measure(demo: Demo, me: str, project_id: UUID, m: MeasurePlan) -> UUID:
    return demo(me, App.add_measure, projects.AddMeasure, project=project_id, name=m.name, kind=m.kind,
                chart=m.chart, definition=m.definition, frequency=m.frequency, direction=m.direction, unit=m.unit,
                target=m.target)


def _draw_driver_diagram(demo: Demo, me: str, project_id: UUID, plan: ProjectPlan) -> list[UUID]:
    ideas = []
    for primary, secondaries in plan.drivers:
        primary_id = demo(me, App.add_driver, projects.AddDriver, project=project_id, primary=primary)
        for secondary, change_ideas in secondaries:
            secondary_id = demo(me, App.add_driver, projects.AddDriver, project=project_id, secondary=secondary,
                                under=primary_id)
            for idea in change_ideas:
                ideas.append(demo(me, App.add_driver, projects.AddDriver, project=project_id, change_idea=idea,
                                  under=secondary_id))
    return ideas


def ramp_story(
    demo: Demo, cast: Cast, project_id: UUID, ideas: list[UUID], measures: list[tuple[UUID, MeasurePlan]],
    ramp: list[CyclePlan], sponsor_days: int,
) -> Story:
    me, previous = cast.participant, None
    for step in ramp:
        yield at(step.starts, 14)
        cycle_id = demo(
            me, App.plan_cycle, cycles.PlanCycle, project=project_id, change_idea=ideas[step.idea],
            objective=step.objective, prediction=step.predictions, start=step.starts,
            end=step.starts + timedelta(days=step.days), measure=[measures[i][0] for i in step.measures],
            continues=previous if step.continues_previous else None, who="Projektgruppen", data_plan=
            "Registreres dagligt på tavlen og tastes ugentligt.",
        )
        previous = cycle_id
        if step.until is Phase.PLAN:
            return
        if step.until is Phase.CANCELLED:
            yield at(step.starts + timedelta(days=max(1, step.days // 2)), 12)
            demo(me, App.cancel_cycle, cycles.CancelCycle, cycle=cycle_id, reason=step.cancel_reason)
            continue
        yield at(step.starts + timedelta(days=step.days), 15)
        demo(me, App.do_cycle, cycles.DoCycle, cycle=cycle_id, observations=step.observations, problems=step.problems)
        if step.until is Phase.DO:
            return
        yield at(step.starts + timedelta(days=step.days + 4), 10)
        demo(me, App.study_cycle, cycles.StudyCycle, cycle=cycle_id, findings=step.findings)
        if step.until is Phase.STUDY:
            return
        yield at(step.starts + timedelta(days=step.days + 6), 11)
        demo(me, App.act_cycle, cycles.ActCycle, cycle=cycle_id, decision=step.decision, next_steps=step.next_steps)
        if step.new_phase:
            measure_id, measure = measures[step.measures[0]]
            following = _period_end(demo.now().astimezone(LOCAL_ZONE).date(), measure.frequency) + timedelta(days=1)
            demo(me, App.start_phase, projects.StartPhase, measure=measure_id, reason="Forandringen er indført.",
                 cycle=cycle_id, **{"from": _period_text(following, measure.frequency)})
        if step.scale_up is not None:
            yield at(step.starts + timedelta(days=step.days + 9), 9)
            signoff = demo(me, App.request_scale_up, projects.RequestScaleUp, project=project_id, cycle=cycle_id)
            if step.scale_up is not SignOffStatus.REQUESTED:
                yield at(step.starts + timedelta(days=step.days + 9 + sponsor_days), 16)
                _answer(demo, cast.sponsor, signoff, step.scale_up, "Vi tager det op i direktionen først.")


def data_story(demo: Demo, me: str, measure_id: UUID, m: MeasurePlan, rng: random.Random) -> Iterator[datetime]:
    """Backfills the baseline right after the measure is defined, then records each period as it ends."""
    starts = m.first_period
    while True:
        ends = _period_end(starts, m.frequency)
        yield max(at(ends + timedelta(days=1), 8, 30), demo.now() + timedelta(minutes=2))
        value, n = m.signal.point(rng, starts, m.chart)
        demo(me, App.record_data, projects.RecordData, measure=measure_id, period=_period_text(starts, m.frequency),
             value=str(value), n=None if n is None else str(n))
        starts = ends + timedelta(days=1)


def _period_end(starts: date, frequency: Frequency) -> date:
    if frequency is Frequency.DAY:
        return starts
    if frequency is Frequency.WEEK:
        return starts + timedelta(days=6)
    following = date(starts.year + starts.month // 12, starts.month % 12 + 1, 1)
    return following - timedelta(days=1)


def _period_text(starts: date, frequency: Frequency) -> str:
    if frequency is Frequency.DAY:
        return starts.isoformat()
    if frequency is Frequency.WEEK:
        year, week, _ = starts.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{starts.year}-{starts.month:02d}"


def progress_story(demo: Demo, me: str, project_id: UUID, plan: ProjectPlan) -> Story:
    for day, score in plan.progress:
        yield at(day, 16)
        demo(me, App.score_progress, projects.ScoreProgress, project=project_id, score=score, date=day)


def coaching_story(demo: Demo, me: str, coach: str, project_id: UUID, plan: ProjectPlan) -> Story:
    for day in plan.coaching:
        yield at(day, 15)
        demo(me, App.record_meeting, projects.RecordMeeting, project=project_id, kind="coaching", date=day,
             attendee=[me, coach])
