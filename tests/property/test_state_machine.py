"""A state machine drives projects, cycles and sign-offs with every command, legal or not.

Illegal commands are refused and record nothing; legal ones the model knows to be legal succeed; replaying
the stored events rebuilds aggregates equal to the ones the commands produced; versions only increase.
"""

from __future__ import annotations

import copy
import itertools
from typing import Any
from uuid import UUID

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, multiple, rule

from pdsa_engine.aggregates.cycle import PDSACycle
from pdsa_engine.aggregates.project import ImprovementProject
from pdsa_engine.aggregates.signoff import SignOff
from pdsa_engine.aggregates.values import Phase, SignOffStatus
from pdsa_engine.application import PdsaApplication as A
from pdsa_engine.clock import SimulatedClock
from pdsa_engine.commands import cycles, projects, signoffs
from pdsa_engine.errors import PdsaError
from tests.builders import (
    ADMIN,
    COACH,
    MOMENT,
    OTHER_PARTICIPANT,
    OTHER_SPONSOR,
    PARTICIPANT,
    SPONSOR,
    Programme,
)

# "rightful" stands for whoever may do the command (the project's participant, the addressed sponsor); it is
# drawn often, so that the machine gets far into the workflow, while everyone else keeps trying too.
RIGHTFUL = "rightful"
ACTORS = st.sampled_from([RIGHTFUL] * 5 + [PARTICIPANT, OTHER_PARTICIPANT, SPONSOR, OTHER_SPONSOR, ADMIN, COACH])
DECISIONS = st.sampled_from(["adopt", "adapt", "abandon"])
SPONSOR_DECISIONS = st.sampled_from(["approved", "approved", "approved", "changes_requested", "declined"])
NEXT_PHASE = {"do": Phase.PLAN, "study": Phase.DO, "act": Phase.STUDY}


class RecordingApplication(A):
    """Keeps a copy of every aggregate as the commands left it, to compare with what replay rebuilds."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.saved: dict[UUID, Any] = {}

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        recordings = super().save(*objs, **kwargs)
        for aggregate in objs:
            self.saved[aggregate.id] = copy.deepcopy(aggregate)
        return recordings


class PdsaStateMachine(RuleBasedStateMachine):
    projects = Bundle("projects")
    ideas = Bundle("ideas")
    cycles = Bundle("cycles")
    signoffs = Bundle("signoffs")

    def __init__(self) -> None:
        super().__init__()
        # Ids from a counter: the same steps must give the same outcomes when hypothesis replays them.
        numbers = itertools.count(1)
        self.app = RecordingApplication({"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=SimulatedClock(MOMENT),
                                        new_id=lambda: UUID(int=next(numbers)))
        self.programme = Programme(self.app).people()
        self.versions: dict[UUID, int] = {}
        self.owner: dict[UUID, str] = {}  # project -> its participant

    @initialize(target=projects)
    def two_projects(self) -> Any:
        cohort = self.programme.cohort()
        made = []
        for participant in (PARTICIPANT, OTHER_PARTICIPANT):
            project = self.programme.project(cohort, participant)
            self.programme.charter(project, participant)
            self.owner[project] = participant
            made.append(project)
        # One project starts active, so cycles get going early; the other starts as a draft charter.
        self.programme.decide(self.programme.submit(made[0]))
        return multiple(*made)

    # -- running a command and checking what it stored ------------------------------------------------

    def attempt(self, actor: str, method: Any, model: Any, **fields: Any) -> tuple[bool, Any]:
        before = self.app.recorder.max_notification_id() or 0
        try:
            result = self.programme.run(actor, method, model, **fields)
        except PdsaError:
            assert (self.app.recorder.max_notification_id() or 0) == before, "a refused command stored events"
            event(f"{method.__name__} refused")
            return False, None
        assert (self.app.recorder.max_notification_id() or 0) > before
        event(f"{method.__name__} done")
        return True, result

    def who(self, actor: str, project: UUID) -> str:
        return self.owner[project] if actor == RIGHTFUL else actor

    def phase(self, cycle: UUID) -> Phase:
        return self.app.load(PDSACycle, cycle).phase

    # -- project and charter --------------------------------------------------------------------------

    @rule(target=ideas, project=projects, actor=ACTORS)
    def add_change_idea(self, project: UUID, actor: str) -> Any:
        diagram = self.app.load(ImprovementProject, project).diagram
        secondary = next(n.node_id for n in diagram.nodes if n.kind == "secondary")
        done, idea = self.attempt(self.who(actor, project), A.add_driver, projects.AddDriver, project=project, change_idea="Idé",
                                  under=secondary)
        return (project, idea) if done else multiple()

    @rule(target=ideas, project=projects)
    def existing_idea(self, project: UUID) -> Any:
        diagram = self.app.load(ImprovementProject, project).diagram
        return (project, sorted(diagram.change_idea_ids())[0])

    @rule(project=projects, actor=ACTORS, month=st.integers(1, 12))
    def set_aim(self, project: UUID, actor: str, month: int) -> None:
        self.attempt(self.who(actor, project), A.set_aim, projects.SetAim, project=project, what="Færre", how_much=f"{month}0 %",
                     by=f"2031-{month:02d}-28")

    @rule(target=signoffs, project=projects, actor=ACTORS)
    def submit_charter(self, project: UUID, actor: str) -> Any:
        done, signoff = self.attempt(self.who(actor, project), A.submit_charter, projects.SubmitCharter, project=project)
        return signoff if done else multiple()

    @rule(target=signoffs, project=projects, actor=ACTORS, outcome=st.sampled_from(["sustained", "spread", "stopped"]))
    def request_closure(self, project: UUID, actor: str, outcome: str) -> Any:
        done, signoff = self.attempt(self.who(actor, project), A.request_closure, projects.RequestClosure, project=project,
                                     outcome=outcome)
        return signoff if done else multiple()

    @rule(target=signoffs, project=projects, cycle=cycles, actor=ACTORS)
    def request_scale_up(self, project: UUID, cycle: UUID, actor: str) -> Any:
        done, signoff = self.attempt(self.who(actor, project), A.request_scale_up, projects.RequestScaleUp, project=project, cycle=cycle)
        return signoff if done else multiple()

    @rule(project=projects)
    def charter_through(self, project: UUID) -> None:
        """A shortcut deeper into the workflow: submit the charter and let the sponsor approve it."""
        done, signoff = self.attempt(self.owner[project], A.submit_charter, projects.SubmitCharter, project=project)
        if done:
            sponsor = str(self.app.load(SignOff, signoff).sponsor_id)
            approved, _ = self.attempt(sponsor, A.decide_signoff, signoffs.DecideSignOff, signoff=signoff,
                                       decision="approved")
            assert approved

    @rule(project=projects, sponsor=st.sampled_from([SPONSOR, OTHER_SPONSOR, COACH]))
    def reassign_sponsor(self, project: UUID, sponsor: str) -> None:
        self.attempt(ADMIN, A.reassign, projects.Reassign, project=project, sponsor=sponsor, reason="Ny stilling")

    # -- sign-offs ------------------------------------------------------------------------------------

    @rule(signoff=signoffs, actor=ACTORS, decision=SPONSOR_DECISIONS, comment=st.sampled_from([None, "Skarpere mål"]))
    def decide(self, signoff: UUID, actor: str, decision: str, comment: str | None) -> None:
        request = self.app.load(SignOff, signoff)
        actor = str(request.sponsor_id) if actor == RIGHTFUL else actor
        legal = (request.status is SignOffStatus.REQUESTED and self.app.person(actor).id == request.sponsor_id
                 and (decision == "approved" or comment is not None))
        done, _ = self.attempt(actor, A.decide_signoff, signoffs.DecideSignOff, signoff=signoff, decision=decision,
                               comment=comment)
        assert done == legal

    @rule(signoff=signoffs, actor=ACTORS)
    def withdraw(self, signoff: UUID, actor: str) -> None:
        request = self.app.load(SignOff, signoff)
        actor = self.who(actor, request.project_id)
        legal = request.status is SignOffStatus.REQUESTED and self.owner[request.project_id] == actor
        done, _ = self.attempt(actor, A.withdraw_signoff, signoffs.WithdrawSignOff, signoff=signoff)
        assert done == legal

    # -- cycles ---------------------------------------------------------------------------------------

    @rule(target=cycles, idea=ideas, actor=ACTORS, continues=st.none() | cycles)
    def plan(self, idea: tuple[UUID, UUID], actor: str, continues: UUID | None) -> Any:
        project, change_idea = idea
        done, cycle = self.attempt(self.who(actor, project), A.plan_cycle, cycles.PlanCycle, project=project, change_idea=change_idea,
                                   objective="Afprøv", prediction=["Bedre"], start="2031-03-01", end="2031-03-14",
                                   continues=continues)
        return cycle if done else multiple()

    @rule(cycle=cycles, actor=ACTORS, step=st.sampled_from(["do", "study", "act"]), decision=DECISIONS)
    def advance(self, cycle: UUID, actor: str, step: str, decision: str) -> None:
        owner = self.owner[self.app.load(PDSACycle, cycle).project_id]
        actor = owner if actor == RIGHTFUL else actor
        legal = self.phase(cycle) is NEXT_PHASE[step] and actor == owner
        command = {
            "do": (A.do_cycle, cycles.DoCycle, {"observations": "Gjort"}),
            "study": (A.study_cycle, cycles.StudyCycle, {"findings": "Lært"}),
            "act": (A.act_cycle, cycles.ActCycle, {"decision": decision}),
        }[step]
        done, _ = self.attempt(actor, command[0], command[1], cycle=cycle, **command[2])
        assert done == legal

    @rule(target=cycles, project=projects)
    def plan_on_the_first_idea(self, project: UUID) -> Any:
        """A shortcut: the owner plans a cycle on the project's first change idea."""
        return self.plan((project, sorted(self.app.load(ImprovementProject, project).diagram.change_idea_ids())[0]),
                         RIGHTFUL, None)

    @rule(cycle=cycles, decision=DECISIONS, steps=st.integers(1, 3))
    def next_steps(self, cycle: UUID, decision: str, steps: int) -> None:
        """A shortcut: the owner takes the steps that come next; each succeeds while the cycle is open."""
        for _ in range(steps):
            step = {Phase.PLAN: "do", Phase.DO: "study", Phase.STUDY: "act"}.get(self.phase(cycle), "do")
            self.advance(cycle, RIGHTFUL, step, decision)

    @rule(cycle=cycles, actor=ACTORS, field=st.sampled_from(["objective", "observations", "findings"]))
    def amend(self, cycle: UUID, actor: str, field: str) -> None:
        owner = self.owner[self.app.load(PDSACycle, cycle).project_id]
        actor = owner if actor == RIGHTFUL else actor
        current = {"objective": Phase.PLAN, "observations": Phase.DO, "findings": Phase.STUDY}[field]
        legal = self.phase(cycle) is current and actor == owner
        done, _ = self.attempt(actor, A.amend_cycle, cycles.AmendCycle, cycle=cycle, **{field: f"Ændret {actor}"})
        assert done == legal or (legal and not done and self._unchanged_amendment(cycle, field, actor))

    def _unchanged_amendment(self, cycle: UUID, field: str, actor: str) -> bool:
        record = self.app.load(PDSACycle, cycle)
        current = {"objective": record.planned.objective, "observations": getattr(record.done, "observations", None),
                   "findings": getattr(record.studied, "findings", None)}[field]
        return current == f"Ændret {actor}"

    @rule(cycle=cycles, actor=ACTORS)
    def cancel(self, cycle: UUID, actor: str) -> None:
        owner = self.owner[self.app.load(PDSACycle, cycle).project_id]
        actor = owner if actor == RIGHTFUL else actor
        legal = self.phase(cycle).is_open and actor == owner
        done, _ = self.attempt(actor, A.cancel_cycle, cycles.CancelCycle, cycle=cycle, reason="Afdelingen lukkede")
        assert done == legal

    # -- invariants -----------------------------------------------------------------------------------

    @invariant()
    def replay_rebuilds_what_the_commands_produced_and_versions_only_increase(self) -> None:
        for aggregate_id, saved in self.app.saved.items():
            rebuilt = self.app.repository.get(aggregate_id)
            assert rebuilt == saved, f"replaying {type(saved).__name__} {aggregate_id} differs"
            assert rebuilt.version >= self.versions.get(aggregate_id, 0)
            self.versions[aggregate_id] = rebuilt.version

    @invariant()
    def at_most_one_open_cycle_per_change_idea_and_status_follows_the_charter(self) -> None:
        for project_id in self.owner:
            project = self.app.load(ImprovementProject, project_id)
            open_ideas = [ref.change_idea_id for ref in project.cycles.values() if ref.open]
            assert len(open_ideas) == len(set(open_ideas))
            for cycle_id, ref in project.cycles.items():
                assert ref.open == self.phase(cycle_id).is_open
            charter_pending = any(p.kind == "charter" for p in project.pending.values())
            assert charter_pending == (project.status == "charter_submitted")


PdsaStateMachine.TestCase.settings = settings(
    max_examples=80, stateful_step_count=60, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_pdsa_state_machine = PdsaStateMachine.TestCase
