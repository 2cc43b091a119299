"""A state machine drives projects, cycles and sign-offs with every command, legal or not, by everyone.

The machine keeps a model of its own: plain records of each project, cycle and sign-off, updated by the
rules of the domain as this test states them, never read back from the aggregates. Before every command the
model says whether it is legal, and the command must succeed exactly then. A successful command stores one
event on each aggregate the model says it touches and on no other; a refused one stores nothing. After every
step the aggregates the application loads (from its production aggregate cache) must agree with the model,
and replaying the stored events must rebuild what the commands saved.
"""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from unittest import mock
from uuid import UUID

from eventsourcing.persistence import RecordConflictError
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, multiple, rule

from pdsa_engine import application_base
from pdsa_engine.aggregates.cycle import PDSACycle
from pdsa_engine.aggregates.project import ImprovementProject
from pdsa_engine.aggregates.signoff import SignOff
from pdsa_engine.application import PdsaApplication as A
from pdsa_engine.clock import SimulatedClock
from pdsa_engine.commands import cycles, parse, projects, signoffs
from pdsa_engine.config import AGGREGATE_CACHE
from pdsa_engine.errors import PdsaError
from tests.builders import (
    ADMIN,
    AUDITOR,
    COACH,
    MOMENT,
    OTHER_PARTICIPANT,
    OTHER_SPONSOR,
    PARTICIPANT,
    SPONSOR,
    Programme,
)
from tests.support.examples import examples

# "rightful" stands for whoever the model says may do the command (the project's participant, the sponsor a
# sign-off is addressed to, the administrator); it is drawn often, so that the machine gets far into the
# workflow, while everyone else keeps trying too.
RIGHTFUL = "rightful"
EVERYONE = [PARTICIPANT, OTHER_PARTICIPANT, SPONSOR, OTHER_SPONSOR, COACH, ADMIN, AUDITOR]
ACTORS = st.sampled_from([RIGHTFUL] * 6 + EVERYONE)
SPONSORS = {SPONSOR, OTHER_SPONSOR}  # the people who hold the sponsor role
DECISIONS = st.sampled_from(["adopt", "adopt", "adapt", "abandon"])
SPONSOR_DECISIONS = st.sampled_from(["approved", "approved", "approved", "changes_requested", "declined"])
OUTCOMES = st.sampled_from(["sustained", "spread", "stopped"])

# The model's own statement of the rules.
COHORT_START = date(2031, 1, 10)
AIM_REACH = timedelta(days=5 * 366)  # an aim is due from the cohort's start to five years after
AIM_DATES = st.sampled_from([date(2031, m, 28) for m in range(1, 13)] + [date(2030, 12, 31), date(2031, 1, 9),
                             COHORT_START, COHORT_START + AIM_REACH, COHORT_START + AIM_REACH + timedelta(days=1)])
OPEN = ("plan", "do", "study")
NEXT = {"do": "plan", "study": "do", "act": "study"}  # a step, and the phase it is taken from
AFTER = {"plan": "do", "do": "study", "study": "act"}  # a phase, and the step that comes next
SKIP = {"plan": "study", "do": "act", "study": "do"}  # a phase, and a step that skips one or goes back
FIELD_PHASE = {"objective": "plan", "observations": "do", "findings": "study"}
FIRST_RECORD = {"objective": "Afprøv", "observations": "Gjort", "findings": "Lært"}
PLANNED, DONE, STUDIED = FIRST_RECORD["objective"], FIRST_RECORD["observations"], FIRST_RECORD["findings"]


@dataclass
class ProjectModel:
    participant: str
    sponsor: str
    status: str = "draft"  # draft → charter_submitted → active → closed
    aim: tuple[str, str, date] | None = None
    secondary: UUID | None = None  # the secondary driver new change ideas go under
    primary: UUID | None = None
    ideas: list[UUID] = field(default_factory=list)
    pending: dict[UUID, str] = field(default_factory=dict)  # sign-off → kind
    cycles: list[UUID] = field(default_factory=list)  # in the order they were planned
    scaled_up: set[UUID] = field(default_factory=set)


@dataclass
class CycleModel:
    project: UUID
    idea: UUID
    continues: UUID | None
    phase: str = "plan"  # plan → do → study → closed, or cancelled from any open phase
    decision: str | None = None
    records: dict[str, str] = field(default_factory=lambda: {"objective": PLANNED})


@dataclass
class SignOffModel:
    project: UUID
    kind: str
    sponsor: str
    requester: str
    cycle: UUID | None = None
    status: str = "requested"


class RecordingApplication(A):
    """Keeps a copy of every aggregate as the commands left it, to compare with what replay rebuilds; and can
    make the next write collide, as when another process saved the same aggregate a moment before."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.saved: dict[UUID, Any] = {}
        self.collide = False

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        recordings = super().save(*objs, **kwargs)
        for aggregate in objs:
            self.saved[aggregate.id] = copy.copy(aggregate)  # a safe copy: aggregate state is immutable values
        return recordings

    def _record(self, processing_event: Any) -> Any:
        if self.collide:
            self.collide = False
            raise RecordConflictError("another writer saved the same aggregate first")
        return super()._record(processing_event)


class PdsaStateMachine(RuleBasedStateMachine):
    projects = Bundle("projects")
    ideas = Bundle("ideas")
    cycles = Bundle("cycles")
    signoffs = Bundle("signoffs")

    def __init__(self) -> None:
        super().__init__()
        # Ids from a counter: the same steps must give the same outcomes when hypothesis replays them.
        numbers = itertools.count(1)
        env = {**AGGREGATE_CACHE, "PERSISTENCE_MODULE": "eventsourcing.popo"}
        self.app = RecordingApplication(env, clock=SimulatedClock(MOMENT), new_id=lambda: UUID(int=next(numbers)))
        self.programme = Programme(self.app).people()
        self.person_id = {email: self.app.person(email).id for email in EVERYONE}
        self.project: dict[UUID, ProjectModel] = {}
        self.cycle: dict[UUID, CycleModel] = {}
        self.signoff: dict[UUID, SignOffModel] = {}
        self.version: dict[UUID, int] = {}  # each followed aggregate's version, counted by the model
        self.saved_since_replay: set[UUID] = set()
        self.replayed = False

        self.setting_the_scene()

    def setting_the_scene(self) -> None:
        """Two participants' projects in one cohort: one active with a cycle planned, the other a draft charter.
        Each step is checked like any other, but not counted in the statistics."""
        self.initialising = True
        cohort = self.programme.cohort()
        for participant in (PARTICIPANT, OTHER_PARTICIPANT):
            self.programme.enrol(cohort, participant)
            project = self.programme.run(ADMIN, A.create_project, projects.CreateProject, cohort=cohort,
                                         participant=participant, title="Færre færdigbehandlingsdage",
                                         problem="Patienter venter.", sponsor=SPONSOR, coach=COACH)
            self.project[project] = ProjectModel(participant, SPONSOR)
            self.version[project] = 1
        for project in self.project:
            self._charter(project)
        active = next(iter(self.project))
        self.charter_through(active)
        assert self.project[active].status == "active"
        self.plan((active, self.project[active].ideas[0]), RIGHTFUL, None, False)
        assert self.cycle
        self.initialising = False

    @initialize(target=projects)
    def the_projects(self) -> Any:
        return multiple(*self.project)

    @initialize(target=ideas)
    def their_change_ideas(self) -> Any:
        return multiple(*((project, idea) for project, model in self.project.items() for idea in model.ideas))

    @initialize(target=cycles)
    def the_cycle_underway(self) -> Any:
        return multiple(*self.cycle)

    @initialize(target=signoffs)
    def the_approved_charter(self) -> Any:
        return multiple(*self.signoff)

    def _charter(self, project: UUID) -> None:
        """Aim, one measure, a primary and a secondary driver and two change ideas, each checked as any step."""
        model = self.project[project]
        self.set_aim(project, RIGHTFUL, date(2031, 10, 28))
        self.attempt(None, model.participant, A.add_measure, projects.AddMeasure, legal=True, touched={project},
                     creates=True, project=project, name="Færdigbehandlingsdage", kind="outcome", chart="run",
                     definition="Dage pr. uge", frequency="week", direction="down")
        model.primary = self.attempt(None, model.participant, A.add_driver, projects.AddDriver, legal=True,
                                     touched={project}, project=project, primary="Hjemmet først")
        model.secondary = self.attempt(None, model.participant, A.add_driver, projects.AddDriver, legal=True,
                                       touched={project}, project=project, secondary="Planlægning",
                                       under=model.primary)
        for _ in range(2):
            self.add_change_idea(project, RIGHTFUL, "secondary")

    # -- running a command and checking what it stored ------------------------------------------------

    def attempt(self, label: str | None, actor: str, method: Any, model: Any, *, legal: bool, touched: set[UUID],
                creates: bool = False, collide: bool = False, **fields: Any) -> Any:
        """Runs a command; it must succeed exactly when the model says it is legal, and then store one event on
        each aggregate it touches (and, if it creates one, on the new aggregate its result names) and no other.
        Returns the command's result, or None when it was refused. A command that collides runs as the
        application runs every command it is given: its first write collides with another's, and it is run again."""
        before = self.app.recorder.max_notification_id() or 0
        self.app.collide = collide
        try:
            if collide:  # no other process races this one: no pause is needed before the second attempt
                self.programme.clock.advance(timedelta(minutes=1))
                with mock.patch.object(application_base, "CONFLICT_PAUSE", 0):
                    result = self.app.run_command(method, actor, parse(model, {k: v for k, v in fields.items()
                                                                               if v is not None}))
            else:
                result = self.programme.run(actor, method, model, **fields)
        except PdsaError as refusal:
            assert (self.app.recorder.max_notification_id() or 0) == before, "a refused command stored events"
            if label and not self.initialising:
                event(f"{label}: refused")
            assert not legal, f"{method.__name__} by {actor} was refused, but the model says it is legal: {refusal}"
            return None
        finally:
            self.app.collide = False
        assert legal, f"{method.__name__} by {actor} succeeded, but the model says it is illegal"
        if label and not self.initialising:
            event(f"{label}: done")
        expected = {aggregate: self.version[aggregate] + 1 for aggregate in touched}
        if creates:
            assert result not in self.version, "a command created an aggregate with an id already in use"
            expected[result] = 1
        stored = [(n.originator_id, n.originator_version)
                  for n in self.app.recorder.select_notifications(start=before + 1, limit=1000)]
        assert sorted(stored) == sorted(expected.items()), (
            f"{method.__name__} stored events {stored}; the model expected one on each of {expected}")
        self.version.update(expected)
        self.saved_since_replay.update(expected)
        return result

    def participant_of(self, actor: str, project: UUID) -> str:
        return self.project[project].participant if actor == RIGHTFUL else actor

    def other(self, project: UUID) -> UUID:
        return next(p for p in self.project if p != project)

    def open_cycles(self, project: UUID) -> list[UUID]:
        return [c for c in self.project[project].cycles if self.cycle[c].phase in OPEN]

    def editable(self, project: UUID) -> bool:
        """The charter changes while the project is a draft or active, not while its sign-off is pending."""
        return self.project[project].status in ("draft", "active")

    # -- project and charter --------------------------------------------------------------------------

    @rule(target=ideas, project=projects, actor=ACTORS,
          under=st.sampled_from(["secondary"] * 6 + ["primary", "other project's"]), intruder=st.booleans())
    def add_change_idea(self, project: UUID, actor: str, under: str, intruder: bool = False) -> Any:
        """Someone adds a change idea; an intruder, the other project's participant, may try it first."""
        model = self.project[project]
        if intruder:
            self.add_change_idea(project, self.project[self.other(project)].participant, under)
        actor = self.participant_of(actor, project)
        parent = {"secondary": model.secondary, "primary": model.primary,
                  "other project's": self.project[self.other(project)].secondary}[under]
        legal = actor == model.participant and self.editable(project) and under == "secondary"
        idea = self.attempt("add_change_idea", actor, A.add_driver, projects.AddDriver, legal=legal,
                            touched={project}, project=project, change_idea="Idé", under=parent)
        if idea is None:
            return multiple()
        model.ideas.append(idea)
        return (project, idea)

    @rule(project=projects, actor=ACTORS, by=AIM_DATES)
    def set_aim(self, project: UUID, actor: str, by: date) -> None:
        model = self.project[project]
        actor = self.participant_of(actor, project)
        aim = ("Færre", f"{by.month}0 %", by)
        legal = (actor == model.participant and self.editable(project)
                 and COHORT_START <= by <= COHORT_START + AIM_REACH and aim != model.aim)
        self.attempt("set_aim", actor, A.set_aim, projects.SetAim, legal=legal, touched={project}, project=project,
                     what=aim[0], how_much=aim[1], by=by.isoformat())
        if legal:
            model.aim = aim

    def _request(self, project: UUID, kind: str, signoff: UUID | None, cycle: UUID | None = None) -> Any:
        if signoff is None:
            return multiple()
        model = self.project[project]
        self.signoff[signoff] = SignOffModel(project, kind, model.sponsor, model.participant, cycle)
        model.pending[signoff] = kind
        return signoff

    @rule(target=signoffs, project=projects, actor=ACTORS)
    def submit_charter(self, project: UUID, actor: str) -> Any:
        model = self.project[project]
        actor = self.participant_of(actor, project)
        # The charter has an aim, a measure and change ideas from the start; only a draft is submitted.
        legal = actor == model.participant and model.status == "draft" and model.aim is not None
        signoff = self.attempt("submit_charter", actor, A.submit_charter, projects.SubmitCharter, legal=legal,
                               touched={project}, creates=True, project=project)
        if signoff is not None:
            model.status = "charter_submitted"
        return self._request(project, "charter", signoff)

    @rule(target=signoffs, project=projects, actor=st.sampled_from([RIGHTFUL] * 2 + EVERYONE), outcome=OUTCOMES)
    def request_closure(self, project: UUID, actor: str, outcome: str) -> Any:
        model = self.project[project]
        actor = self.participant_of(actor, project)
        legal = (actor == model.participant and model.status == "active" and "closure" not in model.pending.values()
                 and not self.open_cycles(project))
        signoff = self.attempt("request_closure", actor, A.request_closure, projects.RequestClosure, legal=legal,
                               touched={project}, creates=True, project=project, outcome=outcome)
        return self._request(project, "closure", signoff)

    @rule(target=signoffs, project=projects, cycle=cycles, actor=ACTORS)
    def request_scale_up(self, project: UUID, cycle: UUID, actor: str) -> Any:
        model = self.project[project]
        actor = self.participant_of(actor, project)
        legal = (actor == model.participant and model.status == "active" and cycle in model.cycles
                 and self.cycle[cycle].decision == "adopt" and cycle not in model.scaled_up
                 and not any(self.signoff[s].cycle == cycle for s in model.pending))
        signoff = self.attempt("request_scale_up", actor, A.request_scale_up, projects.RequestScaleUp, legal=legal,
                               touched={project}, creates=True, project=project, cycle=cycle)
        return self._request(project, "scale_up", signoff, cycle)

    @rule(project=projects, actor=st.sampled_from([RIGHTFUL] * 4 + EVERYONE),
          sponsor=st.sampled_from([SPONSOR, OTHER_SPONSOR, OTHER_SPONSOR, COACH]))
    def reassign_sponsor(self, project: UUID, actor: str, sponsor: str) -> None:
        model = self.project[project]
        actor = ADMIN if actor == RIGHTFUL else actor
        # Administrators reassign; the new sponsor holds the sponsor role and is not the sponsor already.
        legal = actor == ADMIN and model.status != "closed" and sponsor in SPONSORS and sponsor != model.sponsor
        self.attempt("reassign_sponsor", actor, A.reassign, projects.Reassign, legal=legal,
                     touched={project, *model.pending}, project=project, sponsor=sponsor, reason="Ny stilling")
        if not legal:
            return
        model.sponsor = sponsor
        for signoff in model.pending:  # the requests still waiting are readdressed to the new sponsor
            self.signoff[signoff].sponsor = sponsor

    # -- shortcuts deeper into the workflow, through the same checked paths -----------------------------

    @rule(project=projects, how=st.sampled_from(["approved", "approved", "changes_requested", "withdrawn", None]))
    def charter_through(self, project: UUID, how: str | None = "approved") -> None:
        """The participant submits the charter and the sponsor decides on it, or the participant withdraws it,
        or it is left waiting."""
        signoff = self.submit_charter(project, RIGHTFUL)
        if isinstance(signoff, UUID) and how is not None:
            self._resolve(signoff, how)

    def _resolve(self, signoff: UUID, how: str, collide: bool = False, actor: str = RIGHTFUL,
                 comment: str | None = "Skarpere mål") -> None:
        if how == "withdrawn":
            self.withdraw(signoff, actor, collide)
        else:
            self.decide(signoff, actor, how, None if how == "approved" else comment, collide)

    @rule(target=cycles, project=projects, which=st.integers(0, 1), decision=DECISIONS,
          then=st.sampled_from(["plan", "do", "study", "act", "act", "act", "cancel"]))
    def plan_next(self, project: UUID, which: int, then: str, decision: str) -> Any:
        """The participant plans the next cycle on one of the charter's change ideas, continuing its ramp where
        the model says so, and takes it as far as the phase ``then`` (or cancels it at once)."""
        model = self.project[project]
        idea = model.ideas[which]
        on_idea = [c for c in model.cycles if self.cycle[c].idea == idea]
        concluded = [c for c in on_idea if self.cycle[c].decision is not None]
        continued = {self.cycle[c].continues for c in on_idea if self.cycle[c].phase != "cancelled"}
        last = concluded[-1] if concluded else None
        continues = last if last is not None and self.cycle[last].decision == "adapt" and last not in continued \
            else None
        cycle = self.plan((project, idea), RIGHTFUL, continues, False)
        if isinstance(cycle, UUID) and then == "cancel":
            self.cancel(cycle, RIGHTFUL)
        elif isinstance(cycle, UUID):
            self.next_steps(cycle, decision, ["plan", "do", "study", "act"].index(then))
        return cycle

    @rule(cycle=cycles, decision=DECISIONS, steps=st.integers(1, 3), collide=st.booleans(),
          amendment=st.sampled_from([None, None, "Ændret", "Rettet"]), skipping=st.booleans())
    def next_steps(self, cycle: UUID, decision: str, steps: int, collide: bool = False,
                   amendment: str | None = None, skipping: bool = False) -> None:
        """The participant perhaps amends the current record, then takes the steps that come next; each succeeds
        while the cycle is open. The first may collide with another writer's at first, and is then run again.
        When skipping, the participant first tries each time to skip a phase, or to go back to one."""
        if amendment is not None:
            self.amend(cycle, RIGHTFUL, "current", amendment)
        for step in range(steps):
            if skipping:
                self.advance(cycle, RIGHTFUL, SKIP.get(self.cycle[cycle].phase, "study"), decision)
            self.advance(cycle, RIGHTFUL, AFTER.get(self.cycle[cycle].phase, "do"), decision, collide and step == 0)

    @rule(target=signoffs, project=projects, which=st.integers(0, 20))
    def scale_up_an_adopted_change(self, project: UUID, which: int) -> Any:
        """The participant asks to scale up an adopted change, first taking an open cycle to "adopt" if the model
        knows of no adopted change that waits for it."""
        model = self.project[project]
        waiting = {self.signoff[s].cycle for s in model.pending}
        adopted = [c for c in model.cycles
                   if self.cycle[c].decision == "adopt" and c not in model.scaled_up and c not in waiting]
        if not adopted:
            open_ones = self.open_cycles(project)
            if not open_ones:
                return multiple()
            self.next_steps(open_ones[which % len(open_ones)], "adopt", 3)
            adopted = [open_ones[which % len(open_ones)]]
        return self.request_scale_up(project, adopted[which % len(adopted)], RIGHTFUL)

    @rule(target=signoffs, project=projects, outcome=OUTCOMES)
    def wind_down(self, project: UUID, outcome: str) -> Any:
        """After a few cycles, the participant cancels the open ones and asks to close the project."""
        if sum(self.cycle[c].decision is not None for c in self.project[project].cycles) < 2:
            return multiple()
        for cycle in self.open_cycles(project):
            self.cancel(cycle, RIGHTFUL)
        return self.request_closure(project, RIGHTFUL, outcome)

    @rule(which=st.integers(0, 20), how=st.sampled_from([*SPONSOR_DECISIONS.elements, "withdrawn", "withdrawn"]),
          collide=st.booleans(), actor=ACTORS, comment=st.sampled_from(["Skarpere mål"] * 3 + [None]),
          impostor=st.sampled_from([None, "another sponsor", "another sponsor", *EVERYONE]))
    def resolve_a_pending_request(self, which: int, how: str, collide: bool, actor: str, comment: str | None,
                                  impostor: str | None) -> None:
        """Someone, most often the sponsor addressed or the participant who asked, decides or withdraws a
        request the model knows to be pending; the first write may collide. An impostor may try it first."""
        pending = [s for project in self.project.values() for s in project.pending]
        if not pending:
            return
        signoff = pending[which % len(pending)]
        if impostor == "another sponsor":  # the one sponsor the request is not addressed to
            impostor = next(sponsor for sponsor in sorted(SPONSORS) if sponsor != self.signoff[signoff].sponsor)
        if impostor is not None:
            self._resolve(signoff, how, actor=impostor, comment=comment)
        self._resolve(signoff, how, collide, actor, comment)

    @rule(which=st.integers(0, 20), actor=ACTORS, decision=DECISIONS,
          step=st.sampled_from(["do", "study", "act", "cancel", *FIELD_PHASE]))
    def try_an_open_cycle(self, which: int, actor: str, step: str, decision: str) -> None:
        """Someone tries a step, an amendment or a cancellation on a cycle the model knows to be open."""
        open_ones = [c for c, model in self.cycle.items() if model.phase in OPEN]
        if not open_ones:
            return
        cycle = open_ones[which % len(open_ones)]
        if step == "cancel":
            self.cancel(cycle, actor)
        elif step in FIELD_PHASE:
            self.amend(cycle, actor, step, "Rettet")
        else:
            self.advance(cycle, actor, step, decision)

    # -- sign-offs ------------------------------------------------------------------------------------

    @rule(signoff=signoffs, actor=ACTORS, decision=SPONSOR_DECISIONS, comment=st.sampled_from([None, "Skarpere mål"]))
    def decide(self, signoff: UUID, actor: str, decision: str, comment: str | None, collide: bool = False) -> None:
        request = self.signoff[signoff]
        project = self.project[request.project]
        actor = request.sponsor if actor == RIGHTFUL else actor
        legal = (request.status == "requested" and actor == request.sponsor
                 and (decision == "approved" or comment is not None))
        self.attempt(f"decide {request.kind}", actor, A.decide_signoff, signoffs.DecideSignOff, legal=legal,
                     touched={signoff, request.project}, collide=collide, signoff=signoff, decision=decision,
                     comment=comment)
        if not legal:
            return
        request.status = decision
        del project.pending[signoff]
        approved = decision == "approved"
        if request.kind == "charter":
            project.status = "active" if approved else "draft"
        elif request.kind == "closure" and approved:
            project.status = "closed"
        elif request.kind == "scale_up" and approved:
            assert request.cycle is not None
            project.scaled_up.add(request.cycle)

    @rule(signoff=signoffs, actor=ACTORS)
    def withdraw(self, signoff: UUID, actor: str, collide: bool = False) -> None:
        request = self.signoff[signoff]
        project = self.project[request.project]
        actor = request.requester if actor == RIGHTFUL else actor
        legal = request.status == "requested" and actor == request.requester
        self.attempt(f"withdraw {request.kind}", actor, A.withdraw_signoff, signoffs.WithdrawSignOff, legal=legal,
                     touched={signoff, request.project}, collide=collide, signoff=signoff)
        if not legal:
            return
        request.status = "withdrawn"
        del project.pending[signoff]
        if request.kind == "charter":
            project.status = "draft"

    # -- cycles ---------------------------------------------------------------------------------------

    @rule(target=cycles, idea=ideas, actor=ACTORS, continues=st.none() | cycles,
          elsewhere=st.sampled_from([False] * 5 + [True]))
    def plan(self, idea: tuple[UUID, UUID], actor: str, continues: UUID | None, elsewhere: bool) -> Any:
        project, change_idea = idea
        if elsewhere:  # the change idea of one project, planned on the other
            project = self.other(project)
        model = self.project[project]
        actor = self.participant_of(actor, project)
        on_idea = [c for c in model.cycles if self.cycle[c].idea == change_idea]
        if continues is None:  # after "adapt" the next cycle on the idea continues the last one
            concluded = [self.cycle[c].decision for c in on_idea if self.cycle[c].decision is not None]
            ramp = not concluded or concluded[-1] != "adapt"
        else:  # a cycle on the same idea, adapted or adopted, continued at most once (a cancelled cycle tested
            # nothing, and leaves the cycle it was to continue to be continued)
            ramp = (continues in model.cycles and self.cycle[continues].idea == change_idea
                    and self.cycle[continues].decision in ("adapt", "adopt")
                    and all(self.cycle[c].continues != continues or self.cycle[c].phase == "cancelled"
                            for c in on_idea))
        legal = (actor == model.participant and model.status == "active" and "closure" not in model.pending.values()
                 and change_idea in model.ideas and all(self.cycle[c].phase not in OPEN for c in on_idea) and ramp)
        cycle = self.attempt("plan", actor, A.plan_cycle, cycles.PlanCycle, legal=legal, touched={project},
                             creates=True, project=project, change_idea=change_idea, objective=PLANNED,
                             prediction=["Bedre"], start="2031-03-01", end="2031-03-14", continues=continues)
        if cycle is None:
            return multiple()
        self.cycle[cycle] = CycleModel(project, change_idea, continues)
        model.cycles.append(cycle)
        return cycle

    @rule(cycle=cycles, actor=ACTORS, step=st.sampled_from(["do", "study", "act"]), decision=DECISIONS)
    def advance(self, cycle: UUID, actor: str, step: str, decision: str, collide: bool = False) -> None:
        model = self.cycle[cycle]
        actor = self.participant_of(actor, model.project)
        legal = actor == self.project[model.project].participant and model.phase == NEXT[step]
        method, command, fields, touched = {
            "do": (A.do_cycle, cycles.DoCycle, {"observations": DONE}, {cycle}),
            "study": (A.study_cycle, cycles.StudyCycle, {"findings": STUDIED}, {cycle}),
            "act": (A.act_cycle, cycles.ActCycle, {"decision": decision}, {cycle, model.project}),
        }[step]
        self.attempt(step, actor, method, command, legal=legal, touched=touched, collide=collide, cycle=cycle,
                     **fields)
        if not legal:
            return
        if step == "act":
            model.phase, model.decision = "closed", decision
        else:
            model.phase = step
            model.records.update(fields)

    @rule(cycle=cycles, actor=ACTORS, record=st.sampled_from(["current"] * 3 + list(FIELD_PHASE)),
          text=st.sampled_from(["Ændret", "Rettet"]))
    def amend(self, cycle: UUID, actor: str, record: str, text: str) -> None:
        model = self.cycle[cycle]
        if record == "current":  # the record of the phase the model says the cycle is in
            record = next((f for f, phase in FIELD_PHASE.items() if phase == model.phase), "objective")
        actor = self.participant_of(actor, model.project)
        # Only the current phase's record changes, and an amendment must change something.
        legal = (actor == self.project[model.project].participant and model.phase == FIELD_PHASE[record]
                 and model.records.get(record) != text)
        self.attempt("amend", actor, A.amend_cycle, cycles.AmendCycle, legal=legal, touched={cycle}, cycle=cycle,
                     **{record: text})
        if legal:
            model.records[record] = text

    @rule(cycle=cycles, actor=ACTORS)
    def cancel(self, cycle: UUID, actor: str) -> None:
        model = self.cycle[cycle]
        actor = self.participant_of(actor, model.project)
        legal = actor == self.project[model.project].participant and model.phase in OPEN
        self.attempt("cancel", actor, A.cancel_cycle, cycles.CancelCycle, legal=legal, touched={cycle, model.project},
                     cycle=cycle, reason="Afdelingen lukkede")
        if legal:
            model.phase = "cancelled"

    # -- invariants: the system agrees with the model -------------------------------------------------

    @invariant()
    def projects_are_as_the_model_says(self) -> None:
        for project_id, model in self.project.items():
            project = self.app.load(ImprovementProject, project_id)
            assert project.version == self.version[project_id]
            assert project.status.value == model.status
            assert project.participant_id == self.person_id[model.participant]
            assert project.sponsor_id == self.person_id[model.sponsor]
            assert {s: p.kind.value for s, p in project.pending.items()} == model.pending
            assert project.scaled_up == model.scaled_up
            assert sorted(project.diagram.change_idea_ids()) == sorted(model.ideas)
            assert project.aim is not None and model.aim is not None
            assert (project.aim.what, project.aim.how_much, project.aim.achieve_by) == model.aim
            assert list(project.cycles) == model.cycles
            for cycle_id, ref in project.cycles.items():
                cycle = self.cycle[cycle_id]
                assert ref.change_idea_id == cycle.idea and ref.continues == cycle.continues
                assert ref.open == (cycle.phase in OPEN) and ref.cancelled == (cycle.phase == "cancelled")
                assert (ref.decision.value if ref.decision else None) == cycle.decision

    @invariant()
    def cycles_are_as_the_model_says(self) -> None:
        for cycle_id, model in self.cycle.items():
            cycle = self.app.load(PDSACycle, cycle_id)
            assert cycle.version == self.version[cycle_id]
            assert (cycle.project_id, cycle.change_idea_id, cycle.continues) == (model.project, model.idea,
                                                                                 model.continues)
            assert cycle.phase.value == model.phase
            assert (cycle.acted.decision.value if cycle.acted else None) == model.decision
            assert cycle.planned.objective == model.records["objective"]
            assert getattr(cycle.done, "observations", None) == model.records.get("observations")
            assert getattr(cycle.studied, "findings", None) == model.records.get("findings")

    @invariant()
    def signoffs_are_as_the_model_says(self) -> None:
        for signoff_id, model in self.signoff.items():
            signoff = self.app.load(SignOff, signoff_id)
            assert signoff.version == self.version[signoff_id]
            assert (signoff.project_id, signoff.kind.value, signoff.cycle_id) == (model.project, model.kind,
                                                                                  model.cycle)
            assert signoff.status.value == model.status
            assert signoff.sponsor_id == self.person_id[model.sponsor]
            assert signoff.requested_by == self.person_id[model.requester]

    @invariant()
    def replay_rebuilds_what_the_commands_saved(self) -> None:
        # Everything at first, then what was saved since the last step: no other aggregate has stored an event
        # since (each command's events were checked). A version given explicitly makes the repository replay
        # the stored events, bypassing its cache.
        for aggregate_id in self.saved_since_replay if self.replayed else self.app.saved:
            saved = self.app.saved[aggregate_id]
            rebuilt = self.app.repository.get(aggregate_id, version=saved.version)
            assert rebuilt == saved, f"replaying {type(saved).__name__} {aggregate_id} differs"
            assert self.app.repository.get(aggregate_id) == saved, f"the cache holds another {aggregate_id}"
        self.saved_since_replay.clear()
        self.replayed = True


PdsaStateMachine.TestCase.settings = settings(
    max_examples=examples(150), stateful_step_count=60, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_pdsa_state_machine = PdsaStateMachine.TestCase
