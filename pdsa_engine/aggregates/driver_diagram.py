"""The driver diagram: aim → primary drivers → secondary drivers → change ideas.

An immutable value held by the project; every change returns a new diagram, and every check raises before
anything changes. A node is removed only when nothing hangs below it, so no change idea is ever orphaned.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from uuid import UUID

from pdsa_engine.aggregates.values import DriverKind
from pdsa_engine.errors import InvalidInput, NotFound, Refused

_PARENT_KIND = {
    DriverKind.PRIMARY: None,
    DriverKind.SECONDARY: DriverKind.PRIMARY,
    DriverKind.CHANGE_IDEA: DriverKind.SECONDARY,
}


@dataclass(frozen=True)
class DriverNode:
    node_id: UUID
    kind: DriverKind
    text: str
    parent_id: UUID | None


@dataclass(frozen=True)
class DriverDiagram:
    nodes: tuple[DriverNode, ...] = ()

    def node(self, node_id: UUID) -> DriverNode:
        for node in self.nodes:
            if node.node_id == node_id:
                return node
        raise NotFound("the driver diagram has no node {node}", node=node_id)

    def children(self, node_id: UUID | None) -> tuple[DriverNode, ...]:
        return tuple(n for n in self.nodes if n.parent_id == node_id)

    def change_idea_ids(self) -> frozenset[UUID]:
        return frozenset(n.node_id for n in self.nodes if n.kind is DriverKind.CHANGE_IDEA)

    def has_change_idea(self, node_id: UUID) -> bool:
        return node_id in self.change_idea_ids()

    # -- checks: raise, change nothing ---------------------------------------------------------------

    def check_parent(self, kind: DriverKind, parent_id: UUID | None) -> None:
        wanted = _PARENT_KIND[kind]
        if wanted is None:
            if parent_id is not None:
                raise InvalidInput("under", "a primary driver hangs directly under the aim")
            return
        if parent_id is None:
            raise InvalidInput("under", "a {kind} needs --under, the id of a {wanted}", kind=kind, wanted=wanted)
        parent = self.node(parent_id)
        if parent.kind is not wanted:
            raise InvalidInput("under", "a {kind} goes under a {wanted}, not a {parent}", kind=kind, wanted=wanted,
                               parent=parent.kind)

    def check_move(self, node_id: UUID, parent_id: UUID) -> None:
        node = self.node(node_id)
        if node.kind is DriverKind.PRIMARY:
            raise Refused("a primary driver hangs under the aim and cannot be moved")
        self.check_parent(node.kind, parent_id)
        if node.parent_id == parent_id:
            raise Refused("the node is already there")

    def check_remove(self, node_id: UUID) -> None:
        self.node(node_id)
        if self.children(node_id):
            raise Refused("remove or move the nodes under it first")

    # -- transitions: only called after the checks ---------------------------------------------------

    def with_node(self, node: DriverNode) -> DriverDiagram:
        return DriverDiagram((*self.nodes, node))

    def with_text(self, node_id: UUID, text: str) -> DriverDiagram:
        return DriverDiagram(tuple(replace(n, text=text) if n.node_id == node_id else n for n in self.nodes))

    def with_parent(self, node_id: UUID, parent_id: UUID) -> DriverDiagram:
        return DriverDiagram(tuple(replace(n, parent_id=parent_id) if n.node_id == node_id else n for n in self.nodes))

    def without(self, node_id: UUID) -> DriverDiagram:
        return DriverDiagram(tuple(n for n in self.nodes if n.node_id != node_id))


