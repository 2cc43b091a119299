"""Human-readable output of the `show` commands (the same data `--json` prints)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.markup import escape
from rich.table import Table
from rich.tree import Tree

from pdsa_engine.cli.core import out
from pdsa_engine.clock import LOCAL_ZONE
from pdsa_engine.views import jsonable


def _text(value: Any) -> str:
    plain = jsonable(value)
    return "—" if plain is None or plain == "" else escape(str(plain))


def _when(moment: datetime | None) -> str:
    return "—" if moment is None else moment.astimezone(LOCAL_ZONE).strftime("%Y-%m-%d %H:%M")


def _who(ref: dict[str, Any] | None) -> str:
    return "—" if ref is None else escape(ref["name"])


def line(text: str) -> None:
    out.print(escape(text))


def person(data: dict[str, Any]) -> None:
    out.print(f"[bold]{escape(data['name'])}[/] <{escape(data['email'])}>  id {data['id']}")
    out.print(f"language {_text(data['language'])} · roles: {', '.join(_text(r) for r in data['roles'])}")


def cohort_list(rows: list[dict[str, Any]]) -> None:
    table = Table("cohort", "dates", "participants", "projects", title="Cohorts")
    table.add_column("id", no_wrap=True, min_width=36)
    for row in rows:
        closed = " (closed)" if row["closed"] else ""
        table.add_row(escape(row["name"]) + closed, f"{row['start']} – {row['end']}", str(row["participants"]),
                      str(row["projects"]), str(row["id"]))
    out.print(table)


def cohort(data: dict[str, Any]) -> None:
    state = "closed" if data["closed"] else "open"
    out.print(f"[bold]{escape(data['name'])}[/]  {data['start']} – {data['end']}  ({state})  id {data['id']}")
    if data["schedule"]:
        out.print("Programme: " + " · ".join(f"{_module(s['module'])} {s['date']}" for s in data["schedule"]))
    seats = Table("region", "sector", "enrolled", "quota", title="Seats")
    for row in data["seats"]:
        full = "[green]" if row["enrolled"] == row["quota"] else ""
        seats.add_row(_text(row["region"]), _text(row["sector"]), f"{full}{row['enrolled']}", str(row["quota"]))
    out.print(seats)
    withdrawn = [e for e in data["enrolments"] if e["withdrawn"]]
    if withdrawn:
        out.print("Withdrawn: " + "; ".join(f"{_who(e['participant'])} ({_text(e['withdrawal_reason'])})"
                                            for e in withdrawn))
    for group in data["groups"]:
        flag = " [red]below 6 members[/]" if group["below_minimum"] else ""
        out.print(f"Sparring group [bold]{escape(group['name'])}[/] ({_text(group['region'])}, "
                  f"{len(group['members'])} members){flag}")
    projects = Table("participant", "project", "status", "progress", "open cycles", "waiting sign-offs",
                     "idle days", "latest signal", title=f"Projects ({len(data['projects'])})")
    for p in sorted(data["projects"], key=lambda p: p["participant"]["name"]):
        status = _text(p["status"]) + (f" ({_text(p['outcome'])})" if p["outcome"] else "")
        if p["charter_changed_since_approval"]:
            status += " [yellow]charter changed[/]"
        cycles = ", ".join(c["phase"] for c in p["open_cycles"]) or "—"
        waiting = ", ".join(f"{s['kind']} {s['age_days']:.0f}d" for s in p["pending_signoffs"]) or "—"
        signal = p["latest_signals"][-1] if p["latest_signals"] else None
        projects.add_row(_who(p["participant"]), escape(p["title"]), status, _text(p["progress"]), cycles, waiting,
                         f"{p['days_since_last_activity']:.0f}",
                         f"{signal['kind']} ({signal['period']})" if signal else "—")
    out.print(projects)
    sponsors = Table("sponsor", "waiting", "median answer (days)", "reminded", "came to meetings", title="Sponsors")
    for s in data["sponsors"]:
        sponsors.add_row(_who(s["sponsor"]), str(s["signoffs_waiting"]), _text(s["median_response_days"]),
                         str(s.get("reminders_sent", 0)), f"{s['meetings_attended']} of {s['meetings_expected']}")
    out.print(sponsors)
    reminders = data.get("reminders")
    if reminders:
        out.print(_reminders_line(reminders))
    if data.get("deliveries_failed"):
        out.print(f"[red]{data['deliveries_failed']} messages could not be delivered[/]: `pdsa outbox list --status "
                  "failed`")


def _reminders_line(r: dict[str, Any]) -> str:
    if not r["enabled"]:
        return "Reminders: off (`pdsa cohort reminders COHORT --on`)"
    return (f"Reminders: sign-offs after {r['signoff_after']} days, then every {r['signoff_every']}; escalated after "
            f"{r['escalate_after']}; cycles overdue {r['overdue_after']} days after their planned end "
            f"({r['study_overdue_after']} in study); coaching after {r['coaching_gap']}; progress after "
            f"{r['progress_stale']}; digests {r['digest_day']} at {r['digest_hour']:02d}:00")


def _module(module: Any) -> str:
    name = jsonable(module)
    return {"kickoff": "kick-off", "poster": "poster"}.get(name, f"module {name}")


def project(data: dict[str, Any]) -> None:
    out.print(f"[bold]{escape(data['title'])}[/]  \\[{_text(data['status'])}]  version {data['version']}  "
              f"id {data['id']}")
    out.print(f"participant {_who(data['participant'])} · sponsor {_who(data['sponsor'])} · "
              f"coach {_who(data['coach'])}")
    out.print(f"Problem: {escape(data['problem'])}")
    aim = data["aim"]
    changed = " [yellow](charter changed since approval)[/]" if data["charter_changed_since_approval"] else ""
    out.print(f"Aim: {escape(aim['what'])} — {escape(aim['how_much'])} by {aim['achieve_by']}{changed}"
              if aim else "Aim: —")
    for m in data["measures"]:
        out.print(f"Measure {escape(m['name'])} ({_text(m['kind'])}, {_text(m['chart'])} chart, "
                  f"{_text(m['frequency'])}ly, {m['points']} points)  id {m['measure_id']}")
    tree = Tree("Driver diagram")
    _add_nodes(tree, data["driver_diagram"])
    out.print(tree)
    if data["progress"]:
        out.print("Progress: " + ", ".join(f"{_text(p['score'])} ({p['on']})" for p in data["progress"]))
    for m in data["meetings"]:
        absent = "" if m["sponsor_attended"] or m["kind"] == "coaching" else " [yellow]sponsor absent[/]"
        out.print(f"Meeting {_text(m['kind'])} {m['date']}: {', '.join(_who(a) for a in m['attendees'])}{absent}")
    cycles = Table(title="Cycles")
    cycles.add_column("cycle", no_wrap=True, min_width=36)
    for heading in ("phase", "decision", "objective"):
        cycles.add_column(heading)
    for c in data["cycles"]:
        cycles.add_row(str(c["id"]), _text(c["phase"]), _text(c["decision"]), escape(c["objective"]))
    out.print(cycles)
    signoffs = Table(title="Sign-offs")
    signoffs.add_column("sign-off", no_wrap=True, min_width=36)
    for heading in ("kind", "status", "sponsor", "requested"):
        signoffs.add_column(heading)
    for s in data["signoffs"]:
        signoffs.add_row(str(s["id"]), _text(s["kind"]), _text(s["status"]), _who(s["sponsor"]),
                         _when(s["requested_at"]))
    out.print(signoffs)


def _add_nodes(branch: Tree, nodes: list[dict[str, Any]]) -> None:
    for node in nodes:
        child = branch.add(f"{escape(node['text'])} [dim]({_text(node['kind'])} {node['id']})[/]")
        _add_nodes(child, node["children"])


def measure(data: dict[str, Any]) -> None:
    out.print(f"[bold]{escape(data['name'])}[/] ({_text(data['kind'])}, {_text(data['chart'])} chart, "
              f"direction {_text(data['direction'])}, target {_text(data['target'])})  id {data['id']}")
    out.print(f"Definition: {escape(data['definition'])}")
    table = Table("period", "value", "n", "corrections")
    for point in data["points"]:
        table.add_row(point["period"], _text(point["value"]), _text(point["n"]), str(point["corrections"] or ""))
    out.print(table)


def cycle(data: dict[str, Any]) -> None:
    out.print(f"Cycle {data['id']}  \\[{_text(data['phase'])}]  version {data['version']}")
    out.print(f"Change idea: {_text(data['change_idea'])}" + (f" · continues {data['continues']}"
                                                             if data["continues"] else ""))
    plan = data["plan"]
    out.print(f"[bold]Plan[/] {plan['start']} – {plan['end']}: {escape(plan['objective'])}")
    for prediction in plan["predictions"]:
        out.print(f"  prediction: {escape(prediction)}")
    if data["do"]:
        out.print(f"[bold]Do[/]: {escape(data['do']['observations'])}"
                  + (f" · problems: {escape(data['do']['problems'])}" if data["do"]["problems"] else ""))
    if data["study"]:
        out.print(f"[bold]Study[/]: {escape(data['study']['findings'])}")
    if data["act"]:
        out.print(f"[bold]Act[/]: {_text(data['act']['decision'])} · next: {_text(data['act']['next_steps'])}")
    if data["cancellation"]:
        out.print(f"[red]Cancelled[/] in {_text(data['cancellation']['in_phase'])}: "
                  f"{escape(data['cancellation']['reason'])}")


def signoff(data: dict[str, Any]) -> None:
    out.print(f"Sign-off {data['id']}: {_text(data['kind'])}, [bold]{_text(data['status'])}[/]")
    out.print(f"addressed to {_who(data['sponsor'])}, requested by {_who(data['requested_by'])} "
              f"at {_when(data['requested_at'])} on project version {data['requested_on_project_version']}")
    if data["decided_on_project_version"] is not None:
        out.print(f"decided at {_when(data['decided_at'])} on project version {data['decided_on_project_version']}")
    if data["comment"]:
        out.print(f"comment: {escape(data['comment'])}")
