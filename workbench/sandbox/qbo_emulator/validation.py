"""Checks shared by the entity rules: properties, required fields, money, lengths, references.

Each check raises the QboFault QBO would send, so an entity rule reads as a list of checks in the
order QBO applies them: unknown properties first (the JSON binding fails before any business
rule), then required fields, then references, then business rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from . import faults, schema
from .state import JSON, RealmState

CENT = Decimal("0.01")
MAX_DIGITS = 15


def known_properties(entity: str, obj: JSON) -> None:
    """2010 for the first property the entity's class does not know."""
    known = schema.KNOWN_PROPERTIES[entity]
    for key in obj:
        if key not in known:
            raise faults.invalid_property(key, entity, known)


def line_properties(lines: Iterable[Any]) -> None:
    for line in lines:
        if not isinstance(line, dict):
            raise faults.invalid_value("Line", line, "each line must be an object")
        for key in line:
            if key not in schema.LINE_PROPERTIES:
                raise faults.invalid_property(key, "Line", schema.LINE_PROPERTIES)


def required(obj: JSON, key: str, element: str | None = None) -> Any:
    value = obj.get(key)
    if value is None or value == "" or value == []:
        raise faults.required_missing(element or key)
    return value


def number(value: Any, element: str) -> Decimal:
    """A JSON number (or a numeric string, which Jackson also binds) as Decimal."""
    if isinstance(value, bool):
        raise faults.invalid_value(element, value, "a number is expected")
    if isinstance(value, int | Decimal):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise faults.invalid_value(element, value, "a number is expected") from None
    else:
        raise faults.invalid_value(element, value, "a number is expected")
    if not result.is_finite():
        raise faults.invalid_value(element, value, "a finite number is expected")
    digits = len(result.as_tuple().digits)
    if digits > MAX_DIGITS and result != result.to_integral_value():
        raise faults.invalid_value(element, value, "at most 15 digits")
    return result


def money(value: Any, element: str) -> Decimal:
    """An amount: at most 2 decimals (cents) and 15 digits.

    QBO's reaction to sub-cent amounts is not documented (UNVERIFIED); the emulator refuses them
    with 6000 so a client that forgets to round is caught in tests rather than in the books.
    """
    amount = number(value, element)
    if amount != amount.quantize(CENT):
        raise faults.business(
            f"{element} {value} has more than 2 decimal places; amounts must be in cents.",
            element,
        )
    if abs(amount) >= Decimal(10) ** 13:
        raise faults.invalid_value(element, value, "at most 15 digits (10.2 format)")
    return amount


def optional_money(obj: JSON, key: str, element: str) -> Decimal | None:
    value = obj.get(key)
    if value is None:
        return None
    amount = money(value, element)
    obj[key] = amount
    return amount


def max_length(obj: JSON, key: str, maximum: int, element: str | None = None) -> None:
    value = obj.get(key)
    if value is None:
        return
    if not isinstance(value, str):
        obj[key] = value = str(value)
    if len(value) > maximum:
        raise faults.string_length(element or key, maximum, len(value))


def iso_date(obj: JSON, key: str) -> None:
    value = obj.get(key)
    if value is None:
        return
    try:
        date.fromisoformat(str(value))
    except ValueError:
        raise faults.invalid_value(key, value, "a date yyyy-mm-dd is expected") from None
    if len(str(value)) != 10:
        raise faults.invalid_value(key, value, "a date yyyy-mm-dd is expected")


def enum(value: Any, element: str, allowed: Iterable[str]) -> str:
    options = list(allowed)
    if value not in options:
        raise faults.invalid_enumeration(element, value, options)
    return str(value)


def ref_value(ref: Any, element: str) -> str:
    if not isinstance(ref, dict) or ref.get("value") in (None, ""):
        raise faults.required_missing(f"{element}.value" if isinstance(ref, dict) else element)
    return str(ref["value"])


def display_name(entity: str, obj: JSON) -> str | None:
    for key in ("FullyQualifiedName", "Name", "DisplayName"):
        if obj.get(key):
            return str(obj[key])
    return None


def reference(
    state: RealmState,
    entity: str,
    ref: Any,
    element: str,
    *,
    account_types: Iterable[str] | None = None,
    type_rule: str = "",
    fill_name: bool = True,
) -> JSON:
    """Resolve ``{"value": Id}``: unknown → 2500, inactive → 610, wrong account type → 6000.

    The name of the target is written into the ref, as QBO does on every response.
    """
    ref_id = ref_value(ref, element)
    target = state.get(entity, ref_id)
    if target is None:
        raise faults.invalid_reference(entity, ref_id, element)
    if target.get("Active") is False:
        raise faults.object_not_found()
    if account_types is not None:
        allowed = set(account_types)
        if target.get("AccountType") not in allowed:
            rule = type_rule or "it must be one of: " + ", ".join(sorted(allowed))
            raise faults.business(
                f"{element} {ref_id} is a {target.get('AccountType')} account; {rule}.", element
            )
    if fill_name:
        name = display_name(entity, target)
        if name is not None:
            ref["name"] = name
    ref["value"] = ref_id
    return target
