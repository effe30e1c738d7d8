"""JSON that keeps money exact: Decimal in, bare JSON numbers out, Decimal back in.

The standard library writes no Decimal and reads every fraction as float. QuickBooks wants money
as JSON numbers, and our stored proposal bodies must be byte-for-byte what would be sent, so the
store and the QBO client share this codec: numbers with a fraction read back as Decimal.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

_MARK = "\x00dec:"
_MARKED = re.compile(r'"\\u0000dec:(-?[0-9]+(?:\.[0-9]+)?)"')


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"cannot write {value!r} as a JSON number")
        return _MARK + format(value, "f")
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


_START, _END = _MARK, "\x00"
_START_JSON, _END_JSON = '"\\u0000dec:', '\\u0000"'


def dumps(value: Any, *, indent: int | None = None) -> str:
    """Serialise with the C encoder; Decimals become bare numbers with their exact digits.

    Each Decimal is written as a string bracketed by NUL marks, and the brackets (with the
    quotes) are removed by two plain replacements: a regex substitution expands its template
    in Python for every amount, which made encoding the largest single cost of building
    proposals. When a text of our own holds a NUL the marks are ambiguous (there are more
    NULs than two per amount), and the regex (``_dumps_by_pattern``) does the work.
    """
    amounts = 0

    def mark(number: Any) -> str:
        nonlocal amounts
        if isinstance(number, Decimal):
            if not number.is_finite():
                raise ValueError(f"cannot write {number!r} as a JSON number")
            amounts += 1
            return f"{_START}{number:f}{_END}"
        raise TypeError(f"{type(number).__name__} is not JSON serialisable")

    separators = (",", ":") if indent is None else (",", ": ")
    encoder = json.JSONEncoder(
        default=mark, ensure_ascii=False, separators=separators, indent=indent
    )
    text = encoder.encode(value)
    if "\\u0000" not in text:
        return text
    if text.count("\\u0000") != 2 * amounts:
        return _dumps_by_pattern(value, indent=indent)
    return text.replace(_START_JSON, "").replace(_END_JSON, "")


def _dumps_by_pattern(value: Any, *, indent: int | None = None) -> str:
    """The same output, by one regex over marked amounts: right whatever the texts hold."""
    separators = (",", ":") if indent is None else (",", ": ")
    text = json.dumps(
        value, default=_default, ensure_ascii=False, separators=separators, indent=indent
    )
    if _MARK[0] not in text and "\\u0000" not in text:
        return text
    return _MARKED.sub(r"\1", text)


def loads(text: str | bytes) -> Any:
    return json.loads(text, parse_float=Decimal)
