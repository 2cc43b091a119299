"""Comparing stored views: every row of every view table, in key order."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from pdsa_engine.projections.runner import Projections


def snapshot(projections: Projections) -> dict[str, list[tuple[Any, ...]]]:
    tables = [table for view in projections.views for table in view.tables]
    with projections.store.engine.connect() as connection:
        return {
            table.name: [tuple(row) for row in connection.execute(select(table).order_by(*table.primary_key))]
            for table in tables
        }
