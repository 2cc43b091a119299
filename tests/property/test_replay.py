"""Point-in-time replay: after every command of a random history, the project's whole state (project, cycles,
sign-offs, measure data) is recorded from the live aggregates; replay must then give exactly that state at every
moment recorded, and at every version of the project as it was right after the command that made it."""

from __future__ import annotations

from copy import copy
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pdsa_engine.aggregates.cycle import PDSACycle
from pdsa_engine.aggregates.measure_series import MeasureSeries
from pdsa_engine.aggregates.person import Person
from pdsa_engine.aggregates.project import ImprovementProject
from pdsa_engine.aggregates.signoff import SignOff
from pdsa_engine.aggregates.values import Phase, SignOffStatus
from pdsa_engine.application import PdsaApplication as A
from pdsa_engine.audit.replay import Replay, project_state
from pdsa_engine.audit.state import changed_fields, differences, flatten
from pdsa_engine.clock import SimulatedClock
from pdsa_engine.commands import cycles, projects, signoffs
from pdsa_engine.errors import PdsaError
from pdsa_engine.names import PersonNames
from tests.builders import ADMIN, MOMENT, OTHER_SPONSOR, PARTICIPANT, SPONSOR, Programme, memory_app

# Weighted so that cycles get through their phases and sign-offs are requested and decided.
KINDS = ["data"] * 3 + ["advance"] * 5 + ["plan"] * 2 + ["scale_up"] * 2 + ["decide"] * 2 + [
    "correct", "idea", "cancel", "meeting", "progress", "aim", "withdraw", "reassign", "measure", "closure"]
STEPS = st.lists(st.tuples(st.sampled_from(KINDS), st.integers(0, 1000)), min_size=1, max_size=50)


class NothingToDo(Exception):
    """The step found nothing to act on (no open cycle, no pending sign-off)."""


@dataclass(frozen=True)
class Recorded:
    version: int
    at: datetime
    state: dict[str, Any]


class RandomHistory:
    def __init__(self) -> None:
        self.app = memory_app(SimulatedClock(MOMENT))
        self.programme = Programme(self.app).people()
        active = self.programme.active_project()
        self.project, self.measures, self.ideas = active.project, [active.measure], [active.change_idea,
                                                                                      active.other_change_idea]
        self.secondary = self.load(ImprovementProject, self.project).diagram.node(active.change_idea).parent_id
        self.names = PersonNames(self.app)
        self.weeks = 0

    def load(self, kind: type, aggregate_id: UUID) -> Any:
        return self.app.load(kind, aggregate_id)

    def state(self) -> dict[str, Any]:
        project = self.load(ImprovementProject, self.project)
        return project_state(project, [self.load(PDSACycle, c) for c in project.cycles],
                             [self.load(SignOff, s) for s in project.signoff_ids],
                             {m: self.load(MeasureSeries, m) for m in project.measures}, self.names)

    def step(self, kind: str, n: int) -> bool:
        """Tries one command; True when it was done (a refused one records nothing)."""
        try:
            getattr(self, f"_{kind}")(n)
        except (PdsaError, NothingToDo):
            return False
        return True

    def run(self, actor: str, method: Any, model: Any, **fields: Any) -> Any:
        return self.programme.run(actor, method, model, **fields)

    def _data(self, n: int) -> None:
        self.weeks += 1
        self.run(PARTICIPANT, A.record_data, projects.RecordData, measure=self.measures[n % len(self.measures)],
                 period=f"2031-W{self.weeks:02d}" if self.weeks < 53 else f"2032-W{self.weeks - 52:02d}",
                 value=str(n % 97))

    def _correct(self, n: int) -> None:
        series = self.load(MeasureSeries, self.measures[n % len(self.measures)])
        points = series.in_order()
        if not points:
            raise NothingToDo
        self.run(PARTICIPANT, A.correct_data, projects.CorrectData, measure=series.id,
                     period=points[n % len(points)].period, value=str(n % 13), reason="Rettet efter opgørelse")

    def _idea(self, n: int) -> None:
        self.ideas.append(self.run(PARTICIPANT, A.add_driver, projects.AddDriver, project=self.project,
                                   change_idea=f"Idé {n}", under=self.secondary))

    def _measure(self, n: int) -> None:
        self.measures.append(self.run(PARTICIPANT, A.add_measure, projects.AddMeasure, project=self.project,
                                      name=f"Måling {n}", kind="process", chart="run", definition="Pr. uge",
                                      frequency="week", direction="up"))

    def _plan(self, n: int) -> None:
        idea = self.ideas[n % len(self.ideas)]
        on_idea = [self.load(PDSACycle, c) for c in self.load(ImprovementProject, self.project).cycles]
        adapted = [c.id for c in on_idea if c.change_idea_id == idea and c.acted and c.acted.decision == "adapt"]
        self.programme.plan(self.project, idea, continues=adapted[-1] if adapted else None,
                            measure=self.measures[0])

    def _open_cycle(self, n: int) -> PDSACycle:
        open_ones = [c for c in (self.load(PDSACycle, c) for c in self.load(ImprovementProject, self.project).cycles)
                     if c.phase not in (Phase.CLOSED, Phase.CANCELLED)]
        if not open_ones:
            raise NothingToDo
        return open_ones[n % len(open_ones)]

    def _advance(self, n: int) -> None:
        cycle = self._open_cycle(n)
        if cycle.phase is Phase.PLAN:
            self.run(PARTICIPANT, A.do_cycle, cycles.DoCycle, cycle=cycle.id, observations=f"Gjort {n}")
        elif cycle.phase is Phase.DO:
            self.run(PARTICIPANT, A.study_cycle, cycles.StudyCycle, cycle=cycle.id, findings=f"Lært {n}")
        else:
            self.run(PARTICIPANT, A.act_cycle, cycles.ActCycle, cycle=cycle.id,
                     decision=("adopt", "adapt", "abandon")[n % 3])

    def _cancel(self, n: int) -> None:
        cycle = self._open_cycle(n)
        self.run(PARTICIPANT, A.cancel_cycle, cycles.CancelCycle, cycle=cycle.id, reason="Stoppet")

    def _meeting(self, n: int) -> None:
        self.run(PARTICIPANT, A.record_meeting, projects.RecordMeeting, project=self.project, kind="coaching",
                 date=f"2031-03-{n % 28 + 1:02d}", attendee=[PARTICIPANT])

    def _progress(self, n: int) -> None:
        self.run(PARTICIPANT, A.score_progress, projects.ScoreProgress, project=self.project,
                 score=str(0.5 + (n % 10) / 2))

    def _aim(self, n: int) -> None:
        self.run(PARTICIPANT, A.set_aim, projects.SetAim, project=self.project, what="Færre dage",
                 how_much=f"{n % 90 + 5} %", by="2031-11-30")

    def _scale_up(self, n: int) -> None:
        project = self.load(ImprovementProject, self.project)
        adopted = [c for c in (self.load(PDSACycle, c) for c in project.cycles)
                   if c.acted and c.acted.decision == "adopt"]
        if not adopted:
            raise NothingToDo
        self.run(PARTICIPANT, A.request_scale_up, projects.RequestScaleUp, project=self.project,
                 cycle=adopted[n % len(adopted)].id)

    def _closure(self, n: int) -> None:
        self.run(PARTICIPANT, A.request_closure, projects.RequestClosure, project=self.project,
                 outcome=("sustained", "spread", "stopped")[n % 3])

    def _pending(self) -> SignOff:
        project = self.load(ImprovementProject, self.project)
        pending = [s for s in (self.load(SignOff, s) for s in project.signoff_ids)
                   if s.status is SignOffStatus.REQUESTED]
        if not pending:
            raise NothingToDo
        return pending[0]

    def _decide(self, n: int) -> None:
        signoff = self._pending()
        sponsor = self.app.load(Person, signoff.sponsor_id)
        decision = ("approved", "changes_requested", "declined")[n % 3]
        self.run(sponsor.email, A.decide_signoff, signoffs.DecideSignOff, signoff=signoff.id, decision=decision,
                 comment=None if decision == "approved" else "Uddyb venligst")

    def _withdraw(self, n: int) -> None:
        self.run(PARTICIPANT, A.withdraw_signoff, signoffs.WithdrawSignOff, signoff=self._pending().id)

    def _reassign(self, n: int) -> None:
        self.run(ADMIN, A.reassign, projects.Reassign, project=self.project,
                 sponsor=(SPONSOR, OTHER_SPONSOR)[n % 2], reason="Ny ledelse")


def without_moment(replayed: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in replayed.items() if key != "as_of"}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(STEPS)
def test_replay_gives_the_recorded_state_at_every_version_and_moment(steps: list[tuple[str, int]]) -> None:
    history = RandomHistory()
    recorded = [Recorded(history.load(ImprovementProject, history.project).version, history.app.clock.now(),
                         history.state())]
    for kind, n in steps:
        if history.step(kind, n):
            project = history.load(ImprovementProject, history.project)
            recorded.append(Recorded(project.version, history.app.clock.now(), history.state()))

    replay = Replay(history.app, history.names)
    for moment in recorded:
        assert without_moment(replay.project(history.project, at=moment.at)) == moment.state, moment.at
    first_at_version = {}
    for moment in recorded:
        first_at_version.setdefault(moment.version, moment)
    for version, moment in first_at_version.items():
        assert without_moment(replay.project(history.project, version=version)) == moment.state, version
    assert without_moment(replay.project(history.project)) == recorded[-1].state


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(STEPS)
def test_the_audit_log_compares_only_what_changed_yet_finds_every_change(steps: list[tuple[str, int]]) -> None:
    """changed_fields skips whatever before and after share; it must find exactly what comparing the two whole
    states finds, for every event of every aggregate of a random history."""
    history = RandomHistory()
    for kind, n in steps:
        history.step(kind, n)

    stored = history.app.recorder.select_notifications(start=1, limit=100_000)
    aggregate_ids = {item.originator_id for item in stored}
    compared = 0
    for aggregate_id in aggregate_ids:
        aggregate = None
        for domain_event in history.app.events.get(aggregate_id):
            before = aggregate
            aggregate = domain_event.mutate(copy(before) if before is not None else None)
            whole = differences(flatten(before) if before is not None else {}, flatten(aggregate))
            assert changed_fields(before, aggregate) == whole, (type(aggregate).__name__,
                                                                domain_event.originator_version)
            compared += 1
    assert compared == len(stored)
