"""SPC analysis time for 100, 10,000 and 1,000,000 points (best of several runs)."""

from __future__ import annotations

import time

import numpy as np

from bench import figures
from pdsa_engine.projections.spc import analyse


def report() -> None:
    print("\nSPC analysis (best of 5; Anhøj rules):")
    rng = np.random.default_rng(2026)
    for size in (100, 10_000, 1_000_000):
        counts = rng.poisson(40, size).astype(float)
        denominators = counts + rng.integers(10, 60, size)
        cells = []
        for chart in ("run", "i", "p", "up"):
            n = denominators if chart in ("p", "up") else None
            times = []
            for _ in range(5 if size < 1_000_000 else 2):
                started = time.perf_counter()
                analyse(chart, counts, n, direction="up")
                times.append(time.perf_counter() - started)
            cells.append(f"{chart} {figures.record(f'spc.{chart}.points_{size}_ms', min(times) * 1000):8.2f} ms")
        goal = "   (goal for 10,000 points: < 5 ms)" if size == 10_000 else ""
        print(f"  {size:>9,} points: " + "   ".join(cells) + goal)
