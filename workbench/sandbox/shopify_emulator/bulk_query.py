"""Checking a bulk query the way Shopify does, and planning how its result becomes JSONL rows.

Shopify runs ``bulkOperationRunQuery(query:)`` only for a query with at least one and at most
five connections, nested at most two deep, whose connections select ``edges { node }`` (not
``nodes``), whose nested connections hang under a node that selects its ``id`` (the JSONL rows
point to it with ``__parentId``), and with no connection under a list field such as
``Order.refunds``. Everything else about the query is checked like any other query. Each failure
becomes one ``userErrors`` entry; the messages are Shopify's as third parties recorded them.

The plan records where the rows come from: the path to the top connection, and for every node
which of its fields are nested connections (they are cut out of the parent row and written as
rows of their own). The sandbox runs one top-level connection per bulk query.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
    parse,
    validate,
)
from graphql.execution.collect_fields import collect_fields
from graphql.execution.values import get_variable_values

from workbench.sandbox.shopify_emulator.errors import syntax_error, validation_errors

MAX_CONNECTIONS = 5
MAX_DEPTH = 2
PREFIX = "Invalid bulk query: "
NO_CONNECTION = "Bulk queries must contain at least one connection."
TOO_MANY = f"Bulk queries cannot contain more than {MAX_CONNECTIONS} connections."
TOO_DEEP = f"Bulk queries cannot contain connections with a nesting depth greater than {MAX_DEPTH}."
IN_LIST = "Queries that contain a connection field within a list field are not currently supported."
ONLY_QUERIES = "Invalid operation type. Only `query` operations are supported."
ONE_TOP_CONNECTION = (
    "The sandbox Shopify emulator runs bulk queries with a single top-level connection; "
    "split this query into one bulk operation per top-level connection."
)


class BulkQueryInvalid(Exception):
    """The query cannot run in bulk; ``messages`` are the userErrors to return."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class NodeShape:
    """A connection's node: how to reach it in a result and which fields are child rows."""

    edges_key: str
    node_key: str
    # (response keys from the node to a nested connection, that connection's node shape)
    children: tuple[tuple[tuple[str, ...], NodeShape], ...] = ()


@dataclass(frozen=True)
class BulkPlan:
    document: DocumentNode
    operation: OperationDefinitionNode
    fragments: dict[str, FragmentDefinitionNode]
    root_path: tuple[str, ...]
    root: NodeShape
    variables: dict[str, Any]


def _is_connection(named: Any) -> bool:
    return (
        isinstance(named, GraphQLObjectType)
        and named.name.endswith("Connection")
        and "edges" in named.fields
    )


class _Analysis:
    """One walk over the query with the schema: counts, depths and the row plan."""

    def __init__(self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode]):
        self.schema = schema
        self.fragments = fragments
        self.connections: set[int] = set()
        self.max_depth = 0
        self.in_list = False
        self.via_nodes: list[str] = []
        self.top_node: list[str] = []
        self.without_id: list[str] = []

    def possible(self, named: Any) -> list[GraphQLObjectType]:
        if isinstance(named, GraphQLObjectType):
            return [named]
        if isinstance(named, GraphQLInterfaceType | GraphQLUnionType):
            return list(self.schema.get_possible_types(named))
        return []

    def collect(
        self, object_type: GraphQLObjectType, sets: list[SelectionSetNode]
    ) -> dict[str, list[FieldNode]]:
        fields: dict[str, list[FieldNode]] = {}
        for selection_set in sets:
            for key, nodes in collect_fields(
                self.schema, self.fragments, {}, object_type, selection_set
            ).items():
                fields.setdefault(key, []).extend(nodes)
        return fields

    def walk(
        self,
        types: list[GraphQLObjectType],
        sets: list[SelectionSetNode],
        *,
        depth: int,
        in_list: bool,
        parent_has_id: bool,
    ) -> list[tuple[tuple[str, ...], NodeShape]]:
        """The connections under ``sets`` (through plain objects), with their paths."""
        found: dict[tuple[str, ...], NodeShape] = {}
        for object_type in types:
            for key, nodes in self.collect(object_type, sets).items():
                name = nodes[0].name.value
                if name.startswith("__"):
                    continue
                gtype = object_type.fields[name].type
                if isinstance(gtype, GraphQLNonNull):
                    gtype = gtype.of_type
                named = get_named_type(gtype)
                sub = [n.selection_set for n in nodes if n.selection_set is not None]
                if _is_connection(named):
                    found[(key,)] = self.connection(
                        key, named, sub, nodes, depth + 1, in_list, parent_has_id
                    )
                elif self.possible(named):
                    if object_type is self.schema.query_type and name in {"node", "nodes"}:
                        self.top_node.append(name)
                    inner = self.walk(
                        self.possible(named),
                        sub,
                        depth=depth,
                        in_list=in_list or isinstance(gtype, GraphQLList),
                        parent_has_id=parent_has_id,
                    )
                    for path, shape in inner:
                        found[(key, *path)] = shape
        return list(found.items())

    def connection(
        self,
        key: str,
        connection: GraphQLObjectType,
        sets: list[SelectionSetNode],
        nodes: list[FieldNode],
        depth: int,
        in_list: bool,
        parent_has_id: bool,
    ) -> NodeShape:
        self.connections.add(id(nodes[0]))
        self.max_depth = max(self.max_depth, depth)
        self.in_list = self.in_list or in_list
        if depth > 1 and not parent_has_id:
            self.without_id.append(key)
        edges_key, node_key = "edges", "node"
        children: list[tuple[tuple[str, ...], NodeShape]] = []
        for conn_key, conn_nodes in self.collect(connection, sets).items():
            field_name = conn_nodes[0].name.value
            if field_name == "nodes":
                self.via_nodes.append(key)
            if field_name != "edges":
                continue
            edges_key = conn_key
            edge_type = get_named_type(connection.fields["edges"].type)
            assert isinstance(edge_type, GraphQLObjectType)
            edge_sets = [n.selection_set for n in conn_nodes if n.selection_set is not None]
            for edge_key, edge_nodes in self.collect(edge_type, edge_sets).items():
                if edge_nodes[0].name.value != "node":
                    continue
                node_key = edge_key
                node_types = self.possible(get_named_type(edge_type.fields["node"].type))
                node_sets = [n.selection_set for n in edge_nodes if n.selection_set is not None]
                has_id = all(self._selects_id(t, node_sets) for t in node_types)
                children = self.walk(
                    node_types, node_sets, depth=depth, in_list=False, parent_has_id=has_id
                )
        return NodeShape(edges_key, node_key, tuple(children))

    def _selects_id(self, object_type: GraphQLObjectType, sets: list[SelectionSetNode]) -> bool:
        nodes = self.collect(object_type, sets).get("id") or []
        return bool(nodes) and nodes[0].name.value == "id" and "id" in object_type.fields


def _messages(analysis: _Analysis) -> list[str]:
    errors: list[str] = []
    if analysis.via_nodes:
        names = "', '".join(analysis.via_nodes)
        errors.append(
            "All connection fields in a bulk query must select their contents using 'edges' > "
            f"'node', e.g: '{analysis.via_nodes[0]} {{ edges {{ node {{'. Selecting via 'nodes' "
            f"is not supported. Invalid connection fields: '{names}'."
        )
    errors += [
        f"Bulk queries cannot contain a top level `{name}` field." for name in analysis.top_node
    ]
    if analysis.max_depth > MAX_DEPTH:
        errors.append(TOO_DEEP)
    if len(analysis.connections) > MAX_CONNECTIONS:
        errors.append(TOO_MANY)
    if analysis.without_id:
        errors.append(
            "The parent 'node' field for a nested connection must select the 'id' field without "
            "an alias and must be of 'ID' return type. Connection fields without 'id': "
            f"{', '.join(analysis.without_id)}."
        )
    if analysis.in_list:
        errors.append(IN_LIST)
    if not analysis.connections and not analysis.top_node:
        errors.append(NO_CONNECTION)
    return errors


def plan_bulk_query(schema: GraphQLSchema, text: str) -> BulkPlan:
    """Validate ``text`` as Shopify validates a bulk query and plan its rows."""
    if not text.strip():
        raise BulkQueryInvalid([f"{PREFIX}syntax error, unexpected end of file"])
    try:
        document = parse(text)
    except GraphQLError as exc:
        description = syntax_error(exc)["message"]
        raise BulkQueryInvalid([f"{PREFIX}syntax error, {description}"]) from None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if any(op.operation is not OperationType.QUERY for op in operations):
        raise BulkQueryInvalid([ONLY_QUERIES])
    problems = validate(schema, document)
    if problems:
        rewritten = validation_errors(document, problems)
        raise BulkQueryInvalid([f"{PREFIX}{error['message']}" for error in rewritten])
    if len(operations) != 1:
        raise BulkQueryInvalid([f"{PREFIX}a bulk query must contain exactly one operation"])
    operation = operations[0]
    coerced = get_variable_values(schema, operation.variable_definitions or (), {})
    if isinstance(coerced, list):
        raise BulkQueryInvalid([f"{PREFIX}{error.message}" for error in coerced])
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    analysis = _Analysis(schema, fragments)
    root = schema.query_type
    assert root is not None
    top = analysis.walk(
        [root], [operation.selection_set], depth=0, in_list=False, parent_has_id=False
    )
    errors = _messages(analysis)
    if errors:
        raise BulkQueryInvalid(errors)
    if len(top) != 1:
        raise BulkQueryInvalid([ONE_TOP_CONNECTION])
    root_path, shape = top[0]
    return BulkPlan(document, operation, fragments, root_path, shape, coerced)
