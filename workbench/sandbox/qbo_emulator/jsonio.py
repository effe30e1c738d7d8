"""JSON in and out with money kept as Decimal.

QBO sends money as JSON numbers (``337.50``). Parsing them as float would lose cents in sums,
so every number with a fraction or exponent becomes a Decimal; writing goes back to a bare JSON
number (never a string), the way the real service writes it.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any


class BodyError(ValueError):
    """The request body is not UTF-8 or not JSON: QBO answers with Fault code 500."""


def loads(raw: bytes | str) -> Any:
    """Parse a request body strictly: bytes must be UTF-8, numbers with a fraction are Decimal."""
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BodyError(f"request body is not UTF-8: {exc.reason}") from exc
    else:
        text = raw
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise BodyError(f"request body is not JSON: {exc.msg} at char {exc.pos}") from exc


def _encode(value: Any, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, str):
        out.append(json.dumps(value, ensure_ascii=False))
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"cannot serialise {value!r} as a JSON number")
        text = str(value)
        # str(Decimal) may produce "1E+2": valid JSON, but keep plain digits where we can so the
        # wire bytes look like QBO's ("100", "337.50").
        if "E" in text or "e" in text:
            text = format(value, "f")
        out.append(text)
    elif isinstance(value, int):
        out.append(str(value))
    elif isinstance(value, float):
        out.append(json.dumps(value))
    elif isinstance(value, dict):
        out.append("{")
        first = True
        for key, item in value.items():
            if not first:
                out.append(",")
            first = False
            out.append(json.dumps(str(key), ensure_ascii=False))
            out.append(":")
            _encode(item, out)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _encode(item, out)
        out.append("]")
    else:
        raise TypeError(f"cannot serialise {type(value).__name__} as JSON")


def dumps(value: Any) -> bytes:
    """Serialise to compact UTF-8 JSON, Decimal as a JSON number."""
    out: list[str] = []
    _encode(value, out)
    return "".join(out).encode("utf-8")


def to_decimals(value: Any) -> Any:
    """Deep copy of seed data with floats turned into Decimal (via their shortest repr)."""
    if isinstance(value, bool) or value is None or isinstance(value, str | int | Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, dict):
        return {str(k): to_decimals(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_decimals(v) for v in value]
    raise TypeError(f"unsupported seed value of type {type(value).__name__}")
