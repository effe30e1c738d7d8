"""How an approved proposal becomes QBO writes, and how a write is recognised in QBO afterwards.

A proposal is usually one object. An invoice paid through two gateways is an ``Invoice`` and one
``Payment`` per gateway; the payments name the invoice as ``{Invoice.Id}`` because its Id exists
only once QBO has created it (objects created in one batch are invisible to later items of the
same batch, so payments always go in a later batch). A customer that QBO does not have yet is
``{"value": "{Customer}", "name": …}``: it is found or created by name just before sending.

Recognising our own writes is what makes "exactly once" hold when an answer was lost: every
body carries its proposal key in ``PrivateNote``, and a lookup by date (and DocNumber when the
entity has one) finds the object that holds that key as an exact token.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from workbench.domain.posting.context import CUSTOMER_PLACEHOLDER
from workbench.domain.proposals import keys_in_text, parse_key

INVOICE_ID = "{Invoice.Id}"
CUSTOMER = CUSTOMER_PLACEHOLDER  # what the posting rules write for a customer to find


@dataclass(frozen=True)
class Part:
    """One QBO object to create for a proposal."""

    part: str  # "SalesReceipt", "Invoice", "Payment:0", …
    position: int  # order within the proposal: parts are posted in this order
    entity: str
    body: dict[str, Any]
    amount: Decimal

    @property
    def waits_for_invoice(self) -> bool:
        return _mentions(self.body, INVOICE_ID)


def parts_of(entity_type: str, body: Mapping[str, Any], total: Decimal) -> list[Part]:
    """The objects of one proposal body, in posting order."""
    if entity_type == "Invoice" and "Payment" in body:
        invoice = dict(body["Invoice"])
        parts = [Part("Invoice", 0, "Invoice", invoice, total)]
        for i, payment in enumerate(body.get("Payment") or []):
            amount = Decimal(str(payment.get("TotalAmt", "0")))
            parts.append(Part(f"Payment:{i}", i + 1, "Payment", dict(payment), amount))
        return parts
    if set(body) != {entity_type}:
        raise ValueError(
            f"a {entity_type} proposal body must hold exactly one {entity_type!r} object, "
            f"found {sorted(body)}"
        )
    return [Part(entity_type, 0, entity_type, dict(body[entity_type]), total)]


def _mentions(value: Any, token: str) -> bool:
    if isinstance(value, str):
        return value == token
    if isinstance(value, Mapping):
        return any(_mentions(v, token) for v in value.values())
    if isinstance(value, list):
        return any(_mentions(v, token) for v in value)
    return False


def _replace(value: Any, token: str, replacement: str) -> Any:
    if isinstance(value, str):
        return replacement if value == token else value
    if isinstance(value, Mapping):
        return {k: _replace(v, token, replacement) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace(v, token, replacement) for v in value]
    return value


def with_invoice_id(body: Mapping[str, Any], invoice_id: str) -> dict[str, Any]:
    return dict(_replace(body, INVOICE_ID, invoice_id))


def customer_to_create(body: Mapping[str, Any]) -> str | None:
    """The display name of a customer the body needs and QBO may not have yet."""
    ref = body.get("CustomerRef")
    if isinstance(ref, Mapping) and ref.get("value") == CUSTOMER:
        name = str(ref.get("name") or "").strip()
        if not name:
            raise ValueError("a {Customer} placeholder needs the customer's display name")
        return name
    return None


def with_customer_id(body: Mapping[str, Any], customer_id: str) -> dict[str, Any]:
    ref = dict(body["CustomerRef"])
    ref["value"] = customer_id
    return {**body, "CustomerRef": ref}


def unresolved(body: Mapping[str, Any]) -> list[str]:
    """Placeholders still in a body: a body with any of them must never be sent."""
    return [token for token in (INVOICE_ID, CUSTOMER) if _mentions(body, token)]


# -- recognising a posted object ---------------------------------------------------------------


@dataclass(frozen=True)
class Lookup:
    """What to ask QBO for to find the object a part would have created."""

    entity: str
    txn_date: str | None
    doc_number: str | None


def lookup_for(part: Part) -> Lookup:
    return Lookup(part.entity, part.body.get("TxnDate"), part.body.get("DocNumber"))


def carries_key(obj: Mapping[str, Any], key: str) -> bool:
    """True when the object's memo holds exactly this proposal key (any key version counts as
    the same record, since an older version of us may have posted it)."""
    source_type, source_id, _version = parse_key(key)
    return any(
        (found_type, found_id) == (source_type, source_id)
        for found_type, found_id, _v in keys_in_text(str(obj.get("PrivateNote") or ""))
    )


def find_posted(
    part: Part,
    key: str,
    candidates: Iterable[Mapping[str, Any]],
    *,
    taken_ids: Sequence[str] = (),
) -> Mapping[str, Any] | None:
    """The QBO object this part created, among the candidates of its lookup, or None.

    Payments of one invoice share the key, so they are told apart by amount, and an object
    already recognised as another part of the same proposal is never claimed twice.
    """
    for obj in candidates:
        if str(obj.get("Id")) in taken_ids or not carries_key(obj, key):
            continue
        if part.entity == "Payment":
            amount = obj.get("TotalAmt")
            if amount is None or Decimal(str(amount)) != part.amount:
                continue
        return obj
    return None
