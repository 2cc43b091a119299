from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from pdsa_engine.errors import InvalidInput, PdsaError


def assert_refused(
    aggregate: Any, command: Callable[[], Any], error: type[PdsaError], match: str, *, exactly: bool = False
) -> None:
    """Then the command is refused with that error, and the aggregate records nothing and stays as it was.

    Bad input is refused naming its field, so for InvalidInput ``match`` begins with the field: "date: must lie".
    With ``exactly``, ``match`` is not a pattern but the whole message the person refused reads."""
    before_events, before_version = len(aggregate.pending_events), aggregate.version
    before_state = {k: v for k, v in vars(aggregate).items() if k != "_pending_events"}
    if exactly:
        refused = assert_raises_exactly(command, error, match)
    else:
        with pytest.raises(error, match=match) as raised:
            command()
        refused = raised.value
    if issubclass(error, InvalidInput):
        named = re.match(r"(\w+): ", match)
        assert named, f"say which field the refusal names: {match!r} should begin with 'field: '"
        assert refused.field == named.group(1)
    assert len(aggregate.pending_events) == before_events
    assert aggregate.version == before_version
    assert {k: v for k, v in vars(aggregate).items() if k != "_pending_events"} == before_state


def assert_raises_exactly(command: Callable[[], Any], error: type[PdsaError], message: str) -> PdsaError:
    """Then the command raises that error with exactly that message (for InvalidInput: "field: rule")."""
    with pytest.raises(error) as raised:
        command()
    assert type(raised.value) is error
    assert str(raised.value) == message, f"the message is {str(raised.value)!r}, not {message!r}"
    assert raised.value.message == message
    return raised.value
