"""Verifying the stored history, and signed checkpoints of it.

The chain is recomputed from the stored events, in notification order, and compared with the links and seals
stored beside them: a changed event, a deleted one, one inserted or appended behind the application's back, or
two swapped, each breaks it at the first position affected. Seals are checked with the private key, where it
is. A consistently truncated history (events and links deleted from the end) leaves no broken link: a
checkpoint — the chain's head at a position, signed with the key and kept outside the database — exposes it,
and any rewrite up to its position, and needs only the public key to check. Sealed snapshots (snapshots.py) are
checked too: one whose seal does not hold breaks the verification, though it is never used.
"""

from __future__ import annotations

import base64
import hmac
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from pdsa_engine.audit.chain import GENESIS, next_link
from pdsa_engine.audit.keys import AuditKey, fingerprint, signature_holds
from pdsa_engine.audit.snapshots import SealedSnapshots, SnapshotProblem

FORMAT = "pdsa-audit-checkpoint/1"
BATCH = 10_000


@dataclass(frozen=True)
class Checkpoint:
    position: int
    head: bytes
    made_at: str
    key_fingerprint: str
    signature: bytes
    path: Path | None = None

    @property
    def message(self) -> bytes:
        return f"{FORMAT}\n{self.position}\n{self.head.hex()}\n{self.made_at}\n{self.key_fingerprint}".encode()

    def as_json(self) -> dict[str, Any]:
        return {"format": FORMAT, "position": self.position, "head": self.head.hex(), "made_at": self.made_at,
                "key_fingerprint": self.key_fingerprint, "signature": base64.b64encode(self.signature).decode()}


@dataclass
class Verification:
    events: int = 0
    head: bytes = GENESIS
    position: int = 0
    first_break: tuple[int, str] | None = None
    seals_checked: bool = False
    checkpoints: list[tuple[Checkpoint, str | None]] = field(default_factory=list)  # (checkpoint, problem)
    snapshots: int = 0
    snapshot_problems: list[SnapshotProblem] = field(default_factory=list)

    @property
    def holds(self) -> bool:
        return (self.first_break is None and all(problem is None for _, problem in self.checkpoints)
                and not self.snapshot_problems)

    def broken(self, position: int, problem: str) -> None:
        if self.first_break is None or position < self.first_break[0]:
            self.first_break = (position, problem)


def verify(recorder: Any, key: AuditKey | None, checkpoints: Sequence[Checkpoint],
           public: Ed25519PublicKey | None, snapshots: SealedSnapshots | None = None) -> Verification:
    result = Verification(seals_checked=key is not None)
    if snapshots is not None and key is not None:  # without the key a snapshot is never used, so never trusted
        result.snapshots = snapshots.count()
        result.snapshot_problems = list(snapshots.problems())
    heads = {c.position: c for c in checkpoints}
    links_at: dict[int, bytes] = {}
    link, chain, seen = GENESIS, _chain_rows(recorder), 0
    row = next(chain, None)
    for event in _events(recorder):
        position = event.id
        while row is not None and row[0] < position:  # sealed, but no such event any more
            result.broken(row[0], "a sealed event is missing: it was deleted")
            row = next(chain, None)
        link = next_link(link, position, event.originator_id, event.originator_version, event.topic, event.state)
        if row is None or row[0] != position:
            result.broken(position, "the event is not sealed: it was inserted or appended outside the application")
        else:
            _, previous, stored_link, seal = row
            if previous > seen:  # the sealed history had an event here that is gone, with its seal
                result.broken(previous, "a sealed event is missing: it was deleted")
            elif key is not None and not hmac.compare_digest(seal, key.seal(position, previous, stored_link)):
                result.broken(position, "the seal is not the key's: the event and its seal were forged")
            elif stored_link != link:
                result.broken(position, "the event differs from what was sealed: it was changed, or moved")
            row = next(chain, None)
        if position in heads:
            links_at[position] = link
        seen = position
        result.events += 1
        result.position, result.head = position, link
    while row is not None:
        result.broken(row[0], "a sealed event is missing: the end of the history was deleted")
        row = next(chain, None)
    for checkpoint in checkpoints:
        problem = _check(checkpoint, links_at, result.position, public)
        result.checkpoints.append((checkpoint, problem))
        if problem and checkpoint.position > result.position:
            result.broken(result.position + 1, problem)  # the first position the history no longer has
        elif problem and checkpoint.position in links_at:
            # Without the seals, a rewrite that kept its links consistent is only known to lie at or before
            # the checkpoint's position.
            result.broken(checkpoint.position, problem + " (rewritten at or before it)")
    return result


def _check(checkpoint: Checkpoint, links_at: dict[int, bytes], last: int,
           public: Ed25519PublicKey | None) -> str | None:
    if public is None:
        return "no public key to check the checkpoint's signature with"
    if checkpoint.key_fingerprint != fingerprint(public) or not signature_holds(
            public, checkpoint.signature, checkpoint.message):
        return "the checkpoint's signature does not hold for this key"
    if checkpoint.position > last:
        return (f"the history ends at position {last}, but the checkpoint covers it up to {checkpoint.position}: "
                "events were deleted from the end")
    if links_at.get(checkpoint.position) != checkpoint.head:
        return f"the history up to position {checkpoint.position} is not the one the checkpoint signed"
    return None


def make_checkpoint(key: AuditKey, verification: Verification, now: datetime) -> Checkpoint:
    unsigned = Checkpoint(verification.position, verification.head, now.isoformat(), key.fingerprint, b"")
    return replace(unsigned, signature=key.sign(unsigned.message))


def write_checkpoint(checkpoint: Checkpoint, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(checkpoint.as_json(), indent=2) + "\n")
    return path


def read_checkpoint(path: Path) -> Checkpoint:
    data = json.loads(path.read_text())
    if data.get("format") != FORMAT:
        raise ValueError(f"{path} is not a pdsa audit checkpoint")
    return Checkpoint(int(data["position"]), bytes.fromhex(data["head"]), data["made_at"], data["key_fingerprint"],
                      base64.b64decode(data["signature"]), path)


def _events(recorder: Any) -> Iterator[Any]:
    start = 1
    while batch := recorder.select_notifications(start, BATCH):
        yield from batch
        start = batch[-1].id + 1


def _chain_rows(recorder: Any) -> Iterator[tuple[int, bytes, bytes]]:
    start = 1
    while batch := recorder.select_chain(start, BATCH):
        yield from batch
        start = batch[-1][0] + 1
