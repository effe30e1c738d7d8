"""Query cost and the leaky bucket, as Shopify documents and reports them (reference §2).

Requested cost is computed from the query before it runs: scalars and enums 0, objects 1,
unions and interfaces the most expensive of their branches, connections ``2 + first × (cost of
one node)``. Lists that are not connections (``taxLines``, ``refunds``) count as one object: the
documentation prices only connections by size. The actual cost is counted while the response is
built and never exceeds the requested cost; the difference is refunded to the bucket.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    SelectionSetNode,
    get_named_type,
    is_leaf_type,
)
from graphql.execution.collect_fields import collect_fields
from graphql.execution.values import get_argument_values

MAX_QUERY_COST = 1000
FREE_TYPES = frozenset({"PageInfo", "QueryRoot"})


def is_free_type(name: str) -> bool:
    """Types Shopify does not charge for: the edge and connection wrappers and PageInfo."""
    return name in FREE_TYPES or name.endswith("Connection") or name.endswith("Edge")


class CostCalculator:
    """Requested cost of one operation, with fragments and ``@skip``/``@include`` applied."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
    ) -> None:
        self.schema = schema
        self.fragments = dict(fragments)
        self.variables = dict(variables)

    def operation(self, selection_set: SelectionSetNode) -> int:
        root = self.schema.query_type
        assert root is not None
        return self._selection(root, [selection_set])

    def _possible(self, named: Any) -> list[GraphQLObjectType]:
        if isinstance(named, GraphQLObjectType):
            return [named]
        if isinstance(named, GraphQLInterfaceType | GraphQLUnionType):
            return list(self.schema.get_possible_types(named))
        return []

    def _selection(self, named: Any, selection_sets: list[SelectionSetNode]) -> int:
        """Cost of the fields under ``named`` (the most expensive branch for abstract types)."""
        best = 0
        for object_type in self._possible(named):
            fields: dict[str, list[FieldNode]] = {}
            for selection_set in selection_sets:
                for key, nodes in collect_fields(
                    self.schema, self.fragments, self.variables, object_type, selection_set
                ).items():
                    fields.setdefault(key, []).extend(nodes)
            total = sum(
                self._field(object_type, nodes)
                for nodes in fields.values()
                if not nodes[0].name.value.startswith("__")
            )
            best = max(best, total)
        return best

    @staticmethod
    def _sub(nodes: list[FieldNode]) -> list[SelectionSetNode]:
        return [node.selection_set for node in nodes if node.selection_set is not None]

    def _field(self, parent: GraphQLObjectType, nodes: list[FieldNode]) -> int:
        field_def: GraphQLField = parent.fields[nodes[0].name.value]
        named = get_named_type(field_def.type)
        if is_leaf_type(named):
            return 0
        sub = self._sub(nodes)
        if named.name.endswith("Connection") and isinstance(named, GraphQLObjectType):
            args = get_argument_values(field_def, nodes[0], self.variables)
            size = args.get("first") or args.get("last") or 0
            return 2 + int(size) * self._node_cost(named, sub)
        if parent.name == "QueryRoot" and nodes[0].name.value == "nodes":
            ids = get_argument_values(field_def, nodes[0], self.variables).get("ids") or []
            return len(ids) * (1 + self._selection(named, sub))
        own = 0 if is_free_type(named.name) else 1
        return own + self._selection(named, sub)

    def _node_cost(self, connection: GraphQLObjectType, sub: list[SelectionSetNode]) -> int:
        """The cost of one node of a connection, through ``edges.node`` or ``nodes``."""
        best = 0
        for selection_set in sub:
            for nodes in collect_fields(
                self.schema, self.fragments, self.variables, connection, selection_set
            ).values():
                name = nodes[0].name.value
                if name == "nodes":
                    node_type = get_named_type(connection.fields["nodes"].type)
                    best = max(best, 1 + self._selection(node_type, self._sub(nodes)))
                elif name == "edges":
                    edge_type = get_named_type(connection.fields["edges"].type)
                    assert isinstance(edge_type, GraphQLObjectType)
                    for edge_sel in self._sub(nodes):
                        for inner in collect_fields(
                            self.schema, self.fragments, self.variables, edge_type, edge_sel
                        ).values():
                            if inner[0].name.value == "node":
                                node_type = get_named_type(edge_type.fields["node"].type)
                                cost = 1 + self._selection(node_type, self._sub(inner))
                                best = max(best, cost)
        return best


class LeakyBucket:
    """Shopify's per-app-and-store bucket: drains by query cost, refills at ``rate`` per second.

    Time comes from the injected clock, so tests advance it instead of sleeping.
    """

    __slots__ = ("clock", "level", "rate", "size", "stamp")

    def __init__(self, size: float, rate: float, clock: Callable[[], float]) -> None:
        self.size = size
        self.rate = rate
        self.clock = clock
        self.level = size
        self.stamp = clock()

    def available(self) -> float:
        now = self.clock()
        elapsed = now - self.stamp
        if elapsed > 0:
            self.level = min(self.size, self.level + elapsed * self.rate)
        self.stamp = now
        return self.level

    def try_take(self, amount: float) -> bool:
        """Take ``amount`` if the bucket holds it; a refused request takes nothing.

        A nanopoint of slack keeps float noise in the refill from refusing a client that
        waited exactly ``(cost - available) / rate`` seconds, as the docs tell it to.
        """
        if self.available() + 1e-9 < amount:
            return False
        self.level = max(0.0, self.level - amount)
        return True

    def refund(self, amount: float) -> None:
        self.level = min(self.size, self.level + max(0.0, amount))


def cost_extension(
    requested: int, actual: int | None, available: float, size: float, rate: float
) -> dict[str, Any]:
    """``extensions.cost`` exactly as Shopify prints it (floats ``2000.0``, an int level)."""
    return {
        "requestedQueryCost": requested,
        "actualQueryCost": actual,
        "throttleStatus": {
            "maximumAvailable": float(size),
            "currentlyAvailable": int(available),
            "restoreRate": float(rate),
        },
    }


def max_cost_error(requested: int, limit: int) -> dict[str, Any]:
    """Shopify's refusal of a query that costs more than one request may (3p wording)."""
    return {
        "message": (
            f"Query cost is {requested}, which exceeds the single query max cost limit ({limit}).\n"
            "\n"
            "See https://shopify.dev/concepts/about-apis/rate-limits for more information on how "
            "the\ncost of a query is calculated.\n"
            "\n"
            "To query larger amounts of data with fewer limits, bulk operations should be used "
            "instead.\n"
            "See https://shopify.dev/api/usage/bulk-operations/queries for usage details.\n"
        ),
        "extensions": {
            "code": "MAX_COST_EXCEEDED",
            "cost": requested,
            "maxCost": limit,
            "documentation": "https://shopify.dev/api/usage/rate-limits",
        },
    }


THROTTLED_ERROR: dict[str, Any] = {
    "message": "Throttled",
    "extensions": {
        "code": "THROTTLED",
        "documentation": "https://shopify.dev/api/usage/rate-limits",
    },
}
