"""The ``query:`` filter fields each connection understands, as Shopify documents them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from workbench.sandbox.shopify_emulator.search import (
    FieldSpec,
    Predicate,
    Term,
)
from workbench.sandbox.shopify_emulator.state import Record, ShopifyEmulator
from workbench.sandbox.shopify_emulator.wire import legacy_id

# --- search fields -----------------------------------------------------------------------------


def _node_get(key: str) -> Callable[[Record], Any]:
    return lambda r: r.node.get(key)


def _enum_field(key: str, aliases: Mapping[str, frozenset[str]] | None = None) -> FieldSpec:
    """Match an enum-valued field by its lower-case name (``financial_status:paid``)."""

    def factory(term: Term) -> Predicate | None:
        wanted = term.value.lower()
        if wanted == "any":
            return lambda r: True
        allowed = (aliases or {}).get(wanted, frozenset({wanted.upper()}))
        return lambda r: str(r.node.get(key) or "").upper() in allowed

    return FieldSpec("custom", factory=factory)


def _order_status(term: Term) -> Predicate | None:
    wanted = term.value.lower()
    rules: dict[str, Predicate] = {
        "open": lambda r: r.node.get("closedAt") is None and r.node.get("cancelledAt") is None,
        "closed": lambda r: r.node.get("closedAt") is not None,
        "cancelled": lambda r: r.node.get("cancelledAt") is not None,
        "not_closed": lambda r: r.node.get("closedAt") is None,
        "any": lambda r: True,
    }
    return rules.get(wanted)


def _order_name(term: Term) -> Predicate | None:
    wanted = term.value.lstrip("#").lower()
    return lambda r: str(r.node.get("name") or "").lstrip("#").lower() == wanted


def _tag_not(term: Term) -> Predicate | None:
    wanted = term.value.lower()
    return lambda r: all(str(tag).lower() != wanted for tag in r.node.get("tags") or ())


def _customer_id(record: Record) -> int:
    customer = record.node.get("customer") or {}
    try:
        return legacy_id(customer.get("id"))
    except ValueError:
        return -1


def _payout_id(record: Record) -> int:
    payout = record.node.get("associatedPayout") or {}
    try:
        return legacy_id(payout.get("id"))
    except ValueError:
        return -1


ORDER_FIELDS: dict[str, FieldSpec] = {
    "created_at": FieldSpec("time", lambda r: r.times["created_at"]),
    "updated_at": FieldSpec("time", lambda r: r.times["updated_at"]),
    "processed_at": FieldSpec("time", lambda r: r.times["processed_at"]),
    "id": FieldSpec("int", lambda r: r.id),
    "test": FieldSpec("bool", _node_get("test")),
    "financial_status": _enum_field(
        "displayFinancialStatus",
        {"unpaid": frozenset({"PENDING", "AUTHORIZED", "PARTIALLY_PAID"})},
    ),
    "fulfillment_status": _enum_field(
        "displayFulfillmentStatus",
        {
            "shipped": frozenset({"FULFILLED"}),
            "partial": frozenset({"PARTIALLY_FULFILLED"}),
            "unshipped": frozenset({"UNFULFILLED"}),
            "unfulfilled": frozenset({"UNFULFILLED", "PARTIALLY_FULFILLED"}),
        },
    ),
    "status": FieldSpec("custom", factory=_order_status),
    "source_name": FieldSpec("string", _node_get("sourceName")),
    "name": FieldSpec("custom", factory=_order_name),
    "email": FieldSpec("string", _node_get("email")),
    "gateway": FieldSpec("strings", _node_get("paymentGatewayNames")),
    "tag": FieldSpec("strings", _node_get("tags")),
    "tag_not": FieldSpec("custom", factory=_tag_not),
    "sku": FieldSpec("strings", lambda r: [li.get("sku") for li in r.node.get("lineItems") or ()]),
    "customer_id": FieldSpec("int", _customer_id),
}

PAYOUT_FIELDS: dict[str, FieldSpec] = {
    "issued_at": FieldSpec("time", lambda r: r.times["issued_at"]),
    "id": FieldSpec("int", lambda r: r.id),
    "status": FieldSpec("string", _node_get("status")),
    "currency": FieldSpec("string", lambda r: (r.node.get("net") or {}).get("currencyCode")),
}

DISPUTE_FIELDS: dict[str, FieldSpec] = {
    "initiated_at": FieldSpec("time", lambda r: r.times["initiated_at"]),
    "id": FieldSpec("int", lambda r: r.id),
    "status": FieldSpec("string", _node_get("status")),
}


def _balance_fields(emulator: ShopifyEmulator) -> dict[str, FieldSpec]:
    def payout_date(record: Record) -> int:
        payout = record.node.get("associatedPayout") or {}
        found = emulator.payouts.by_gid.get(payout.get("id") or "")
        return found.times["issued_at"] if found is not None else -1

    return {
        "processed_at": FieldSpec("time", lambda r: r.times["processed_at"]),
        "id": FieldSpec("int", lambda r: r.id),
        "payments_transfer_id": FieldSpec("int", _payout_id),
        "payout_status": FieldSpec(
            "string", lambda r: (r.node.get("associatedPayout") or {}).get("status")
        ),
        "payout_date": FieldSpec("time", payout_date),
        "transaction_type": FieldSpec("string", _node_get("type")),
        "currency": FieldSpec("string", lambda r: (r.node.get("amount") or {}).get("currencyCode")),
    }


def _order_text(text: str) -> Predicate:
    """Free text in an order search: name, email or customer name contains it."""
    wanted = text.lower()

    def match(record: Record) -> bool:
        node = record.node
        customer = node.get("customer") or {}
        haystack = (node.get("name"), node.get("email"), customer.get("displayName"))
        return any(wanted in str(value).lower() for value in haystack if value)

    return match
