from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from pdsa_engine.aggregates.values import ChartType, Direction, Frequency, MeasureKind, MeetingKind, Outcome
from pdsa_engine.cli import render
from pdsa_engine.cli.core import PdsaGroup, cli_id, execute, show, state

if TYPE_CHECKING:  # the application and the command models are imported when a command runs
    from pdsa_engine.application import PdsaApplication


def _choices(values: Any) -> str:
    return "|".join(values)


@click.group(cls=PdsaGroup)
def project() -> None:
    """Improvement projects: charter, measures, driver diagram, progress, meetings and sign-off requests."""


@project.command("create")
@click.option("--cohort", required=True)
@click.option("--participant", required=True, help="Id or e-mail of the enrolled participant.")
@click.option("--title", required=True)
@click.option("--problem", required=True, help="The problem statement.")
@click.option("--sponsor", required=True, help="Id or e-mail of a person holding the sponsor role.")
@click.option("--coach", required=True, help="Id or e-mail of a person holding the coach role.")
def create(**fields: Any) -> None:
    """Create the project of an enrolled participant (administrators)."""
    from pdsa_engine.application import PdsaApplication
    from pdsa_engine.commands.projects import CreateProject

    execute(CreateProject, fields, PdsaApplication.create_project, "Created project {id}")


@project.command("reassign")
@click.argument("project")
@click.option("--sponsor", help="The new sponsor; pending sign-offs are re-addressed to them.")
@click.option("--coach", help="The new coach.")
@click.option("--reason", required=True)
def reassign(**fields: Any) -> None:
    """Give the project another sponsor or coach (administrators); the history keeps the earlier one."""
    from pdsa_engine.application import PdsaApplication
    from pdsa_engine.commands.projects import Reassign

    execute(Reassign, fields, PdsaApplication.reassign, "Reassigned.")


@project.command("aim")
@click.argument("project")
@click.option("--what", required=True, help="What will be better.")
@click.option("--how-much", required=True, help="By how much.")
@click.option("--by", required=True, metavar="DATE", help="By when; not before the cohort starts.")
def aim(**fields: Any) -> None:
    """Set the aim: what, how much, by when."""
    from pdsa_engine.application import PdsaApplication
    from pdsa_engine.commands.projects import SetAim

    execute(SetAim, fields, PdsaApplication.set_aim, "Aim set.")


@project.group("measure", cls=PdsaGroup)
def measure() -> None:
    """Measure definitions and their data."""


@measure.command("add")
@click.argument("project")
@click.option("--name", required=True)
@click.option("--kind", required=True, help=_choices(MeasureKind))
@click.option("--chart", required=True, help=_choices(ChartType))
@click.option("--definition", required=True, help="The operational definition.")
@click.option("--frequency", required=True, help=_choices(Frequency))
@click.option("--direction", required=True, help=f"{_choices(Direction)}: which way is better.")
@click.option("--unit")
@click.option("--target", help="A target value, e.g. 90 or 0,9.")
def measure_add(**fields: Any) -> None:
    """Define a measure of the project."""
    from pdsa_engine.application import PdsaApplication
    from pdsa_engine.commands.projects import AddMeasure

    execute(AddMeasure, fields, PdsaApplication.add_measure, "Defined measure {id}")


@measure.command("update")
@click.argument("measure")
@click.option("--name")
@click.option("--kind", help=_choices(MeasureKind))
@click.option("--chart", help=_choices(ChartType))
@click.option("--definition")
@click.option("--frequency", help=_choices(Frequency))
@click.option("--direction", help=_choices(Direction))
@click.option("--unit")
@click.option("--target")
def measure_update(**fields: Any) -> None:
    """Change a measure's definition; on an active project this marks the charter changed since approval."""
    from pdsa_engine.application import PdsaApplication
    from pdsa_engine.commands.projects import UpdateMeasure

    execute(UpdateMeasure, fields, PdsaApplication.update_measure, "Measure updated.")


@measure.command("record")
@click.argument("measure")
@click.option("--period", required=True, help="2031-02-05 (daily), 2031-W05 (weekly) or 2031-02 (monthly).")
@click.option("--value", required=True, help="The value (numerator); a decimal comma is fine.")
@click.option("--n", help="The denominator, for p, pp, u and up charts.")
def measure_record(**fields: Any) -> None:
    """Record the data point of a period; each period is recorded once."""
    from pdsa_engine.application import PdsaApplication
    from pdsa_engine.commands.projects import RecordData

    execute(RecordData, fields, PdsaApplication.record_data, "Recorded.")


@measure.command("correct")
@click.argument("measure")
@click.option("--period", required=True)
@click.option("--value", required=True)
@click.option("--n")
@click.option("--reason", required=True)
def measure_correct(**fields: Any) -> None:
    """Correct a recorded data point; the original stays in the history."""
    from pdsa_engine.application import PdsaApplication
    from pdsa_engine.commands.projects import CorrectData

    execute(CorrectData, fields, PdsaApplication.correct_data, "Corrected.")


@measure.command("phase")
@click.argument("measure")
@click.option("--from", "from_", required=True, metavar="PERIOD", help="The first period of the new part.")
@click.option("--reason", required=True, help="Why the process changed, e.g. the change adopted.")
@click.option("--cycle", help="The cycle whose change this was.")
def measure_phase(from_: str, **fields: Any) -> None:
    """Start a new part of the chart, with its own centre line and limits, from a period on."""
    from pdsa_engine.application import PdsaApplication
    from pdsa_engine.commands.projects import StartPhase

    execute(StartPhase, {**fields, "from": from_}, PdsaApplication.start_phase, "New phase recorded.")


@measure.command("unphase")
@click.argument("measure")
@click.option("--from", "from_", required=True, metavar="PERIOD", help="The period the phase started at.")
@click.option("--reason", required=True)
def measure_unphase(from_: str, **fields: Any) -> None:
    """Withdraw a phase recorded by mistake (the history keeps both)."""
    from pdsa_engine.application import PdsaApplication
    from pdsa_engine.commands.projects import WithdrawPhase

    execute(WithdrawPhase, {**fields, "from": from_}, PdsaApplication.withdraw_phase, "Phase withdrawn.")


@measure.command("freeze")
@click.argument("measure")
@click.option("--baseline", required=True, help="Number of first points that fix the centre line and limits; "
                                                 "0 lifts the freeze.")
@click.option("--reason", required=True)
def measure_freeze(**fields: Any) -> None:
    """Freeze the centre line and limits on a baseline."""
    from pdsa_engine.application import PdsaApplication
    from pdsa_engine.commands.projects import FreezeBaseline

    execute(FreezeBaseline, fields, PdsaApplication.freeze_baseline, "Baseline recorded.")


@measure.command("show")
@click.argument("measure")
def measure_show(measure: str) -> None:
    """A measure's definition and its data points."""
    show(state().queries.measure(state().actor, cli_id("measure", measure)), render.measure)


@project.group("driver", cls=PdsaGroup)
def driver() -> None:
    """The driver diagram: primary drivers → secondary drivers → change ideas."""


@driver.command("add")
@click.argument("project")
@click.option("--primary", help="A primary driver's text.")
@click.option("--secondary", help="A secondary driver's text (with --under PRIMARY).")
@click.option("--change-idea", help="A change idea's text (with --under SECONDARY).")
@click.option("--under", help="The id of the node it hangs under.")
def driver_add(**fields: Any) -> None:
    """Add a node to the driver diagram."""
    from pdsa_engine.application import PdsaApplication
    from pdsa_engine.commands.projects import AddDriver

    execute(AddDriver, fields, PdsaApplication.add_driver, "Added {id}")


@driver.command("rename")
@click.argument("project")
@click.option("--node", required=True)
@click.option("--text", required=True)
def driver_rename(**fields: Any) -> None:
    """Change a node's text."""
    from pdsa_engine.application import PdsaApplication
    from pdsa_engine.commands.projects import RenameDriver

    execute(RenameDriver, fields, PdsaApplication.rename_driver, "Renamed.")


@driver.command("move")
@click.argument("project")
@click.option("--node", required=True)
@click.option("--under", required=True)
def driver_move(**fields: Any) -> None:
    """Hang a secondary driver or change idea under another node."""
    from pdsa_engine.application import PdsaApplication
    from pdsa_engine.commands.projects import MoveDriver

    execute(MoveDriver, fields, PdsaApplication.move_driver, "Moved.")


@driver.command("remove")
@click.argument("project")
@click.option("--node", required=True)
def driver_remove(**fields: Any) -> None:
    """Remove a node with nothing under it (a change idea that cycles tested stays)."""
    from pdsa_engine.application import PdsaApplication
    from pdsa_engine.commands.projects import RemoveDriver

    execute(RemoveDriver, fields, PdsaApplication.remove_driver, "Removed.")


@project.command("progress")
@click.argument("project")
@click.option("--score", required=True, help="IHI progress score, 0.5 to 5.0 in steps of 0.5.")
@click.option("--date", metavar="DATE", help="The day it was scored (default today).")
def progress(**fields: Any) -> None:
    """Record the project's IHI progress score."""
    from pdsa_engine.application import PdsaApplication
    from pdsa_engine.commands.projects import ScoreProgress

    execute(ScoreProgress, fields, PdsaApplication.score_progress, "Progress recorded.")


@project.command("meeting")
@click.argument("project")
@click.option("--kind", required=True, help=_choices(MeetingKind))
@click.option("--date", required=True, metavar="DATE")
@click.option("--attendee", multiple=True, required=True, help="A person who attended; repeat for each.")
def meeting(**fields: Any) -> None:
    """Record a meeting and who attended."""
    from pdsa_engine.application import PdsaApplication
    from pdsa_engine.commands.projects import RecordMeeting

    execute(RecordMeeting, fields, PdsaApplication.record_meeting, "Recorded meeting {id}")


@project.command("submit-charter")
@click.argument("project")
def submit_charter(**fields: Any) -> None:
    """Ask the sponsor to sign off the charter (needs an aim, a measure and a change idea)."""
    from pdsa_engine.application import PdsaApplication
    from pdsa_engine.commands.projects import SubmitCharter

    _request(SubmitCharter, fields, PdsaApplication.submit_charter)


@project.command("request-scale-up")
@click.argument("project")
@click.option("--cycle", required=True, help="The cycle whose change was adopted.")
def request_scale_up(**fields: Any) -> None:
    """Ask the sponsor to sign off scaling up an adopted change."""
    from pdsa_engine.application import PdsaApplication
    from pdsa_engine.commands.projects import RequestScaleUp

    _request(RequestScaleUp, fields, PdsaApplication.request_scale_up)


@project.command("request-closure")
@click.argument("project")
@click.option("--outcome", required=True, help=_choices(Outcome))
def request_closure(**fields: Any) -> None:
    """Ask the sponsor to sign off closing the project."""
    from pdsa_engine.application import PdsaApplication
    from pdsa_engine.commands.projects import RequestClosure

    _request(RequestClosure, fields, PdsaApplication.request_closure)


def _request(model: Any, fields: dict[str, Any], action: Any) -> None:
    def requested(app: PdsaApplication, actor: str | None, cmd: Any) -> dict[str, Any]:
        return {"id": action(app, actor, cmd), "project_id": cmd.project}

    execute(model, fields, requested, "Requested sign-off {id} on project {project_id}")


@project.command("show")
@click.argument("project")
def show_project(project: str) -> None:
    """The project: status, charter, driver diagram, cycles, sign-offs, meetings and progress."""
    show(state().queries.project(state().actor, cli_id("project", project)), render.project)
