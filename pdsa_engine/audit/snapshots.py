"""Sealed snapshots: an aggregate's state at a version, so that replaying a long history need not start from its
first event. They are eventsourcing Snapshots, kept outside the notification log (and so outside its chain), in
the table audit_snapshots beside the views.

A snapshot is only taken of a history that has just been verified (by `pdsa audit checkpoint`), and is sealed
with the audit key over its bytes, its aggregate and version, and the chain's link at the position of the event
it was taken at. Whoever uses one (replay) or checks them (verify) first checks that seal and the chain's own
seal at that position: a snapshot that was changed, forged, or moved to another aggregate, version or position
is never used, and verify reports it. The state is pickled, because an aggregate's state is not all JSON; it is
unpickled only after its seal holds, so only bytes this system wrote are ever unpickled. A change to the
aggregates' code changes the format, and older snapshots are then passed over (and taken again).
"""

from __future__ import annotations

import hashlib
import hmac
import pickle
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.domain import Snapshot
from sqlalchemy import BigInteger, Column, Engine, Integer, LargeBinary, String, Table, func, select

from pdsa_engine import aggregates
from pdsa_engine.audit.keys import AuditKey
from pdsa_engine.clock import utc_text
from pdsa_engine.projections.store import METADATA, upsert

EVERY = 200  # versions between snapshots; only aggregates with at least this many events get any

SNAPSHOTS = Table(
    "audit_snapshots", METADATA,
    Column("aggregate_id", String(36), primary_key=True),
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("position", BigInteger, nullable=False),  # the notification id of the event at that version
    Column("at", String(40), nullable=False),  # that event's moment, in UTC
    Column("format", String(64), nullable=False),
    Column("state", LargeBinary, nullable=False),
    Column("seal", LargeBinary, nullable=False),
)


@cache
def state_format() -> str:
    """Names the code that pickled a state: the aggregates' sources, the library's version and Python's."""
    digest = hashlib.sha256(f"{package_version('eventsourcing')} {sys.version_info[:2]}".encode())
    for source in sorted(Path(aggregates.__file__).parent.glob("*.py")):
        digest.update(source.name.encode() + source.read_bytes())
    return digest.hexdigest()[:32]


@dataclass(frozen=True)
class SnapshotProblem:
    aggregate_id: str
    version: int
    problem: str


class SealedSnapshots:
    def __init__(self, engine: Engine, recorder: Any, key: AuditKey | None) -> None:
        self.engine = engine
        self.recorder = recorder
        self.key = key

    # -- using them ----------------------------------------------------------------------------------

    def latest(self, aggregate_id: UUID, version: int | None = None, moment: datetime | None = None) -> Any:
        """The aggregate from its newest trustworthy snapshot at or before a version or moment, or None."""
        if self.key is None:
            return None  # seals cannot be checked: replay from the events alone
        query = (select(SNAPSHOTS).where(SNAPSHOTS.c.aggregate_id == str(aggregate_id))
                 .order_by(SNAPSHOTS.c.version.desc()))
        if version is not None:
            query = query.where(SNAPSHOTS.c.version <= version)
        if moment is not None:
            query = query.where(SNAPSHOTS.c.at <= utc_text(moment))
        with self.engine.connect() as connection:
            for row in connection.execute(query):
                if row.format == state_format() and self.problem(row) is None:
                    return pickle.loads(row.state).mutate(None)
        return None

    def problem(self, row: Any) -> str | None:
        """Why a stored snapshot cannot be trusted, or None when its seal and the chain's at its position hold.
        Asked only with the key at hand: without it, latest() uses no snapshot and verify() checks none."""
        assert self.key is not None
        chain = self.recorder.select_chain(row.position, 1)
        if not chain or chain[0][0] != row.position:
            return f"the chain has no link at its position {row.position}"
        position, previous, link, chain_seal = chain[0]
        if not hmac.compare_digest(chain_seal, self.key.seal(position, previous, link)):
            return f"the chain's link at its position {row.position} is not sealed by the key"
        expected = self.key.seal_snapshot(_digest(row.aggregate_id, row.version, row.position, link, row.at,
                                                  row.format, row.state))
        if not hmac.compare_digest(bytes(row.seal), expected):
            return "its seal does not hold: it was changed, forged or moved"
        return None

    def problems(self) -> Iterator[SnapshotProblem]:
        """Every stored snapshot whose seal does not hold (verify)."""
        with self.engine.connect() as connection:
            rows = connection.execution_options(yield_per=100).execute(
                select(SNAPSHOTS).order_by(SNAPSHOTS.c.aggregate_id, SNAPSHOTS.c.version))
            for row in rows:
                problem = self.problem(row)
                if problem is not None:
                    yield SnapshotProblem(row.aggregate_id, row.version, problem)

    def count(self) -> int:
        with self.engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(SNAPSHOTS)).scalar_one()

    # -- taking them ---------------------------------------------------------------------------------

    def take(self, app: Any, verified_up_to: int) -> int:
        """Snapshots, every EVERY versions, the aggregates whose verified histories are long. Returns how many
        it took. Call it only right after verifying the history up to `verified_up_to`."""
        if self.key is None:
            return 0
        taken = 0
        for aggregate_id, head in self.recorder.aggregate_heads(verified_up_to, EVERY):
            aggregate = self.latest(aggregate_id)
            start = aggregate.version if aggregate is not None else 0
            wanted = set(range(start - start % EVERY + EVERY, head + 1, EVERY))
            if not wanted:
                continue
            rows = []
            for event in app.events.get(aggregate_id, gt=start, lte=max(wanted)):
                aggregate = event.mutate(aggregate)
                if aggregate.version in wanted:
                    rows.append(self._sealed(aggregate))
            with self.engine.begin() as connection:
                upsert(connection, SNAPSHOTS, rows, ("aggregate_id", "version"))
            taken += len(rows)
        return taken

    def take_at(self, app: Any, aggregate_id: UUID, version: int) -> dict[str, Any] | None:
        """The sealed row of an aggregate at a version, from its newest trustworthy snapshot before that and the
        events since; None where a trustworthy one is stored already. Call it only for a version whose history
        has just been verified (growing.py)."""
        aggregate = self.latest(aggregate_id, version)
        if aggregate is not None and aggregate.version == version:
            return None
        start = aggregate.version if aggregate is not None else 0
        for event in app.events.get(aggregate_id, gt=start, lte=version):
            aggregate = event.mutate(aggregate)
        return self._sealed(aggregate)

    def _sealed(self, aggregate: Any) -> dict[str, Any]:
        assert self.key is not None
        position = self.recorder.position_of(aggregate.id, aggregate.version)
        (_, _, link, _), = self.recorder.select_chain(position, 1)
        state = pickle.dumps(Snapshot.take(aggregate), protocol=pickle.HIGHEST_PROTOCOL)
        row = {"aggregate_id": str(aggregate.id), "version": aggregate.version, "position": position,
               "at": utc_text(aggregate.modified_on), "format": state_format(), "state": state}
        digest = _digest(row["aggregate_id"], aggregate.version, position, link, row["at"], row["format"], state)
        return {**row, "seal": self.key.seal_snapshot(digest)}


def _digest(aggregate_id: str, version: int, position: int, link: bytes, at: str, format: str, state: bytes) -> bytes:
    digest = hashlib.sha256(UUID(aggregate_id).bytes)
    for number in (version, position):
        digest.update(number.to_bytes(8, "big"))
    digest.update(link)
    for text in (at, format):
        digest.update(len(text).to_bytes(4, "big") + text.encode())
    digest.update(hashlib.sha256(state).digest())
    return digest.digest()
