"""Human-readable output of the audit commands (the same data `--json` prints)."""

from __future__ import annotations

from typing import Any

from rich.markup import escape

from pdsa_engine.cli import render
from pdsa_engine.cli.core import out
from pdsa_engine.clock import LOCAL_ZONE
from pdsa_engine.views import jsonable


def log(lines: list[dict[str, Any]]) -> None:
    """One printed block per event. Long logs are printed in one go: rich's per-call cost would dominate."""
    text = []
    for line in lines:
        who = escape(line["who"]["name"]) if line["who"] else "—"
        role = f" [dim]({line['role']})[/]" if line["role"] else ""
        project = f"  [dim]project {line['project_id'][:8]}[/]" if line["project_id"] else ""
        text.append(f"[dim]{line['position']:>7}[/] {line['at'][:19].replace('T', ' ')}  {who}{role}: "
                    f"{escape(line['what'])}{project}  [dim]{line['event']}[/]")
        if line["reason"]:
            text.append(f"          reason: [italic]{escape(line['reason'])}[/]")
        text.extend(_changes(line["changes"], indent=10))
    out.print("\n".join(text) if lines else "No events match.")


def changes(found: list[dict[str, Any]], indent: int = 2) -> None:
    if found:
        out.print("\n".join(_changes(found, indent)))


def _changes(found: list[dict[str, Any]], indent: int) -> list[str]:
    pad = " " * indent
    return [f"{pad}[dim]{escape(change['field'])}:[/] [red]{_shown(change['old'])}[/] → "
            f"[green]{_shown(change['new'])}[/]" for change in found]


def replay(data: dict[str, Any]) -> None:
    moment = data["as_of"].astimezone(LOCAL_ZONE).isoformat(timespec="seconds")
    out.print(f"[bold]As of {moment} (version {data['version']})[/]")
    render.project(data)
    for cycle in data["cycle_records"]:
        render.cycle(cycle)
    for measure in data["measures"]:
        points = data["data"].get(str(measure["measure_id"]), [])
        shown = ", ".join(f"{p['period']}={jsonable(p['value'])}" for p in points[-12:])
        more = f"… ({len(points)} in all) " if len(points) > 12 else ""
        out.print(f"Data of {escape(measure['name'])}: {more}{shown or '—'}")


def signed(data: dict[str, Any]) -> None:
    render.signoff(data["signoff"])
    if data["decided"]:
        out.print(f"[bold]The project as the sponsor decided on it (version {data['project']['version']}):[/]")
    else:
        out.print(f"[bold]Not decided: the project as it was requested (version {data['project']['version']}):[/]")
    replay(data["project"])
    if data["decided"]:
        out.print(f"[bold]Changed between the request and the decision[/] "
                  f"({len(data['changed_between_request_and_decision'])} fields):")
        changes(data["changed_between_request_and_decision"])
    out.print(f"[bold]Changed since, up to the current version {data['current_version']}[/] "
              f"({len(data['changed_since'])} fields):")
    changes(data["changed_since"])


def _shown(value: Any) -> str:
    return "∅" if value is None or value == "" else escape(str(value))
