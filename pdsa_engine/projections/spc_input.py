"""The input of an SPC analysis checked, each refusal naming its field, before anything is computed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from pdsa_engine.errors import InvalidInput
from pdsa_engine.projections.chart_names import CHARTS

WITH_DENOMINATOR = ("p", "pp", "u", "up")
RULES = ("anhoej", "mdc")


def check_input(
    chart: str, values: Any, n: Any, freeze: int | None, parts: Sequence[int], exclude: Sequence[int], rules: str,
    direction: str | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Values and denominators as arrays of floats (denominators all 1 for charts without them)."""
    if chart not in CHARTS:
        raise InvalidInput("chart", f"must be one of {', '.join(CHARTS)}, not {chart!r}")
    numerators = np.asarray(values, dtype=float)
    if numerators.ndim != 1 or len(numerators) == 0:
        raise InvalidInput("values", "give at least one value")
    if not np.isfinite(numerators).all():
        raise InvalidInput("values", "every value must be a finite number")
    count = len(numerators)
    if chart in WITH_DENOMINATOR:
        if n is None:
            raise InvalidInput("n", f"a {chart} chart needs a denominator for every value")
        denominators = np.asarray(n, dtype=float)
        if denominators.shape != numerators.shape:
            raise InvalidInput("n", f"give as many denominators as values ({count}), not {len(denominators)}")
        if not (np.isfinite(denominators).all() and (denominators > 0).all()):
            raise InvalidInput("n", "every denominator must be a number greater than 0")
        if chart in ("p", "pp") and ((numerators < 0) | (numerators > denominators)).any():
            raise InvalidInput("values", "a proportion's numerator lies between 0 and its denominator")
    else:
        denominators = np.ones(count)
    if chart in ("c", "u", "up", "g") and (numerators < 0).any():  # p and p′ were checked with their denominators
        raise InvalidInput("values", f"a {chart} chart counts, so no value can be negative")
    if chart == "t" and (numerators <= 0).any():
        raise InvalidInput("values", "a t chart measures time between events: every value must be greater than 0")
    if list(parts) != sorted(set(parts)) or any(not 1 <= p < count for p in parts):
        raise InvalidInput("part", f"list the last index of each part but the last, rising, between 1 and {count - 1}")
    if freeze is not None and not 1 <= freeze <= (parts[0] if parts else count):
        raise InvalidInput("freeze", f"the baseline is the first 1 to {parts[0] if parts else count} points"
                           + (" (within the first part)" if parts else ""))
    if any(not 1 <= i <= count for i in exclude):
        raise InvalidInput("exclude", f"indices run from 1 to {count}")
    if rules not in RULES:
        raise InvalidInput("rules", "must be anhoej or mdc")
    if direction not in (None, "up", "down"):
        raise InvalidInput("direction", "must be up or down")
    return numerators, denominators
