from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from pdsa_engine.aggregates.quotas import DEFAULT_QUOTAS
from pdsa_engine.aggregates.values import Module, Region, Sector
from pdsa_engine.cli import render
from pdsa_engine.cli.core import PdsaGroup, cli_id, command_input, execute, show, state

REGIONS = ", ".join(f'"{r}"' for r in Region)
SECTORS = "|".join(Sector)


def _default_seats() -> str:
    """The default quotas in words, from the table the cohort starts with."""
    total = {sector: sum(seats[sector] for seats in DEFAULT_QUOTAS.values()) for sector in Sector}
    regions = ", ".join(f"{region} {seats[Sector.REGIONAL]}/{seats[Sector.MUNICIPAL]}"
                        for region, seats in DEFAULT_QUOTAS.items())
    return (f"{total[Sector.REGIONAL]} regional and {total[Sector.MUNICIPAL]} municipal seats (regional/municipal: "
            f"{regions}); "
            f"general practice {total[Sector.GENERAL_PRACTICE]}")


@click.group(cls=PdsaGroup)
def cohort() -> None:
    """Cohorts ("hold"): schedule, seats, enrolments and sparring groups (administrators)."""


@cohort.command("create", help=f"""Create a cohort with the default seat quotas: {_default_seats()}.
Change them with `pdsa cohort quota`.""", short_help="Create a cohort with the default seat quotas.")
@click.option("--name", required=True)
@click.option("--start", required=True, metavar="DATE", help="First day, YYYY-MM-DD.")
@click.option("--end", required=True, metavar="DATE", help="Last day, YYYY-MM-DD.")
def create(**fields: Any) -> None:
    from pdsa_engine.application import PdsaApplication
    from pdsa_engine.commands.cohorts import CreateCohort

    execute(CreateCohort, fields, PdsaApplication.create_cohort, "Created cohort {id}")


@cohort.command("schedule")
@click.argument("cohort")
@click.option("--module", required=True, help=f"{'|'.join(Module)}")
@click.option("--date", required=True, metavar="DATE")
def schedule(**fields: Any) -> None:
    """Set the date of the kick-off, a module or the poster presentation."""
    from pdsa_engine.application import PdsaApplication
    from pdsa_engine.commands.cohorts import ScheduleModule

    execute(ScheduleModule, fields, PdsaApplication.schedule_module, "Scheduled.")


@cohort.command("quota")
@click.argument("cohort")
@click.option("--region", required=True, help=REGIONS)
@click.option("--sector", required=True, help=SECTORS)
@click.option("--seats", required=True, help="Number of seats, 0 or more.")
def quota(**fields: Any) -> None:
    """Change the seats of one region and sector."""
    from pdsa_engine.application import PdsaApplication
    from pdsa_engine.commands.cohorts import SetQuota

    execute(SetQuota, fields, PdsaApplication.set_quota, "Quota set.")


@cohort.command("enrol")
@click.argument("cohort")
@click.option("--person", required=True, help="The participant: id or e-mail.")
@click.option("--organisation", required=True)
@click.option("--region", required=True, help=REGIONS)
@click.option("--sector", required=True, help=SECTORS)
def enrol(**fields: Any) -> None:
    """Enrol a participant on a seat of their region and sector; refused beyond the quota."""
    from pdsa_engine.application import PdsaApplication
    from pdsa_engine.commands.cohorts import Enrol

    execute(Enrol, fields, PdsaApplication.enrol, "Enrolled.")


@cohort.command("import")
@click.argument("cohort")
@click.option("--csv", "csv_file", required=True, type=click.Path(path_type=Path), help="UTF-8 CSV file, with commas or semicolons between the columns.")
def import_csv(cohort: str, csv_file: Path) -> None:
    """Enrol everyone in a CSV file, or nobody.

    The first line names the columns, separated by commas or semicolons: email, organisation, region, sector;
    for people not yet registered also name (and language). Every bad row is reported with its line number.
    """
    from pdsa_engine.application import PdsaApplication
    from pdsa_engine.commands.cohorts import ImportEnrolments
    from pdsa_engine.enrolment_import import read_enrolment_csv

    cmd = command_input(ImportEnrolments, {"cohort": cohort, "rows": read_enrolment_csv(csv_file)})
    current = state()
    enrolled = current.app.run_command(PdsaApplication.import_enrolments, current.actor, cmd)
    show({"id": cmd.cohort, "enrolled": enrolled}, lambda data: render.line(f"Enrolled {len(enrolled)} participants."))


@cohort.command("withdraw")
@click.argument("cohort")
@click.option("--person", required=True)
@click.option("--reason", required=True)
def withdraw(**fields: Any) -> None:
    """Withdraw a participant; a sparring group left with fewer than 6 is flagged."""
    from pdsa_engine.application import PdsaApplication
    from pdsa_engine.commands.cohorts import Withdraw

    execute(Withdraw, fields, PdsaApplication.withdraw, "Withdrawn.")


@cohort.command("group")
@click.argument("cohort")
@click.option("--name", required=True)
@click.option("--region", required=True, help=REGIONS)
@click.option("--member", multiple=True, required=True, help="A participant (id or e-mail); repeat 6 to 10 times.")
def group(**fields: Any) -> None:
    """Form a regional sparring group of 6 to 10 participants enrolled in one region."""
    from pdsa_engine.application import PdsaApplication
    from pdsa_engine.commands.cohorts import FormGroup

    execute(FormGroup, fields, PdsaApplication.form_group, "Formed sparring group {id}")


@cohort.command("close")
@click.argument("cohort")
def close(**fields: Any) -> None:
    """Close the cohort: nothing more is enrolled, scheduled or grouped."""
    from pdsa_engine.application import PdsaApplication
    from pdsa_engine.commands.cohorts import CloseCohort

    execute(CloseCohort, fields, PdsaApplication.close_cohort, "Closed.")


@cohort.command("show")
@click.argument("cohort")
def show_cohort(cohort: str) -> None:
    """The cohort's overview: schedule, seats against quotas, groups and projects."""
    current = state()
    show(current.caught_up_queries().cohort(current.actor, cli_id("cohort", cohort)), render.cohort)


@cohort.command("list")
def list_cohorts() -> None:
    """Every cohort."""
    current = state()
    show(current.caught_up_queries().cohorts(current.actor), render.cohort_list)


@cohort.command("reminders")
@click.argument("cohort")
@click.option("--signoff-after", metavar="DAYS", help="Remind the sponsor of a waiting sign-off after this many days (default 3).")
@click.option("--signoff-every", metavar="DAYS", help="…and again every so many days (default 3).")
@click.option("--escalate-after", metavar="DAYS", help="Tell the administrators and the coach after this many days, and "
              "every so many again (default 10).")
@click.option("--overdue-after", metavar="DAYS", help="A cycle in plan or do is overdue this many days after its planned "
              "end (default 7).")
@click.option("--study-overdue-after", metavar="DAYS", help="A cycle in study is overdue this many days after its planned "
              "end (default 14).")
@click.option("--coaching-gap", metavar="DAYS", help="Remind of coaching after this many days without a session (default 42).")
@click.option("--progress-stale", metavar="DAYS", help="Ask for a progress score after this many days (default 30).")
@click.option("--digest-day", metavar="DAY", help="The weekly digests' day: mon, tue, wed, thu, fri, sat or sun (default mon).")
@click.option("--digest-hour", metavar="H", help="…and hour, Danish time, 0 to 23 (default 7).")
@click.option("--off", "enabled", flag_value=False, default=None, help="No reminders or digests for this cohort.")
@click.option("--on", "enabled", flag_value=True, help="Reminders and digests again.")
def reminders(**fields: Any) -> None:
    """Set the cohort's reminder thresholds; those not given keep their values. `cohort show` shows them."""
    from pdsa_engine.application import PdsaApplication
    from pdsa_engine.commands.cohorts import ConfigureReminders

    execute(ConfigureReminders, fields, PdsaApplication.configure_reminders, "Reminders set.")
