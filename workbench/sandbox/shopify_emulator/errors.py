"""Shopify's wording for the errors a query can meet before it runs.

Shopify's GraphQL server is graphql-ruby; the emulator validates with graphql-core, whose
messages differ ("Cannot query field 'foo' on type 'Order'." against "Field 'foo' doesn't exist
on type 'Order'"). Clients match on ``extensions.code`` and, too often, on the message, so the
common validation failures are rewritten into graphql-ruby's form, with its ``path`` (operation,
then field names and aliases as written). Anything not recognised keeps graphql-core's message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    Node,
    ObjectFieldNode,
    OperationDefinitionNode,
    Visitor,
    print_ast,
    visit,
)


def _label(node: Node) -> str | None:
    if isinstance(node, OperationDefinitionNode):
        op = node.operation.value
        return f"{op} {node.name.value}" if node.name else op
    if isinstance(node, FragmentDefinitionNode):
        return f"fragment {node.name.value}"
    if isinstance(node, FieldNode):
        return node.alias.value if node.alias else node.name.value
    if isinstance(node, InlineFragmentNode):
        return f"... on {node.type_condition.name.value}" if node.type_condition else "..."
    if isinstance(node, FragmentSpreadNode):
        return f"... {node.name.value}"
    if isinstance(node, ArgumentNode | ObjectFieldNode):
        return node.name.value
    return None


class _PathFinder(Visitor):
    def __init__(self, targets: set[int]) -> None:
        super().__init__()
        self.targets = targets
        self.stack: list[str] = []
        self.found: dict[int, list[str]] = {}

    def enter(self, node: Node, *_: Any) -> None:
        label = _label(node)
        if label is not None:
            self.stack.append(label)
        if id(node) in self.targets:
            self.found[id(node)] = list(self.stack)

    def leave(self, node: Node, *_: Any) -> None:
        if _label(node) is not None:
            self.stack.pop()


def _paths(document: DocumentNode, errors: list[GraphQLError]) -> dict[int, list[str]]:
    targets = {id(error.nodes[0]) for error in errors if error.nodes}
    finder = _PathFinder(targets)
    visit(document, finder)
    return finder.found


_UNDEFINED_FIELD = re.compile(r"^Cannot query field '([^']+)' on type '([^']+)'\.")
_UNKNOWN_ARGUMENT = re.compile(r"^Unknown argument '([^']+)' on (field|directive) '([^']+)'\.")
_MISSING_ARGUMENT = re.compile(
    r"^(Field|Directive) '([^']+)' argument '([^']+)' of type '[^']+' is required"
)
_NEEDS_SELECTION = re.compile(r"^Field '([^']+)' of type '([^']+)' must have a selection")
_NO_SELECTION = re.compile(r"^Field '([^']+)' must not have a selection since type '([^']+)'")
_EXPECTED_TYPE = re.compile(
    r"Expected value of type '([^']+)'|^(\w+) cannot represent"
    r"|^Value '[^']*' does not exist in '([^']+)' enum"
)
_UNUSED_VARIABLE = re.compile(r"^Variable '\$([^']+)' is never used")
_UNDEFINED_VARIABLE = re.compile(r"^Variable '\$([^']+)' is not defined")
_UNKNOWN_TYPE = re.compile(r"^Unknown type '([^']+)'\.")
_VARIABLE_POSITION = re.compile(
    r"^Variable '\$([^']+)' of type '([^']+)' used in position expecting type '([^']+)'\."
)


def _operation_label(path: list[str]) -> str:
    if path and path[0].startswith(("query", "mutation", "subscription")):
        name = path[0].split(" ", 1)
        return f"{name[0]} '{name[1]}'" if len(name) == 2 else f"anonymous {name[0]}"
    return "anonymous query"


def _rewrite(error: GraphQLError, path: list[str]) -> dict[str, Any]:
    message = error.message
    ext: dict[str, Any] | None = None
    if match := _UNDEFINED_FIELD.match(message):
        field, type_name = match.groups()
        message = f"Field '{field}' doesn't exist on type '{type_name}'"
        ext = {"code": "undefinedField", "typeName": type_name, "fieldName": field}
    elif match := _UNKNOWN_ARGUMENT.match(message):
        argument, kind, owner = match.groups()
        owner_name = owner.rsplit(".", 1)[-1].lstrip("@")
        kind_name = kind.capitalize()
        message = f"{kind_name} '{owner_name}' doesn't accept argument '{argument}'"
        ext = {
            "code": "argumentNotAccepted",
            "name": owner_name,
            "typeName": kind_name,
            "argumentName": argument,
        }
    elif match := _MISSING_ARGUMENT.match(message):
        kind_name, owner, argument = match.groups()
        owner = owner.lstrip("@")
        message = f"{kind_name} '{owner}' is missing required arguments: {argument}"
        ext = {
            "code": "missingRequiredArguments",
            "className": kind_name,
            "name": owner,
            "arguments": argument,
        }
    elif match := _NEEDS_SELECTION.match(message):
        field, type_name = match.groups()
        message = (
            f"Field must have selections (field '{field}' returns {type_name} but has no "
            f"selections. Did you mean '{field} {{ ... }}'?)"
        )
        ext = {"code": "selectionMismatch", "nodeName": f"field '{field}'", "typeName": type_name}
    elif match := _NO_SELECTION.match(message):
        field, type_name = match.groups()
        node = error.nodes[0] if error.nodes else None
        selected = (
            [s.name.value for s in node.selection_set.selections if isinstance(s, FieldNode)]
            if isinstance(node, FieldNode) and node.selection_set
            else []
        )
        message = (
            f"Selections can't be made on scalars (field '{field}' returns {type_name} but has "
            f"selections [{', '.join(selected)}])"
        )
        ext = {"code": "selectionMismatch", "nodeName": f"field '{field}'", "typeName": type_name}
    elif (match := _EXPECTED_TYPE.search(message)) and len(path) >= 2:
        expected = match.group(1) or match.group(2) or match.group(3)
        argument, field = path[-1], path[-2]
        node = error.nodes[0] if error.nodes else None
        shown = print_ast(node) if node is not None else "?"
        message = (
            f"Argument '{argument}' on Field '{field}' has an invalid value ({shown}). "
            f"Expected type '{expected}'."
        )
        ext = {
            "code": "argumentLiteralsIncompatible",
            "typeName": "Field",
            "argumentName": argument,
        }
    elif match := _UNUSED_VARIABLE.match(message):
        name = match.group(1)
        message = f"Variable ${name} is declared by {_operation_label(path)} but not used"
        ext = {"code": "variableNotUsed", "variableName": name}
    elif match := _UNDEFINED_VARIABLE.match(message):
        name = match.group(1)
        message = f"Variable ${name} is used by {_operation_label(path)} but not declared"
        ext = {"code": "undefinedVariable", "variableName": name}
    elif match := _UNKNOWN_TYPE.match(message):
        name = match.group(1)
        message = f"No such type {name}, so it can't be a fragment condition"
        ext = {"code": "undefinedType", "typeName": name}
    elif match := _VARIABLE_POSITION.match(message):
        name, given, expected = match.groups()
        message = f"Type mismatch on variable ${name} and argument ({given} / {expected})"
        ext = {"code": "variableMismatch", "variableName": name, "typeName": given}
    out: dict[str, Any] = {"message": message}
    if error.locations:
        out["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    out["path"] = path
    if ext:
        out["extensions"] = ext
    return out


def validation_errors(document: DocumentNode, errors: list[GraphQLError]) -> list[dict[str, Any]]:
    """graphql-core validation errors in Shopify's (graphql-ruby's) shape."""
    found = _paths(document, errors)
    return [
        _rewrite(error, found.get(id(error.nodes[0]), []) if error.nodes else [])
        for error in errors
    ]


def syntax_error(error: GraphQLError) -> dict[str, Any]:
    """A parse failure: the position in the message and in ``locations``, no path."""
    description = error.message.removeprefix("Syntax Error: ").rstrip(".")
    out: dict[str, Any] = {"message": description}
    if error.locations:
        loc = error.locations[0]
        out["message"] = f"{description} at [{loc.line}, {loc.column}]"
        out["locations"] = [{"line": loc.line, "column": loc.column}]
    return out


def variable_errors(
    errors: list[GraphQLError],
    definitions: Mapping[str, str],
    raw: Mapping[str, Any],
) -> list[dict[str, Any]]:
    """Variable coercion failures in graphql-ruby's shape (value, problems)."""
    out = []
    for error in errors:
        match = re.search(r"Variable '\$([^']+)'", error.message)
        name = match.group(1) if match else "?"
        explanation = error.message.split("; ", 1)[-1]
        if "was not provided" in error.message:
            explanation = "Expected value to not be null"
        entry: dict[str, Any] = {
            "message": (
                f"Variable ${name} of type {definitions.get(name, '?')} was provided invalid value"
            ),
        }
        if error.locations:
            entry["locations"] = [
                {"line": loc.line, "column": loc.column} for loc in error.locations
            ]
        entry["extensions"] = {
            "value": raw.get(name),
            "problems": [{"path": [], "explanation": explanation}],
        }
        out.append(entry)
    return out
