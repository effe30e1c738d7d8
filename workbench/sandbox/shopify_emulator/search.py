"""Shopify's ``query:`` search syntax, parsed and compiled into a record predicate.

Shopify filters list connections with a small query language: ``field:value`` terms with the
comparators ``:>``, ``:>=``, ``:<``, ``:<=``, joined by whitespace or ``AND``, ``OR``, ``NOT`` or
a leading ``-``, grouped with parentheses, values optionally quoted. A term on a field the
connection does not know is ignored and reported as a warning, which is what Shopify does (a
typo in a filter silently widens the result: the emulator keeps that trap so the client's tests
meet it). Time values without a clock time are dates in the shop's time zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from zoneinfo import ZoneInfo

from workbench.sandbox.shopify_emulator.wire import legacy_id, parse_datetime, to_micros

Op = Literal["=", ">", ">=", "<", "<="]
Predicate = Callable[[Any], bool]
INVALID_FIELD = "Invalid search field for this query."


class SearchSyntaxError(ValueError):
    """The query string cannot be parsed (unbalanced parentheses, a dangling operator)."""


@dataclass(frozen=True)
class Term:
    field: str | None
    op: Op
    value: str
    quoted: bool = False


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


Node = Term | Not | And | Or


# --- tokenising -------------------------------------------------------------------------------


@dataclass
class _Word:
    text: str  # the word with quotes removed
    raw_unquoted: str  # the part before the first quote, used to find "field:" and keywords
    quoted: bool


def _tokenise(text: str) -> list[str | _Word]:
    tokens: list[str | _Word] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if ch in "()":
            tokens.append(ch)
            i += 1
            continue
        out: list[str] = []
        head: list[str] = []
        quoted = False
        while i < n and not text[i].isspace() and text[i] not in "()":
            if text[i] in "'\"":
                quote = text[i]
                end = text.find(quote, i + 1)
                if end < 0:
                    raise SearchSyntaxError(f"unterminated quote in search query: {text!r}")
                out.append(text[i + 1 : end])
                quoted = True
                i = end + 1
                continue
            out.append(text[i])
            if not quoted:
                head.append(text[i])
            i += 1
        tokens.append(_Word("".join(out), "".join(head), quoted))
    return tokens


# --- parsing ------------------------------------------------------------------------------------


class _Parser:
    def __init__(self, tokens: list[str | _Word]) -> None:
        self.tokens = tokens
        self.pos = 0

    def _peek(self) -> str | _Word | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    @staticmethod
    def _keyword(token: str | _Word | None, word: str) -> bool:
        return isinstance(token, _Word) and not token.quoted and token.text == word

    def parse(self) -> Node | None:
        if not self.tokens:
            return None
        node = self._or()
        if self.pos != len(self.tokens):
            raise SearchSyntaxError("unbalanced parentheses in search query")
        return node

    def _or(self) -> Node:
        children = [self._and()]
        while self._keyword(self._peek(), "OR"):
            self.pos += 1
            children.append(self._and())
        return children[0] if len(children) == 1 else Or(tuple(children))

    def _and(self) -> Node:
        children = [self._unary()]
        while True:
            token = self._peek()
            if token is None or token == ")" or self._keyword(token, "OR"):
                break
            if self._keyword(token, "AND"):
                self.pos += 1
            children.append(self._unary())
        return children[0] if len(children) == 1 else And(tuple(children))

    def _unary(self) -> Node:
        token = self._peek()
        if token is None:
            raise SearchSyntaxError("search query ends after an operator")
        if self._keyword(token, "NOT"):
            self.pos += 1
            return Not(self._unary())
        if token == "(":
            self.pos += 1
            node = self._or()
            if self._peek() != ")":
                raise SearchSyntaxError("unbalanced parentheses in search query")
            self.pos += 1
            return node
        if token == ")":
            raise SearchSyntaxError("unbalanced parentheses in search query")
        assert isinstance(token, _Word)
        self.pos += 1
        if token.raw_unquoted.startswith("-") and len(token.text) > 1:
            return Not(_term(_Word(token.text[1:], token.raw_unquoted[1:], token.quoted)))
        return _term(token)


def _term(word: _Word) -> Term:
    colon = word.raw_unquoted.find(":")
    if colon <= 0:
        return Term(None, "=", word.text, word.quoted)
    name = word.raw_unquoted[:colon].lower()
    rest = word.text[colon + 1 :]
    for op in (">=", "<=", ">", "<"):
        if rest.startswith(op):
            return Term(name, op, rest[len(op) :], word.quoted)
    return Term(name, "=", rest, word.quoted)


def parse(text: str) -> Node | None:
    """Parse a search string; ``None`` for an empty one."""
    return _Parser(_tokenise(text)).parse()


# --- compiling ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldSpec:
    """How one search field reads a record.

    ``kind`` is "time" (getter gives epoch microseconds), "int", "bool", "string" (one string or
    None), "strings" (an iterable of strings) or "custom" (``factory`` builds the predicate).
    """

    kind: Literal["time", "int", "bool", "string", "strings", "custom"]
    getter: Callable[[Any], Any] | None = None
    factory: Callable[[Term], Predicate | None] | None = None


@dataclass
class Bounds:
    """A time range implied by the top-level AND of a query, used to seek in a sorted index."""

    lo: int | None = None
    lo_inclusive: bool = True
    hi: int | None = None
    hi_inclusive: bool = True

    def tighten(self, op: Op, lo: int, hi: int) -> None:
        """Narrow by one comparison; ``[lo, hi)`` is the instant or the day the value names.

        Mirrors the predicate exactly (comparisons use the start of a day), so seeking with the
        bounds can never drop a record the predicate would keep.
        """
        lower: tuple[int, bool] | None = None
        upper: tuple[int, bool] | None = None
        if op == "=":
            lower = (lo, True)
            upper = (lo, True) if lo == hi else (hi, False)
        elif op in (">", ">="):
            lower = (lo, op == ">=")
        else:
            upper = (lo, op == "<=")
        if lower is not None:
            value, inclusive = lower
            if self.lo is None or value > self.lo or (value == self.lo and not inclusive):
                self.lo, self.lo_inclusive = value, inclusive
        if upper is not None:
            value, inclusive = upper
            if self.hi is None or value < self.hi or (value == self.hi and not inclusive):
                self.hi, self.hi_inclusive = value, inclusive


@dataclass
class Search:
    """A compiled query: a predicate (None matches everything), warnings, and seekable ranges."""

    predicate: Predicate | None
    warnings: list[dict[str, str]] = field(default_factory=list)
    bounds: dict[str, Bounds] = field(default_factory=dict)

    def matches(self, record: Any) -> bool:
        return self.predicate is None or self.predicate(record)


def _time_range(value: str, zone: dt.tzinfo) -> tuple[int, int] | None:
    """``[start, end)`` in microseconds: an instant (start == end) or a whole local day."""
    text = value.strip()
    try:
        if len(text) == 10 and text[4] == "-" and text[7] == "-":
            day = dt.date.fromisoformat(text)
            start = dt.datetime(day.year, day.month, day.day, tzinfo=zone)
            return to_micros(start), to_micros(start + dt.timedelta(days=1))
        moment = to_micros(parse_datetime(text))
        return moment, moment
    except ValueError:
        return None


def _compare(op: Op, left: Any, right: Any) -> bool:
    if op == "=":
        return bool(left == right)
    if op == ">":
        return bool(left > right)
    if op == ">=":
        return bool(left >= right)
    if op == "<":
        return bool(left < right)
    return bool(left <= right)


def _string_matcher(value: str) -> Callable[[str | None], bool]:
    wanted = value.lower()
    if wanted.endswith("*"):
        prefix = wanted[:-1]
        return lambda got: got is not None and got.lower().startswith(prefix)
    return lambda got: got is not None and got.lower() == wanted


def _leaf(term: Term, spec: FieldSpec, zone: dt.tzinfo) -> Predicate | None:
    getter = spec.getter
    if spec.kind == "custom":
        assert spec.factory is not None
        return spec.factory(term)
    assert getter is not None
    op = term.op
    if spec.kind == "time":
        span = _time_range(term.value, zone)
        if span is None:
            return None
        lo, hi = span
        if op == "=":
            if lo == hi:
                return lambda r: getter(r) == lo
            return lambda r: lo <= getter(r) < hi
        return lambda r: _compare(op, getter(r), lo)
    if spec.kind == "int":
        try:
            wanted = legacy_id(term.value)
        except ValueError:
            return None
        return lambda r: _compare(op, getter(r), wanted)
    if spec.kind == "bool":
        flag = term.value.lower()
        if flag not in ("true", "false"):
            return None
        expected = flag == "true"
        return lambda r: bool(getter(r)) is expected
    match = _string_matcher(term.value)
    if spec.kind == "string":
        return lambda r: match(getter(r))
    return lambda r: any(match(item) for item in (getter(r) or ()))


def compile_search(
    text: str | None,
    fields: Mapping[str, FieldSpec],
    *,
    zone: dt.tzinfo | None = None,
    default: Callable[[str], Predicate] | None = None,
) -> Search:
    """Compile ``text`` against a connection's search fields.

    Unknown fields and unreadable values drop their term and add a warning, as Shopify does;
    a syntax error raises :class:`SearchSyntaxError`.
    """
    search = Search(None)
    if not text or not text.strip():
        return search
    tree = parse(text)
    if tree is None:
        return search
    tz = zone or dt.UTC

    def build(node: Node) -> Predicate | None:
        if isinstance(node, Term):
            if node.field is None:
                return default(node.value) if default is not None else None
            spec = fields.get(node.field)
            if spec is None:
                search.warnings.append({"field": node.field, "message": INVALID_FIELD})
                return None
            predicate = _leaf(node, spec, tz)
            if predicate is None:
                search.warnings.append(
                    {"field": node.field, "message": f"Invalid value: {node.value!r}."}
                )
            return predicate
        if isinstance(node, Not):
            inner = build(node.child)
            return None if inner is None else (lambda r: not inner(r))
        parts = [p for p in (build(c) for c in node.children) if p is not None]
        if not parts:
            return None
        if len(parts) == 1:
            return parts[0]
        if isinstance(node, And):
            return lambda r: all(p(r) for p in parts)
        return lambda r: any(p(r) for p in parts)

    search.predicate = build(tree)
    top: Iterable[Node] = tree.children if isinstance(tree, And) else (tree,)
    for node in top:
        if isinstance(node, Term) and node.field and fields.get(node.field, None) is not None:
            spec = fields[node.field]
            if spec.kind != "time":
                continue
            span = _time_range(node.value, tz)
            if span is not None:
                search.bounds.setdefault(node.field, Bounds()).tighten(node.op, *span)
    return search


def shop_zone(name: str | None) -> dt.tzinfo:
    """The shop's IANA zone for date-only search values; UTC when unknown."""
    if not name:
        return dt.UTC
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        return dt.UTC
