"""Relay connections the way Shopify pages them: keyset cursors, a 250 page cap, pageInfo.

Top-level connections (orders, payouts, balance transactions, disputes) page with keyset
cursors over a sorted index: base64 of ``{"last_id":<legacy id>,"last_value":"<sort value>"}``,
the form seen in Shopify's own examples. Seeking is a bisection, so page 80 of a 20,000-order
sync costs what page 1 costs, and a record updated mid-sync moves behind the cursor instead of
being served twice. Nested connections (an order's line items) are short lists and page by
position.
"""

from __future__ import annotations

import base64
import binascii
import json
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from workbench.sandbox.shopify_emulator.wire import legacy_id

MAX_PAGE_SIZE = 250
MISSING_FIRST_OR_LAST = "you must provide one of first or last"
INVALID_CURSOR = "Invalid cursor for current pagination sort."

R = TypeVar("R")
Key = tuple[Any, int]


class PagingError(Exception):
    """A pagination argument Shopify refuses; becomes a field error on the connection."""


@dataclass(frozen=True)
class PageArgs:
    first: int | None
    after: str | None
    last: int | None
    before: str | None
    reverse: bool


def page_args(args: Mapping[str, Any], *, bulk: bool = False) -> PageArgs:
    """Validate Relay arguments the way Shopify does before it touches any data.

    A bulk operation reads whole connections: its page arguments are ignored (no ``first``
    needed, no 250 cap), only the direction is kept.
    """
    if bulk:
        return PageArgs(None, None, None, None, bool(args.get("reverse")))
    first = args.get("first")
    last = args.get("last")
    if first is None and last is None:
        raise PagingError(MISSING_FIRST_OR_LAST)
    for name, value in (("first", first), ("last", last)):
        if value is None:
            continue
        if value < 0:
            raise PagingError(f"Argument '{name}' must be a non-negative integer.")
        if value > MAX_PAGE_SIZE:
            raise PagingError(
                f"The maximum page size is {MAX_PAGE_SIZE}; requested {name}: {value}."
            )
    return PageArgs(first, args.get("after"), last, args.get("before"), bool(args.get("reverse")))


def encode_cursor(last_id: int, last_value: str) -> str:
    raw = f'{{"last_id":{last_id},"last_value":{json.dumps(last_value)}}}'
    return base64.b64encode(raw.encode()).decode("ascii")


def decode_cursor(cursor: str) -> tuple[int, str]:
    try:
        payload = json.loads(base64.b64decode(cursor.encode("ascii"), validate=True))
    except (binascii.Error, ValueError, UnicodeError) as exc:
        raise PagingError(INVALID_CURSOR) from exc
    if not isinstance(payload, dict):
        raise PagingError(INVALID_CURSOR)
    last_id, last_value = payload.get("last_id"), payload.get("last_value")
    if not isinstance(last_id, int) or isinstance(last_id, bool):
        raise PagingError(INVALID_CURSOR)
    if isinstance(last_value, int | float) and not isinstance(last_value, bool):
        last_value = str(last_value)
    if not isinstance(last_value, str):
        raise PagingError(INVALID_CURSOR)
    return last_id, last_value


@dataclass
class Page(Generic[R]):
    """One page of records, with the cursor encoder so cursors are built only when asked."""

    items: list[R]
    has_next: bool
    has_previous: bool
    cursor_of: Callable[[R], str]

    def connection(self, node_of: Callable[[R], Any]) -> dict[str, Any]:
        """The Connection object the executor serves.

        ``edges`` and the cursors are built only if the query selects them (resolvers call
        :func:`edges_of` and :func:`cursor_text`): a sync that reads ``nodes`` and ``endCursor``
        pays for one cursor per page, not one per order and line item.
        """
        items, cursor_of = self.items, self.cursor_of
        nodes = [node_of(item) for item in items]
        return {
            "nodes": nodes,
            "edges": _LazyEdges(items, nodes, cursor_of),
            "pageInfo": {
                "hasNextPage": self.has_next,
                "hasPreviousPage": self.has_previous,
                "startCursor": _LazyCursor(cursor_of, items[0]) if items else None,
                "endCursor": _LazyCursor(cursor_of, items[-1]) if items else None,
            },
        }


class _LazyEdges:
    __slots__ = ("cursor_of", "items", "nodes")

    def __init__(self, items: list[Any], nodes: list[Any], cursor_of: Callable[[Any], str]) -> None:
        self.items = items
        self.nodes = nodes
        self.cursor_of = cursor_of

    def build(self) -> list[dict[str, Any]]:
        cursor_of = self.cursor_of
        return [
            {"node": node, "cursor": _LazyCursor(cursor_of, item)}
            for node, item in zip(self.nodes, self.items, strict=True)
        ]


class _LazyCursor:
    """A cursor computed only when a query selects it."""

    __slots__ = ("encode", "item")

    def __init__(self, encode: Callable[[Any], str], item: Any) -> None:
        self.encode = encode
        self.item = item

    def __str__(self) -> str:
        return self.encode(self.item)


def edges_of(value: Any) -> Any:
    """Materialise a connection's lazy ``edges`` (any other value passes through)."""
    return value.build() if isinstance(value, _LazyEdges) else value


def cursor_text(value: Any) -> Any:
    """Resolve a lazy edge cursor (any other value passes through)."""
    return str(value) if isinstance(value, _LazyCursor) else value


# --- keyset paging over a sorted index -----------------------------------------------------------


class SortedIndex(Generic[R]):
    """Records kept sorted by ``(sort value, legacy id)``; inserts and removals by bisection."""

    __slots__ = ("keys", "records")

    def __init__(self, pairs: Sequence[tuple[Key, R]] = ()) -> None:
        ordered = sorted(pairs, key=lambda pair: pair[0])
        self.keys: list[Key] = [key for key, _ in ordered]
        self.records: list[R] = [record for _, record in ordered]

    def __len__(self) -> int:
        return len(self.keys)

    def insert(self, key: Key, record: R) -> None:
        at = bisect_right(self.keys, key)
        self.keys.insert(at, key)
        self.records.insert(at, record)

    def remove(self, key: Key) -> None:
        at = bisect_left(self.keys, key)
        if at < len(self.keys) and self.keys[at] == key:
            del self.keys[at]
            del self.records[at]


@dataclass(frozen=True)
class Seek:
    """Index bounds from the search query: ``(value, inclusive)`` at either end, or None."""

    lo: tuple[Any, bool] | None = None
    hi: tuple[Any, bool] | None = None


_ID_MIN = -(1 << 63)
_ID_MAX = 1 << 63


def keyset_page(
    index: SortedIndex[R],
    args: PageArgs,
    *,
    cursor_key: Callable[[str], Key],
    cursor_of: Callable[[R], str],
    matches: Callable[[R], bool] | None = None,
    seek: Seek | None = None,
) -> Page[R]:
    """Serve one page of ``index`` in sort order (or reversed), filtered by ``matches``."""
    keys, records = index.keys, index.records
    base_lo, base_hi = 0, len(keys)
    if seek is not None and seek.lo is not None:
        value, inclusive = seek.lo
        base_lo = bisect_left(keys, (value, _ID_MIN if inclusive else _ID_MAX))
    if seek is not None and seek.hi is not None:
        value, inclusive = seek.hi
        base_hi = bisect_left(keys, (value, _ID_MAX if inclusive else _ID_MIN))
    lo, hi = base_lo, base_hi
    after_at = before_at = None
    if args.after is not None:
        ck = cursor_key(args.after)
        after_at = bisect_left(keys, ck) if args.reverse else bisect_right(keys, ck)
    if args.before is not None:
        ck = cursor_key(args.before)
        before_at = bisect_right(keys, ck) if args.reverse else bisect_left(keys, ck)
    if args.reverse:
        if after_at is not None:
            hi = min(hi, after_at)
        if before_at is not None:
            lo = max(lo, before_at)
    else:
        if after_at is not None:
            lo = max(lo, after_at)
        if before_at is not None:
            hi = min(hi, before_at)

    def ascending(start: int, stop: int) -> Iterator[int]:
        return iter(range(start, stop))

    def descending(start: int, stop: int) -> Iterator[int]:
        return iter(range(stop - 1, start - 1, -1))

    # "Forward" walks in output order; "backward" walks against it.
    forward = descending if args.reverse else ascending
    backward = ascending if args.reverse else descending

    def take(positions: Iterator[int], limit: int) -> list[R]:
        found: list[R] = []
        for at in positions:
            record = records[at]
            if matches is None or matches(record):
                found.append(record)
                if len(found) > limit:
                    break
        return found

    def any_match(positions: Iterator[int]) -> bool:
        return bool(take(positions, 0))

    # The stretch of the index on the far side of each cursor, in ascending positions.
    if args.reverse:
        beyond_after = (max(lo, after_at if after_at is not None else hi), base_hi)
        beyond_before = (base_lo, min(hi, before_at if before_at is not None else lo))
    else:
        beyond_after = (base_lo, min(hi, after_at if after_at is not None else lo))
        beyond_before = (max(lo, before_at if before_at is not None else hi), base_hi)

    if args.first is not None:
        items = take(forward(lo, hi), args.first)
        has_next = len(items) > args.first
        items = items[: args.first]
        has_previous = args.after is not None and any_match(backward(*beyond_after))
        if args.last is not None and len(items) > args.last:
            items = items[len(items) - args.last :]
            has_previous = True
        return Page(items, has_next, has_previous, cursor_of)
    assert args.last is not None
    items = take(backward(lo, hi), args.last)
    has_previous = len(items) > args.last
    items = items[: args.last]
    items.reverse()
    has_next = args.before is not None and any_match(forward(*beyond_before))
    return Page(items, has_next, has_previous, cursor_of)


# --- positional paging for nested lists ---------------------------------------------------------


def _position_cursor(pair: tuple[int, Any]) -> str:
    position, item = pair
    ident = item.get("id") if isinstance(item, dict) else None
    try:
        last_id = legacy_id(ident) if ident is not None else position
    except ValueError:
        last_id = position
    return encode_cursor(last_id, str(position))


def _position_of(cursor: str) -> int:
    _, value = decode_cursor(cursor)
    if not value.isdigit():
        raise PagingError(INVALID_CURSOR)
    return int(value)


def list_page(items: Sequence[Any], args: PageArgs) -> dict[str, Any]:
    """A connection over a short in-memory list (an order's line items, a refund's lines)."""
    view = list(reversed(items)) if args.reverse else list(items)
    start, stop = 0, len(view)
    if args.after is not None:
        start = max(start, _position_of(args.after) + 1)
    if args.before is not None:
        stop = min(stop, _position_of(args.before))
    window = list(range(start, max(start, stop)))
    has_next = has_previous = False
    if args.first is not None:
        has_next = len(window) > args.first or (args.before is not None and stop < len(view))
        window = window[: args.first]
        has_previous = start > 0
    if args.last is not None:
        if len(window) > args.last:
            has_previous = True
        elif args.first is None:
            has_previous = start > 0
        window = window[len(window) - args.last :] if args.last else []
        if args.first is None:
            has_next = stop < len(view)
    page = Page([(at, view[at]) for at in window], has_next, has_previous, _position_cursor)
    return page.connection(lambda pair: pair[1])


# --- bulk operations: whole connections, served to the runner in windows -------------------------


class BulkWindow:
    """What a bulk run asks of its root connection: records ``start`` to ``start + size``.

    The first execution fills ``records`` with every matching record in sort order (the
    operation's snapshot); later executions serve further windows of the same list, so a bulk
    export of 20,000 orders is built a few hundred at a time instead of in one response.
    """

    __slots__ = ("records", "size", "start")

    def __init__(self, size: int) -> None:
        self.records: list[Any] | None = None
        self.start = 0
        self.size = size

    @property
    def exhausted(self) -> bool:
        return self.records is None or self.start >= len(self.records)

    def page(self, cursor_of: Callable[[Any], str]) -> Page[Any]:
        assert self.records is not None
        items = self.records[self.start : self.start + self.size]
        more = self.start + self.size < len(self.records)
        return Page(items, more, self.start > 0, cursor_of)
