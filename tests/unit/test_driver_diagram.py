"""Driver diagram: aim → primary → secondary → change idea; add, rename, move, remove."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest

from pdsa_engine.aggregates.driver_diagram import DriverDiagram, DriverNode
from pdsa_engine.aggregates.values import DriverKind
from pdsa_engine.errors import InvalidInput, NotFound, Refused
from tests.unit.support import assert_raises_exactly

P1, P2, S1, C1 = uuid4(), uuid4(), uuid4(), uuid4()
DIAGRAM = DriverDiagram((
    DriverNode(P1, DriverKind.PRIMARY, "Flow", None), DriverNode(P2, DriverKind.PRIMARY, "Safety", None),
    DriverNode(S1, DriverKind.SECONDARY, "Discharge", P1), DriverNode(C1, DriverKind.CHANGE_IDEA, "Consultant", S1),
))


@pytest.mark.parametrize(("kind", "parent", "message"), [
    (DriverKind.PRIMARY, P1, "under: a primary driver hangs directly under the aim"),
    (DriverKind.SECONDARY, None, "under: a secondary driver needs --under, the id of a primary driver"),
    (DriverKind.CHANGE_IDEA, None, "under: a change idea needs --under, the id of a secondary driver"),
    (DriverKind.SECONDARY, S1, "under: a secondary driver goes under a primary driver, not a secondary driver"),
    (DriverKind.CHANGE_IDEA, P1, "under: a change idea goes under a secondary driver, not a primary driver"),
    (DriverKind.CHANGE_IDEA, C1, "under: a change idea goes under a secondary driver, not a change idea"),
])
def test_each_kind_hangs_under_the_level_above(kind: DriverKind, parent: UUID | None, message: str) -> None:
    error = assert_raises_exactly(lambda: DIAGRAM.check_parent(kind, parent), InvalidInput, message)
    assert error.field == "under"


def test_an_unknown_parent_is_not_found() -> None:
    unknown = uuid4()
    assert_raises_exactly(lambda: DIAGRAM.check_parent(DriverKind.SECONDARY, unknown), NotFound,
                          f"the driver diagram has no node {unknown}")


def test_moving_keeps_the_levels() -> None:
    DIAGRAM.check_move(S1, P2)
    assert DIAGRAM.with_parent(S1, P2).node(S1).parent_id == P2
    assert_raises_exactly(lambda: DIAGRAM.check_move(P1, P2), Refused,
                          "a primary driver hangs under the aim and cannot be moved")
    assert_raises_exactly(lambda: DIAGRAM.check_move(S1, P1), Refused, "the node is already there")
    assert_raises_exactly(lambda: DIAGRAM.check_move(C1, P2), InvalidInput,
                          "under: a change idea goes under a secondary driver, not a primary driver")
    unknown = uuid4()
    assert_raises_exactly(lambda: DIAGRAM.check_move(unknown, P2), NotFound, f"the driver diagram has no node {unknown}")


def test_moving_a_node_leaves_every_other_node_as_it_was() -> None:
    moved = DIAGRAM.with_parent(S1, P2)
    assert moved.nodes == (
        DIAGRAM.nodes[0], DIAGRAM.nodes[1], DriverNode(S1, DriverKind.SECONDARY, "Discharge", P2), DIAGRAM.nodes[3],
    )


def test_only_a_node_with_nothing_under_it_is_removed() -> None:
    assert_raises_exactly(lambda: DIAGRAM.check_remove(S1), Refused, "remove or move the nodes under it first")
    DIAGRAM.check_remove(C1)
    assert DIAGRAM.without(C1).change_idea_ids() == frozenset()
    assert DIAGRAM.without(C1).nodes == DIAGRAM.nodes[:3]
    unknown = uuid4()
    assert_raises_exactly(lambda: DIAGRAM.check_remove(unknown), NotFound, f"the driver diagram has no node {unknown}")


def test_renaming_changes_only_the_text() -> None:
    renamed = DIAGRAM.with_text(C1, "Discharge consultant")
    assert renamed.node(C1) == DriverNode(C1, DriverKind.CHANGE_IDEA, "Discharge consultant", S1)


def test_renaming_a_node_leaves_every_other_node_as_it_was() -> None:
    renamed = DIAGRAM.with_text(S1, "Discharge planning")
    assert renamed.nodes == (
        DIAGRAM.nodes[0], DIAGRAM.nodes[1], DriverNode(S1, DriverKind.SECONDARY, "Discharge planning", P1),
        DIAGRAM.nodes[3],
    )
