from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from pdsa_engine.errors import InvalidInput, PdsaError


def assert_refused(aggregate: Any, command: Callable[[], Any], error: type[PdsaError], match: str) -> None:
    """Then the command is refused with that error, and the aggregate records nothing and stays as it was.

    Bad input is refused naming its field, so for InvalidInput ``match`` begins with the field: "date: must lie"."""
    before_events, before_version = len(aggregate.pending_events), aggregate.version
    before_state = {k: v for k, v in vars(aggregate).items() if k != "_pending_events"}
    with pytest.raises(error, match=match) as refused:
        command()
    if issubclass(error, InvalidInput):
        named = re.match(r"(\w+): ", match)
        assert named, f"say which field the refusal names: {match!r} should begin with 'field: '"
        assert refused.value.field == named.group(1)
    assert len(aggregate.pending_events) == before_events
    assert aggregate.version == before_version
    assert {k: v for k, v in vars(aggregate).items() if k != "_pending_events"} == before_state
