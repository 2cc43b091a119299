"""The mutation score of `make mutation`, per package, against its goals.

Reads mutmut's results, writes `var/mutation/score.json` ({package: {killed, survived, timeout, score}}) and
`var/mutation/survivors.txt` (every surviving mutant with its diff), prints a table, and exits 1 when a goal is
missed or a surviving mutant is neither killed nor explained as equivalent in tests/MUTATION.md.

A timeout counts as detected: the mutant made the tests run far longer than they do, which a real run would not
let pass. A mutant no test reaches counts as surviving.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

GOALS = {"aggregates": 0.90, "commands": 0.90, "spc": 0.90, "application": 0.85, "audit": 0.85}
OUTCOMES = {"killed": "killed", "caught by type check": "killed", "segfault": "killed", "timeout": "timeout",
            "survived": "survived", "no tests": "survived", "suspicious": "survived"}
EXPLAINED = re.compile(r"`(pdsa_engine\.[\w.ǁ]+__mutmut_\d+)`")


def package_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[1] in ("aggregates", "commands", "audit"):
        return parts[1]
    if parts[1].startswith("application"):
        return "application"
    if parts[1] == "projections" and parts[2].startswith("spc"):
        return "spc"
    return None


def module_of(mutant: str) -> str:
    parts = mutant.split(".")
    return ".".join(part for part in parts if not part.startswith(("x_", "xǁ")) and "__mutmut_" not in part)


def results(mutmut: list[str]) -> dict[str, str]:
    listed = subprocess.run([*mutmut, "results", "--all", "true"], capture_output=True, text=True, check=True)
    outcomes = {}
    for line in listed.stdout.splitlines():
        name, _, status = line.strip().rpartition(": ")
        if "__mutmut_" in name:
            outcomes[name] = status
    return outcomes


def main() -> int:
    mutmut = [sys.executable, "-m", "mutmut"]
    outcomes = results(mutmut)
    if not outcomes:
        print("mutmut has no results: run `make mutation`")
        return 1
    unchecked = {name for name, status in outcomes.items() if status not in OUTCOMES}
    counts: dict[str, Counter[str]] = {package: Counter() for package in GOALS}
    survivors: list[str] = []
    for name, status in sorted(outcomes.items()):
        package = package_of(module_of(name))
        if package is None:
            continue
        counts[package][OUTCOMES[status] if name not in unchecked else "unchecked"] += 1
        if name in unchecked:
            continue
        if OUTCOMES[status] == "survived":
            survivors.append(name)

    explained = set(EXPLAINED.findall(Path("tests/MUTATION.md").read_text(encoding="utf-8")))
    score: dict[str, dict[str, object]] = {}
    for package, count in counts.items():
        detected = count["killed"] + count["timeout"]
        total = detected + count["survived"]
        score[package] = {"killed": count["killed"], "survived": count["survived"], "timeout": count["timeout"],
                          "score": round(detected / total, 4) if total else None}
        if count["unchecked"]:
            score[package]["unchecked"] = count["unchecked"]

    out = Path("var/mutation")
    out.mkdir(parents=True, exist_ok=True)
    (out / "score.json").write_text(json.dumps(score, indent=2) + "\n", encoding="utf-8")
    with (out / "survivors.txt").open("w", encoding="utf-8") as listing:
        for name in survivors:
            shown = subprocess.run([*mutmut, "show", name], capture_output=True, text=True)
            note = "equivalent (tests/MUTATION.md)" if name in explained else "NOT EXPLAINED"
            listing.write(f"## {name}: {note}\n{shown.stdout}\n")

    print(f"{'package':<12} {'killed':>7} {'timeout':>8} {'survived':>9} {'score':>7} {'goal':>6}")
    missed = []
    for package, figures in score.items():
        goal = GOALS[package]
        shown = "-" if figures["score"] is None else f"{figures['score']:.1%}"
        print(f"{package:<12} {figures['killed']:>7} {figures['timeout']:>8} {figures['survived']:>9} "
              f"{shown:>7} {goal:>6.0%}")
        if figures["score"] is not None and figures["score"] < goal:
            missed.append(package)
    unexplained = [name for name in survivors if name not in explained]
    print(f"\n{len(survivors)} surviving mutants, {len(unexplained)} not explained: var/mutation/survivors.txt")
    print("Score: var/mutation/score.json")
    if missed:
        print(f"Below the goal: {', '.join(missed)}")
    if unchecked:
        print(f"INCOMPLETE: {len(unchecked)} of {len(outcomes)} mutants not checked yet (the run "
              "was stopped); these figures cover the checked ones only — run `make mutation` again to go on")
    return 1 if missed or unexplained or unchecked else 0


if __name__ == "__main__":
    raise SystemExit(main())
