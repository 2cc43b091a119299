"""`make planted`: bugs planted by hand, each of which the fast layers of the suite must catch.

Every patch in tests/planted/ (a `git diff` with a one-line description above it) is applied, one at a time, to
a throwaway copy of the working tree — the tracked files and any new ones not ignored, as they are now — and the
fast layers run there: unit, property and SPC tests, the permission matrix and the audit's tamper, snapshot and
history tests, on SQLite, stopping at the first failure. The same interpreter runs them, with the copy first on
the import path, and the runner checks that the copy's pdsa_engine is the one imported (the project is installed
editable, so a careless run would test the real tree instead). The property tests' examples are fixed
(PDSA_EXAMPLES_SHARE=1 loads the fixed profile of tests/conftest.py), so two runs agree.

A bug is caught when pytest fails a test (exit code 1) and that first failing test passes on the same copy with
the patch taken out again; missed when the suite passes; broken otherwise (the patch does not apply, tests cannot
be collected, the test fails without the bug too, the run times out). Prints a line per bug as it goes and a
table at the end; each run's output is kept in var/planted/<bug>.log. Exits 1 when a bug is missed or broken.

    python -m tests.support.planted_bugs [BUG ...]   # all patches, or those whose names begin so
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parents[2]
PLANTED = ROOT / "tests" / "planted"
LOGS = ROOT / "var" / "planted"
FAST_LAYERS = (
    "tests/unit", "tests/property", "tests/spc", "tests/cli/test_permission_matrix.py",
    "tests/integration/test_tamper.py", "tests/integration/test_audit_snapshots.py",
    "tests/integration/test_audit_history.py",
)
PYTEST_OPTIONS = ("-x", "-q", "-p", "no:cacheprovider", "-m", "not postgres")
TIMEOUT = float(os.environ.get("PLANTED_TIMEOUT", "1800"))  # seconds for one bug's run of the fast layers
_FAILED = re.compile(r"^(?:FAILED|ERROR) (.+?)(?: - .*)?$", re.MULTILINE)


@dataclass(frozen=True)
class Bug:
    name: str
    description: str
    patch: Path


@dataclass(frozen=True)
class Outcome:
    verdict: str  # caught, MISSED, broken
    seconds: float
    test: str | None = None  # the first failing test's node id
    detail: str | None = None  # why a run is broken


def planted_bugs(selected: Sequence[str] = ()) -> list[Bug]:
    bugs = []
    for patch in sorted(PLANTED.glob("*.patch")):
        first = patch.read_text(encoding="utf-8").split("\n", 1)[0].strip()
        description = "" if first.startswith("diff --git") else first
        bugs.append(Bug(patch.stem, description, patch))
    if selected:
        bugs = [bug for bug in bugs if any(bug.name.startswith(prefix) for prefix in selected)]
    return bugs


def working_tree_files() -> list[str]:
    """The working tree as git sees it: tracked files as they are now, and new files not ignored."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True,
    )
    names = sorted({name for name in listed.stdout.decode().split("\0") if name})
    return [name for name in names if os.path.lexists(ROOT / name)]  # deleted but not yet staged: left out


@contextmanager
def throwaway_copy(files: Sequence[str]) -> Iterator[Path]:
    """A copy of the given files in a new temporary folder, removed afterwards whatever happens."""
    place = Path(tempfile.mkdtemp(prefix="pdsa-planted-"))
    try:
        for name in files:
            target = place / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target, follow_symlinks=False)
        yield place
    finally:
        shutil.rmtree(place, ignore_errors=True)


def environment(copy: Path) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("GIT_")}
    env["PYTHONPATH"] = os.pathsep.join([str(copy), *filter(None, [os.environ.get("PYTHONPATH")])])
    env["PDSA_EXAMPLES_SHARE"] = "1"  # every example, and the same ones on every run
    env["GIT_CEILING_DIRECTORIES"] = str(copy.parent)  # `git apply` in the copy never finds a repository above it
    return env


def imported_from(copy: Path) -> Path:
    """Where pdsa_engine and the tests are imported from when pytest runs in the copy; refuses any other place."""
    shown = subprocess.run(
        [sys.executable, "-c", "import pdsa_engine, tests; print(pdsa_engine.__file__); print(tests.__file__)"],
        cwd=copy, env=environment(copy), capture_output=True, text=True,
    )
    places = [Path(line).resolve() for line in shown.stdout.splitlines()]
    if shown.returncode != 0 or len(places) != 2 or not all(p.is_relative_to(copy.resolve()) for p in places):
        raise RuntimeError(f"the copy's code is not what gets imported: {shown.stdout.strip()} {shown.stderr.strip()}")
    return places[0]


def run(command: Sequence[str], copy: Path, timeout: float | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=copy, env=environment(copy), capture_output=True, text=True, timeout=timeout)


def try_bug(bug: Bug, files: Sequence[str], announce_import: bool) -> tuple[Outcome, str]:
    """Plants one bug in a fresh copy and runs the fast layers there: the outcome and pytest's output."""
    started = time.monotonic()

    def since() -> float:
        return time.monotonic() - started

    with throwaway_copy(files) as copy:
        applied = run(["git", "apply", str(bug.patch)], copy)
        if applied.returncode != 0:
            return Outcome("broken", since(), detail="the patch does not apply"), applied.stderr
        try:
            module = imported_from(copy)
        except RuntimeError as wrong:
            return Outcome("broken", since(), detail=str(wrong)), ""
        if announce_import:
            print(f"       (pytest runs in a throwaway copy and imports {module})", flush=True)
        try:
            tested = run([sys.executable, "-m", "pytest", *FAST_LAYERS, *PYTEST_OPTIONS], copy, TIMEOUT)
        except subprocess.TimeoutExpired:
            return Outcome("broken", since(), detail=f"timed out after {TIMEOUT:.0f} s"), ""
        output = tested.stdout + tested.stderr
        if tested.returncode == 0:
            return Outcome("MISSED", since()), output
        failed = _FAILED.search(tested.stdout)
        if tested.returncode != 1 or failed is None:
            return Outcome("broken", since(), detail=f"pytest exit code {tested.returncode}"), output
        test = failed.group(1)
        # The failure must be the bug's: the same test passes on the same copy once the patch is taken out.
        unplanted = run(["git", "apply", "-R", str(bug.patch)], copy)
        if unplanted.returncode != 0:
            return Outcome("broken", since(), test, "the patch does not come out again"), output
        again = run([sys.executable, "-m", "pytest", test, *PYTEST_OPTIONS], copy, TIMEOUT)
        if again.returncode != 0:
            output += f"\n--- {test} without the bug ---\n{again.stdout}{again.stderr}"
            return Outcome("broken", since(), test, "the test fails without the bug too"), output
        return Outcome("caught", since(), test), output


def _interrupted(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # unwinds like Ctrl-C: the running pytest is killed and the copy removed


def main(argv: Sequence[str]) -> int:
    signal.signal(signal.SIGTERM, _interrupted)
    signal.signal(signal.SIGHUP, _interrupted)
    bugs = planted_bugs(argv)
    if not bugs:
        print(f"no planted bugs in {PLANTED.relative_to(ROOT)}" + (f" named {' '.join(argv)}" if argv else ""))
        return 1
    files = working_tree_files()
    LOGS.mkdir(parents=True, exist_ok=True)
    width = max(len(bug.name) for bug in bugs)
    print(f"{len(bugs)} planted bugs, one at a time: pytest {shlex.join((*FAST_LAYERS, *PYTEST_OPTIONS))}")
    outcomes: list[tuple[Bug, Outcome]] = []
    began = time.monotonic()
    try:
        for number, bug in enumerate(bugs, start=1):
            print(f"[{number:>2}/{len(bugs)}] {bug.name}: {bug.description}", flush=True)
            outcome, output = try_bug(bug, files, announce_import=number == 1)
            (LOGS / f"{bug.name}.log").write_text(output, encoding="utf-8")
            outcomes.append((bug, outcome))
            print(f"       {line(bug, outcome, width)}", flush=True)
    except KeyboardInterrupt:
        print("\ninterrupted: the throwaway copy is removed", file=sys.stderr)
        return 130
    print(f"\n{'bug':<{width}}  {'result':<7} {'seconds':>7}  first failing test")
    for bug, outcome in outcomes:
        print(line(bug, outcome, width))
    failing = [bug.name for bug, outcome in outcomes if outcome.verdict != "caught"]
    caught = len(outcomes) - len(failing)
    print(f"\n{caught} of {len(outcomes)} caught in {time.monotonic() - began:.0f} s; "
          f"each run's output: {LOGS.relative_to(ROOT)}/")
    if failing:
        print(f"not caught: {', '.join(failing)}")
    return 1 if failing else 0


def line(bug: Bug, outcome: Outcome, width: int) -> str:
    shown = outcome.test or "-"
    if outcome.detail:
        shown = f"{shown}  ({outcome.detail})"
    return f"{bug.name:<{width}}  {outcome.verdict:<7} {outcome.seconds:>7.1f}  {shown}"


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
