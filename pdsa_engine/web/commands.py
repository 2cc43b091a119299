"""Every command the web takes, one row each: its path, the command model the CLI uses, and the application's
method. The JSON API (under /api/v1) and the pages' forms (the same paths without the prefix) are both made
from this table, so a command is written once and both doors check it alike.

A path's placeholder names the command's field it fills (``/cycles/{cycle}/do`` fills DoCycle.cycle) and the
thing the command acts on: a reader who may not see that thing is told it does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pdsa_engine.aggregates.values import SignOffStatus
from pdsa_engine.application import PdsaApplication as A
from pdsa_engine.commands import cohorts, cycles, people, projects, signoffs
from pdsa_engine.commands.types import Command

# The kinds of thing a path may name, and the page each is shown on.
PAGES = {"project": "/projects/{}", "cycle": "/cycles/{}", "signoff": "/signoffs/{}", "cohort": "/cohorts/{}",
         "measure": "/measures/{}", "person": "/people/{}"}


@dataclass(frozen=True)
class CommandRoute:
    path: str
    model: type[Command]
    action: Callable[[A, Any, Any], Any]
    summary: str
    fixed: dict[str, Any] = field(default_factory=dict)  # fields the path decides (a sign-off's decision)
    creates: str | None = None  # the kind of thing created: its id comes back, and a form goes to its page

    @property
    def target(self) -> str | None:
        """The kind of the thing the path names (its first placeholder), if any."""
        start = self.path.find("{")
        return self.path[start + 1:self.path.index("}", start)] if start >= 0 else None

    @property
    def placeholders(self) -> list[str]:
        return [part[1:-1] for part in self.path.split("/") if part.startswith("{")]

    @property
    def name(self) -> str:
        return self.action.__name__


def _decision(status: SignOffStatus) -> dict[str, Any]:
    return {"decision": status.value}


ROUTES: tuple[CommandRoute, ...] = (
    # people
    CommandRoute("/people", people.AddPerson, A.add_person, "Register a person", creates="person"),
    CommandRoute("/people/{person}/roles", people.GrantRole, A.grant_role, "Grant a role"),
    CommandRoute("/people/{person}/notifications", people.SetNotifications, A.choose_digest,
                 "Choose the weekly digest (the person, or an administrator)"),
    # cohorts
    CommandRoute("/cohorts", cohorts.CreateCohort, A.create_cohort, "Create a cohort", creates="cohort"),
    CommandRoute("/cohorts/{cohort}/modules", cohorts.ScheduleModule, A.schedule_module, "Schedule a module"),
    CommandRoute("/cohorts/{cohort}/quotas", cohorts.SetQuota, A.set_quota, "Set a quota of seats"),
    CommandRoute("/cohorts/{cohort}/enrolments", cohorts.Enrol, A.enrol, "Enrol a participant"),
    CommandRoute("/cohorts/{cohort}/withdrawals", cohorts.Withdraw, A.withdraw, "Withdraw a participant"),
    CommandRoute("/cohorts/{cohort}/groups", cohorts.FormGroup, A.form_group, "Form a sparring group"),
    CommandRoute("/cohorts/{cohort}/reminders", cohorts.ConfigureReminders, A.configure_reminders,
                 "Set the cohort's reminders"),
    CommandRoute("/cohorts/{cohort}/close", cohorts.CloseCohort, A.close_cohort, "Close the cohort"),
    # projects
    CommandRoute("/projects", projects.CreateProject, A.create_project, "Create a project", creates="project"),
    CommandRoute("/projects/{project}/reassign", projects.Reassign, A.reassign, "Reassign sponsor or coach"),
    CommandRoute("/projects/{project}/aim", projects.SetAim, A.set_aim, "Set the aim"),
    CommandRoute("/projects/{project}/measures", projects.AddMeasure, A.add_measure, "Define a measure",
                 creates="measure"),
    CommandRoute("/projects/{project}/drivers", projects.AddDriver, A.add_driver, "Add to the driver diagram"),
    CommandRoute("/projects/{project}/drivers/{node}/rename", projects.RenameDriver, A.rename_driver,
                 "Rename a node of the driver diagram"),
    CommandRoute("/projects/{project}/drivers/{node}/move", projects.MoveDriver, A.move_driver,
                 "Move a node of the driver diagram"),
    CommandRoute("/projects/{project}/drivers/{node}/remove", projects.RemoveDriver, A.remove_driver,
                 "Remove a node of the driver diagram"),
    CommandRoute("/projects/{project}/progress", projects.ScoreProgress, A.score_progress, "Score progress"),
    CommandRoute("/projects/{project}/meetings", projects.RecordMeeting, A.record_meeting, "Record a meeting"),
    CommandRoute("/projects/{project}/charter", projects.SubmitCharter, A.submit_charter,
                 "Submit the charter for sign-off", creates="signoff"),
    CommandRoute("/projects/{project}/scale-up", projects.RequestScaleUp, A.request_scale_up,
                 "Ask to scale up an adopted change", creates="signoff"),
    CommandRoute("/projects/{project}/closure", projects.RequestClosure, A.request_closure,
                 "Ask to close the project", creates="signoff"),
    CommandRoute("/projects/{project}/cycles", cycles.PlanCycle, A.plan_cycle, "Plan a PDSA cycle",
                 creates="cycle"),
    # measures
    CommandRoute("/measures/{measure}/definition", projects.UpdateMeasure, A.update_measure, "Redefine a measure"),
    CommandRoute("/measures/{measure}/data", projects.RecordData, A.record_data, "Record a period's value"),
    CommandRoute("/measures/{measure}/corrections", projects.CorrectData, A.correct_data, "Correct a value"),
    CommandRoute("/measures/{measure}/phases", projects.StartPhase, A.start_phase, "Start a new phase"),
    CommandRoute("/measures/{measure}/phases/withdraw", projects.WithdrawPhase, A.withdraw_phase,
                 "Withdraw a phase"),
    CommandRoute("/measures/{measure}/baseline", projects.FreezeBaseline, A.freeze_baseline, "Freeze the baseline"),
    # cycles
    CommandRoute("/cycles/{cycle}/do", cycles.DoCycle, A.do_cycle, "Record the Do phase"),
    CommandRoute("/cycles/{cycle}/study", cycles.StudyCycle, A.study_cycle, "Record the Study phase"),
    CommandRoute("/cycles/{cycle}/act", cycles.ActCycle, A.act_cycle, "Record the decision (Act)"),
    CommandRoute("/cycles/{cycle}/amend", cycles.AmendCycle, A.amend_cycle, "Amend the current phase's record"),
    CommandRoute("/cycles/{cycle}/cancel", cycles.CancelCycle, A.cancel_cycle, "Cancel an open cycle"),
    # sign-offs
    CommandRoute("/signoffs/{signoff}/approve", signoffs.DecideSignOff, A.decide_signoff, "Approve",
                 fixed=_decision(SignOffStatus.APPROVED)),
    CommandRoute("/signoffs/{signoff}/request-changes", signoffs.DecideSignOff, A.decide_signoff,
                 "Request changes", fixed=_decision(SignOffStatus.CHANGES_REQUESTED)),
    CommandRoute("/signoffs/{signoff}/decline", signoffs.DecideSignOff, A.decide_signoff, "Decline",
                 fixed=_decision(SignOffStatus.DECLINED)),
    CommandRoute("/signoffs/{signoff}/withdraw", signoffs.WithdrawSignOff, A.withdraw_signoff,
                 "Withdraw a pending request"),
)


def field_of(model: type[Command], name: str) -> str:
    """The model's field a placeholder fills, by its name or alias."""
    for field_name, info in model.model_fields.items():
        if name in (field_name, info.alias):
            return info.alias or field_name
    raise LookupError(f"{model.__name__} has no field {name}")
