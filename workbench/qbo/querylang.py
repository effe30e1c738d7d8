"""Building QBO query statements with values escaped exactly as the grammar requires.

Names such as ``O'Brien & Sons`` or ``C:\\Temp`` go into single-quoted literals where a quote and
a backslash each take a backslash (reference §9); forgetting either breaks the query or, worse,
changes what it matches. Callers never paste values into SQL-like text by hand: they use
:class:`Select`, which renders the statement, and the client pages it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

Value = str | bool | int | Decimal | date | datetime
OPERATORS = frozenset({"=", "<", ">", "<=", ">=", "IN", "LIKE"})
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$")


def quote(text: str) -> str:
    """``O'Brien`` → ``'O\\'Brien'``; ``a\\b`` → ``'a\\\\b'`` (backslash first, then quote)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def literal(value: Value) -> str:
    """One value as the grammar wants it: booleans bare, everything else single-quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("a query time needs a UTC offset; QBO would read it as local time")
        return quote(value.isoformat(timespec="seconds"))
    if isinstance(value, date):
        return quote(value.isoformat())
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} cannot be queried")
        return quote(format(value, "f"))
    if isinstance(value, int):
        return quote(str(value))
    if isinstance(value, str):
        return quote(value)
    raise TypeError(f"cannot put a {type(value).__name__} into a QBO query")


def _name(text: str) -> str:
    if not _NAME.match(text):
        raise ValueError(f"{text!r} is not a QBO entity or field name")
    return text


@dataclass(frozen=True)
class Condition:
    field: str
    op: str
    values: tuple[Value, ...]

    def render(self) -> str:
        if self.op == "IN":
            return f"{self.field} IN ({', '.join(literal(v) for v in self.values)})"
        return f"{self.field} {self.op} {literal(self.values[0])}"


@dataclass(frozen=True)
class Select:
    """``SELECT * [, extra] FROM entity [WHERE a AND b] [ORDERBY f]``, without paging.

    Paging (STARTPOSITION / MAXRESULTS) is the client's job, so one statement can be paged
    from any position; :meth:`page` renders a single page.
    """

    entity: str
    extra_fields: tuple[str, ...] = ()
    conditions: tuple[Condition, ...] = ()
    order: tuple[str, ...] = ()
    count: bool = False

    def __post_init__(self) -> None:
        _name(self.entity)
        for name in self.extra_fields:
            _name(name)

    def where(self, field: str, op: str, value: Value | Iterable[Value]) -> Select:
        """Add ``field op value``; conditions are joined by AND (QBO has no OR)."""
        op = op.upper()
        if op not in OPERATORS:
            raise ValueError(f"QBO queries do not support the operator {op!r}")
        if op == "IN":
            if isinstance(value, str | bytes) or not isinstance(value, Iterable):
                raise ValueError("IN needs a list of values")
            values = tuple(value)
            if not values:
                raise ValueError("IN needs at least one value")
        else:
            if isinstance(value, Iterable) and not isinstance(value, str):
                raise ValueError(f"{op} takes one value")
            values = (value,)
        return replace(self, conditions=(*self.conditions, Condition(_name(field), op, values)))

    def order_by(self, field: str, *, descending: bool = False) -> Select:
        term = _name(field) + (" DESC" if descending else "")
        return replace(self, order=(*self.order, term))

    def counting(self) -> Select:
        """The same filter as ``SELECT COUNT(*)`` (answers ``totalCount`` only)."""
        return replace(self, count=True, extra_fields=(), order=())

    def render(self) -> str:
        fields = "COUNT(*)" if self.count else ", ".join(["*", *self.extra_fields])
        head = f"SELECT {fields}"
        text = f"{head} FROM {self.entity}"
        if self.conditions:
            text += " WHERE " + " AND ".join(c.render() for c in self.conditions)
        if self.order:
            text += " ORDERBY " + ", ".join(self.order)
        return text

    def page(self, start: int, max_results: int) -> str:
        if start < 1 or not 1 <= max_results <= 1000:
            raise ValueError("STARTPOSITION starts at 1 and MAXRESULTS is 1 to 1000")
        return f"{self.render()} STARTPOSITION {start} MAXRESULTS {max_results}"

    def __str__(self) -> str:
        return self.render()
