"""Random histories of one project that mostly take legal next steps: the charter submitted and approved early,
cycles carried through to Act (mostly adopting), scale-ups requested, sponsors deciding what waits for them,
sponsors reassigned while requests are pending, closure requested late, data recorded and corrected.

Each step is drawn from what the project's state allows at that moment, so a step that fails is a failure of
the engine, not of the generator: it raises. A few steps are meant to be refused; they must raise PdsaError and
store nothing, and are labelled with hypothesis ``event()``. Every step goes through the application's commands,
as the command line runs them (tests/builders.py), on whatever application the caller made.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from hypothesis import event
from hypothesis import strategies as st

from pdsa_engine.aggregates.cycle import PDSACycle
from pdsa_engine.aggregates.measure_series import MeasureSeries
from pdsa_engine.aggregates.person import Person
from pdsa_engine.aggregates.project import ImprovementProject
from pdsa_engine.aggregates.signoff import SignOff
from pdsa_engine.aggregates.values import Decision, Phase, ProjectStatus, SignOffKind, SignOffStatus
from pdsa_engine.application import PdsaApplication as A
from pdsa_engine.commands import cycles, projects, signoffs
from pdsa_engine.errors import PdsaError
from tests.builders import ADMIN, COACH, OTHER_SPONSOR, PARTICIPANT, SPONSOR, Programme

EMAILS = (ADMIN, PARTICIPANT, SPONSOR, OTHER_SPONSOR, COACH)


class ProjectHistory:
    """A project with a charter (aim, a measure, two change ideas) not yet submitted, and its steps."""

    def __init__(self, programme: Programme) -> None:
        self.programme = programme
        self.app = programme.app
        self.project = programme.project()
        self.measures = [programme.charter(self.project)[0]]
        project = self.load(ImprovementProject, self.project)
        self.ideas = sorted(project.diagram.change_idea_ids(), key=str)
        self.secondary = project.diagram.node(self.ideas[0]).parent_id
        self.email = {self.app.person(email).id: email for email in EMAILS}
        self.weeks: dict[UUID, int] = {}
        self.steps_taken = 0
        self.accepted = 0

    # -- reading the state, as the generator's guide --------------------------------------------------

    def load(self, kind: type, aggregate_id: UUID) -> Any:
        return self.app.load(kind, aggregate_id)

    def now(self) -> ImprovementProject:
        return self.load(ImprovementProject, self.project)

    def cycles(self) -> list[PDSACycle]:
        return [self.load(PDSACycle, c) for c in self.now().cycles]

    def signoffs(self) -> list[SignOff]:
        return [self.load(SignOff, s) for s in self.now().signoff_ids]

    def pending(self) -> list[SignOff]:
        return [s for s in self.signoffs() if s.status is SignOffStatus.REQUESTED]

    def series(self, measure: UUID) -> MeasureSeries:
        return self.load(MeasureSeries, measure)

    def stored(self) -> int:
        return self.app.recorder.max_notification_id() or 0

    # -- choosing a step --------------------------------------------------------------------------------

    def options(self, late: bool) -> dict[str, int]:
        """The steps legal now, with their weights; ``late`` allows closure (which ends most other steps)."""
        project = self.now()
        status = project.status
        open_cycles = [c for c in self.cycles() if c.phase.is_open]
        pending = self.pending()
        editable = status in (ProjectStatus.DRAFT, ProjectStatus.ACTIVE)
        active = status is ProjectStatus.ACTIVE
        points = any(self.series(m).points for m in self.measures)
        weights = {
            "data": 3, "correct": 1 if points else 0, "meeting": 1 if status is not ProjectStatus.CLOSED else 0,
            "progress": 1 if status is not ProjectStatus.CLOSED else 0,
            "submit": 12 if status is ProjectStatus.DRAFT else 0,
            "aim": 1 if editable else 0, "idea": 1 if editable and len(self.ideas) < 5 else 0,
            "measure": 1 if editable and len(self.measures) < 3 else 0, "redefine": 1 if editable else 0,
            "plan": (2 if late else 8) if active and self.plannable() and project.pending_closure() is None else 0,
            "advance": 14 if open_cycles else 0, "amend": 1 if open_cycles else 0,
            "cancel": (3 if late else 1) if open_cycles else 0,
            "scale_up": 20 if active and self.scalable() else 0,
            "decide": 12 if pending else 0, "withdraw": 1 if pending else 0,
            "reassign": 2 if status is not ProjectStatus.CLOSED else 0,
            "closure": 15 if late and active and not open_cycles and project.pending_closure() is None else 0,
            "refused": 1,
        }
        return {kind: weight for kind, weight in weights.items() if weight}

    def plannable(self) -> list[tuple[UUID, UUID | None]]:
        """Change ideas a cycle may be planned on now, with the cycle it must continue (after "adapt")."""
        refs = self.now().cycles.refs
        found = []
        for idea in self.ideas:
            on_idea = [r for r in refs if r.change_idea_id == idea]
            if any(r.open for r in on_idea):
                continue
            concluded = [r for r in on_idea if r.decision is not None]
            if concluded and concluded[-1].decision is Decision.ADAPT:
                last = concluded[-1].cycle_id
                if all(r.continues != last for r in on_idea):
                    found.append((idea, last))
            else:
                found.append((idea, None))
        return found

    def scalable(self) -> list[UUID]:
        project = self.now()
        asked = {p.cycle_id for p in project.pending.values()}
        return [r.cycle_id for r in project.cycles.refs
                if r.decision is Decision.ADOPT and r.cycle_id not in project.scaled_up and r.cycle_id not in asked]

    def step(self, data: st.DataObject, late: bool) -> None:
        """Draws one step legal now and runs it; a legal step that fails raises."""
        options = self.options(late)
        kind = data.draw(st.sampled_from([k for k, weight in options.items() for _ in range(weight)]), label="step")
        n = data.draw(st.integers(0, 1000), label="n")
        self.steps_taken += 1
        if kind == "refused":
            self._refused(n)
            return
        getattr(self, f"_{kind}")(n)
        self.accepted += 1

    def label(self) -> None:
        """Labels what the history did, for --hypothesis-show-statistics."""
        low = self.accepted // 10 * 10
        event(f"accepted {low}-{low + 9} commands")
        signoffs = self.signoffs()
        for signoff in signoffs:
            if signoff.status is not SignOffStatus.REQUESTED:
                event(f"{signoff.kind.value} sign-off {signoff.status.value}")
        if any(s.status not in (SignOffStatus.REQUESTED, SignOffStatus.WITHDRAWN) for s in signoffs
               if s.kind is not SignOffKind.CHARTER):
            event("a scale-up or closure sign-off decided")
        if not any(s.kind is SignOffKind.SCALE_UP for s in signoffs):
            event("no scale-up requested")
        if self.now().scaled_up:
            event("scale-up approved")

    # -- the steps ----------------------------------------------------------------------------------------

    def run(self, actor: str, method: Callable[..., Any], model: Any, **fields: Any) -> Any:
        return self.programme.run(actor, method, model, **fields)

    def _period(self, measure: UUID) -> str:
        week = self.weeks[measure] = self.weeks.get(measure, 1) + 1
        return f"2031-W{week:02d}" if week < 53 else f"2032-W{week - 52:02d}"

    def _data(self, n: int) -> None:
        measure = self.measures[n % len(self.measures)]
        self.run(PARTICIPANT, A.record_data, projects.RecordData, measure=measure, period=self._period(measure),
                 value=str(n % 97))

    def _correct(self, n: int) -> None:
        with_points = [self.series(m) for m in self.measures if self.series(m).points]
        series = with_points[n % len(with_points)]
        point = series.in_order()[n % len(series.points)]
        self.run(PARTICIPANT, A.correct_data, projects.CorrectData, measure=series.id, period=point.period,
                 value=str(point.value + 1 + n % 5), reason="Rettet efter opgørelse")

    def _meeting(self, n: int) -> None:
        attendees = [PARTICIPANT, self.email[self.now().sponsor_id]] if n % 2 else [PARTICIPANT]
        self.run(PARTICIPANT, A.record_meeting, projects.RecordMeeting, project=self.project,
                 kind=("startup", "coaching", "poster")[n % 3], date=f"2031-03-{n % 28 + 1:02d}", attendee=attendees)

    def _progress(self, n: int) -> None:
        self.run(PARTICIPANT, A.score_progress, projects.ScoreProgress, project=self.project,
                 score=str(0.5 + (n % 10) / 2), date=f"2031-04-{n % 28 + 1:02d}")

    def _submit(self, n: int) -> None:
        self.programme.submit(self.project)

    def _aim(self, n: int) -> None:
        aim = self.now().aim
        how_much = f"{n % 90 + 5} %"
        if aim is not None and aim.how_much == how_much:
            how_much = f"{n % 90 + 6} %"
        self.run(PARTICIPANT, A.set_aim, projects.SetAim, project=self.project, what="Færre dage",
                 how_much=how_much, by="2031-11-30")

    def _idea(self, n: int) -> None:
        self.ideas.append(self.run(PARTICIPANT, A.add_driver, projects.AddDriver, project=self.project,
                                   change_idea=f"Idé {n}", under=self.secondary))

    def _measure(self, n: int) -> None:
        self.measures.append(self.run(PARTICIPANT, A.add_measure, projects.AddMeasure, project=self.project,
                                      name=f"Måling {len(self.measures)}", kind="process", chart="run",
                                      definition="Pr. uge", frequency="week", direction="up"))

    def _redefine(self, n: int) -> None:
        measure = self.measures[n % len(self.measures)]
        current = self.now().measure(measure)
        self.run(PARTICIPANT, A.update_measure, projects.UpdateMeasure, measure=measure,
                 definition=f"{current.definition} (rev. {n})" if len(current.definition) < 80 else "Pr. uge",
                 target=str(n % 50))

    def _plan(self, n: int) -> None:
        options = self.plannable()
        idea, continues = options[n % len(options)]
        self.programme.plan(self.project, idea, continues=continues, measure=self.measures[n % len(self.measures)])

    def _open_cycle(self, n: int) -> PDSACycle:
        open_ones = [c for c in self.cycles() if c.phase.is_open]
        return open_ones[n % len(open_ones)]

    def _advance(self, n: int) -> None:
        cycle = self._open_cycle(n)
        if cycle.phase is Phase.PLAN:
            self.run(PARTICIPANT, A.do_cycle, cycles.DoCycle, cycle=cycle.id, observations=f"Gjort {n}")
        elif cycle.phase is Phase.DO:
            self.run(PARTICIPANT, A.study_cycle, cycles.StudyCycle, cycle=cycle.id, findings=f"Lært {n}")
        else:  # mostly adopted, so that scale-ups can be asked for
            decision = "adopt" if n % 10 < 7 else "adapt" if n % 10 < 9 else "abandon"
            self.run(PARTICIPANT, A.act_cycle, cycles.ActCycle, cycle=cycle.id, decision=decision,
                     next_steps=f"Næste {n}" if n % 2 else None)

    def _amend(self, n: int) -> None:
        cycle = self._open_cycle(n)
        field = {Phase.PLAN: "objective", Phase.DO: "observations", Phase.STUDY: "findings"}[cycle.phase]
        # The cycle's version in the text: an amendment that changes nothing is refused, and n may repeat.
        self.run(PARTICIPANT, A.amend_cycle, cycles.AmendCycle, cycle=cycle.id,
                 **{field: f"Rettet {n} (version {cycle.version})"})

    def _cancel(self, n: int) -> None:
        self.run(PARTICIPANT, A.cancel_cycle, cycles.CancelCycle, cycle=self._open_cycle(n).id, reason="Stoppet")

    def _scale_up(self, n: int) -> None:
        options = self.scalable()
        self.run(PARTICIPANT, A.request_scale_up, projects.RequestScaleUp, project=self.project,
                 cycle=options[n % len(options)])

    def _closure(self, n: int) -> None:
        self.run(PARTICIPANT, A.request_closure, projects.RequestClosure, project=self.project,
                 outcome=("sustained", "spread", "stopped")[n % 3])

    def _decide(self, n: int) -> None:
        pending = self.pending()
        signoff = pending[n % len(pending)]
        # Mostly approved; a closure is approved less often, since it ends the project's work.
        approve_below = {SignOffKind.CHARTER: 8, SignOffKind.SCALE_UP: 7, SignOffKind.CLOSURE: 4}[signoff.kind]
        decision = "approved" if n % 10 < approve_below else ("changes_requested", "declined")[n % 2]
        self.run(self.email[signoff.sponsor_id], A.decide_signoff, signoffs.DecideSignOff, signoff=signoff.id,
                 decision=decision, comment=None if decision == "approved" and n % 3 else f"Kommentar {n}")

    def _withdraw(self, n: int) -> None:
        pending = self.pending()
        self.run(PARTICIPANT, A.withdraw_signoff, signoffs.WithdrawSignOff, signoff=pending[n % len(pending)].id)

    def _reassign(self, n: int) -> None:
        current = self.email[self.now().sponsor_id]
        if self.pending():
            event("sponsor reassigned while a sign-off was pending")
        self.run(ADMIN, A.reassign, projects.Reassign, project=self.project,
                 sponsor=OTHER_SPONSOR if current == SPONSOR else SPONSOR, reason=f"Ny ledelse {n}")

    # -- steps meant to be refused ------------------------------------------------------------------------

    def _refused(self, n: int) -> None:
        """A command the rules refuse: it must raise PdsaError and store nothing."""
        attempts = self._refusable()
        what, attempt = attempts[n % len(attempts)]
        before = self.stored()
        try:
            attempt()
        except PdsaError:
            pass
        else:
            raise AssertionError(f"{what} was not refused")
        assert self.stored() == before, f"the refused {what} stored something"
        event(f"refused: {what}")

    def _refusable(self) -> list[tuple[str, Callable[[], Any]]]:
        project = self.now()
        attempts: list[tuple[str, Callable[[], Any]]] = [
            ("a decision by someone else than the addressed sponsor", lambda: self.run(
                COACH, A.decide_signoff, signoffs.DecideSignOff, signoff=project.signoff_ids[-1],
                decision="approved")) if project.signoff_ids else
            ("a cycle on a draft charter", lambda: self.programme.plan(self.project, self.ideas[0])),
        ]
        resolved = [s for s in self.signoffs() if s.status is not SignOffStatus.REQUESTED]
        if resolved:
            attempts.append(("a second decision", lambda: self.run(
                self.email[resolved[0].sponsor_id], A.decide_signoff, signoffs.DecideSignOff,
                signoff=resolved[0].id, decision="approved")))
        recorded = [self.series(m) for m in self.measures if self.series(m).points]
        if recorded:
            series = recorded[0]
            attempts.append(("a period recorded twice", lambda: self.run(
                PARTICIPANT, A.record_data, projects.RecordData, measure=series.id,
                period=series.in_order()[0].period, value="1")))
            if project.status in (ProjectStatus.DRAFT, ProjectStatus.ACTIVE):
                # The project takes the new definition before the series refuses it: nothing may be kept.
                attempts.append(("a new frequency for a measure with data", lambda: self.run(
                    PARTICIPANT, A.update_measure, projects.UpdateMeasure, measure=series.id, frequency="month")))
        concluded = [c for c in self.cycles() if not c.phase.is_open]
        if concluded:
            attempts.append(("a step on a finished cycle", lambda: self.run(
                PARTICIPANT, A.do_cycle, cycles.DoCycle, cycle=concluded[0].id, observations="Igen")))
        if project.status is ProjectStatus.CLOSED:
            attempts.append(("an aim on a closed project", lambda: self.run(
                PARTICIPANT, A.set_aim, projects.SetAim, project=self.project, what="Mere", how_much="1 %",
                by="2031-11-30")))
        return attempts


def person_names(app: Any) -> dict[UUID, str]:
    """Everyone's name, read once from the people's own aggregates (the tests rename nobody)."""
    return {app.person(email).id: app.load(Person, app.person(email).id).name for email in EMAILS}
