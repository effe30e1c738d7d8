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


def dumps(value: Any, *, indent: int | None = None) -> str:
    """Serialise with the C encoder; Decimals become bare numbers with their exact digits."""
    separators = (",", ":") if indent is None else (",", ": ")
    text = json.dumps(
        value, default=_default, ensure_ascii=False, separators=separators, indent=indent
    )
    if _MARK[0] not in text and "\\u0000" not in text:
        return text
    return _MARKED.sub(r"\1", text)


def loads(text: str | bytes) -> Any:
    return json.loads(text, parse_float=Decimal)
