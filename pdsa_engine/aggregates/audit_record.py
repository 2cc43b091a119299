"""The audit of the audit: every export of a project's history is itself an event."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import event

from pdsa_engine.aggregates.base import PdsaAggregate
from pdsa_engine.aggregates.values import Actor, Role, Stamp
from pdsa_engine.errors import PermissionDenied


class AuditRecord(PdsaAggregate):
    @classmethod
    def export(cls, record_id: UUID, stamp: Stamp, project_id: UUID, format: str) -> AuditRecord:
        if stamp.by.role not in (Role.AUDITOR, Role.ADMINISTRATOR):
            raise PermissionDenied("only auditors and administrators export a project's history")
        return cls._create(cls.Exported, id=record_id, by=stamp.by, timestamp=stamp.at, project_id=project_id,
                           format=format)

    @event("Exported")
    def __init__(self, by: Actor, timestamp: datetime, project_id: UUID, format: str) -> None:
        self.project_id = project_id
        self.format = format
