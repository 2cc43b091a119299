"""The chain's links, byte by byte: every stored history was sealed with them, so they can never change."""

from __future__ import annotations

import hashlib
from uuid import UUID

from pdsa_engine.audit.chain import GENESIS, next_link

TOPIC = "pdsa_engine.aggregates.person:Person.Registered"


def test_a_link_hashes_the_previous_link_and_the_event_exactly_as_stored() -> None:
    aggregate, state = UUID(int=1), b'{"a":1}'
    expected = hashlib.sha256(
        GENESIS + (1).to_bytes(8, "big") + aggregate.bytes + (1).to_bytes(8, "big")
        + len(TOPIC).to_bytes(4, "big") + TOPIC.encode() + len(state).to_bytes(8, "big") + state).digest()
    first = next_link(GENESIS, 1, aggregate, 1, TOPIC, state)
    assert first == expected
    assert first.hex() == "ad0be090f9fd217b596a6381feed790a5557e6779fae6c03861fb344a323fefa"  # as stored since
    # The aggregate's id as the database gives it back, as text with or without dashes: the same link.
    assert next_link(first, 2, aggregate.hex, 2, "x", b"") == next_link(first, 2, str(aggregate), 2, "x", b"") \
        == next_link(first, 2, aggregate, 2, "x", b"")
