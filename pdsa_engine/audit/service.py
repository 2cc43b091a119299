"""The audit commands, for auditors and administrators only."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from pdsa_engine.aggregates.person import Person
from pdsa_engine.aggregates.signoff import SignOff
from pdsa_engine.aggregates.values import Role
from pdsa_engine.application import PdsaApplication
from pdsa_engine.audit.export import FORMATS, csv_text, html_report, jsonl, write_atomically
from pdsa_engine.audit.keys import load_key, load_public_key, public_path
from pdsa_engine.audit.log import LogFilter, read_log
from pdsa_engine.audit.replay import Replay
from pdsa_engine.audit.signed import what_was_signed
from pdsa_engine.audit.snapshots import SealedSnapshots
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
from pdsa_engine.names import PersonNames
from pdsa_engine.projections.runner import Projections

AUDIT_ROLES = (Role.AUDITOR, Role.ADMINISTRATOR)


@dataclass(frozen=True)
class Exported:
    text: str
    events: int
    record: UUID


class Audit:
    def __init__(self, app: PdsaApplication, settings: Settings, projections: Projections | None = None) -> None:
        self.app = app
        self.settings = settings
        self.projections = projections
        self.key = load_key(settings.audit_key) if settings.audit_key.exists() else None
        self.names = PersonNames(app)
        self.snapshots = (SealedSnapshots(projections.store.engine, app.recorder, self.key)
                          if projections is not None else None)
        self.replayer = Replay(app, self.names, self.snapshots)

    def auditor(self, actor: str | None) -> Person:
        if actor is None:
            raise PermissionDenied("audit commands need an acting person: give --as PERSON or set PDSA_ACTOR")
        person = self.app.person(actor)
        if not any(person.holds(role) for role in AUDIT_ROLES):
            raise PermissionDenied("{name} is neither an auditor nor an administrator", name=person.name)
        return person

    # -- the history ---------------------------------------------------------------------------------

    def log(self, actor: str | None, chosen: LogFilter, language: str | None = None) -> list[dict[str, Any]]:
        """Lines of the audit log view, brought up to date first, in the reader's language."""
        reader = self.auditor(actor)
        if chosen.person:
            chosen = replace(chosen, person=str(self.app.person(chosen.person).id))
        if self.projections is None:
            raise RuntimeError("the audit log needs the views")
        self.projections.catch_up(["audit"])
        return read_log(self.projections.store, chosen, language or reader.language, self.names)

    def replay(self, actor: str | None, project_id: UUID, at: datetime | None = None,
               version: int | None = None) -> dict[str, Any]:
        self.auditor(actor)
        return self.replayer.project(project_id, at=at, version=version)

    def signoff(self, actor: str | None, signoff_id: UUID) -> dict[str, Any]:
        self.auditor(actor)
        return what_was_signed(self.replayer, self.app.load(SignOff, signoff_id))

    def export(self, actor: str | None, project_id: UUID, format: str, path: Path, language: str | None = None,
               replace_file: bool = False) -> dict[str, Any]:
        """Writes the project's history to a file, and records who exported it."""
        self.auditor(actor)
        if format not in FORMATS:
            raise InvalidInput("format", "must be one of {formats}", formats=tuple(FORMATS))
        if path.is_dir():
            raise InvalidInput("out", "{path} is a folder: name the file to write", path=path)
        if path.exists() and not replace_file:
            raise InvalidInput("out", "{path} exists already: choose another name, or give --force to replace it",
                               path=path)
        exported = self.exported(actor, project_id, format, language)
        try:
            write_atomically(path, exported.text)
        except OSError as problem:
            raise InvalidInput("out", "cannot write {path}: {problem} (the attempt is recorded as {record})",
                               path=path, problem=problem.strerror, record=exported.record) from None
        return {"path": str(path), "format": format, "events": exported.events, "record": exported.record}

    def exported(self, actor: str | None, project_id: UUID, format: str, language: str | None = None) -> Exported:
        """The project's history in a format, recorded as exported by the reader before anyone has it: no
        history leaves the system unrecorded (a file that then fails to be written, or a download that breaks
        off, leaves the record of the attempt)."""
        reader = self.auditor(actor)
        if format not in FORMATS:
            raise InvalidInput("format", "must be one of {formats}", formats=tuple(FORMATS))
        language = language or reader.language
        project = self.replayer.project(project_id)
        lines = self.log(actor, LogFilter(project=str(project_id)), language)
        if format == "jsonl":
            text = jsonl(lines)
        elif format == "csv":
            text = csv_text(lines)
        else:
            text = html_report(self._report(reader, project, lines), language)
        record_id = self.app.record_export(str(reader.id), project_id, format)
        return Exported(text, len(lines), record_id)

    def _report(self, reader: Person, project: dict[str, Any], lines: list[dict[str, Any]]) -> dict[str, Any]:
        verification = self._verification([])
        signoffs = [self.app.load(SignOff, s["id"]) for s in project["signoffs"]]
        role = Role.AUDITOR if reader.holds(Role.AUDITOR) else Role.ADMINISTRATOR
        return {
            "project": project, "lines": lines, "exported_at": self.app.clock.now(),
            "exported_by": {"name": reader.name, "role": role},
            "verification": verification_view(verification),
            "signoffs": [what_was_signed(self.replayer, signoff) for signoff in signoffs],
        }

    # -- tamper evidence ------------------------------------------------------------------------------

    def verify(self, actor: str | None, checkpoint_files: list[Path]) -> Verification:
        self.auditor(actor)
        return self._verification(checkpoint_files)

    def _verification(self, checkpoint_files: list[Path]) -> Verification:
        checkpoints = [self._read(path) for path in checkpoint_files or self._stored_checkpoints()]
        return verify(self.app.recorder, self.key, checkpoints, self._public_key(), self.snapshots)

    def checkpoint(self, actor: str | None, out: Path | None) -> tuple[Checkpoint, Path, int]:
        """Signs the head of the chain, after checking the history it covers; then snapshots the long histories
        it has just verified. Returns the checkpoint, where it was written, and how many snapshots were taken."""
        self.auditor(actor)
        checkpoint, taken = self.signed_checkpoint()
        path = write_checkpoint(checkpoint, out or self.settings.checkpoints / f"checkpoint-{checkpoint.position:012d}.json")
        return checkpoint, path, taken

    def signed_checkpoint(self) -> tuple[Checkpoint, int]:
        """A checkpoint of the verified history, not written anywhere (the auditors' weekly mail carries it to
        them, which is the point: a copy away from the database), and how many snapshots were taken."""
        key = self.key
        if key is None:
            raise PermissionDenied("checkpoints are signed with the audit key, which is not at {path}",
                                   path=self.settings.audit_key)
        verification = verify(self.app.recorder, key, [], key.public, self.snapshots)
        if not verification.holds:
            raise HistoryBroken(f"no checkpoint of a broken history: {describe_break(verification)}")
        checkpoint = make_checkpoint(key, verification, self.app.clock.now())
        taken = self.snapshots.take(self.app, verification.position) if self.snapshots else 0
        return checkpoint, taken

    def _public_key(self) -> Ed25519PublicKey | None:
        key = self.key
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
        except OSError as problem:
            raise InvalidInput("checkpoint", "cannot read {path}: {problem}", path=path,
                               problem=problem.strerror or problem) from None
        except (ValueError, KeyError, TypeError, AttributeError):  # not JSON, or JSON of another shape
            raise InvalidInput("checkpoint", "{path} is not a checkpoint written by `pdsa audit checkpoint`", path=path) \
                from None


def verification_view(result: Verification) -> dict[str, Any]:
    return {
        "holds": result.holds, "events": result.events, "position": result.position, "head": result.head.hex(),
        "seals_checked": result.seals_checked,
        "first_break": None if result.first_break is None else
        {"position": result.first_break[0], "problem": result.first_break[1]},
        "checkpoints": [{"file": str(c.path) if c.path else None, "position": c.position, "problem": problem}
                        for c, problem in result.checkpoints],
        "snapshots": result.snapshots,
        "snapshot_problems": [vars(problem) for problem in result.snapshot_problems],
    }


def describe_break(result: Verification) -> str:
    """The first thing wrong with a history, in a sentence."""
    if result.first_break is not None:
        position, problem = result.first_break
        return f"the history breaks at position {position}: {problem}"
    for checkpoint, problem in result.checkpoints:
        if problem is not None:
            return f"the checkpoint {checkpoint.path or checkpoint.position} does not hold: {problem}"
    for found in result.snapshot_problems:
        return f"the snapshot of {found.aggregate_id} at version {found.version} does not hold: {found.problem}"
    return "it holds"
