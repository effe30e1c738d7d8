"""Create, read, update, delete and void on one realm, independent of HTTP.

The app and the batch endpoint both call these, so a batch item behaves exactly like the single
request it stands for. Every function either returns the response value (the object under its
entity name) or raises the QboFault QBO would send; nothing is changed when a fault is raised.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from . import faults, forms, schema
from . import validation as v
from .forms import WriteContext
from .state import JSON, RealmState

SERVER_FIELDS = ("Id", "SyncToken", "domain", "sparse", "MetaData", "status")
# Header fields a full update keeps when the request leaves them out: the recording
# salesreceipt_full_update_* sends only Line and gets DocNumber, TxnDate and CurrencyRef back.
KEPT_ON_FULL_UPDATE = ("DocNumber", "TxnDate", "CurrencyRef", "CustomField", "ExchangeRate")


@dataclass
class AppliedWrite:
    """One write that changed the books: what exactly-once tests count."""

    realm_id: str
    entity: str
    operation: str
    obj_id: str
    request_id: str | None


def _check_entity_body(entity: str, body: Any) -> JSON:
    if not isinstance(body, dict):
        raise faults.invalid_value(entity, body, "an object is expected")
    return body


def _numeric_id(value: Any, entity: str) -> str:
    text = str(value)
    if entity == "TaxCode":
        return text
    if not text.isdigit():
        raise faults.invalid_id(text)
    return text


def _target(ctx: WriteContext, entity: str, body: JSON) -> JSON:
    """The stored object an update/delete/void names, after the SyncToken check (5010)."""
    if body.get("Id") in (None, ""):
        raise faults.required_missing("Id")
    obj_id = _numeric_id(body["Id"], entity)
    if body.get("SyncToken") in (None, ""):
        raise faults.required_missing("SyncToken")
    current = ctx.state.get(entity, obj_id)
    if current is None:
        raise faults.object_not_found()
    if str(body["SyncToken"]) != current["SyncToken"]:
        raise faults.stale_object(ctx.user)
    return current


def _guard_deposited(ctx: WriteContext, entity: str, obj_id: str) -> None:
    if entity != "Deposit" and (entity, obj_id) in ctx.state.deposit_links:
        raise faults.deposited_transaction()


def _strip_input(entity: str, body: JSON) -> JSON:
    obj = copy.deepcopy(body)
    for key in (*SERVER_FIELDS, *forms.COMPUTED.get(entity, ())):
        obj.pop(key, None)
    return obj


def _stamp_new(ctx: WriteContext, obj: JSON, obj_id: str) -> JSON:
    stamped: JSON = {
        "domain": "QBO",
        "sparse": False,
        "Id": obj_id,
        "SyncToken": "0",
        "MetaData": {"CreateTime": ctx.stamp, "LastUpdatedTime": ctx.stamp},
    }
    stamped.update(obj)
    return stamped


def _writable(entity: str, verb: str) -> None:
    if entity not in schema.WRITABLE:
        raise faults.unsupported_operation(f"Operation {verb} is not supported for {entity}.")


def create(ctx: WriteContext, entity: str, body: Any) -> JSON:
    _writable(entity, "Create")
    body = _check_entity_body(entity, body)
    if body.get("Id") not in (None, ""):
        return update(ctx, entity, body)
    v.known_properties(entity, body)
    obj = forms.BUILDERS[entity](ctx, entity, _strip_input(entity, body), None)
    obj_id = ctx.state.new_id()
    stored = _stamp_new(ctx, obj, obj_id)
    ctx.state.put(entity, stored)
    _after_write(ctx, entity, None, stored)
    ctx.record(entity, "create", obj_id)
    return copy.deepcopy(stored)


def update(ctx: WriteContext, entity: str, body: Any) -> JSON:
    _writable(entity, "Update")
    body = _check_entity_body(entity, body)
    current = _target(ctx, entity, body)
    _guard_deposited(ctx, entity, current["Id"])
    v.known_properties(entity, body)
    incoming = _strip_input(entity, body)
    if body.get("sparse") is True:
        candidate = _strip_input(entity, current)
        candidate.update(incoming)
    else:
        candidate = incoming
        for key in KEPT_ON_FULL_UPDATE:
            if key not in candidate and key in current:
                candidate[key] = copy.deepcopy(current[key])
    obj = forms.BUILDERS[entity](ctx, entity, candidate, current)
    stored = _restamp(ctx, current, obj)
    old = copy.deepcopy(current)
    ctx.state.put(entity, stored)
    _after_write(ctx, entity, old, stored)
    ctx.record(entity, "update", stored["Id"])
    return copy.deepcopy(stored)


def _restamp(ctx: WriteContext, current: JSON, obj: JSON) -> JSON:
    stored: JSON = {
        "domain": "QBO",
        "sparse": False,
        "Id": current["Id"],
        "SyncToken": str(int(current["SyncToken"]) + 1),
        "MetaData": {
            "CreateTime": current.get("MetaData", {}).get("CreateTime", ctx.stamp),
            "LastUpdatedTime": ctx.stamp,
        },
    }
    stored.update(obj)
    return stored


def void(ctx: WriteContext, entity: str, body: Any) -> JSON:
    if entity not in schema.VOIDABLE:
        raise faults.unsupported_operation(f"Operation Void is not supported for {entity}.")
    body = _check_entity_body(entity, body)
    current = _target(ctx, entity, body)
    _guard_deposited(ctx, entity, current["Id"])
    obj = _strip_input(entity, current)
    forms.void(entity, obj)
    stored = _restamp(ctx, current, obj)
    old = copy.deepcopy(current)
    ctx.state.put(entity, stored)
    _after_write(ctx, entity, old, stored)
    ctx.record(entity, "void", stored["Id"])
    return copy.deepcopy(stored)


def delete(ctx: WriteContext, entity: str, body: Any) -> JSON:
    if entity in schema.NAME_LIST:
        raise faults.unsupported_operation(
            f"Operation Delete is not supported for {entity}: make it inactive (Active false)."
        )
    _writable(entity, "Delete")
    body = _check_entity_body(entity, body)
    current = _target(ctx, entity, body)
    _guard_deposited(ctx, entity, current["Id"])
    old = copy.deepcopy(current)
    ctx.state.remove(entity, current["Id"], ctx.stamp)
    _after_write(ctx, entity, old, None)
    ctx.record(entity, "delete", current["Id"])
    return {"status": "Deleted", "domain": "QBO", "Id": current["Id"]}


def read(ctx: WriteContext, entity: str, obj_id: str) -> JSON:
    obj_id = _numeric_id(obj_id, entity)
    found = ctx.state.get(entity, obj_id)
    if found is None:
        raise faults.object_not_found()
    return copy.deepcopy(found)


# -- effects on other objects -------------------------------------------------------------------


def _after_write(ctx: WriteContext, entity: str, old: JSON | None, new: JSON | None) -> None:
    if entity == "Deposit":
        _relink_deposit(ctx.state, old, new)
    elif entity == "Payment":
        invoices = set()
        for obj in (old, new):
            for line in (obj or {}).get("Line") or []:
                for link in line.get("LinkedTxn") or []:
                    if link.get("TxnType") == "Invoice":
                        invoices.add(str(link.get("TxnId")))
        for invoice_id in invoices:
            _refresh_invoice(ctx.state, invoice_id)


def _relink_deposit(state: RealmState, old: JSON | None, new: JSON | None) -> None:
    """Keep ``deposit_links`` and each deposited transaction's ``LinkedTxn`` in step."""
    from .state import deposit_linked_txns

    if old is not None:
        for key in deposit_linked_txns(old):
            if state.deposit_links.get(key) == old["Id"]:
                del state.deposit_links[key]
                txn = state.objects[key[0]].get(key[1])
                if txn is not None:
                    txn["LinkedTxn"] = [
                        link
                        for link in txn.get("LinkedTxn") or []
                        if not (link.get("TxnType") == "Deposit" and link.get("TxnId") == old["Id"])
                    ]
    if new is not None:
        for key in deposit_linked_txns(new):
            state.deposit_links[key] = new["Id"]
            txn = state.objects[key[0]].get(key[1])
            if txn is not None:
                links = txn.setdefault("LinkedTxn", [])
                links.append({"TxnId": new["Id"], "TxnType": "Deposit"})


def _refresh_invoice(state: RealmState, invoice_id: str) -> None:
    invoice = state.objects["Invoice"].get(invoice_id)
    if invoice is None:
        return
    payments = []
    applied = forms.ZERO
    for payment in state.objects["Payment"].values():
        amount = forms._applied_by(payment, invoice_id)
        if amount:
            applied += amount
            payments.append(payment["Id"])
    invoice["Balance"] = invoice["TotalAmt"] - applied
    others = [link for link in invoice.get("LinkedTxn") or [] if link.get("TxnType") != "Payment"]
    invoice["LinkedTxn"] = others + [{"TxnId": p, "TxnType": "Payment"} for p in payments]
