"""Running a planned bulk query and writing its JSONL, a window of root objects at a time.

The compiled query runs once per window of ``WINDOW`` root objects (``ExecContext.bulk``), so
memory holds one window's response, never the whole export. Each node becomes one line: its
nested connections are cut out and written as lines of their own carrying ``"__parentId"``,
while list and object fields (an order's ``transactions``, ``refunds``, ``taxLines``) stay
inline. ``/`` is written as ``\\/`` as in Shopify's files.

Line order follows ``groupObjects``: grouped, every object is followed by its children (depth
first); ungrouped (the default since 2026-01) a window's root rows come first and their children
after, connection by connection, so a child is never adjacent to its parent by accident.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from graphql import GraphQLSchema

from workbench.sandbox.shopify_emulator.bulk_ops import BulkOperation, BulkResult
from workbench.sandbox.shopify_emulator.bulk_query import BulkPlan, NodeShape, plan_bulk_query
from workbench.sandbox.shopify_emulator.executor import (
    CompiledOperation,
    ExecContext,
    Resolver,
    TypeResolver,
    compile_operation,
)
from workbench.sandbox.shopify_emulator.paging import BulkWindow
from workbench.sandbox.shopify_emulator.state import ShopifyEmulator, gc_paused

WINDOW = 250
JSON = dict[str, Any]
Row = tuple[JSON, NodeShape, str | None]
_encode: Callable[[Any], str] = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), check_circular=False
).encode


def _children(node: JSON, shape: NodeShape) -> list[tuple[NodeShape, list[JSON]]]:
    """Cut the nested connections out of ``node``; return their nodes, connection by connection."""
    out: list[tuple[NodeShape, list[JSON]]] = []
    for path, child in shape.children:
        holder: Any = node
        for key in path[:-1]:
            holder = holder.get(key) if isinstance(holder, dict) else None
        connection = holder.pop(path[-1], None) if isinstance(holder, dict) else None
        edges = (connection or {}).get(child.edges_key) or ()
        out.append((child, [e[child.node_key] for e in edges if e and e.get(child.node_key)]))
    return out


def _grouped(rows: list[Row]) -> list[JSON]:
    ordered: list[JSON] = []
    stack = list(reversed(rows))
    while stack:
        node, shape, parent = stack.pop()
        kids = _children(node, shape)
        if parent is not None:
            node["__parentId"] = parent
        ordered.append(node)
        ident = node.get("id")
        pending = [(n, s, ident) for s, nodes in kids for n in nodes]
        stack.extend(reversed(pending))
    return ordered


def _ungrouped(rows: list[Row]) -> list[JSON]:
    ordered: list[JSON] = []
    level = rows
    while level:
        buckets: dict[int, list[Row]] = {}
        for node, shape, parent in level:
            kids = _children(node, shape)
            if parent is not None:
                node["__parentId"] = parent
            ordered.append(node)
            ident = node.get("id")
            for index, (child_shape, nodes) in enumerate(kids):
                buckets.setdefault(index, []).extend((n, child_shape, ident) for n in nodes)
        level = [row for index in sorted(buckets) for row in buckets[index]]
    return ordered


class Runner:
    """Plans and runs bulk queries for one emulator (installed by the Engine)."""

    def __init__(
        self,
        emulator: ShopifyEmulator,
        schema: GraphQLSchema,
        resolvers: Mapping[tuple[str, str], Resolver],
        type_resolvers: Mapping[str, TypeResolver],
    ) -> None:
        self.emulator = emulator
        self.schema = schema
        self.resolvers = resolvers
        self.type_resolvers = type_resolvers

    def plan(self, query: str) -> BulkPlan:
        return plan_bulk_query(self.schema, query)

    def _compile(self, plan: BulkPlan) -> CompiledOperation:
        return compile_operation(
            self.schema,
            plan.operation,
            plan.fragments,
            plan.variables,
            self.resolvers,
            self.type_resolvers,
        )

    def run(self, operation: BulkOperation) -> BulkResult:
        plan: BulkPlan = operation.plan
        compiled = self._compile(plan)
        order = _grouped if operation.group_objects else _ungrouped
        result = BulkResult()
        window = BulkWindow(WINDOW)
        try:
            while True:
                ctx = ExecContext(self.emulator, bulk=window)
                with gc_paused():
                    data = compiled.run(ctx, plan.variables)
                    connection: Any = data
                    for key in plan.root_path:
                        connection = connection.get(key) if isinstance(connection, dict) else None
                    edges = (connection or {}).get(plan.root.edges_key) or ()
                    roots = [
                        e[plan.root.node_key] for e in edges if e and e.get(plan.root.node_key)
                    ]
                    lines = [_encode(row) for row in order([(n, plan.root, None) for n in roots])]
                if lines:
                    text = "\n".join(lines).replace("/", "\\/") + "\n"
                    result.write(text.encode("utf-8"))
                    result.objects += len(lines)
                    result.roots += len(roots)
                # A root connection read by position (e.g. under ``order(id:)``) runs once.
                if window.records is None:
                    break
                window.start += window.size
                if window.exhausted:
                    break
        except BaseException:
            result.close()
            raise
        result.finish()
        return result
