"""Banking entities: Deposit, Purchase, JournalEntry, Transfer."""

from __future__ import annotations

from decimal import Decimal

from . import faults, schema
from . import validation as v
from .forms_common import (
    ZERO,
    WriteContext,
    _description,
    _home_total,
    _line_ids,
    _line_list,
    _txn_header,
)
from .state import JSON, RealmState

# -- Deposit ----------------------------------------------------------------------------------


def _posted_to_undeposited(state: RealmState, txn_type: str, txn: JSON) -> Decimal | None:
    """The amount a transaction left in Undeposited Funds, or None if it did not post there."""
    funds = state.undeposited_funds()
    funds_id = funds["Id"] if funds else None
    if txn_type in ("SalesReceipt", "Payment", "RefundReceipt"):
        if (txn.get("DepositToAccountRef") or {}).get("value") != funds_id:
            return None
        amount = Decimal(txn.get("TotalAmt", 0))
        return -amount if txn_type == "RefundReceipt" else amount
    if txn_type == "Transfer":
        if (txn.get("ToAccountRef") or {}).get("value") == funds_id:
            return Decimal(txn.get("Amount", 0))
        return None
    if txn_type == "JournalEntry":
        net = ZERO
        found = False
        for line in txn.get("Line") or []:
            detail = line.get("JournalEntryLineDetail") or {}
            if (detail.get("AccountRef") or {}).get("value") == funds_id:
                found = True
                sign = 1 if detail.get("PostingType") == "Debit" else -1
                net += sign * Decimal(line.get("Amount", 0))
        return net if found else None
    return None


def deposit(ctx: WriteContext, entity: str, obj: JSON, old: JSON | None) -> JSON:
    """Reference §5 Deposit: linked lines consume Undeposited Funds, direct lines post to an
    income/expense/asset/equity account, the target must be Bank or Other Current Asset."""
    state = ctx.state
    lines = _line_list(obj)
    dest = v.required(obj, "DepositToAccountRef")
    _txn_header(ctx, entity, obj, old)
    v.reference(
        state,
        "Account",
        dest,
        "DepositToAccountRef",
        account_types=schema.DEPOSIT_TO_TYPES,
        type_rule="a deposit must go to a Bank or Other Current Asset account",
    )
    existing, fresh = _line_ids(old, 1)
    total = ZERO
    seen: set[tuple[str, str]] = set()
    numbered = 0
    for line in lines:
        amount = v.money(v.required(line, "Amount", "Line.Amount"), "Line.Amount")
        line["Amount"] = amount
        _description(line)
        kind = line.get("DetailType")
        if kind is not None:
            v.enum(kind, "Line.DetailType", ["DepositLineDetail"])
        links = line.get("LinkedTxn")
        if links:
            for link in links:
                txn_type = str(v.required(link, "TxnType", "Line.LinkedTxn.TxnType"))
                txn_id = str(v.required(link, "TxnId", "Line.LinkedTxn.TxnId"))
                v.required(link, "TxnLineId", "Line.LinkedTxn.TxnLineId")
                link["TxnId"], link["TxnLineId"] = txn_id, str(link["TxnLineId"])
                txn = state.get(txn_type, txn_id) if txn_type in schema.DEPOSIT_LINKABLE else None
                if txn is None:
                    raise faults.business(
                        f"The entity {txn_type} {txn_id} that you are trying to link does not "
                        f"exist. {txn_type} {txn_id}"
                    )
                owner = state.deposit_links.get((txn_type, txn_id))
                if (owner is not None and owner != (old or {}).get("Id")) or (
                    (txn_type, txn_id) in seen
                ):
                    raise faults.business(
                        f"{txn_type} {txn_id} is already deposited (Deposit {owner}).",
                        "Line.LinkedTxn",
                    )
                seen.add((txn_type, txn_id))
                left = _posted_to_undeposited(state, txn_type, txn)
                if left is None:
                    raise faults.business(
                        f"{txn_type} {txn_id} was not posted to Undeposited Funds, so it cannot "
                        "be deposited.",
                        "Line.LinkedTxn",
                    )
                if left != amount:
                    raise faults.business(
                        f"The deposit line for {txn_type} {txn_id} is {amount} but the "
                        f"transaction left {left} in Undeposited Funds.",
                        "Line.Amount",
                    )
        if kind == "DepositLineDetail" or not links:
            if kind is None:
                raise faults.required_missing("Line.DetailType")
            detail = v.required(line, "DepositLineDetail", "Line.DepositLineDetail")
            account = detail.get("AccountRef")
            if account is None:
                raise faults.required_missing("Line.DepositLineDetail.AccountRef")
            v.reference(
                state,
                "Account",
                account,
                "Line.DepositLineDetail.AccountRef",
                account_types=schema.DEPOSIT_LINE_ACCOUNT_TYPES,
            )
            if detail.get("PaymentMethodRef") is not None:
                v.reference(
                    state,
                    "PaymentMethod",
                    detail["PaymentMethodRef"],
                    "Line.DepositLineDetail.PaymentMethodRef",
                )
            entity_ref = detail.get("Entity")
            if isinstance(entity_ref, dict) and isinstance(entity_ref.get("EntityRef"), dict):
                _name_entity(state, entity_ref, "Line.DepositLineDetail.Entity")
            line_id = str(line.get("Id", ""))
            line["Id"] = line_id if old is not None and line_id in existing else fresh()
            numbered += 1
            line["LineNum"] = numbered
        else:
            line.pop("Id", None)
            line.pop("LineNum", None)
        total += amount
    cash_back = obj.get("CashBack")
    if isinstance(cash_back, dict) and cash_back.get("Amount") is not None:
        total -= v.money(cash_back["Amount"], "CashBack.Amount")
        if cash_back.get("AccountRef") is not None:
            v.reference(state, "Account", cash_back["AccountRef"], "CashBack.AccountRef")
    if total < 0:
        raise faults.business("The deposit total cannot be negative.", "TotalAmt")
    obj["Line"] = lines
    obj["TotalAmt"] = total
    _home_total(ctx, obj, total)
    return obj


def _name_entity(state: RealmState, holder: JSON, element: str) -> JSON:
    """Entity{Type, EntityRef} on JE and deposit lines: Customer or Vendor (no Employee)."""
    ref = holder["EntityRef"]
    kind = holder.get("Type") or ref.get("type")
    candidates = [kind] if kind in ("Customer", "Vendor") else ["Customer", "Vendor"]
    for name in candidates:
        if state.get(name, v.ref_value(ref, element)) is not None:
            holder.setdefault("Type", name)
            return v.reference(state, name, ref, element)
    raise faults.invalid_reference(candidates[0], v.ref_value(ref, element), element)


# -- Purchase ---------------------------------------------------------------------------------


def purchase(ctx: WriteContext, entity: str, obj: JSON, old: JSON | None) -> JSON:
    """Reference §5 Purchase: PaymentType decides the kind of AccountRef."""
    state = ctx.state
    payment_type = v.required(obj, "PaymentType")
    v.enum(payment_type, "PaymentType", schema.PURCHASE_PAYMENT_TYPES)
    account = v.required(obj, "AccountRef")
    lines = _line_list(obj)
    _txn_header(ctx, entity, obj, old)
    v.reference(
        state,
        "Account",
        account,
        "AccountRef",
        account_types=schema.PURCHASE_PAYMENT_TYPES[payment_type],
        type_rule=f"PaymentType {payment_type} needs a "
        + " or ".join(sorted(schema.PURCHASE_PAYMENT_TYPES[payment_type]))
        + " account",
    )
    if isinstance(obj.get("EntityRef"), dict):
        holder = {"Type": obj["EntityRef"].get("type"), "EntityRef": obj["EntityRef"]}
        _name_entity(state, holder, "EntityRef")
    if obj.get("PaymentMethodRef") is not None:
        v.reference(state, "PaymentMethod", obj["PaymentMethodRef"], "PaymentMethodRef")
    existing, fresh = _line_ids(old, 1)
    total = ZERO
    for line in lines:
        kind = v.required(line, "DetailType", "Line.DetailType")
        v.enum(
            kind, "Line.DetailType", ["AccountBasedExpenseLineDetail", "ItemBasedExpenseLineDetail"]
        )
        amount = v.money(v.required(line, "Amount", "Line.Amount"), "Line.Amount")
        line["Amount"] = amount
        _description(line)
        detail = v.required(line, kind, f"Line.{kind}")
        if kind == "AccountBasedExpenseLineDetail":
            ref = detail.get("AccountRef")
            if ref is None:
                raise faults.required_missing(f"Line.{kind}.AccountRef")
            v.reference(state, "Account", ref, f"Line.{kind}.AccountRef")
        else:
            ref = detail.get("ItemRef")
            if ref is None:
                raise faults.required_missing(f"Line.{kind}.ItemRef")
            v.reference(state, "Item", ref, f"Line.{kind}.ItemRef")
        if state.is_us():
            detail.setdefault("TaxCodeRef", {"value": "NON"})
        detail.setdefault("BillableStatus", "NotBillable")
        line_id = str(line.get("Id", ""))
        line["Id"] = line_id if old is not None and line_id in existing else fresh()
        line.pop("LineNum", None)
        total += amount
    tax = obj.get("TxnTaxDetail")
    if isinstance(tax, dict):
        total += v.optional_money(tax, "TotalTax", "TxnTaxDetail.TotalTax") or ZERO
    obj["Line"] = lines
    obj["TotalAmt"] = total
    obj.setdefault("CustomField", [])
    _home_total(ctx, obj, total)
    return obj


# -- JournalEntry -----------------------------------------------------------------------------


def journal_entry(ctx: WriteContext, entity: str, obj: JSON, old: JSON | None) -> JSON:
    """Reference §5 JournalEntry: debits must equal credits; A/R needs a customer, A/P a vendor.

    The 6000 wording for an unbalanced entry is ours (UNVERIFIED).
    """
    state = ctx.state
    lines = _line_list(obj)
    _txn_header(ctx, entity, obj, old)
    existing, fresh = _line_ids(old, 0)
    debits = credits = ZERO
    for line in lines:
        kind = v.required(line, "DetailType", "Line.DetailType")
        v.enum(kind, "Line.DetailType", ["JournalEntryLineDetail", "DescriptionOnly"])
        _description(line)
        if kind == "DescriptionOnly":
            line.pop("Amount", None)
        else:
            amount = v.money(v.required(line, "Amount", "Line.Amount"), "Line.Amount")
            if amount < 0:
                raise faults.business(
                    "Journal entry line amounts cannot be negative.", "Line.Amount"
                )
            line["Amount"] = amount
            detail = v.required(line, "JournalEntryLineDetail", "Line.JournalEntryLineDetail")
            posting = v.required(detail, "PostingType", "Line.JournalEntryLineDetail.PostingType")
            v.enum(posting, "Line.JournalEntryLineDetail.PostingType", ["Debit", "Credit"])
            ref = detail.get("AccountRef")
            if ref is None:
                raise faults.required_missing("Line.JournalEntryLineDetail.AccountRef")
            account = v.reference(state, "Account", ref, "Line.JournalEntryLineDetail.AccountRef")
            holder = detail.get("Entity")
            has_entity = isinstance(holder, dict) and isinstance(holder.get("EntityRef"), dict)
            named = (
                _name_entity(state, holder, "Line.JournalEntryLineDetail.Entity")
                if (has_entity and isinstance(holder, dict))
                else None
            )
            kind_of_named = holder.get("Type") if isinstance(holder, dict) else None
            if account.get("AccountType") == "Accounts Receivable" and (
                named is None or kind_of_named != "Customer"
            ):
                raise faults.business(
                    "When you use Accounts Receivable, you must choose a customer in the Name "
                    "field."
                )
            if account.get("AccountType") == "Accounts Payable" and (
                named is None or kind_of_named != "Vendor"
            ):
                raise faults.business(
                    "When you use Accounts Payable, you must select a vendor in the Name field."
                )
            if posting == "Debit":
                debits += amount
            else:
                credits += amount
        line_id = str(line.get("Id", ""))
        line["Id"] = line_id if old is not None and line_id in existing else fresh()
        line.pop("LineNum", None)
    if len([ln for ln in lines if ln["DetailType"] == "JournalEntryLineDetail"]) < 2:
        raise faults.business("Fill out at least two detail lines.")
    if debits != credits:
        raise faults.business(
            f"Journal Entry is out of balance: debits {debits} do not equal credits {credits}. "
            "Debits and credits must be equal."
        )
    obj["Line"] = lines
    obj.setdefault("Adjustment", False)
    obj.setdefault("TxnTaxDetail", {})
    return obj


# -- Transfer ---------------------------------------------------------------------------------


def transfer(ctx: WriteContext, entity: str, obj: JSON, old: JSON | None) -> JSON:
    state = ctx.state
    source = v.required(obj, "FromAccountRef")
    target = v.required(obj, "ToAccountRef")
    amount = v.money(v.required(obj, "Amount"), "Amount")
    if amount <= 0:
        raise faults.business("A transfer amount must be greater than zero.", "Amount")
    obj["Amount"] = amount
    _txn_header(ctx, entity, obj, old)
    v.reference(state, "Account", source, "FromAccountRef", account_types=schema.TRANSFER_TYPES)
    v.reference(state, "Account", target, "ToAccountRef", account_types=schema.TRANSFER_TYPES)
    if source["value"] == target["value"]:
        raise faults.business("Transfer from and to accounts must be different.", "ToAccountRef")
    return obj
