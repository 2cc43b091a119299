"""The hash chain over the stored events, in notification order.

Each link hashes the previous link with the event exactly as stored: its position, aggregate id and version,
topic and state bytes. Changing, removing, inserting or reordering any stored event changes every later link.
The chain covers the stored bytes as they are, so it still verifies if a person's data is later encrypted and
erased by destroying their key.
"""

from __future__ import annotations

import hashlib
from uuid import UUID

GENESIS = bytes(32)


def next_link(previous: bytes, notification_id: int, originator_id: UUID | str, version: int, topic: str,
              state: bytes) -> bytes:
    identity = originator_id.bytes if isinstance(originator_id, UUID) else UUID(str(originator_id)).bytes
    topic_bytes = topic.encode()
    digest = hashlib.sha256(previous)
    digest.update(notification_id.to_bytes(8, "big"))
    digest.update(identity)
    digest.update(version.to_bytes(8, "big"))
    digest.update(len(topic_bytes).to_bytes(4, "big"))
    digest.update(topic_bytes)
    digest.update(len(state).to_bytes(8, "big"))
    digest.update(state)
    return digest.digest()
