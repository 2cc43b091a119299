"""Driver diagram: aim → primary → secondary → change idea; add, rename, move, remove."""

from __future__ import annotations

from uuid import uuid4

import pytest

from pdsa_engine.aggregates.driver_diagram import DriverDiagram, DriverNode
from pdsa_engine.aggregates.values import DriverKind
from pdsa_engine.errors import InvalidInput, NotFound, Refused

P1, P2, S1, C1 = uuid4(), uuid4(), uuid4(), uuid4()
DIAGRAM = DriverDiagram((
    DriverNode(P1, DriverKind.PRIMARY, "Flow", None), DriverNode(P2, DriverKind.PRIMARY, "Safety", None),
    DriverNode(S1, DriverKind.SECONDARY, "Discharge", P1), DriverNode(C1, DriverKind.CHANGE_IDEA, "Consultant", S1),
))


@pytest.mark.parametrize(("kind", "parent", "match"), [
    (DriverKind.PRIMARY, P1, "^under: a primary driver hangs directly under the aim"),
    (DriverKind.SECONDARY, None, "^under: .* needs --under"),
    (DriverKind.SECONDARY, S1, "^under: a secondary driver goes under a primary driver, not a secondary driver"),
    (DriverKind.CHANGE_IDEA, P1, "^under: .* goes under a secondary driver"),
])
def test_each_kind_hangs_under_the_level_above(kind: DriverKind, parent: object, match: str) -> None:
    with pytest.raises(InvalidInput, match=match):
        DIAGRAM.check_parent(kind, parent)  # type: ignore[arg-type]


def test_an_unknown_parent_is_not_found() -> None:
    with pytest.raises(NotFound):
        DIAGRAM.check_parent(DriverKind.SECONDARY, uuid4())


def test_moving_keeps_the_levels() -> None:
    DIAGRAM.check_move(S1, P2)
    assert DIAGRAM.with_parent(S1, P2).node(S1).parent_id == P2
    with pytest.raises(Refused, match="cannot be moved"):
        DIAGRAM.check_move(P1, P2)
    with pytest.raises(Refused, match="already there"):
        DIAGRAM.check_move(S1, P1)


def test_only_a_node_with_nothing_under_it_is_removed() -> None:
    with pytest.raises(Refused, match="first"):
        DIAGRAM.check_remove(S1)
    DIAGRAM.check_remove(C1)
    assert DIAGRAM.without(C1).change_idea_ids() == frozenset()


def test_renaming_changes_only_the_text() -> None:
    renamed = DIAGRAM.with_text(C1, "Discharge consultant")
    assert renamed.node(C1) == DriverNode(C1, DriverKind.CHANGE_IDEA, "Discharge consultant", S1)
