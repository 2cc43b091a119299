"""The hash chain over the stored events, in notification order.

Each link hashes the previous link with the event exactly as stored: its position, aggregate id and version,
topic and state bytes. Changing, removing, inserting or reordering any stored event changes every later link.
The chain covers the stored bytes as they are, so it still verifies if a person's data is later encrypted and
erased by destroying their key.
"""

from __future__ import annotations

import hashlib
import struct
from uuid import UUID

GENESIS = bytes(32)
_FIXED, _TOPIC = struct.Struct(">Q"), struct.Struct(">I")  # 8- and 4-byte big-endian lengths and numbers


def next_link(previous: bytes, notification_id: int, originator_id: UUID | str, version: int, topic: str,
              state: bytes) -> bytes:
    identity = originator_id.bytes if isinstance(originator_id, UUID) else UUID(str(originator_id)).bytes
    topic_bytes = topic.encode()
    # One buffer, one hash call: verify runs this for every stored event.
    return hashlib.sha256(b"".join((
        previous, _FIXED.pack(notification_id), identity, _FIXED.pack(version), _TOPIC.pack(len(topic_bytes)),
        topic_bytes, _FIXED.pack(len(state)), state,
    ))).digest()
