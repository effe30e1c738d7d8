"""Shopify's wire formats for the values the emulator prints or parses.

Money leaves Shopify as an unpadded decimal string ("2000.0", "41.9"); times as UTC with a
``Z``; ids as GIDs. The generator already writes these, but the emulator normalises on the way
out anyway, so a hand-built test order with "10.50" or "+00:00" still reaches the client the way
the real service would print it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

UTC = dt.UTC
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = dt.timedelta(microseconds=1)
_CACHE_LIMIT = 1 << 16
DECIMAL_CACHE: dict[str | Decimal, str] = {}


def _format_decimal(value: Decimal) -> str:
    if not value.is_finite():
        raise ValueError(f"not a finite amount: {value!r}")
    if value == value.to_integral_value():
        return f"{int(value)}.0"
    return format(value.normalize(), "f")


def decimal_out(value: Any) -> str:
    """Format a ``Decimal`` scalar like Shopify (Ruby BigDecimal): "2000.0", "41.9", "-0.5".

    Results for strings and Decimals are cached in ``DECIMAL_CACHE``: a store repeats the same
    few thousand amounts on every page, and the compiled executor reads the cache inline before
    it calls this function.
    """
    if isinstance(value, bool):
        raise ValueError(f"not a decimal amount: {value!r}")
    cacheable = isinstance(value, str | Decimal)
    if cacheable:
        cached = DECIMAL_CACHE.get(value)
        if cached is not None:
            return cached
    try:
        if isinstance(value, str | Decimal | int):
            text = _format_decimal(Decimal(value))
        elif isinstance(value, float):
            text = _format_decimal(Decimal(repr(value)))
        else:
            raise ValueError(f"not a decimal amount: {value!r}")
    except InvalidOperation as exc:
        raise ValueError(f"not a decimal amount: {value!r}") from exc
    if cacheable:
        if len(DECIMAL_CACHE) >= _CACHE_LIMIT:
            DECIMAL_CACHE.clear()
        DECIMAL_CACHE[value] = text
    return text


def integer_string_out(value: Any) -> str:
    """UnsignedInt64 and BigInt travel as strings of digits."""
    if isinstance(value, bool):
        raise ValueError(f"not an integer: {value!r}")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return value
    raise ValueError(f"not an integer: {value!r}")


def parse_datetime(value: str) -> dt.datetime:
    """Parse an ISO-8601 time; naive times are taken as UTC (Shopify never sends them)."""
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def datetime_out(value: Any) -> str:
    """A ``DateTime`` as Shopify prints it: UTC, seconds precision, ``Z`` suffix."""
    if isinstance(value, str):
        if value.endswith("Z") and len(value) == 20:
            return value
        value = parse_datetime(value)
    if isinstance(value, dt.datetime):
        moment: dt.datetime = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    raise ValueError(f"not a date-time: {value!r}")


def to_micros(moment: dt.datetime) -> int:
    """Exact integer microseconds since the epoch: a sort key with no float rounding."""
    return (moment - _EPOCH) // _MICRO


def micros_of(value: str) -> int:
    return to_micros(parse_datetime(value))


def micros_to_datetime(micros: int) -> dt.datetime:
    return _EPOCH + dt.timedelta(microseconds=micros)


def micros_to_cursor_value(micros: int) -> str:
    """The sort value inside Shopify's cursors: "2005-07-31 15:57:11.000000" (UTC)."""
    return (_EPOCH + dt.timedelta(microseconds=micros)).strftime("%Y-%m-%d %H:%M:%S.%f")


def cursor_value_to_micros(text: str) -> int:
    moment = dt.datetime.strptime(text, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=UTC)
    return to_micros(moment)


def legacy_id(gid: Any) -> int:
    """The numeric tail of a GID ("gid://shopify/Order/42" -> 42)."""
    if isinstance(gid, int) and not isinstance(gid, bool):
        return gid
    if isinstance(gid, str):
        tail = gid.rsplit("/", 1)[-1].split("?", 1)[0]
        if tail.isdigit():
            return int(tail)
    raise ValueError(f"not a Shopify GID: {gid!r}")


def gid_type(gid: str) -> str | None:
    """The type segment of a GID ("gid://shopify/Order/42" -> "Order")."""
    if not gid.startswith("gid://shopify/"):
        return None
    parts = gid[len("gid://shopify/") :].split("/")
    return parts[0] if len(parts) >= 2 and parts[0] else None
