"""The audit of the audit: only auditors and administrators export a project's history, and each export is kept."""

from __future__ import annotations

from uuid import uuid4

import pytest

from pdsa_engine.aggregates.audit_record import AuditRecord
from pdsa_engine.aggregates.values import Role
from pdsa_engine.errors import PermissionDenied
from tests.builders import stamp
from tests.unit.support import assert_raises_exactly


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.ADMINISTRATOR])
def test_an_auditor_or_an_administrator_exports_and_the_export_is_recorded(role: Role) -> None:
    by, project = stamp(role, uuid4()), uuid4()
    record = AuditRecord.export(uuid4(), by, project, "json")
    assert (record.project_id, record.format) == (project, "json")
    assert record.pending_events[0].by == by.by


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.SPONSOR, Role.COACH])
def test_nobody_else_exports_a_projects_history(role: Role) -> None:
    assert_raises_exactly(lambda: AuditRecord.export(uuid4(), stamp(role, uuid4()), uuid4(), "json"), PermissionDenied,
                          "only auditors and administrators export a project's history")
