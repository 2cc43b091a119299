"""CLI start-up: whole `pdsa` processes timed next to the bare interpreter (`python -c pass`), in the same run.

Every call of `pdsa` is a new process, so what it imports before doing anything is paid on every command.
Each command runs REPEATS times, interleaved with the others so that a burst of load on the shared machine
spreads over all of them; best and median are printed, of the wall-clock time and of the CPU time the process
used (user + system: on a shared machine it grows less than the wall-clock time while others run). The read and
write commands run against a temporary SQLite database holding the demo, loaded once with `pdsa demo` (not
timed).

Two ways of running: with the bytecode cached, as an installed `pdsa` runs once Python has written its .pyc files
(here into a temporary PYTHONPYCACHEPREFIX), and with PYTHONDONTWRITEBYTECODE=1 and no cache of the project's own
modules, where every call compiles the modules it imports again (installed libraries keep their .pyc files).
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import count
from pathlib import Path
from typing import Any

import pdsa_engine
from bench import figures as bench_figures
from pdsa_engine.demo import DEMO_ADMINISTRATOR

REPEATS = 7
HELP_GOAL = 0.3  # --help: at most this many seconds more than the bare interpreter
READ_GOAL = 0.6  # a read command (project show): at most this many seconds in all
PDSA = str(Path(sys.executable).with_name("pdsa"))
MODES = ("cached", "compiled")
TITLES = {"cached": "bytecode cached (an installed pdsa, once Python has written its .pyc files)",
          "compiled": "PYTHONDONTWRITEBYTECODE=1: the project's modules compiled on every call"}


def _environment(work: Path) -> dict[str, str]:
    return {**os.environ, "PDSA_DATABASE_URL": f"sqlite:///{work / 'pdsa.sqlite'}",
            "PDSA_AUDIT_KEY": str(work / "audit-ed25519.pem"), "PDSA_ACTOR": ""}


def _bytecode(env: dict[str, str], mode: str, work: Path) -> dict[str, str]:
    env = {name: value for name, value in env.items() if name not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}
    if mode == "cached":
        return {**env, "PYTHONPYCACHEPREFIX": str(work / "pycache")}
    return {**env, "PYTHONDONTWRITEBYTECODE": "1"}


def _project_bytecode_on_disk() -> bool:
    """Whether the project's own modules have .pyc files beside them (then "compiled" reads them after all)."""
    source = Path(pdsa_engine.__file__)
    return (source.parent / "__pycache__" / f"{source.stem}.{sys.implementation.cache_tag}.pyc").exists()


def _pdsa_json(env: dict[str, str], cwd: Path, *args: str) -> Any:
    done = subprocess.run([PDSA, *args, "--json"], env=env, cwd=cwd, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def demo_database(work: Path) -> tuple[dict[str, str], str, str]:
    """A temporary SQLite database with the demo: its environment, a participant's e-mail and their project."""
    env = _environment(work)
    subprocess.run([PDSA, "demo"], env=env, cwd=work, capture_output=True, check=True)
    admin = ("--as", DEMO_ADMINISTRATOR)
    cohort = _pdsa_json(env, work, *admin, "cohort", "list")[0]["id"]
    project = _pdsa_json(env, work, *admin, "cohort", "show", cohort)["projects"][0]
    email = _pdsa_json(env, work, *admin, "person", "show", project["participant"]["id"])["email"]
    return env, email, project["id"]


def _timed(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """The wall-clock and CPU seconds of one process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {done.returncode}: {done.stderr.decode()[-500:]}")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def report(repeats: int = REPEATS) -> None:
    print(f"\nCLI start-up (whole processes, best and median of {repeats}, interleaved; seconds)")
    work = Path(tempfile.mkdtemp(prefix="pdsa-bench-startup-"))
    env, participant, project = demo_database(work)
    serial = count()
    commands: dict[str, Any] = {
        "python -c pass": lambda: [sys.executable, "-c", "pass"],
        "pdsa --help": lambda: [PDSA, "--help"],
        "pdsa project show --help": lambda: [PDSA, "project", "show", "--help"],
        "pdsa project show (read)": lambda: [PDSA, "--as", participant, "project", "show", project],
        "pdsa spc analyse (no database)": lambda: [PDSA, "spc", "analyse", "--chart", "i", "--values", "1,2,3,4,5"],
        "pdsa person add (write)": lambda: [PDSA, "--as", DEMO_ADMINISTRATOR, "person", "add", "--name", "Bench Person",
                                            "--email", f"bench.{next(serial)}@example.dk", "--role", "coach"],
    }
    envs = {mode: _bytecode(env, mode, work) for mode in MODES}
    times: dict[str, dict[str, list[tuple[float, float]]]] = {mode: {label: [] for label in commands} for mode in MODES}
    for mode in MODES:  # one untimed round: the .pyc files are written, and every file is in the page cache
        for argv in commands.values():
            _timed(argv(), envs[mode], work)
    for _ in range(repeats):
        for label, argv in commands.items():
            for mode in MODES:
                times[mode][label].append(_timed(argv(), envs[mode], work))
    figures: dict[str, Any] = {"repeats": repeats, "project_bytecode_on_disk": _project_bytecode_on_disk(),
                               "goals": {}}
    for mode in MODES:
        print(f"  {TITLES[mode]}:")
        print(f"    {'command':<32}{'wall best':>10}{'median':>8}{'- bare':>8}{'CPU best':>10}{'median':>8}")
        bare = statistics.median(wall for wall, _ in times[mode]["python -c pass"])
        for label in commands:
            wall = [w for w, _ in times[mode][label]]
            cpu = [c for _, c in times[mode][label]]
            median = statistics.median(wall)
            found = {"best": min(wall), "median": median, "over_bare_median": median - bare,
                     "cpu_best": min(cpu), "cpu_median": statistics.median(cpu)}
            figures.setdefault(mode, {})[label] = {name: round(value, 4) for name, value in found.items()}
            print(f"    {label:<32}{found['best']:10.3f}{found['median']:8.3f}{found['over_bare_median']:+8.3f}"
                  f"{found['cpu_best']:10.3f}{found['cpu_median']:8.3f}")
        help_over = figures[mode]["pdsa --help"]["over_bare_median"]
        read = figures[mode]["pdsa project show (read)"]["median"]
        figures["goals"][mode] = {
            "help_over_bare": {"goal": HELP_GOAL, "measured": help_over, "met": help_over <= HELP_GOAL},
            "read_command": {"goal": READ_GOAL, "measured": read, "met": read <= READ_GOAL},
        }
        print(f"    goals (wall-clock medians): --help within {HELP_GOAL} s of the bare interpreter: "
              f"{help_over:.3f} s, {_verdict(help_over, HELP_GOAL)}; project show within {READ_GOAL} s: "
              f"{read:.3f} s, {_verdict(read, READ_GOAL)}")
    if figures["project_bytecode_on_disk"]:
        print("  (the project's .pyc files exist beside its sources: \"compiled\" read them too)")
    for mode in MODES:
        for label, found in figures[mode].items():
            for name, value in found.items():
                bench_figures.record(f"startup.{mode}.{_slug(label)}.{name}_s", value)


def _slug(label: str) -> str:
    """"pdsa project show (read)" → "pdsa_project_show_read"."""
    return "_".join("".join(c if c.isalnum() else " " for c in label).split())


def _verdict(measured: float, goal: float) -> str:
    return "met" if measured <= goal else "NOT met"


if __name__ == "__main__":
    report()
