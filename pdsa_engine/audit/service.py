"""The audit commands, for auditors and administrators only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from pdsa_engine.aggregates.person import Person
from pdsa_engine.aggregates.values import Role
from pdsa_engine.application import PdsaApplication
from pdsa_engine.audit.keys import AuditKey, load_key, load_public_key, public_path
from pdsa_engine.audit.verify import (
    Checkpoint,
    Verification,
    make_checkpoint,
    read_checkpoint,
    verify,
    write_checkpoint,
)
from pdsa_engine.config import Settings
from pdsa_engine.errors import HistoryBroken, InvalidInput, PermissionDenied

AUDIT_ROLES = (Role.AUDITOR, Role.ADMINISTRATOR)


class Audit:
    def __init__(self, app: PdsaApplication, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    def auditor(self, actor: str | None) -> Person:
        if actor is None:
            raise PermissionDenied("audit commands need an acting person: give --as PERSON or set PDSA_ACTOR")
        person = self.app.person(actor)
        if not any(person.holds(role) for role in AUDIT_ROLES):
            raise PermissionDenied(f"{person.name} is neither an auditor nor an administrator")
        return person

    # -- tamper evidence ------------------------------------------------------------------------------

    def verify(self, actor: str | None, checkpoint_files: list[Path]) -> Verification:
        self.auditor(actor)
        checkpoints = [self._read(path) for path in checkpoint_files or self._stored_checkpoints()]
        return verify(self.app.recorder, self._key(), checkpoints, self._public_key())

    def checkpoint(self, actor: str | None, out: Path | None) -> tuple[Checkpoint, Path]:
        """Signs the head of the chain, after checking the history it covers."""
        self.auditor(actor)
        key = self._key()
        if key is None:
            raise PermissionDenied(f"checkpoints are signed with the audit key, which is not at {self.settings.audit_key}")
        verification = verify(self.app.recorder, key, [], key.public)
        if not verification.holds:
            position, problem = verification.first_break  # type: ignore[misc]
            raise HistoryBroken(f"no checkpoint of a broken history: at position {position}, {problem}")
        checkpoint = make_checkpoint(key, verification, self.app.clock.now())
        path = out or self.settings.checkpoints / f"checkpoint-{checkpoint.position:012d}.json"
        return checkpoint, write_checkpoint(checkpoint, path)

    def _key(self) -> AuditKey | None:
        return load_key(self.settings.audit_key) if self.settings.audit_key.exists() else None

    def _public_key(self) -> Ed25519PublicKey | None:
        key = self._key()
        if key is not None:
            return key.public
        public = public_path(self.settings.audit_key)
        return load_public_key(public) if public.exists() else None

    def _stored_checkpoints(self) -> list[Path]:
        folder = self.settings.checkpoints
        return sorted(folder.glob("*.json")) if folder.is_dir() else []

    @staticmethod
    def _read(path: Path) -> Checkpoint:
        try:
            return read_checkpoint(path)
        except (OSError, ValueError, KeyError) as problem:
            raise InvalidInput("checkpoint", f"cannot read {path}: {problem}") from None


def verification_view(result: Verification) -> dict[str, Any]:
    return {
        "holds": result.holds, "events": result.events, "position": result.position, "head": result.head.hex(),
        "seals_checked": result.seals_checked,
        "first_break": None if result.first_break is None else
        {"position": result.first_break[0], "problem": result.first_break[1]},
        "checkpoints": [{"file": str(c.path) if c.path else None, "position": c.position, "problem": problem}
                        for c, problem in result.checkpoints],
    }
