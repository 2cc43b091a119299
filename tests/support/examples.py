"""How many examples a property test tries.

`make test` tries the full count. `make mutation` runs the fast layers once for every mutant, so it sets
PDSA_EXAMPLES_SHARE to try a share of them (never fewer than a handful): a mutant that only many examples find
counts as surviving there, which keeps the score honest rather than flattering.
"""

from __future__ import annotations

import os

_FEWEST = 5


def examples(count: int) -> int:
    share = float(os.environ.get("PDSA_EXAMPLES_SHARE", "1"))
    return max(_FEWEST, round(count * share)) if share < 1 else count
