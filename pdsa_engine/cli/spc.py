from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from pdsa_engine.cli.core import PdsaGroup, cli_id, command_input, out, show, state, writing_to
from pdsa_engine.errors import InvalidInput
from pdsa_engine.projections.chart_names import CHARTS


@click.group(cls=PdsaGroup)
def spc() -> None:
    """Statistical process control: run and control charts as qicharts2 computes them."""


@spc.command("analyse")
@click.option("--chart", required=True, help="|".join(CHARTS))
@click.option("--values", required=True, help="Values (numerators), e.g. 3,5,4 or with decimal commas 3,5;4,1.")
@click.option("--n", help="Denominators, for p, pp, u and up charts.")
@click.option("--freeze", help="Baseline: centre line and limits from the first K points "
              "(with --rules mdc, of every part).")
@click.option("--part", help="The last index of each part but the last, e.g. 12,24.")
@click.option("--exclude", help="Indices left out of centre line, limits and runs analysis.")
@click.option("--rules", default="anhoej", show_default=True,
              help="anhoej|mdc (NHS Making Data Count, as NHSRplotthedots: 2.66 × mean moving range, its four "
              "rules, each point's variation type, assurance consistent_pass|consistent_fail|inconsistent)")
@click.option("--no-mr-screening", "mr_screening", flag_value=False, default=True,
              help="Do not screen large moving ranges (reproduces the NHS Excel tool).")
@click.option("--direction", help="up|down: which way is better.")
@click.option("--target", help="A target value.")
def analyse_command(**fields: Any) -> None:
    """Analyse a series given on the command line; indices are 1-based as in qicharts2."""
    from pdsa_engine.commands.spc import AnalyseSeries
    from pdsa_engine.projections.spc import analyse  # numpy, and no database

    cmd = command_input(AnalyseSeries, fields)
    result = analyse(cmd.chart, cmd.values, cmd.n, freeze=cmd.freeze, parts=cmd.part, exclude=cmd.exclude,
                     rules=cmd.rules, screened=cmd.mr_screening, direction=cmd.direction,
                     target=float(cmd.target) if cmd.target is not None else None)
    show(result.as_dict(), render_analysis)


@spc.command("show")
@click.argument("measure")
def show_command(measure: str) -> None:
    """A measure's series with its analysis, signals and the cycles that name it (from the stored view)."""
    current = state()
    show(current.caught_up_queries().series(current.actor, cli_id("measure", measure)), render_series)


@spc.command("chart")
@click.argument("measure")
@click.option("--out", "path", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="FILE.svg for the web, FILE.png for e-mail.")
@click.option("--language", type=click.Choice(["da", "en"]),
              help="The language of the chart's words (default: the reader's own).")
def chart_command(measure: str, path: Path, language: str | None) -> None:
    """Draw a measure's run or control chart with its limits, target, cycles and signals, in the reader's
    language."""
    from pdsa_engine.projections.charts import FORMATS, render_chart  # matplotlib: a second to import, for this only

    current = state()
    if path.suffix.lower() not in FORMATS:
        raise InvalidInput("out", "the file name ends in .svg or .png")
    series = current.caught_up_queries().series(current.actor, cli_id("measure", measure))
    reader = current.app.person(current.actor) if current.actor else None  # series() has checked who reads
    with writing_to("out", path):
        render_chart(series, path, language or (reader.language if reader else None))
    show({"path": str(path), "measure_id": series["measure_id"]}, lambda _: out.print(f"Wrote {path}"))


def render_series(data: dict[str, Any]) -> None:
    out.print(f"[bold]{escape(data['name'])}[/] ({data['kind']}, direction {data.get('direction') or '—'}, "
              f"target {data.get('target') or '—'})")
    if data["spc"] is None:
        out.print("No analysis yet: no data points.")
        return
    render_analysis({**data["spc"], "points": [{**p, "period": data["points"][i]["period"]}
                                               for i, p in enumerate(data["spc"]["points"])]})
    for cycle in data["annotations"]:
        decided = f", {cycle['decision']}" if cycle["decision"] else f" ({cycle['phase']})"
        out.print(f"Cycle {cycle['start']}–{cycle['end']}{decided}: {escape(cycle['objective'])}")


def render_analysis(data: dict[str, Any]) -> None:
    points = Table("#", "period", "y", "cl", "lcl", "ucl", "part", title=f"{data['chart']} chart")
    for p in data["points"]:
        mark = " *" if p["sigma_signal"] else (" (excluded)" if p["excluded"] else "")
        points.add_row(str(p["index"]), p.get("period", ""), _fmt(p["y"]) + mark, _fmt(p["cl"]), _fmt(p["lcl"]),
                       _fmt(p["ucl"]), str(p["part"]))
    out.print(points)
    for part in data["parts"]:
        out.print(f"Part {part['part']} ({part['start']}–{part['end']}): centre {_fmt(part['cl'])}; "
                  f"longest run {part['longest_run']} (max {part['longest_run_max']}), "
                  f"crossings {part['n_crossings']} (min {part['n_crossings_min']})"
                  + ("; [bold]non-random variation[/]" if part["runs_signal"] else ""))
    for signal in data["signals"]:
        out.print(f"Signal {signal['rule']} ({signal['kind']}) at points {', '.join(map(str, signal['points']))}")
    if data["assurance"]:
        out.print(f"Target: {data['assurance'].replace('_', ' ')}")


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.4g}"
