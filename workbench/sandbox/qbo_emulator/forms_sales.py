"""Sales forms (SalesReceipt, Invoice, RefundReceipt) and Payment."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from . import faults, schema
from . import validation as v
from .forms_common import (
    SALES_LINE_TYPES,
    ZERO,
    WriteContext,
    _description,
    _home_total,
    _line_ids,
    _line_list,
    _tax_code,
    _txn_header,
    cents,
)
from .state import JSON, RealmState

# -- sales forms ------------------------------------------------------------------------------


def sales_form(ctx: WriteContext, entity: str, obj: JSON, old: JSON | None) -> JSON:
    """SalesReceipt, RefundReceipt, Invoice (reference §5)."""
    state = ctx.state
    lines = _line_list(obj)
    _txn_header(ctx, entity, obj, old)
    existing, fresh = _line_ids(old, 1)
    body: list[JSON] = []
    discounts: list[JSON] = []
    subtotal = ZERO
    has_item = False
    for index, line in enumerate(lines):
        kind = v.required(line, "DetailType", "Line.DetailType")
        v.enum(kind, "Line.DetailType", SALES_LINE_TYPES)
        _description(line)
        if kind == "SubTotalLineDetail":
            continue  # read-only, recomputed below
        if kind == "GroupLineDetail":
            raise faults.business("Group lines are not supported by the emulator.", "Line")
        if kind == "DiscountLineDetail":
            discounts.append(line)
            continue
        if kind == "SalesItemLineDetail":
            has_item = True
            element = f"Line[{index}]"
            amount = v.money(v.required(line, "Amount", "Line.Amount"), "Line.Amount")
            line["Amount"] = amount
            detail = v.required(line, "SalesItemLineDetail", "Line.SalesItemLineDetail")
            item_ref = v.required(detail, "ItemRef", "Line.SalesItemLineDetail.ItemRef")
            v.reference(state, "Item", item_ref, "Line.SalesItemLineDetail.ItemRef")
            qty = detail.get("Qty")
            price = detail.get("UnitPrice")
            if qty is not None:
                detail["Qty"] = qty = v.number(qty, "Line.SalesItemLineDetail.Qty")
            if price is not None:
                detail["UnitPrice"] = price = v.number(price, "Line.SalesItemLineDetail.UnitPrice")
            if qty is not None and price is not None and cents(qty * price) != amount:
                raise faults.amount_not_qty_times_price(amount, f"{element}.Amount")
            if "ItemAccountRef" in detail:
                v.reference(state, "Account", detail["ItemAccountRef"], "ItemAccountRef")
            _tax_code(ctx, detail, "Line.SalesItemLineDetail.TaxCodeRef")
            subtotal += amount
        else:  # DescriptionOnly
            if "Amount" in line:
                line["Amount"] = v.money(line["Amount"], "Line.Amount")
        line_id = str(line.get("Id", ""))
        line["Id"] = line_id if old is not None and line_id in existing else fresh()
        line["LineNum"] = len(body) + 1
        body.append(line)
    if not has_item:
        raise faults.required_missing("Line.SalesItemLineDetail")
    discount_total = ZERO
    for line in discounts:
        detail = line.get("DiscountLineDetail") or {}
        line["DiscountLineDetail"] = detail
        if "DiscountAccountRef" in detail:
            v.reference(state, "Account", detail["DiscountAccountRef"], "DiscountAccountRef")
        if line.get("Amount") is None:
            if detail.get("PercentBased") and detail.get("DiscountPercent") is not None:
                pct = v.number(detail["DiscountPercent"], "DiscountPercent")
                line["Amount"] = cents(subtotal * pct / 100)
            else:
                raise faults.required_missing("Line.Amount")
        line["Amount"] = v.money(line["Amount"], "Line.Amount")
        line.pop("Id", None)
        line.pop("LineNum", None)
        discount_total += line["Amount"]
    obj["Line"] = [
        *body,
        {"Amount": subtotal, "DetailType": "SubTotalLineDetail", "SubTotalLineDetail": {}},
        *discounts,
    ]
    tax = obj.get("TxnTaxDetail")
    if tax is None:
        tax = obj["TxnTaxDetail"] = {"TotalTax": ZERO}
    total_tax = v.optional_money(tax, "TotalTax", "TxnTaxDetail.TotalTax") or ZERO
    tax["TotalTax"] = total_tax
    for tax_line in tax.get("TaxLine") or []:
        v.optional_money(tax_line, "Amount", "TxnTaxDetail.TaxLine.Amount")
    if "TxnTaxCodeRef" in tax:
        if (
            entity == "RefundReceipt"
            and v.ref_value(tax["TxnTaxCodeRef"], "TxnTaxCodeRef") == "CustomSalesTax"
        ):
            raise faults.business(
                "CustomSalesTax is not allowed as TxnTaxCodeRef.", "TxnTaxCodeRef"
            )
        v.reference(
            state, "TaxCode", tax["TxnTaxCodeRef"], "TxnTaxDetail.TxnTaxCodeRef", fill_name=False
        )
    if obj.get("GlobalTaxCalculation") == "TaxInclusive":
        total = subtotal - discount_total
    else:
        total = subtotal - discount_total + total_tax
    obj["TotalAmt"] = total
    _home_total(ctx, obj, total)

    customer: JSON | None = None
    if entity == "Invoice":
        v.required(obj, "CustomerRef")
    if obj.get("CustomerRef") is not None:
        customer = v.reference(state, "Customer", obj["CustomerRef"], "CustomerRef")
    if obj.get("PaymentMethodRef") is not None:
        v.reference(state, "PaymentMethod", obj["PaymentMethodRef"], "PaymentMethodRef")
    v.max_length(obj, "PaymentRefNum", 21)
    if entity == "RefundReceipt":
        v.required(obj, "DepositToAccountRef")
        v.reference(
            state,
            "Account",
            obj["DepositToAccountRef"],
            "DepositToAccountRef",
            account_types=schema.REFUND_FROM_TYPES,
        )
        obj.setdefault("PaymentRefNum", "To Print")
    elif entity == "SalesReceipt":
        _default_undeposited(ctx, obj)
        v.reference(
            state,
            "Account",
            obj["DepositToAccountRef"],
            "DepositToAccountRef",
            account_types=schema.RECEIPT_ACCOUNT_TYPES,
        )
    if customer is not None and entity in ("Invoice", "SalesReceipt"):
        for key in ("BillAddr", "ShipAddr"):
            if key not in obj and isinstance(customer.get(key), dict):
                obj[key] = dict(customer[key])
    if entity == "Invoice":
        v.iso_date(obj, "DueDate")
        if not obj.get("DueDate"):
            due = date.fromisoformat(obj["TxnDate"]) + timedelta(days=30)
            obj["DueDate"] = due.isoformat()
        for flag in (
            "AllowIPNPayment",
            "AllowOnlinePayment",
            "AllowOnlineCreditCardPayment",
            "AllowOnlineACHPayment",
        ):
            obj.setdefault(flag, False)
        obj.setdefault("LinkedTxn", [])
        obj["Balance"] = total - _applied_to_invoice(state, (old or {}).get("Id"))
    else:
        obj["Balance"] = ZERO
    obj.setdefault("ApplyTaxAfterDiscount", False)
    obj.setdefault("PrintStatus", "NeedToPrint")
    if entity != "RefundReceipt":
        obj.setdefault("EmailStatus", "NotSet")
    obj.setdefault("CustomField", state.sales_custom_fields())
    return obj


def _default_undeposited(ctx: WriteContext, obj: JSON) -> None:
    if obj.get("DepositToAccountRef") is None:
        funds = ctx.state.undeposited_funds()
        if funds is None:  # pragma: no cover - RealmState always creates it
            raise faults.required_missing("DepositToAccountRef")
        obj["DepositToAccountRef"] = {"value": funds["Id"]}


def _applied_to_invoice(state: RealmState, invoice_id: str | None) -> Decimal:
    if invoice_id is None:
        return ZERO
    total = ZERO
    for payment in state.objects["Payment"].values():
        for line in payment.get("Line") or []:
            for link in line.get("LinkedTxn") or []:
                if link.get("TxnType") == "Invoice" and str(link.get("TxnId")) == invoice_id:
                    total += Decimal(line.get("Amount", 0))
    return total


# -- Payment ----------------------------------------------------------------------------------


def payment(ctx: WriteContext, entity: str, obj: JSON, old: JSON | None) -> JSON:
    """Reference §5: minimum TotalAmt + CustomerRef (else 6000); defaults to Undeposited Funds."""
    state = ctx.state
    if obj.get("CustomerRef") is None:
        raise faults.business("A payment needs a customer (CustomerRef).", "CustomerRef")
    if obj.get("TotalAmt") is None:
        raise faults.business("A payment needs an amount (TotalAmt).", "TotalAmt")
    total = v.money(obj["TotalAmt"], "TotalAmt")
    obj["TotalAmt"] = total
    _txn_header(ctx, entity, obj, old)
    customer = v.reference(state, "Customer", obj["CustomerRef"], "CustomerRef")
    _default_undeposited(ctx, obj)
    v.reference(
        state,
        "Account",
        obj["DepositToAccountRef"],
        "DepositToAccountRef",
        account_types=schema.RECEIPT_ACCOUNT_TYPES,
    )
    if obj.get("PaymentMethodRef") is not None:
        v.reference(state, "PaymentMethod", obj["PaymentMethodRef"], "PaymentMethodRef")
    v.max_length(obj, "PaymentRefNum", 21)
    lines = obj.get("Line") or []
    v.line_properties(lines)
    applied = ZERO
    own_id = (old or {}).get("Id")
    for line in lines:
        amount = v.money(v.required(line, "Amount", "Line.Amount"), "Line.Amount")
        line["Amount"] = amount
        for link in v.required(line, "LinkedTxn", "Line.LinkedTxn"):
            if link.get("TxnType") != "Invoice":
                raise faults.business(
                    f"The emulator applies payments to invoices only, not {link.get('TxnType')}.",
                    "Line.LinkedTxn.TxnType",
                )
            invoice_id = str(v.required(link, "TxnId", "Line.LinkedTxn.TxnId"))
            invoice = state.get("Invoice", invoice_id)
            if invoice is None:
                raise faults.business(
                    f"The entity Invoice {invoice_id} that you are trying to link does not "
                    f"exist. Invoice {invoice_id}"
                )
            if invoice.get("CustomerRef", {}).get("value") != customer["Id"]:
                raise faults.business(
                    f"Invoice {invoice_id} belongs to another customer.", "Line.LinkedTxn"
                )
            open_balance = Decimal(invoice["TotalAmt"]) - _applied_to_invoice(state, invoice_id)
            if own_id is not None:
                open_balance += _applied_by(state.objects["Payment"].get(own_id), invoice_id)
            if amount > open_balance:
                raise faults.business(
                    f"Payment line {amount} exceeds the open balance {open_balance} of "
                    f"Invoice {invoice_id}.",
                    "Line.Amount",
                )
        applied += amount
    if applied > total:
        raise faults.business(
            f"The payment's lines ({applied}) exceed its TotalAmt ({total}).", "TotalAmt"
        )
    obj["Line"] = lines
    obj["UnappliedAmt"] = total - applied
    obj.setdefault("ProcessPayment", False)
    _home_total(ctx, obj, total)
    return obj


def _applied_by(payment_obj: JSON | None, invoice_id: str) -> Decimal:
    total = ZERO
    for line in (payment_obj or {}).get("Line") or []:
        for link in line.get("LinkedTxn") or []:
            if link.get("TxnType") == "Invoice" and str(link.get("TxnId")) == invoice_id:
                total += Decimal(line.get("Amount", 0))
    return total
