"""What the CLI fuzz test needs: the demo database built once as a template, what that database holds (real
ids, e-mails, periods), the `pdsa` command tree, strategies for argument lists, and the run of one argument list
through the entry point with the checks of the contract.

The contract (the docstring of pdsa_engine/cli/__init__.py, and what follows from it), checked on every run:

- the exit code is documented: 0, 2, 3, 4, 5 or 6. Exit 1 means "anything else, e.g. the database cannot be
  reached"; the database here is healthy, so 1 is a failure too;
- nothing escapes ``main``, no traceback and no Python warning reaches stderr: errors are one sentence;
- with ``--json`` and a non-zero exit, stdout is one JSON document {"error": {"code", "message", "field"}}, and
  exit 2 names the field; with ``--json`` and exit 0, stdout is one strict JSON document (no NaN or Infinity);
- a command that fails stores nothing (the notification log's head is unchanged) and writes no file; but an
  export that cannot write its file keeps the record of the attempt, on purpose;
- what a successful command stores is clean: no control characters, no CPR-like number from the command line,
  no number beyond the range of a float (the analysis and the charts compute in floats); and the read commands
  over what it touched, run by an administrator, succeed;
- what the terminal shows carries no control characters (ESC, other C0 and C1 controls).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import sqlite3
import traceback
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from uuid import UUID

import click
from hypothesis import strategies as st

from pdsa_engine.aggregates.cohort import Cohort
from pdsa_engine.aggregates.cycle import PDSACycle
from pdsa_engine.aggregates.measure_series import MeasureSeries
from pdsa_engine.aggregates.person import Person
from pdsa_engine.aggregates.project import ImprovementProject
from pdsa_engine.aggregates.signoff import SignOff
from pdsa_engine.aggregates.values import (
    ChartType,
    Decision,
    Direction,
    Frequency,
    Language,
    MeasureKind,
    MeetingKind,
    Module,
    Outcome,
    Region,
    Role,
    Sector,
)
from pdsa_engine.audit.sentences import EVENT_NAMES
from pdsa_engine.cli import cli, main
from pdsa_engine.config import Settings
from pdsa_engine.demo import DEMO_ADMINISTRATOR, load_demo
from pdsa_engine.projections.spc import CHARTS
from pdsa_engine.runtime import open_application, open_projections

DOCUMENTED_EXIT_CODES = {0, 2, 3, 4, 5, 6}

# -- the demo, once ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonFacts:
    id: str
    email: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class MeasureFacts:
    id: str
    frequency: str
    chart: str
    periods: tuple[str, ...]
    phases: tuple[str, ...]


@dataclass(frozen=True)
class ProjectFacts:
    id: str
    cohort: str
    status: str
    version: int
    participant: PersonFacts
    sponsor: PersonFacts
    coach: PersonFacts
    measures: tuple[MeasureFacts, ...]
    nodes: dict[str, tuple[str, ...]]  # driver kind -> node ids
    cycles: tuple[tuple[str, str], ...]  # (id, phase)
    signoffs: tuple[tuple[str, str], ...]  # (id, status)


@dataclass(frozen=True)
class World:
    """What the loaded demo holds, for valid values."""

    people: tuple[PersonFacts, ...]
    cohorts: tuple[str, ...]
    projects: tuple[ProjectFacts, ...]

    def with_role(self, role: str) -> tuple[PersonFacts, ...]:
        return tuple(p for p in self.people if role in p.roles)

    @property
    def measures(self) -> tuple[MeasureFacts, ...]:
        return tuple(m for p in self.projects for m in p.measures)

    @property
    def all_ids(self) -> tuple[str, ...]:
        ids = [p.id for p in self.people] + list(self.cohorts)
        for project in self.projects:
            ids += [project.id] + [m.id for m in project.measures] + [c for c, _ in project.cycles]
            ids += [s for s, _ in project.signoffs] + [n for nodes in project.nodes.values() for n in nodes]
        return tuple(ids)


@dataclass(frozen=True)
class Template:
    database: Path
    audit_key: Path
    checkpoint: Path  # a checkpoint of the template's history
    world: World


def build_template(folder: Path) -> Template:
    """Loads the demo into an SQLite file, brings the views up to date and reads what it holds."""
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "demo.sqlite"
    settings = Settings(database_url=f"sqlite:///{database}", audit_key=folder / "audit-ed25519.pem",
                        checkpoints=folder / "checkpoints")
    load_demo(settings)
    app = open_application(settings)
    try:
        open_projections(app, settings).catch_up()
        world = read_world(app)
    finally:
        app.close()
    checkpoint = folder / "checkpoint.json"
    result = run_pdsa(["--as", DEMO_ADMINISTRATOR, "audit", "checkpoint", "--out", str(checkpoint)],
                      {"PDSA_DATABASE_URL": settings.database_url, "PDSA_AUDIT_KEY": str(settings.audit_key)})
    assert result.code == 0, result.err
    with sqlite3.connect(database) as connection:  # one self-contained file to copy
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return Template(database, settings.audit_key, checkpoint, world)


def read_world(app: Any) -> World:
    originators: dict[str, list[UUID]] = {}
    for notification in app.recorder.select_notifications(1, 1_000_000):
        kind = notification.topic.rsplit(":", 1)[1]
        if kind in ("Person.Registered", "Cohort.Created", "ImprovementProject.Created", "MeasureSeries.Opened",
                    "PDSACycle.Planned", "SignOff.Requested"):
            originators.setdefault(kind.split(".")[0], []).append(notification.originator_id)
    people = {}
    for person_id in originators["Person"]:
        person = app.load(Person, person_id)
        people[person_id] = PersonFacts(str(person_id), person.email, tuple(sorted(str(r) for r in person.roles)))
    by_project: dict[UUID, dict[str, list[Any]]] = {}
    for measure_id in originators["MeasureSeries"]:
        series = app.load(MeasureSeries, measure_id)
        facts = MeasureFacts(str(measure_id), str(series.frequency), str(series.chart), tuple(series.points),
                             tuple(series.phases))
        by_project.setdefault(series.project_id, {}).setdefault("measures", []).append(facts)
    for cycle_id in originators["PDSACycle"]:
        cycle = app.load(PDSACycle, cycle_id)
        by_project.setdefault(cycle.project_id, {}).setdefault("cycles", []).append((str(cycle_id), str(cycle.phase)))
    for signoff_id in originators["SignOff"]:
        signoff = app.load(SignOff, signoff_id)
        by_project.setdefault(signoff.project_id, {}).setdefault("signoffs", []).append(
            (str(signoff_id), str(signoff.status)))
    projects = []
    for project_id in originators["ImprovementProject"]:
        project = app.load(ImprovementProject, project_id)
        parts = by_project.get(project_id, {})
        nodes: dict[str, list[str]] = {}
        for node in project.diagram.nodes:
            nodes.setdefault(str(node.kind), []).append(str(node.node_id))
        projects.append(ProjectFacts(
            id=str(project_id), cohort=str(project.cohort_id), status=str(project.status), version=project.version,
            participant=people[project.participant_id], sponsor=people[project.sponsor_id],
            coach=people[project.coach_id], measures=tuple(parts.get("measures", ())),
            nodes={kind: tuple(ids) for kind, ids in nodes.items()}, cycles=tuple(parts.get("cycles", ())),
            signoffs=tuple(parts.get("signoffs", ())),
        ))
    cohorts = tuple(str(app.load(Cohort, c).id) for c in originators["Cohort"])
    return World(tuple(people.values()), cohorts, tuple(projects))


# -- running the entry point ---------------------------------------------------------------------------------------


@dataclass
class Run:
    argv: list[str]
    code: int | None  # None: an exception came out of main
    out: str
    err: str
    exception: str | None = None  # its traceback
    warnings: tuple[str, ...] = ()  # Python warnings a console script would print on stderr


def run_pdsa(argv: list[str], environ: dict[str, str] | None = None) -> Run:
    """Runs `pdsa` in this process, as the console script would, and captures what it prints."""
    saved = {name: os.environ.get(name) for name in environ or {}}
    os.environ.update(environ or {})
    out, err = io.StringIO(), io.StringIO()
    code: int | None = None
    exception = None
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), \
                warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                main(list(argv))
                code = 0
            except SystemExit as done:
                code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
            except Exception:  # what would be a traceback in the console script
                exception = traceback.format_exc()
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    shown = tuple(f"{w.category.__name__}: {w.message} ({Path(w.filename).name}:{w.lineno})" for w in caught
                  if not issubclass(w.category, HIDDEN_WARNINGS))
    return Run(list(argv), code, out.getvalue(), err.getvalue(), exception, tuple(dict.fromkeys(shown)))


# What Python does not print by default.
HIDDEN_WARNINGS = (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning)


def head(database: Path) -> int:
    with contextlib.closing(sqlite3.connect(database)) as connection:
        return connection.execute("SELECT COALESCE(MAX(rowid), 0) FROM stored_events").fetchone()[0]


def stored_after(database: Path, position: int) -> list[tuple[int, str, str]]:
    with contextlib.closing(sqlite3.connect(database)) as connection:
        rows = connection.execute("SELECT rowid, topic, state FROM stored_events WHERE rowid > ? ORDER BY rowid",
                                  (position,)).fetchall()
    return [(n, topic, state.decode() if isinstance(state, bytes) else state) for n, topic, state in rows]


# -- the checks ----------------------------------------------------------------------------------------------------

# C0 controls but tab and newline, DEL, and C1 controls: what a terminal acts on, and what no record should hold.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Wider than the engine's own pattern: DDMMYY, then an optional dash or space (plain or no-break), then four digits.
CPR_LIKE = re.compile(r"(?<![\dA-Fa-f])(\d{2})(\d{2})(\d{2})[- \u00a0]?(\d{4})(?![\dA-Fa-f])")
MAX_FLOAT = Decimal("1.7976931348623157e308")


@dataclass(frozen=True)
class Problem:
    """One way a run broke the contract. ``kind`` groups them; ``detail`` is the tail of what went wrong."""

    kind: str
    argv: tuple[str, ...]
    code: int | None
    detail: str

    def signature(self) -> tuple[str, ...]:
        """Problems likely of one cause: same kind and command, and for exceptions the same last line; for what
        was stored, the same field."""
        detail = ""
        if self.kind.startswith(("exception", "traceback", "exit code")):
            detail = normalise(self.detail.strip().splitlines()[-1] if self.detail.strip() else "")
        elif self.kind.startswith("stored"):
            detail = self.detail.split(" ", 1)[0]
        return (self.kind, command_of(self.argv), str(self.code), detail)


def command_of(argv: Iterable[str]) -> str:
    """The command an argument list names (`project measure record`), skipping options."""
    group: click.Command = cli
    words: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
            continue
        if arg == "--as":
            skip = True
            continue
        if arg.startswith("-") or not isinstance(group, click.Group):
            continue
        if arg not in group.commands:
            break
        group = group.commands[arg]
        words.append(arg)
    return " ".join(words)


def normalise(text: str) -> str:
    text = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<id>", text)
    text = re.sub(r"/tmp/\S*", "<path>", text)
    text = re.sub(r"\d+", "<n>", text)
    return text[-300:]


def tail(text: str, lines: int = 4) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def is_cpr_like(digits: tuple[str, ...]) -> bool:
    """The CPR register's own rule, written out here: the seventh digit gives the century of the birth date."""
    day, month, year = (int(d) for d in digits[:3])
    seventh = int(digits[3][0])
    if seventh <= 3:
        century = 1900
    elif seventh in (4, 9):
        century = 2000 if year <= 36 else 1900
    else:
        century = 2000 if year <= 57 else 1800
    try:
        date(century + year, month, day)
    except ValueError:
        return False
    return True


def cpr_numbers_in(argv: Iterable[str]) -> set[str]:
    """CPR-like numbers the command line carries outside ids (as the digits would be stored)."""
    found = set()
    for value in argv:
        if _is_uuid(value):
            continue
        for match in CPR_LIKE.finditer(value):
            if is_cpr_like(match.groups()):
                found.add(match.group(0))
    return found


def _is_uuid(text: str) -> bool:
    try:
        UUID(text.strip())
    except (ValueError, AttributeError):
        return False
    return True


def files_under(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file below the folder, with its size and modification time, and every folder."""
    found = {}
    for root, folders, names in os.walk(folder):
        found.update({os.path.join(root, name) + os.sep: (0, 0) for name in folders})
        for name in names:
            path = os.path.join(root, name)
            with contextlib.suppress(OSError):
                status = os.stat(path)
                found[path] = (status.st_size, status.st_mtime_ns)
    return found


def check_run(run: Run, as_json: bool, before: int, after: int, database: Path,
              files_changed: Iterable[str] = (), must_succeed: bool = False) -> list[Problem]:
    """Every way the run broke the contract. ``files_changed``: the files the run created or changed;
    ``must_succeed``: a read, by an administrator, of what a successful change touched."""
    problems = []
    argv = tuple(run.argv)

    def problem(kind: str, detail: str) -> None:
        problems.append(Problem(kind, argv, run.code, detail))

    if run.exception is not None:
        problem("exception out of main", tail(run.exception))
    elif run.code not in DOCUMENTED_EXIT_CODES:
        problem(f"exit code {run.code}", tail(run.err) or tail(run.out))
    if must_succeed and run.code in DOCUMENTED_EXIT_CODES - {0}:
        problem("a read of what a change stored fails", tail(run.err, 2))
    if "Traceback" in run.err:
        problem("traceback on stderr", tail(run.err))
    if run.warnings:
        problem("Python warning on stderr", "; ".join(run.warnings)[:500])
    if run.code not in (0, None) and after != before and not _recorded_export_attempt(run, before, after, database):
        problem("a failed command stored events", f"head {before} -> {after}; {tail(run.err, 2)}")
    changed = sorted(files_changed)
    if run.code != 0 and changed:
        problem("a failed command wrote files", f"{changed}; {tail(run.err or run.exception or '', 1)}")
    if as_json and run.code not in (0, None):
        problems += [Problem("--json error is not {error: {code, message, field}}", argv, run.code, detail)
                     for detail in _json_error_shape(run.out, run.code)]
    if as_json and run.code == 0 and not run.out.startswith(("Usage:", "pdsa, version")):  # --help wins
        try:
            json.loads(run.out, parse_constant=_no_constant)
        except ValueError as invalid:
            problem("--json output is not strict JSON", f"{invalid}: {run.out[:200]!r}")
    if not as_json:
        for stream, text in (("stdout", run.out), ("stderr", run.err)):
            control = CONTROL.search(text)
            if control:
                start = max(control.start() - 60, 0)
                problem(f"control character on {stream}", repr(text[start:control.end() + 20]))
    if run.code == 0 and after > before:
        problems += [Problem(kind, argv, run.code, detail) for kind, detail in _stored_problems(run, before, database)]
    return problems


def _recorded_export_attempt(run: Run, before: int, after: int, database: Path) -> bool:
    """The one failure that stores an event, on purpose (pdsa_engine/audit/service.py): an export whose file cannot
    be written leaves the record of the attempt, "no history leaves the system unrecorded", and says so."""
    if run.code != 2 or after != before + 1 or "the attempt is recorded" not in run.err:
        return False
    return [topic.rsplit(":", 1)[-1] for _, topic, _ in stored_after(database, before)] == ["AuditRecord.Exported"]


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _json_error_shape(out: str, code: int | None) -> Iterator[str]:
    try:
        document = json.loads(out, parse_constant=_no_constant)
    except ValueError as invalid:
        yield f"stdout does not parse ({invalid}): {out[:200]!r}"
        return
    error = document.get("error") if isinstance(document, dict) else None
    if not isinstance(error, dict) or set(error) != {"code", "message", "field"}:
        yield f"stdout is {out[:200]!r}"
    elif code == 2 and not error["field"]:
        yield f"exit 2 names no field: {error!r}"


def _stored_problems(run: Run, before: int, database: Path) -> Iterator[tuple[str, str]]:
    cprs = cpr_numbers_in(run.argv)
    for _, topic, state in stored_after(database, before):
        event = topic.rsplit(":", 1)[-1]
        for path, value in _leaves(json.loads(state)):
            if isinstance(value, str) and CONTROL.search(value):
                yield "stored control characters", f"{event}.{path} = {value[:80]!r}"
            if isinstance(value, str) and path.endswith("decimal_str") and not _float_safe(value):
                yield "stored a number beyond float range", f"{event}.{path} = {value[:40]}"
        for cpr in cprs:
            if cpr in state:
                yield "stored a CPR-like number", f"{event} holds {cpr!r}"


def _leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        if value.get("_type_") == "decimal_str":
            yield f"{path}.decimal_str", value["_data_"]
            return
        if value.get("_type_") in ("uuid_hex", "datetime_iso", "actor"):
            return
        for key, inner in value.items():
            yield from _leaves(inner, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for inner in value:
            yield from _leaves(inner, f"{path}[]")
    else:
        yield path, value


def _float_safe(text: str) -> bool:
    try:
        number = Decimal(text)
    except InvalidOperation:
        return False
    return number.is_finite() and abs(number) <= MAX_FLOAT


# -- the command tree ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Leaf:
    path: tuple[str, ...]
    options: tuple[click.Option, ...]
    arguments: tuple[click.Argument, ...]

    @property
    def name(self) -> str:
        return " ".join(self.path)


def leaves(group: click.Group, prefix: tuple[str, ...] = ()) -> list[Leaf]:
    """Every command under the group, with its own options (but --json and --help) and arguments."""
    found = []
    for name, command in sorted(group.commands.items()):
        path = (*prefix, name)
        if isinstance(command, click.Group):
            found += leaves(command, path)
            continue
        options = tuple(p for p in command.params if isinstance(p, click.Option) and p.name != "as_json")
        arguments = tuple(p for p in command.params if isinstance(p, click.Argument))
        found.append(Leaf(path, options, arguments))
    return found


# -- values --------------------------------------------------------------------------------------------------------

HOSTILE = (
    "\x1b[31mred\x1b[0m", "\x1b]0;pwned\x07", "\x1b[2J\x1b[H", "\x1b[6n", "\x00", "a\x00b", "\u202eelif.exe",
    "abc\u202edef", "\x07\x08\x7f", "\x85", "\x9b31m", "\x0c\x0b", "line\rover", "a\nb", "tab\there",
    "010190 1234", "010190-1234", "0101901234", "CPR 311299 4321", "patient 290200-1234", "24.12.80-1234",
    "'; DROP TABLE stored_events; --", "\" OR 1=1 --", "' OR ''='", "Robert'); --", "../../etc/passwd",
    "/etc/passwd", "..\\..\\windows", "[bold red]x[/]", "[link=http://evil]y[/link]", "[/]", "{id}", "{0.__class__}",
    "%s%n%x", "{{ 7*7 }}", "<script>alert(1)</script>", "\u2028\u2029", "\ufeffbom", "zero\u200bwidth",
    "e\u0301\u0301\u0301", "æøå ÆØÅ", "🙂" * 50, "ﷺ" * 300, "\U0001f468\u200d\U0001f469\u200d\U0001f467",
    "--json", "-h", "--", "-", " ", "  padded  ", "NULL", "None", "null", "true", "[]", "{}",
)
BOUNDARY = (
    "", " ", "0", "-0", "-1", "1", "0.5", "5", "5.5", "10", "100000", "100001", "2147483648",
    "9223372036854775808", "1e308", "-1e308", "1e309", "-1e309", "1e-400", "nan", "NaN", "inf", "-inf", "Infinity",
    "1,5", "1;2", "1.5.5", "0x10", "1_000", "١٢٣", "x" * 5000, "9" * 400, "æ" * 5000, "0001-01-01", "9999-12-31",
    "2026-02-29", "2024-02-29", "2026-1-1", "20260101", "2026-01-12T00:00", "2099-01", "0001-01", "9999-12",
    "2026-W53", "2026-W00", "2026-W1", "2026-00", "2026-13", "2026-12-31", "00000000-0000-0000-0000-000000000000",
)
# The edges of each kind of value: what its rules are about; the first CORE of each most often.
CORE = 6
NUMBER_EDGES = ("1e309", "-1e309", "1E+400", "1e-400", "-1", "nan", "0", "-0", "1e308", "-nan", "sNaN", "inf", "-inf",
                "Infinity", "1,5", "1.5.5", "0x10", "1_000", "١٢٣", "٣,٥", "²", "9" * 400, "2147483648",
                "9223372036854775808", "", " ", "0.5", "5.5", "100001", "1E+999999", "1e-999999", "-0.0", "+5",
                " 5 ", "5 %", "5e", ".", ",", "1,000.5", "0,0001")
DATE_EDGES = ("0001-01-01", "9999-12-31", "2026-02-29", "2026-01-12T00:00", "٢٠٢٦-٠١-٠١", "2024-02-29", "2026-1-1",
              "20260101", "2026-13-01", "2026-00-10", "10000-01-01", "-2026-01-01", "2026-02-30", "2026-W05", "2026-01",
              "", "today", "2026-01-12 ")
PERIOD_EDGES = ("0001-01", "0001-W01", "9999-12", "9999-W52", "2026-W53", "١٢٣٤-٠١", "2099-01", "2026-W00", "2020-W53",
                "2026-W54", "2026-W1", "2026-00", "2026-13", "2026-12-31", "0000-01", "2026-1", "2026/01", "202601",
                "2026-W01-1", "2026-w05", "2026-02-30", "9999-12-31", "0001-01-01", "")
COUNT_EDGES = ("-1", "²", "٣", "99999999999999999999", "0", "1e3", "1.0", "", " 1", "+1", "0x1", "2147483648")
MOMENT_EDGES = ("0001-01-01", "9999-12-31T23:59:59", "9999-12-31T23:59:59-23:59", "0001-01-01T00:00+14:00",
                "2026-03-29T02:30", "2026-03-09T25:00", "2026-03-09T14:00+25:00", "2026-W05", "1e309", "",
                "2026-03-09T14:00:00.0000000001")
TEXT_EDGES = ("Patient 010190 1234 fik besøg", "\x1b[31mrød\x1b[0m", "nul\x00byte", "x" * 4001, "cpr 290200\u00a01234",
              "Tjek\x1b[2J\x1b[Hnu", "", " ", "x" * 200, "x" * 201, "x" * 4000, "æ" * 5000, "\n", "\t", "\u00a0",
              "🙂" * 4000, "010190-1234", "0101901234", "01.01.90-1234", "010190/1234", "\u202eelif.exe",
              "Linje 1\r\nLinje 2", "=HYPERLINK(\"http://x\")", "+1+1", "@SUM(A1)", "\x9b31m", "bell\x07")
EDGES = ((("value", "n", "target", "score"), NUMBER_EDGES), (("start", "end", "by", "date"), DATE_EDGES),
         (("period", "from_"), PERIOD_EDGES), (("seats", "baseline", "freeze", "batch", "version"), COUNT_EDGES),
         (("at", "since", "until"), MOMENT_EDGES), (("values", "part", "exclude"), NUMBER_EDGES + COUNT_EDGES),
         (("name", "title", "problem", "what", "how_much", "definition", "objective", "prediction", "reason",
           "comment", "text", "primary", "secondary", "observations", "findings", "organisation"), TEXT_EDGES))
TEXT = st.text(max_size=40)  # surrogate-free: st.text never draws category Cs


def weighted(*choices: tuple[int, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    """One of the strategies, each as often as its weight says. (st.one_of flattens nested one_ofs, so their
    weights would follow the number of their branches.)"""
    return st.sampled_from([s for weight, s in choices for _ in range(weight)]).flatmap(lambda s: s)


def malformed(world: World) -> st.SearchStrategy[str]:
    ids = world.all_ids
    return st.one_of(
        TEXT,
        st.uuids().map(str),
        st.sampled_from(ids).map(lambda i: i[:8]),  # a unique prefix is not an id
        st.sampled_from(ids).map(lambda i: i.upper()),
        st.sampled_from(ids).map(lambda i: i.replace("-", "")),
        st.sampled_from(ids).map(lambda i: "{" + i + "}"),
        st.sampled_from(ids).map(lambda i: "urn:uuid:" + i),
        st.sampled_from(ids).map(lambda i: i + "0"),
        st.integers(-10**6, 10**6).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.sampled_from(["a@b", "@", "@@", "name@example.dk.", "name@@example.dk", "name @example.dk", "x@y.z1",
                         "mailto:a@b.dk", "010190-1234@example.dk", "010190 1234@example.dk"]),
    )


def hostile() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(HOSTILE),
        st.tuples(st.sampled_from(HOSTILE), st.text(max_size=10)).map("".join),
        st.text(alphabet=st.characters(max_codepoint=0x2FF), min_size=1, max_size=30),
        st.text(alphabet=st.characters(codec="utf-8"), min_size=4000, max_size=4100),
    )


@dataclass
class Places:
    """The folders of the test. Output goes only below ``base``; ``cwd`` is where the command runs."""

    base: Path
    fixtures: Path  # files that commands read, made once
    template: Template

    @property
    def cwd(self) -> Path:
        return self.base / "w" / "a" / "b" / "c" / "cwd"

    @property
    def out(self) -> Path:
        return self.cwd / "out"

    def output_paths(self) -> list[str]:
        out = self.out
        names = ["chart.svg", "chart.png", "Chart.SVG", "export.html", "e.csv", "e.jsonl", "c.json", "noext",
                 "x.txt", "nonexistent/dir/c.png", "nonexistent/e.html", "nonexistent/cp.json", "existing.txt",
                 "adir", "adir/", "existing.txt/c.png", "a" * 300 + ".svg", "a\x00.svg", "\x1b[31m.svg",
                 "line\nbreak.png", " .svg", ".svg", "sp ace.html", "æøå.png"]
        paths = [str(out / name) for name in names]
        paths += ["c.svg", "sub/c.svg", "../c.svg", "./out/e.html", "../../etc/passwd", "", ".", "-", "~/x.svg",
                  "out", "var/checkpoints/mine.json", str(self.fixtures / "checkpoint.json")]
        for path in paths:  # never anywhere outside the test's folder
            resolved = os.path.normpath(os.path.join(self.cwd, path))
            assert resolved.startswith(str(self.base) + os.sep), path
        return paths

    def checkpoint_paths(self) -> list[str]:
        f = self.fixtures
        return [str(f / name) for name in ("checkpoint.json", "tampered.json", "garbage.json", "empty.json",
                                           "list.json", "wrong-types.json", "huge.json", "not-utf8.json",
                                           "nonexistent.json")] + [str(f), "/dev/null", "/etc/passwd", "",
                                                                   "var/checkpoints", "nonexistent/x.json", "a\x00.json"]

    def prepare_fixtures(self) -> None:
        f = self.fixtures
        f.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.template.checkpoint, f / "checkpoint.json")
        checkpoint = json.loads(self.template.checkpoint.read_text())
        tampered = {k: ("0" * len(v) if k in ("head", "chain_head") and isinstance(v, str) else v)
                    for k, v in checkpoint.items()}
        if tampered == checkpoint:  # whatever the field is called: change the first string
            key = next(k for k, v in checkpoint.items() if isinstance(v, str) and len(v) > 10)
            tampered[key] = "0" * len(checkpoint[key])
        (f / "tampered.json").write_text(json.dumps(tampered))
        (f / "garbage.json").write_bytes(bytes(range(256)))
        (f / "empty.json").write_text("")
        (f / "list.json").write_text("[]")
        (f / "wrong-types.json").write_text(json.dumps({k: [] for k in checkpoint}))
        (f / "huge.json").write_text(json.dumps({**checkpoint, "position": 10**30}))
        (f / "not-utf8.json").write_bytes("{\"position\": \"æøå\"}".encode("latin-1"))

    def reset(self, number: int) -> Path:
        """A fresh working folder and a fresh copy of the demo database (a new file each time: a connection left
        open by a crashed command cannot touch it). Returns the database."""
        shutil.rmtree(self.base / "w", ignore_errors=True)
        self.out.mkdir(parents=True)
        (self.out / "existing.txt").write_text("keep me")
        (self.out / "adir").mkdir()
        databases = self.base / "databases"
        shutil.rmtree(databases, ignore_errors=True)
        databases.mkdir()
        database = databases / f"pdsa-{number}.sqlite"
        shutil.copyfile(self.template.database, database)
        return database


@dataclass
class Invocation:
    argv: list[str]
    leaf: Leaf
    as_json: bool
    files: dict[str, bytes] = field(default_factory=dict)  # written into the working folder first
    probe_picks: tuple[int, ...] = (0, 1)  # which of the reads after a successful change run (they cost time)

    def __repr__(self) -> str:
        return shell_line(self.argv) + (f"  (files {sorted(self.files)})" if self.files else "")


def shell_line(argv: Iterable[str]) -> str:
    """The command line, readable: odd arguments quoted as Python strings, long ones cut."""
    return "pdsa " + " ".join(_shell(a) for a in argv)


def _shell(arg: str) -> str:
    if len(arg) > 60:
        return repr(arg[:40] + f"…[{len(arg)} chars]")
    return arg if re.fullmatch(r"[\w@.,:/=+-]+", arg) else repr(arg)


def _dates(low: date, high: date) -> st.SearchStrategy[str]:
    return st.integers(0, (high - low).days).map(lambda d: (low + timedelta(days=d)).isoformat())


def _periods(frequency: str, first: int = 2025, last: int = 2027) -> st.SearchStrategy[str]:
    if frequency == "month":
        return st.tuples(st.integers(first, last), st.integers(1, 12)).map(lambda t: f"{t[0]}-{t[1]:02d}")
    if frequency == "week":
        return st.tuples(st.integers(first, last), st.integers(1, 52)).map(lambda t: f"{t[0]}-W{t[1]:02d}")
    return _dates(date(first, 1, 1), date(last, 12, 31))


def _numbers() -> st.SearchStrategy[str]:
    return st.one_of(st.integers(0, 500).map(str),
                     st.decimals(0, 1000, places=2, allow_nan=False, allow_infinity=False).map(str),
                     st.decimals(0, 100, places=1, allow_nan=False, allow_infinity=False).map(
                         lambda d: str(d).replace(".", ",")))


def _float_list() -> st.SearchStrategy[str]:
    element = st.one_of(st.integers(0, 100).map(str), st.floats(0, 100, allow_nan=False).map(lambda f: f"{f:.2f}"))
    odd = st.sampled_from(["nan", "inf", "-inf", "1e309", "1e308", "1e308,1e308", "-1e308,1e308", "-1", "0", "",
                           "1e-320", "5e-324"])
    listed = st.lists(element, min_size=1, max_size=40)
    return weighted((3, listed), (1, st.tuples(listed, odd, st.integers(0, 40)).map(
        lambda t: t[0][:t[2]] + [t[1]] + t[0][t[2]:]))).map(",".join)


MOMENTS = ("2026-03-09T14:00", "2026-03-09", "2025-11-03T09:00:00+00:00", "2026-06-01T12:00:00+02:00",
           "2026-12-31T23:59:59", "2025-01-01", "2030-01-01T00:00Z", "2026-06-15 10:30")


class Values:
    """The valid values of each option and argument, read from the demo for one project in view."""

    def __init__(self, world: World, places: Places) -> None:
        self.world = world
        self.places = places
        self.output_paths = places.output_paths()
        self.checkpoint_paths = places.checkpoint_paths()
        self.bad = weighted((1, malformed(world)), (1, st.sampled_from(BOUNDARY)), (2, hostile()))

    def people(self, project: ProjectFacts, role: str | None = None, own_only: bool = False
               ) -> st.SearchStrategy[str]:
        """Mostly the project's own participant, sponsor or coach; else anyone (holding the role)."""
        mine = {"participant": project.participant, "sponsor": project.sponsor, "coach": project.coach}
        others = list(self.world.with_role(role)) if role else list(self.world.people)
        own = [mine[role]] if role in mine else (others if role else list(mine.values()))
        person = st.sampled_from(own) if own_only else weighted((4, st.sampled_from(own)), (1, st.sampled_from(others)))
        return person.flatmap(lambda p: st.sampled_from([p.email] * 6 + [p.id, p.email.upper(), f"  {p.email} "]))

    def actor(self, leaf: Leaf, project: ProjectFacts, bad: bool) -> st.SearchStrategy[str | None]:
        """The person a command of this kind is meant for, mostly; sometimes anyone, nobody or garbage."""
        group, command = leaf.path[0], leaf.path[-1]
        if group in ("person", "cohort", "init", "demo", "run", "projections") or command in ("create", "reassign"):
            role = "administrator"
        elif group == "audit":
            role = "auditor"
        elif group == "signoff" and command not in ("withdraw", "show"):
            role = "sponsor"
        else:
            role = "participant"
        fitting = self.people(project, role, own_only=not bad)
        if role == "auditor":
            fitting = st.one_of(fitting, self.people(project, "administrator", own_only=not bad))
        if not bad:
            return fitting
        return weighted((1, self.people(project)), (1, st.none()), (2, self.bad))

    def project_for(self, leaf: Leaf) -> st.SearchStrategy[ProjectFacts]:
        """A project in the state the command needs, mostly: commands then get past the rules more often."""
        projects = self.world.projects
        command = leaf.name
        wanted: Callable[[ProjectFacts], bool] | None = None
        phases = {"cycle do": ("plan",), "cycle study": ("do",), "cycle act": ("study",),
                  "cycle amend": ("plan", "do", "study"), "cycle cancel": ("plan", "do", "study")}
        if command in phases:
            wanted = lambda p: any(phase in phases[command] for _, phase in p.cycles)  # noqa: E731
        elif leaf.path[0] == "signoff" and leaf.path[-1] != "show":
            wanted = lambda p: any(status == "requested" for _, status in p.signoffs)  # noqa: E731
        elif command in ("project aim", "project measure add", "project driver add", "project driver rename",
                         "project driver move", "project driver remove", "project submit-charter"):
            wanted = lambda p: p.status == "draft"  # noqa: E731
        elif leaf.path[0] in ("cycle", "project", "spc"):
            wanted = lambda p: p.status == "active"  # noqa: E731
        fitting = [p for p in projects if wanted(p)] if wanted else []
        if not fitting:
            return st.sampled_from(projects)
        return weighted((2, st.sampled_from(fitting)), (1, st.sampled_from(projects)))

    def valid(self, leaf: Leaf, param: click.Parameter, project: ProjectFacts,
              measure: MeasureFacts) -> st.SearchStrategy[str]:
        name, command = param.name or "", leaf.path[-1]
        world = self.world
        if isinstance(param.type, click.Choice):
            return st.sampled_from([str(c) for c in param.type.choices])
        if name == "project":
            return weighted((2, st.just(project.id)), (1, st.sampled_from([p.id for p in world.projects])))
        if name == "cohort":
            return st.sampled_from(world.cohorts)
        if name == "measure":
            return weighted((3, st.just(measure.id)), (1, st.sampled_from([m.id for m in world.measures])))
        if name in ("cycle", "continues"):
            phases = {"do": ("plan",), "study": ("do",), "act": ("study",), "amend": ("plan", "do", "study"),
                      "cancel": ("plan", "do", "study")}.get(command) if leaf.path[0] == "cycle" else None
            if leaf.path[0] == "project" or name == "continues":
                phases = ("closed",)  # a scale-up, a phase or a ramp names a concluded cycle
            cycles = [c for c, phase in project.cycles if phases is None or phase in phases]
            cycles = cycles or [c for c, _ in project.cycles] or [c for p in world.projects for c, _ in p.cycles]
            return st.sampled_from(cycles)
        if name == "signoff":
            pending = [s for s, status in project.signoffs if status == "requested" and command != "show"]
            signoffs = pending or [s for s, _ in project.signoffs] or [s for p in world.projects
                                                                       for s, _ in p.signoffs]
            return st.sampled_from(signoffs)
        if name in ("node", "under") or (name == "change_idea" and leaf.path[0] == "cycle"):
            kinds = {"under": ("primary", "secondary"), "change_idea": ("change_idea",)}.get(
                name, ("primary", "secondary", "change_idea"))
            nodes = [n for k in kinds for n in project.nodes.get(k, ())]
            return st.sampled_from(nodes or list(world.all_ids))
        if name in ("person", "member", "attendee"):
            return self.people(project, "participant" if leaf.path[0] == "cohort" else None)
        if name in ("participant", "sponsor", "coach"):
            return self.people(project, name)
        if name == "email":
            return st.one_of(st.sampled_from([p.email for p in world.people]),
                             st.from_regex(r"[a-z]{1,8}\.[a-z]{1,8}@example\.dk", fullmatch=True))
        if name == "role":
            return st.sampled_from([r.value for r in Role])
        if name == "language":
            return st.sampled_from([x.value for x in Language])
        if name == "kind":
            return st.sampled_from([k.value for k in (MeetingKind if command == "meeting" else MeasureKind)])
        if name == "chart":
            return st.sampled_from(list(CHARTS) if leaf.path[0] == "spc" else [c.value for c in ChartType])
        enums = {"frequency": Frequency, "direction": Direction, "outcome": Outcome, "decision": Decision,
                 "module": Module, "sector": Sector}
        if name in enums:
            return st.sampled_from([e.value for e in enums[name]])
        if name == "region":
            return st.sampled_from([*(r.value for r in Region), "nordjylland", "Syddanmark", "REGION HOVEDSTADEN"])
        if name in ("start", "end", "by", "date"):
            return _dates(date(2025, 11, 1), date(2027, 3, 1))
        if name in ("period", "from_"):
            recorded = st.sampled_from(measure.periods or ("2026-01",))
            if command == "unphase":
                return st.one_of(st.sampled_from(measure.phases), recorded) if measure.phases else recorded
            if command == "record":  # mostly one not recorded yet
                return weighted((2, _periods(measure.frequency, 2027, 2031)), (1, _periods(measure.frequency)),
                                (1, recorded))
            return weighted((2, recorded), (1, _periods(measure.frequency)))
        if name in ("value", "n") and command in ("record", "correct") and measure.chart in ("p", "pp", "u", "up"):
            return st.integers(20, 200).map(str) if name == "n" else st.integers(0, 20).map(str)
        if name in ("value", "n", "target"):
            return _numbers()
        if name == "score":
            return st.integers(1, 10).map(lambda i: str(i / 2)).flatmap(
                lambda s: st.sampled_from([s, s.replace(".", ",")]))
        if name in ("seats", "baseline", "freeze"):
            return st.integers(0, 25).map(str)
        if name == "values":
            return _float_list()
        if name in ("part", "exclude"):
            return st.lists(st.integers(-2, 45), max_size=4).map(lambda xs: ",".join(map(str, xs)))
        if name == "rules":
            return st.sampled_from(["anhoej", "mdc"])
        if name == "batch":
            return st.sampled_from(["1", "2", "500", "2000", "100000"])
        if name == "version":
            return st.integers(0, project.version + 1).map(str)
        if name in ("at", "since", "until"):
            return st.sampled_from(MOMENTS)
        if name == "type_":
            return st.sampled_from(EVENT_NAMES).flatmap(
                lambda n: st.sampled_from([n, n.split(".")[1], n.lower(), n.upper()]))
        if name == "name" and leaf.path[0] == "projections":
            return st.sampled_from(["series", "dashboard", "audit"])
        if name == "path":
            return st.sampled_from(self.output_paths)
        if name == "checkpoints":
            return st.sampled_from(self.checkpoint_paths)
        return st.one_of(TEXT.filter(lambda t: t.strip()), st.sampled_from(
            ["Færre færdigbehandlingsdage", "Kortere ventetid i akutmodtagelsen", "Dage pr. uge", "Hjemmet først",
             "Sygeplejerske", "AUH", "Odense Universitetshospital", "Vi afprøver en ny tjekliste"]))

    def value(self, leaf: Leaf, param: click.Parameter, project: ProjectFacts, measure: MeasureFacts,
              bad: bool) -> st.SearchStrategy[str]:
        if param.name in ("path", "checkpoints"):  # paths stay paths: never a hostile text as a file name
            return self.valid(leaf, param, project, measure)
        if not bad:
            return self.valid(leaf, param, project, measure)
        edges = next((pool for names, pool in EDGES if param.name in names), None)
        if not edges:
            return self.bad
        core = st.sampled_from(edges[:CORE])  # each pool starts with the values most likely to break a rule
        return weighted((3, core), (1, st.sampled_from(edges)), (1, self.bad))


def csv_content(world: World, values: Values) -> st.SearchStrategy[bytes]:
    """An enrolment file: a header and rows from real, new, malformed and hostile values, or plain garbage."""
    participants = [p.email for p in world.with_role("participant")]
    new_email = st.from_regex(r"[a-z]{1,8}\.[a-z]{1,8}@example\.dk", fullmatch=True)
    email = weighted((2, new_email), (1, st.sampled_from(participants)), (1, values.bad))
    def good_or_bad(good: list[str]) -> st.SearchStrategy[str]:
        return weighted((3, st.sampled_from(good)), (1, values.bad))

    cell = {
        "email": email,
        "organisation": good_or_bad(["AUH", "Aalborg Kommune"]),
        "region": good_or_bad([r.value for r in Region]),
        "sector": good_or_bad([x.value for x in Sector]),
        "name": good_or_bad(["Ny Deltager", "Åse Ørnsø", "Patient 010190 1234"]),
        "language": good_or_bad(["da", "en"]),
    }
    header = st.one_of(
        st.just(["email", "organisation", "region", "sector", "name", "language"]),
        st.permutations(["email", "organisation", "region", "sector", "name"]),
        st.sampled_from([["email", "organisation", "region"], ["EMAIL", "Organisation", "region", "sector"],
                         ["email", "organisation", "region", "sector", "cpr"]]),
    )

    def rows(columns: list[str]) -> st.SearchStrategy[bytes]:
        row = st.tuples(*[cell.get(c.lower(), TEXT) for c in columns])
        return st.tuples(st.lists(row, max_size=4), st.sampled_from([",", ";", "\t"]), st.booleans()).map(
            lambda t: _csv_bytes(columns, t[0], t[1], t[2]))

    odd = st.sampled_from([b"", b"\n\n", "email,organisation,region,sector\næ,ø,å\n".encode("latin-1")])
    return weighted((4, header.flatmap(rows)), (1, st.binary(max_size=200)), (1, odd))


def _csv_bytes(columns: list[str], rows: list[tuple[str, ...]], delimiter: str, bom: bool) -> bytes:
    import csv

    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter)
    writer.writerow(columns)
    writer.writerows(rows)
    return ("\ufeff" if bom else "").encode() + text.getvalue().encode("utf-8", "surrogatepass")


# How often each command is drawn (default 3). The commands that take numbers and periods, which have the most
# rules, more often; slow or coarse ones less: `projections rebuild` rebuilds every view (over a second), an
# unfiltered `audit log` renders the whole history (seconds), and `demo`, `run` and `init` on a database that
# holds data do little: `demo` refuses, `init` finds everything sealed. `scheduler run`, `serve` and `run` (which
# serves the site after its overview) run until they are stopped, never: each has tests of its own
# (tests/notifications/test_scheduler.py, tests/web/test_serve.py, tests/cli/test_run.py).
EXCLUSIVE = {"project reassign": ("sponsor", "coach"), "project driver add": ("primary", "secondary", "change_idea"),
             "audit replay": ("at", "version")}
WEIGHTS = {"project measure record": 6, "project measure correct": 5, "project measure add": 5,
           "project measure update": 5, "spc analyse": 5, "project progress": 4, "audit log": 2,
           "projections rebuild": 1, "demo": 1, "run": 0, "init": 1, "scheduler run": 0, "serve": 0}


def invocations(values: Values, all_leaves: list[Leaf]) -> st.SearchStrategy[Invocation]:
    """One command line: a command, then which of its options and arguments it gives, then their values. The
    values are all valid, or exactly one is bad (the likeliest way to reach a rule with a bad value), or a share
    of them is."""
    world = values.world
    commands = [leaf for leaf in all_leaves for _ in range(WEIGHTS.get(leaf.name, 3))]

    @st.composite
    def invocation(draw: Callable[[st.SearchStrategy[Any]], Any]) -> Invocation:
        leaf = draw(st.sampled_from(commands))
        project = draw(values.project_for(leaf))
        measure = draw(st.sampled_from(project.measures or world.measures))
        mode = draw(st.sampled_from(["valid", "valid", "one bad", "one bad", "one bad", "some bad", "most bad"]))
        careless = mode in ("some bad", "most bad")  # then options go missing or stray ones come too
        needs_n = leaf.path[-1] in ("record", "correct") and measure.chart in ("p", "pp", "u", "up")

        # Which options (how many times) and arguments the command line gives.
        alone = tuple(draw(st.permutations(EXCLUSIVE[leaf.name]))) if leaf.name in EXCLUSIVE else ()
        given: list[tuple[click.Parameter, int]] = []
        for option in leaf.options:
            wanted = (95 if careless else 100) if option.required else 35
            if option.name in alone:  # exactly one of them: the first in the permutation
                wanted = 100 if option.name == alone[0] else (10 if careless else 0)
            if option.name == "under" and "primary" in alone:
                wanted = 0 if alone[0] == "primary" else 100
            if option.name == "n" and needs_n:
                wanted = 90 if careless else 100
            if draw(st.integers(0, 99)) < wanted:
                count = 1
                if option.multiple:
                    count = draw(st.integers(6, 11)) if option.name == "member" else draw(st.integers(1, 3))
                given.append((option, count))
        for argument in leaf.arguments:
            if (argument.required and not (careless and draw(st.integers(0, 19)) == 0)) or \
                    (not argument.required and draw(st.booleans())):
                given.append((argument, 1))

        # Which values are bad: the actor is place 0. One bad value falls thrice as often on a value with edges
        # of its own (numbers, dates, periods, texts) as on an id, a person or a choice.
        kinds = [None] + [param.name for param, count in given for _ in range(count)]
        places_ = len(kinds)
        bad_places = set()
        if mode == "one bad":
            edged = {name for names, _ in EDGES for name in names}
            bad_places = {draw(st.sampled_from([n for n, kind in enumerate(kinds)
                                                for _ in range(3 if kind in edged else 1)]))}
        elif careless:
            share = 25 if mode == "some bad" else 60
            bad_places = {n for n in range(places_) if draw(st.integers(0, 99)) < share}
        place = iter(range(places_))

        argv: list[str] = []
        actor = draw(values.actor(leaf, project, next(place) in bad_places))
        if actor is not None:
            argv += ["--as", actor] if draw(st.integers(0, 9)) else [f"--as={actor}"]
        if draw(st.integers(0, 99)) == 0:
            argv.append("--version")
        argv += list(leaf.path)

        options: list[list[str]] = []
        arguments: list[str] = []
        files: dict[str, bytes] = {}
        for param, count in given:
            if isinstance(param, click.Argument):
                arguments.append(draw(values.value(leaf, param, project, measure, next(place) in bad_places)))
                continue
            flag = param.opts[0]
            if param.is_flag:  # type: ignore[attr-defined]
                next(place)
                options.append([flag])
                continue
            if param.name == "csv_file":
                is_bad = next(place) in bad_places
                name = draw(st.sampled_from(["/dev/null", "/etc/passwd", ".", "nonexistent.csv", "a\x00.csv"] if is_bad
                                            else ["import.csv", "import.csv", "æ ø.csv"]))
                if not is_bad:
                    files[name] = draw(csv_content(world, values))
                    name = str(values.places.cwd / name) if draw(st.booleans()) else name
                options.append([flag, name])
                continue
            for _ in range(count):
                is_bad = next(place) in bad_places
                value = draw(values.value(leaf, param, project, measure, is_bad))
                if param.name == "under" and alone and not is_bad:  # a secondary under a primary, an idea under that
                    kind = "primary" if alone[0] == "secondary" else "secondary"
                    value = draw(st.sampled_from(project.nodes.get(kind) or [value]))
                options.append([f"{flag}={value}"] if draw(st.integers(0, 9)) == 0 else [flag, value])
        if careless and draw(st.integers(0, 39)) == 0:  # an option the command does not have, or a stray word
            options.append(draw(st.sampled_from([["--bogus"], ["--bogus", "x"], ["extra"], ["--as", "x@y.dk"]])))
        as_json = draw(st.integers(0, 2)) == 0
        if as_json:
            options.append(["--json"])
        options = draw(st.permutations(options))
        tail_ = [word for pair in options for word in pair]
        if any(a.startswith("-") for a in arguments):
            tail_ += ["--", *arguments]
        elif draw(st.booleans()):
            tail_ = arguments + tail_
        else:
            tail_ += arguments
        if draw(st.integers(0, 99)) == 0:
            tail_.append(draw(st.sampled_from(["--help", "-h"])))
        picks = tuple(draw(st.lists(st.integers(0, 99), min_size=2, max_size=3)))
        return Invocation(argv + tail_, leaf, as_json, files, picks)

    return invocation()


# -- after a successful change: read what was touched ------------------------------------------------------------


def probes(invocation: Invocation, run: Run, world: World) -> list[list[str]]:
    """Read commands over what a successful change touched, in text and as JSON: what was stored must show."""
    if run.code != 0 or invocation.leaf.path[-1] in ("show", "list", "log", "verify", "replay", "analyse", "chart",
                                                      "signoff", "catch-up", "rebuild", "init", "demo", "run"):
        return []
    known = {p.id: "project" for p in world.projects} | {m.id: "measure" for m in world.measures}
    known |= {c: "cycle" for p in world.projects for c, _ in p.cycles}
    known |= {s: "signoff" for p in world.projects for s, _ in p.signoffs}
    known |= {c: "cohort" for c in world.cohorts} | {p.id: "person" for p in world.people}
    own = invocation.leaf.arguments[0].name if invocation.leaf.arguments else None
    touched = {}
    for arg in invocation.argv:  # the record the command acts on, named by its argument
        ident = str(UUID(arg.strip())) if _is_uuid(arg) else None
        if ident in known and known[ident] == own:
            touched[ident] = own
    made = _created_id(run.out)
    if made:
        kind = {"project create": "project", "cohort create": "cohort", "person add": "person",
                "cycle plan": "cycle", "project measure add": "measure"}.get(invocation.leaf.name)
        kind = kind or ("signoff" if invocation.leaf.path[-1].startswith(("submit", "request")) else None)
        if kind:
            touched[made] = kind
    reads = {"project": [["project", "show"], ["audit", "log", "--project"], ["audit", "replay", "{}", "--at",
                                                                                 "2099-01-01"],
                         ["audit", "export", "{}", "--format", "html", "--out", "out/probe.html", "--force"]],
             "measure": [["spc", "show"], ["project", "measure", "show"],
                         ["spc", "chart", "{}", "--out", "out/probe.svg"]], "cycle": [["cycle", "show"]],
             "signoff": [["signoff", "show"], ["audit", "signoff"]], "cohort": [["cohort", "show"]],
             "person": [["person", "show"]]}
    commands = []
    for ident, kind in touched.items():
        for read in reads[kind]:
            words = [w.replace("{}", ident) for w in read]
            if "{}" not in read:
                words.append(ident)
            for as_json in (False, True):
                commands.append(["--as", DEMO_ADMINISTRATOR, *words] + (["--json"] if as_json else []))
    return [commands[i] for i in sorted({pick % len(commands) for pick in invocation.probe_picks})] if commands \
        else []


def _created_id(out: str) -> str | None:
    try:
        document = json.loads(out)
    except ValueError:
        match = re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", out)
        return match.group(0) if match else None
    if isinstance(document, dict) and isinstance(document.get("id"), str) and _is_uuid(document["id"]):
        return document["id"]
    return None
