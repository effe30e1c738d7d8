"""Reading a bulk operation's JSONL back into whole objects.

Each line is one object; a row of a nested connection carries ``"__parentId"`` and comes after
its parent, but not necessarily next to it (with ``groupObjects: false``, Shopify's default since
2026-01, a child may come thousands of lines later). So no object is known to be complete until
the whole file has been seen, and holding every parsed order until then would cost hundreds of
megabytes for a large store.

Instead the file (already on disk) is read twice. The first pass parses nothing: it notes where
each line starts and, for child rows, the parent id, found by a byte search at the end of the
line. The second pass parses one root at a time, with its children (and theirs) read by offset,
and yields it whole. Memory holds the offsets and one object; each line is parsed once.

Children are attached as plain lists, in file order, under the connection field they belong to:
``child_fields`` maps a row's ``__typename`` (or, without it, the type in its GID) to that field.
"""

from __future__ import annotations

import json
import os
import re
from array import array
from collections.abc import Iterator, Mapping
from typing import IO, Any

JSON = dict[str, Any]
PARENT_KEY = b'"__parentId":"'
# The parent id closes the line: `…,"__parentId":"gid:\/\/shopify\/Order\/1"}`
_TAIL = re.compile(rb'((?:[^"\\]|\\.)*)"\s*\}\s*$')  # used with match(line, pos): no ^


class BulkResultError(ValueError):
    """The result file is not what Shopify writes; the message says what is wrong."""


def default_field(type_name: str) -> str:
    """``LineItem`` → ``lineItems``: the usual name of a connection of that type."""
    return type_name[:1].lower() + type_name[1:] + "s"


def _type_of(row: JSON) -> str:
    name = row.get("__typename")
    if isinstance(name, str):
        return name
    ident = row.get("id")
    if isinstance(ident, str) and ident.startswith("gid://"):
        return ident.split("/")[3]
    raise BulkResultError(
        f"a child row has neither __typename nor a GID id to tell its connection: {row!r:.120}"
    )


def _parent_of(line: bytes) -> str | None:
    """The ``__parentId`` of a raw line, without parsing it (None for a root row)."""
    at = line.rfind(PARENT_KEY)
    if at < 0:
        return None
    match = _TAIL.match(line, at + len(PARENT_KEY))
    if match is None:  # the key is not the row's last one: parse the line the slow way
        parent = json.loads(line).get("__parentId")
        return None if parent is None else str(parent)
    raw = match.group(1)
    if b"\\" in raw:
        # GIDs only ever escape "/"; anything else goes through the JSON decoder.
        plain = raw.replace(b"\\/", b"/")
        if b"\\" in plain:
            return str(json.loads(b'"' + raw + b'"'))
        raw = plain
    return raw.decode("utf-8")


class BulkTree:
    """Objects of one result file, re-assembled; iterate to get the roots in file order."""

    def __init__(self, file: IO[bytes], child_fields: Mapping[str, str] | None = None) -> None:
        self.file = file
        self.child_fields = dict(child_fields or {})
        # Rows are numbered in file order; where each starts and how long it is.
        self.starts = array("q")
        self.lengths = array("q")
        self.roots = array("q")
        self.children: dict[str, array[int]] = {}
        self._index()

    @property
    def rows(self) -> int:
        return len(self.starts)

    def _index(self) -> None:
        self.file.seek(0)
        offset = 0
        for number, line in enumerate(self.file, 1):
            if line.strip():
                try:
                    parent = _parent_of(line)
                except ValueError as exc:
                    raise BulkResultError(f"line {number} is not valid JSON: {exc}") from None
                row = len(self.starts)
                self.starts.append(offset)
                self.lengths.append(len(line))
                if parent is None:
                    self.roots.append(row)
                else:
                    found = self.children.get(parent)
                    if found is None:
                        found = self.children[parent] = array("q")
                    found.append(row)
            offset += len(line)

    def __iter__(self) -> Iterator[JSON]:
        # Rows are read with pread, not a memory map: mapped pages would count as this
        # process's resident memory, the page cache does not.
        descriptor = self.file.fileno()
        for row in self.roots:
            yield self._assemble(descriptor, row)
        if self.children:
            orphans = sum(len(rows) for rows in self.children.values())
            sample = next(iter(self.children))
            raise BulkResultError(
                f"{orphans} rows name a parent that is not in the file (e.g. {sample}); "
                "the export is incomplete: run it again"
            )

    def _row(self, descriptor: int, row: int) -> JSON:
        raw = os.pread(descriptor, self.lengths[row], self.starts[row])
        try:
            parsed = json.loads(raw)
        except ValueError as exc:
            raise BulkResultError(f"row {row + 1} is not valid JSON: {exc}") from None
        if not isinstance(parsed, dict):
            raise BulkResultError(f"row {row + 1} is not a JSON object")
        return parsed

    def _assemble(self, descriptor: int, row: int) -> JSON:
        node = self._row(descriptor, row)
        ident = node.get("id")
        kids = self.children.pop(ident, None) if isinstance(ident, str) else None
        for kid in kids or ():
            child = self._assemble(descriptor, kid)
            del child["__parentId"]
            kind = _type_of(child)
            field = self.child_fields.get(kind) or default_field(kind)
            existing = node.get(field)
            if isinstance(existing, list):
                existing.append(child)
            else:
                node[field] = [child]
        return node
