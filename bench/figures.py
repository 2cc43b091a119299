"""Every figure `make bench` prints, by name, for var/bench/latest.json: a flat object of name → number.

Names are dotted paths, e.g. "projections.sqlite.audit.rebuild_share" or "replay.postgres.events_10000_ms"; shares
are fractions (0.25 is 25%), times are in the unit their name ends with. A section records what it measured as it
prints it, so the file never holds a figure the run did not print.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

RESULTS = Path("var") / "bench" / "latest.json"
MACHINE = Path("var") / "bench" / "machine.txt"  # latest.json holds numbers only

_recorded: dict[str, float] = {}


def record(name: str, value: float) -> float:
    """Keeps a figure of this run (rounded to what its measurement can tell) and gives it back."""
    if not math.isfinite(value):
        raise ValueError(f"{name}: {value} is not a figure")
    _recorded[name] = round(value, 6)
    return value


def recorded() -> dict[str, float]:
    return dict(_recorded)


def write(machine: str) -> None:
    """Merges this run's figures into var/bench/latest.json: a section run alone replaces only its own figures."""
    if not _recorded:
        return
    try:
        earlier = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    except json.JSONDecodeError:
        earlier = {}
    kept = {name: value for name, value in earlier.items() if isinstance(value, (int, float))}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({**kept, **_recorded}, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    MACHINE.write_text(machine + "\n", encoding="utf-8")
    print(f"\n{len(_recorded)} figures written to {RESULTS} (the machine to {MACHINE})")
