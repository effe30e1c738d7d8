"""The GraphQL request pipeline, independent of HTTP.

parse -> validate (both cached per query text) -> pick the operation -> coerce variables ->
requested cost -> the 1000-point cap -> the token's bucket -> compiled execution -> actual cost
and refund. Every response, refused or served, carries ``extensions.cost``. Mutations are the
bulk operation ones; the bulk runner installed here compiles the bulk query the same way and
runs it over windows of its root connection.
"""

from __future__ import annotations

import functools
import importlib.resources
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DirectiveNode,
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    VariableNode,
    build_schema,
    execute,
    parse,
    print_ast,
    print_type,
    validate,
)
from graphql.execution.values import get_variable_values

from workbench.sandbox.shopify_emulator.bulk_resolvers import BULK_RESOLVERS
from workbench.sandbox.shopify_emulator.bulk_run import Runner
from workbench.sandbox.shopify_emulator.cost import (
    THROTTLED_ERROR,
    CostCalculator,
    cost_extension,
    max_cost_error,
)
from workbench.sandbox.shopify_emulator.errors import (
    syntax_error,
    validation_errors,
    variable_errors,
)
from workbench.sandbox.shopify_emulator.executor import (
    CompiledOperation,
    ExecContext,
    compile_operation,
)
from workbench.sandbox.shopify_emulator.resolvers import TYPE_RESOLVERS, build_resolvers
from workbench.sandbox.shopify_emulator.state import ShopifyEmulator, gc_paused

CACHE_SIZE = 256
MUTATION_COST = 10  # Shopify charges every mutation field 10 points, whatever it selects


@functools.cache
def load_schema() -> GraphQLSchema:
    """The SDL subset shipped with the package, built once per process."""
    text = (
        importlib.resources.files("workbench.sandbox.shopify_emulator")
        .joinpath("schema.graphql")
        .read_text(encoding="utf-8")
    )
    return build_schema(text)


def schema_sdl(type_name: str) -> str:
    """One type of the emulated schema as SDL (handy in failing-test messages)."""
    return print_type(load_schema().type_map[type_name])


@dataclass
class Prepared:
    """A query text parsed and validated once; ``errors`` are already in Shopify's shape."""

    document: DocumentNode | None
    errors: list[dict[str, Any]] | None
    operations: dict[str | None, OperationDefinitionNode] = field(default_factory=dict)
    fragments: dict[str, FragmentDefinitionNode] = field(default_factory=dict)
    directive_variables: tuple[str, ...] = ()


class _Lru(OrderedDict[Any, Any]):
    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def lookup(self, key: Any) -> Any:
        found = self.get(key)
        if found is not None:
            self.move_to_end(key)
        return found

    def store(self, key: Any, value: Any) -> None:
        self[key] = value
        if len(self) > self.size:
            self.popitem(last=False)


def _directive_variables(document: DocumentNode) -> tuple[str, ...]:
    names: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, DirectiveNode):
            for argument in node.arguments:
                if isinstance(argument.value, VariableNode):
                    names.add(argument.value.name.value)
        for key in getattr(node, "keys", ()):
            child = getattr(node, key, None)
            if isinstance(child, list | tuple):
                for item in child:
                    if hasattr(item, "keys"):
                        walk(item)
            elif hasattr(child, "keys"):
                walk(child)

    walk(document)
    return tuple(sorted(names))


class Engine:
    """Runs GraphQL requests against one :class:`ShopifyEmulator`."""

    def __init__(self, emulator: ShopifyEmulator) -> None:
        self.emulator = emulator
        self.schema = load_schema()
        self.resolvers = {**build_resolvers(list(self.schema.type_map)), **BULK_RESOLVERS}
        emulator.bulk.runner = Runner(emulator, self.schema, self.resolvers, TYPE_RESOLVERS)
        self._prepared: _Lru = _Lru(CACHE_SIZE)
        self._compiled: _Lru = _Lru(CACHE_SIZE)

    # --- caches -----------------------------------------------------------------------------------

    def prepare(self, query: str) -> Prepared:
        found: Prepared | None = self._prepared.lookup(query)
        if found is not None:
            return found
        try:
            document = parse(query)
        except GraphQLError as exc:
            prepared = Prepared(None, [syntax_error(exc)])
        else:
            problems = validate(self.schema, document)
            if problems:
                prepared = Prepared(document, validation_errors(document, problems))
            else:
                prepared = Prepared(document, None)
                for definition in document.definitions:
                    if isinstance(definition, OperationDefinitionNode):
                        name = definition.name.value if definition.name else None
                        prepared.operations[name] = definition
                    elif isinstance(definition, FragmentDefinitionNode):
                        prepared.fragments[definition.name.value] = definition
                prepared.directive_variables = _directive_variables(document)
        self._prepared.store(query, prepared)
        return prepared

    def compiled(
        self,
        query: str,
        prepared: Prepared,
        operation: OperationDefinitionNode,
        variables: Mapping[str, Any],
    ) -> CompiledOperation:
        switches = tuple(repr(variables.get(name)) for name in prepared.directive_variables)
        key = (query, operation.name.value if operation.name else None, switches)
        found: CompiledOperation | None = self._compiled.lookup(key)
        if found is None:
            found = compile_operation(
                self.schema,
                operation,
                prepared.fragments,
                variables,
                self.resolvers,
                TYPE_RESOLVERS,
            )
            self._compiled.store(key, found)
        return found

    # --- the pipeline -----------------------------------------------------------------------------

    def _cost(self, token: str, requested: int, actual: int | None) -> dict[str, Any]:
        emulator = self.emulator
        available = (
            emulator.bucket(token).available() if emulator.throttle else emulator.bucket_size
        )
        return cost_extension(
            requested, actual, available, emulator.bucket_size, emulator.restore_rate
        )

    def _refused(
        self, token: str, errors: list[dict[str, Any]], requested: int = 0
    ) -> dict[str, Any]:
        return {"errors": errors, "extensions": {"cost": self._cost(token, requested, None)}}

    def execute(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        operation_name: str | None = None,
        *,
        token: str,
        base_url: str | None = None,
    ) -> dict[str, Any]:
        """Run one request for ``token`` and return the response body.

        ``base_url`` is where the request came in; links the response hands out (bulk results)
        point there.
        """
        emulator = self.emulator
        prepared = self.prepare(query)
        if prepared.errors is not None or prepared.document is None:
            return self._refused(token, prepared.errors or [])
        if operation_name:
            operation = prepared.operations.get(operation_name)
            if operation is None:
                return self._refused(token, [{"message": f'No operation named "{operation_name}"'}])
        elif len(prepared.operations) == 1:
            operation = next(iter(prepared.operations.values()))
        else:
            return self._refused(token, [{"message": "An operation name is required"}])
        if operation.operation is OperationType.SUBSCRIPTION:
            return self._refused(token, [{"message": "Subscriptions are not supported"}])
        mutation = operation.operation is OperationType.MUTATION
        raw = dict(variables or {})
        coerced = get_variable_values(self.schema, operation.variable_definitions or (), raw)
        if isinstance(coerced, list):
            definitions = {
                d.variable.name.value: _type_text(d.type)
                for d in operation.variable_definitions or ()
            }
            return self._refused(token, variable_errors(coerced, definitions, raw))
        if mutation:
            requested = MUTATION_COST * len(operation.selection_set.selections)
        else:
            requested = CostCalculator(self.schema, prepared.fragments, coerced).operation(
                operation.selection_set
            )
        limit = emulator.max_query_cost
        if limit is not None and requested > limit:
            return self._refused(token, [max_cost_error(requested, limit)], requested)
        if emulator.throttle and not emulator.bucket(token).try_take(requested):
            return self._refused(token, [dict(THROTTLED_ERROR)], requested)
        if _is_introspection(operation):
            result: ExecutionResult = execute(  # type: ignore[assignment]
                self.schema, prepared.document, variable_values=raw, operation_name=operation_name
            )
            body: dict[str, Any] = {"data": result.data}
            if result.errors:
                body["errors"] = [error.formatted for error in result.errors]
            body["extensions"] = {"cost": self._cost(token, requested, requested)}
            return body
        compiled = self.compiled(query, prepared, operation, coerced)
        ctx = ExecContext(emulator)
        if base_url:
            ctx.extras["base_url"] = base_url
        with gc_paused():
            data = compiled.run(ctx, coerced)
        actual = requested if mutation else min(ctx.cost, requested)
        if emulator.throttle:
            emulator.bucket(token).refund(requested - actual)
        body = {"data": data}
        if ctx.errors:
            body["errors"] = ctx.errors
        extensions: dict[str, Any] = {"cost": self._cost(token, requested, actual)}
        if ctx.extras.get("search"):
            extensions["search"] = ctx.extras["search"]
        body["extensions"] = extensions
        return body


def _type_text(node: Any) -> str:
    return print_ast(node)


def _is_introspection(operation: OperationDefinitionNode) -> bool:
    return any(
        isinstance(selection, FieldNode)
        and selection.name.value.startswith("__")
        and selection.name.value != "__typename"
        for selection in operation.selection_set.selections
    )
