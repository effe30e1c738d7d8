"""A compiling GraphQL executor for plain-dict data.

graphql-core's executor resolves every field through a chain of Python calls; serving a page of
250 full orders that way takes most of a second. Here each (type, selection set) of a validated
query is compiled once into a straight-line Python function that reads the dicts directly
(``o.get("name")``), converts the few scalars that need it (Decimal, DateTime, UnsignedInt64) and
calls a resolver only for fields that compute something (connections, lookups). Compiled
operations are cached per query text, so a sync that pages 80 times compiles once.

Semantics follow the GraphQL spec where clients can see them: response keys in query order,
aliases, fragments, ``@skip``/``@include``, ``__typename``, abstract types, and null bubbling
(a null in a non-null field nulls the nearest nullable parent and records one error with its
path). Enum values outside the schema are field errors, except for the open enums listed in
``OPEN_ENUMS``. Mutations compile the same way from the mutation root; bulk operations run a
compiled query repeatedly over windows of its root connection (``ExecContext.bulk``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
)
from graphql.execution.collect_fields import collect_fields
from graphql.execution.values import get_argument_values

from workbench.sandbox.shopify_emulator.cost import is_free_type
from workbench.sandbox.shopify_emulator.paging import BulkWindow
from workbench.sandbox.shopify_emulator.wire import (
    DECIMAL_CACHE,
    datetime_out,
    decimal_out,
    integer_string_out,
)

Resolver = Callable[[Any, dict[str, Any], "ExecContext", "PathLink"], Any]
TypeResolver = Callable[[Any, "ExecContext"], str | None]
PathLink = tuple[Any, str | int] | None

# Enums Shopify grows faster than clients can be released: unknown values pass through.
OPEN_ENUMS = frozenset({"ShopifyPaymentsTransactionType"})
_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "Decimal": decimal_out,
    "DateTime": datetime_out,
    "UnsignedInt64": integer_string_out,
    "BigInt": integer_string_out,
}
# The type whose objects set ``ctx.order`` for the resolvers below them (refund -> order).
ORDER_TYPE = "Order"


class FieldError(Exception):
    """Raised by a resolver: the field becomes null and the message an entry in ``errors``."""

    def __init__(self, message: str, extensions: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extensions = extensions


class _Null(Exception):
    """A null reached a non-null position; the error is recorded, the null bubbles up."""


def path_of(link: PathLink) -> list[str | int]:
    """Turn the linked ``(parent, key)`` path built during execution into a list."""
    out: list[str | int] = []
    while link is not None:
        link, key = link
        out.append(key)
    out.reverse()
    return out


class ExecContext:
    """Per-request state shared by the compiled functions and the resolvers."""

    __slots__ = ("args", "bulk", "cost", "emulator", "errors", "extras", "order")

    def __init__(self, emulator: Any, bulk: BulkWindow | None = None) -> None:
        self.emulator = emulator
        # Set while a bulk operation runs: connections are read whole (see paging.BulkWindow).
        self.bulk = bulk
        self.args: list[dict[str, Any]] = []
        self.errors: list[dict[str, Any]] = []
        self.cost = 0
        self.order: Any = None
        self.extras: dict[str, Any] = {}

    def add_error(
        self,
        message: str,
        link: PathLink,
        location: list[dict[str, int]] | None,
        extensions: dict[str, Any] | None = None,
    ) -> None:
        error: dict[str, Any] = {"message": message}
        if location:
            error["locations"] = location
        error["path"] = path_of(link)
        if extensions:
            error["extensions"] = extensions
        self.errors.append(error)


# --- helpers called from generated code --------------------------------------------------------


def _nn(ctx: ExecContext, link: PathLink, label: str, loc: list[dict[str, int]]) -> Any:
    ctx.add_error(f"Cannot return null for non-nullable field {label}", link, loc)
    raise _Null


def _ferr(
    ctx: ExecContext, exc: FieldError, link: PathLink, loc: list[dict[str, int]], nonnull: bool
) -> None:
    ctx.add_error(exc.message, link, loc, exc.extensions)
    if nonnull:
        raise _Null


def _bad(
    ctx: ExecContext, message: str, link: PathLink, loc: list[dict[str, int]], nonnull: bool
) -> None:
    ctx.add_error(message, link, loc)
    if nonnull:
        raise _Null


def _nullable_items(
    fn: Callable[[Any, ExecContext, PathLink], Any], items: Any, ctx: ExecContext, link: PathLink
) -> list[Any]:
    out: list[Any] = []
    for index, item in enumerate(items):
        if item is None:
            out.append(None)
            continue
        try:
            out.append(fn(item, ctx, (link, index)))
        except _Null:
            out.append(None)
    return out


# --- compilation -------------------------------------------------------------------------------


@dataclass
class CompiledOperation:
    """A validated operation turned into Python: call :meth:`run` per request."""

    root: Callable[[Any, ExecContext, PathLink], dict[str, Any]]
    arg_specs: list[tuple[GraphQLField, FieldNode]]
    source: str

    def bind_args(self, variables: Mapping[str, Any]) -> list[dict[str, Any]]:
        return [get_argument_values(fd, node, dict(variables)) for fd, node in self.arg_specs]

    def run(self, ctx: ExecContext, variables: Mapping[str, Any]) -> dict[str, Any] | None:
        """Execute; ``None`` when a null bubbled up to the root (``"data": null``)."""
        ctx.args = self.bind_args(variables)
        try:
            return self.root({}, ctx, None)
        except _Null:
            return None


def _unwrap(gtype: GraphQLOutputType) -> tuple[bool, GraphQLOutputType]:
    if isinstance(gtype, GraphQLNonNull):
        return True, gtype.of_type
    return False, gtype


class _Compiler:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        resolvers: Mapping[tuple[str, str], Resolver],
        type_resolvers: Mapping[str, TypeResolver],
    ) -> None:
        self.schema = schema
        self.fragments = dict(fragments)
        self.variables = dict(variables)
        self.resolvers = resolvers
        self.type_resolvers = type_resolvers
        self.namespace: dict[str, Any] = {
            "_Null": _Null,
            "FieldError": FieldError,
            "_nn": _nn,
            "_ferr": _ferr,
            "_bad": _bad,
            "_nullable_items": _nullable_items,
        }
        self.sources: list[str] = []
        self.arg_specs: list[tuple[GraphQLField, FieldNode]] = []
        self.cache: dict[tuple[str, tuple[int, ...]], str] = {}
        self.counter = itertools.count()
        self.const_ids: dict[int, str] = {}

    def const(self, value: Any, prefix: str = "_c") -> str:
        """Bind a Python object into the generated module and return its name."""
        key = id(value)
        name = self.const_ids.get(key)
        if name is None:
            name = f"{prefix}{next(self.counter)}"
            self.namespace[name] = value
            self.const_ids[key] = name
        return name

    def collect(
        self, object_type: GraphQLObjectType, sets: list[SelectionSetNode]
    ) -> dict[str, list[FieldNode]]:
        fields: dict[str, list[FieldNode]] = {}
        for selection_set in sets:
            for key, nodes in collect_fields(
                self.schema, self.fragments, self.variables, object_type, selection_set
            ).items():
                fields.setdefault(key, []).extend(nodes)
        return fields

    def function_for(self, named: Any, sets: list[SelectionSetNode]) -> str:
        """Name of the generated function completing a value of ``named`` with ``sets``."""
        cache_key = (named.name, tuple(id(s) for s in sets))
        found = self.cache.get(cache_key)
        if found is not None:
            return found
        name = f"_f{next(self.counter)}"
        self.cache[cache_key] = name
        if isinstance(named, GraphQLObjectType):
            self.object_function(name, named, sets)
        else:
            self.abstract_function(name, named, sets)
        return name

    def abstract_function(
        self, name: str, abstract: GraphQLInterfaceType | GraphQLUnionType, sets: list[Any]
    ) -> None:
        table = {
            possible.name: self.namespace[self.function_for(possible, sets)]
            for possible in self.schema.get_possible_types(abstract)
        }
        resolve = self.type_resolvers.get(abstract.name)
        if resolve is None:
            raise TypeError(f"no type resolver for abstract type {abstract.name}")
        tname = self.const(table, "_t")
        rname = self.const(resolve, "_tr")
        message = f"Abstract type {abstract.name} must resolve to an Object type at runtime"
        self.sources.append(
            f"def {name}(o, ctx, p):\n"
            f"    fn = {tname}.get({rname}(o, ctx))\n"
            f"    if fn is None:\n"
            f"        _bad(ctx, {message!r}, p, None, True)\n"
            f"    return fn(o, ctx, p)\n"
        )
        self.namespace[name] = _Deferred(self.namespace, name)

    def object_function(
        self, name: str, object_type: GraphQLObjectType, sets: list[SelectionSetNode]
    ) -> None:
        self.namespace[name] = _Deferred(self.namespace, name)
        fields = self.collect(object_type, sets)
        header = ["g = o.get"]
        if not is_free_type(object_type.name):
            header.append("ctx.cost += 1")
        body: list[str] = []
        results: list[tuple[str, str]] = []
        for index, (key, nodes) in enumerate(fields.items()):
            var = f"r{index}"
            results.append((key, var))
            field_name = nodes[0].name.value
            if field_name == "__typename":
                body.append(f"{var} = {object_type.name!r}")
                continue
            field_def = object_type.fields[field_name]
            loc = self.const(_location(nodes[0]), "_l")
            link = f"(p, {key!r})"
            label = f"{object_type.name}.{field_name}"
            nonnull, inner = _unwrap(field_def.type)
            resolver = self.resolvers.get((object_type.name, field_name))
            if resolver is not None:
                if "A = ctx.args" not in header:
                    header.append("A = ctx.args")
                arg_index = len(self.arg_specs)
                self.arg_specs.append((field_def, nodes[0]))
                rname = self.const(resolver, "_r")
                body += [
                    "try:",
                    f"    {var} = {rname}(o, A[{arg_index}], ctx, {link})",
                    "except FieldError as e:",
                    f"    {var} = _ferr(ctx, e, {link}, {loc}, {nonnull})",
                ]
            else:
                body.append(f"{var} = g({field_name!r})")
            body += self.complete(var, inner, nonnull, nodes, link, label, loc)
        ret = "return {" + ", ".join(f"{key!r}: {var}" for key, var in results) + "}"
        if object_type.name == ORDER_TYPE:
            lines = [
                *header,
                "prev = ctx.order",
                "ctx.order = o",
                "try:",
                *_indent([*body, ret]),
                "finally:",
                "    ctx.order = prev",
            ]
        else:
            lines = [*header, *body, ret]
        self.sources.append(f"def {name}(o, ctx, p):\n" + "".join(_indent(lines, "\n")))

    def complete(
        self,
        var: str,
        gtype: GraphQLOutputType,
        nonnull: bool,
        nodes: list[FieldNode],
        link: str,
        label: str,
        loc: str,
    ) -> list[str]:
        """Lines that turn the raw value in ``var`` into its response value, in place.

        A null in a non-null field records the error and raises ``_Null``; a nullable composite
        field catches a ``_Null`` from below and becomes null itself (GraphQL null bubbling).
        """
        sets = [n.selection_set for n in nodes if n.selection_set is not None]
        inner: list[str]
        composite = True
        if isinstance(gtype, GraphQLList):
            item_nonnull, item = _unwrap(gtype.of_type)
            if isinstance(item, GraphQLScalarType | GraphQLEnumType):
                inner = self._leaf_list(var, item, link, loc, nonnull)
                composite = False
            else:
                fn = self.function_for(item, sets)
                inner = [f"_pk = {link}"]
                if item_nonnull:
                    inner.append(
                        f"{var} = [{fn}(x, ctx, (_pk, i)) if x is not None else "
                        f"_nn(ctx, (_pk, i), {label!r}, {loc}) for i, x in enumerate({var})]"
                    )
                else:
                    inner.append(f"{var} = _nullable_items({fn}, {var}, ctx, _pk)")
        elif isinstance(gtype, GraphQLScalarType | GraphQLEnumType):
            inner = self._leaf(var, gtype, link, loc, nonnull)
            composite = False
        else:
            fn = self.function_for(gtype, sets)
            inner = [f"{var} = {fn}({var}, ctx, {link})"]
        if composite and not nonnull:
            inner = ["try:", *_indent(inner), "except _Null:", f"    {var} = None"]
        if nonnull:
            return [f"if {var} is None:", f"    _nn(ctx, {link}, {label!r}, {loc})", *inner]
        if not inner:
            return []
        return [f"if {var} is not None:", *_indent(inner)]

    def _leaf(self, var: str, gtype: Any, link: str, loc: str, nonnull: bool) -> list[str]:
        if isinstance(gtype, GraphQLEnumType):
            if gtype.name in OPEN_ENUMS:
                return []
            values = self.const(frozenset(gtype.values), "_e")
            message = f"Enum '{gtype.name}' cannot represent value: "
            return [
                f"if {var} not in {values}:",
                f"    {var} = _bad(ctx, {message!r} + repr({var}), {link}, {loc}, {nonnull})",
            ]
        converter = _CONVERTERS.get(gtype.name)
        if converter is None:
            return []
        cname = self.const(converter, "_v")
        message = f"{gtype.name} cannot represent value: "
        convert = [
            f"    {var} = {cname}({var})",
            "except ValueError:",
            f"    {var} = _bad(ctx, {message!r} + repr({var}), {link}, {loc}, {nonnull})",
        ]
        if gtype.name != "Decimal":
            return ["try:", *convert]
        # Money is most of an order's leaves: read the formatting cache before calling out.
        cache = self.const(DECIMAL_CACHE, "_dc")
        return [
            "try:",
            f"    {var} = {cache}[{var}]",
            "except (KeyError, TypeError):",
            *_indent(["try:", *convert]),
        ]

    def _leaf_list(self, var: str, item: Any, link: str, loc: str, nonnull: bool) -> list[str]:
        converter = _CONVERTERS.get(item.name) if isinstance(item, GraphQLScalarType) else None
        if converter is None:
            return [f"{var} = list({var})"]
        cname = self.const(converter, "_v")
        return [
            "try:",
            f"    {var} = [None if x is None else {cname}(x) for x in {var}]",
            "except ValueError as exc:",
            f"    {var} = _bad(ctx, str(exc), {link}, {loc}, {nonnull})",
        ]


def _indent(lines: list[str], end: str = "") -> list[str]:
    return ["    " + line + end for line in lines]


class _Deferred:
    """Placeholder for a generated function referenced before its source is executed."""

    __slots__ = ("name", "namespace")

    def __init__(self, namespace: dict[str, Any], name: str) -> None:
        self.namespace = namespace
        self.name = name

    def __call__(self, *args: Any) -> Any:
        return self.namespace[self.name](*args)


def _location(node: FieldNode) -> list[dict[str, int]]:
    loc = node.loc
    if loc is None:
        return []
    return [{"line": loc.start_token.line, "column": loc.start_token.column}]


def compile_operation(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any],
    resolvers: Mapping[tuple[str, str], Resolver],
    type_resolvers: Mapping[str, TypeResolver],
) -> CompiledOperation:
    """Compile one validated query or mutation operation.

    ``variables`` only decide ``@skip``/``@include``; callers cache the result per query text and
    the values of the variables those directives use. Mutation fields run in document order,
    as the spec requires, because generated code evaluates fields one after another.
    """
    is_mutation = operation.operation is OperationType.MUTATION
    root_type = schema.mutation_type if is_mutation else schema.query_type
    assert root_type is not None
    compiler = _Compiler(schema, fragments, variables, resolvers, type_resolvers)
    root_name = compiler.function_for(root_type, [operation.selection_set])
    source = "\n".join(compiler.sources)
    # Only schema type names and validated GraphQL names (``[_A-Za-z][_0-9A-Za-z]*``, written
    # with repr) reach the source, so the text of a query cannot inject code.
    exec(compile(source, "<shopify-emulator-query>", "exec"), compiler.namespace)
    # The defs replaced the placeholders in the namespace; the dispatch tables of abstract
    # types still hold placeholders, swap them so hot calls skip the indirection.
    for key, value in list(compiler.namespace.items()):
        if isinstance(value, dict) and key.startswith("_t"):
            for type_name, fn in list(value.items()):
                if isinstance(fn, _Deferred):
                    value[type_name] = compiler.namespace[fn.name]
    root = compiler.namespace[root_name]
    return CompiledOperation(root, compiler.arg_specs, source)
