"""Per-entity rules: what each entity requires, and what the server fills in.

One builder per entity takes the candidate object (the create body, or the merged update) and
returns the object QBO would store: references resolved and named, lines numbered, totals
computed, defaults applied. Builders raise the QboFault QBO would send for what it rejects.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from . import faults, schema, timefmt
from . import validation as v
from .state import JSON, RealmState

ZERO = Decimal("0")
SALES_LINE_TYPES = (
    "SalesItemLineDetail",
    "DiscountLineDetail",
    "DescriptionOnly",
    "SubTotalLineDetail",
    "GroupLineDetail",
)


@dataclass
class WriteContext:
    """What a write sees: the realm, the wall-clock moment, and request options."""

    state: RealmState
    now: datetime
    options: frozenset[str] = field(default_factory=frozenset)
    user: str = "Sandbox Admin"
    request_id: str | None = None
    # Called once per applied write with (entity, operation, Id): the emulator's ledger.
    on_applied: Callable[[str, str, str], None] | None = None

    @property
    def stamp(self) -> str:
        return timefmt.meta_time(self.now)

    def record(self, entity: str, operation: str, obj_id: str) -> None:
        if self.on_applied is not None:
            self.on_applied(entity, operation, obj_id)


def cents(value: Decimal) -> Decimal:
    return value.quantize(v.CENT, rounding=ROUND_HALF_UP)


# Server-computed fields dropped from input before the rules run (QBO ignores what it computes).
COMPUTED: dict[str, tuple[str, ...]] = {
    "SalesReceipt": ("TotalAmt", "Balance", "HomeTotalAmt", "HomeBalance"),
    "RefundReceipt": ("TotalAmt", "Balance", "HomeTotalAmt", "HomeBalance"),
    "Invoice": ("TotalAmt", "Balance", "HomeTotalAmt", "HomeBalance", "InvoiceLink"),
    "Payment": ("UnappliedAmt",),
    "Deposit": ("TotalAmt", "HomeTotalAmt"),
    "Purchase": ("TotalAmt",),
    "JournalEntry": ("TotalAmt", "HomeTotalAmt"),
    "Transfer": (),
    "Account": (
        "FullyQualifiedName",
        "Classification",
        "CurrentBalance",
        "CurrentBalanceWithSubAccounts",
    ),
    "Customer": ("FullyQualifiedName", "Balance", "BalanceWithJobs", "Level"),
    "Vendor": ("Balance",),
    "Item": ("FullyQualifiedName", "Level"),
    "PaymentMethod": (),
}


# -- lines -----------------------------------------------------------------------------------


def _line_ids(old: JSON | None, start: int) -> tuple[set[str], Callable[[], str]]:
    """Existing line Ids of ``old`` and a generator of new ones (max + 1, or ``start``).

    Reference §4: a line whose Id exists updates that line; a missing or unknown Id adds one.
    """
    existing = {
        str(line["Id"])
        for line in (old or {}).get("Line") or []
        if isinstance(line, dict) and str(line.get("Id", "")).isdigit()
    }
    counter = [max((int(i) for i in existing), default=start - 1) + 1]

    def fresh() -> str:
        value = counter[0]
        counter[0] += 1
        return str(value)

    return existing, fresh


def _line_list(obj: JSON) -> list[JSON]:
    lines = v.required(obj, "Line")
    if not isinstance(lines, list):
        raise faults.invalid_value("Line", lines, "Line must be a list")
    v.line_properties(lines)
    return lines


def _description(line: JSON) -> None:
    v.max_length(line, "Description", 4000, "Line.Description")


# -- common transaction header ------------------------------------------------------------------


def _txn_header(ctx: WriteContext, entity: str, obj: JSON, old: JSON | None) -> None:
    state = ctx.state
    v.iso_date(obj, "TxnDate")
    obj.setdefault("TxnDate", timefmt.local_date(ctx.now))
    v.max_length(obj, "PrivateNote", 4000)
    if "DocNumber" in obj or entity in schema.AUTO_DOC_NUMBER:
        v.max_length(obj, "DocNumber", 21)
        if not obj.get("DocNumber"):
            obj.pop("DocNumber", None)
            if entity in schema.AUTO_DOC_NUMBER and not state.custom_txn_numbers():
                obj["DocNumber"] = state.next_doc_number()
        elif (
            entity in schema.UNIQUE_DOC_NUMBER
            and state.custom_txn_numbers()
            and "allowduplicatedocnum" not in ctx.options
        ):
            own_id = (old or {}).get("Id")
            # Uniqueness is checked against every stored object, including those created
            # earlier in the same batch: it is a constraint of the books, not a read.
            for other in state.objects[entity].values():
                if other.get("DocNumber") == obj["DocNumber"] and other["Id"] != own_id:
                    raise faults.duplicate_doc_number(obj["DocNumber"], entity, other["Id"])
    _currency(ctx, obj)


def _currency(ctx: WriteContext, obj: JSON) -> None:
    state = ctx.state
    home = state.home_currency()
    ref = obj.get("CurrencyRef")
    if ref is None:
        if state.multicurrency():
            raise faults.required_missing("CurrencyRef")
        obj["CurrencyRef"] = state.currency_ref(home)
        return
    code = v.ref_value(ref, "CurrencyRef")
    if code != home and not state.multicurrency():
        raise faults.business(
            f"CurrencyRef {code} is not the home currency {home} and multicurrency is off.",
            "CurrencyRef",
        )
    obj["CurrencyRef"] = state.currency_ref(code)
    if code != home:
        rate = obj.get("ExchangeRate")
        obj["ExchangeRate"] = v.number(rate, "ExchangeRate") if rate is not None else Decimal(1)


def _home_total(ctx: WriteContext, obj: JSON, total: Decimal) -> None:
    if obj["CurrencyRef"]["value"] != ctx.state.home_currency():
        obj["HomeTotalAmt"] = cents(total * Decimal(obj.get("ExchangeRate", 1)))


def _tax_code(ctx: WriteContext, detail: JSON, element: str) -> None:
    state = ctx.state
    ref = detail.get("TaxCodeRef")
    if state.is_us():
        if ref is None:
            detail["TaxCodeRef"] = {"value": "NON"}
            return
        code = v.ref_value(ref, element)
        if code not in ("TAX", "NON"):
            raise faults.invalid_reference("TaxCode", code, element)
        return
    if ref is None:
        raise faults.business(
            "Make sure all your transactions have a tax rate before you save.", element
        )
    v.reference(state, "TaxCode", ref, element, fill_name=False)


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


# -- name lists -------------------------------------------------------------------------------


def _unique_name(
    state: RealmState, entities: tuple[str, ...], key: str, name: str, own: tuple[str, str | None]
) -> None:
    folded = name.casefold()
    for entity in entities:
        for other in state.objects[entity].values():
            if (entity, other["Id"]) == own:
                continue
            if str(other.get(key, "")).casefold() == folded:
                raise faults.duplicate_name()


def _plain_name(obj: JSON, key: str, forbidden: str) -> None:
    value = str(obj.get(key, ""))
    bad = [c for c in forbidden if c in value]
    if bad:
        raise faults.business(f"{key} cannot contain {', '.join(repr(c) for c in bad)}.", key)


def account(ctx: WriteContext, entity: str, obj: JSON, old: JSON | None) -> JSON:
    """Reference §5 Account; deactivation renames to "<name> (deleted)" (rec account_read)."""
    state = ctx.state
    v.required(obj, "Name")
    active = obj.get("Active", True) is not False
    name = str(obj["Name"])
    suffix = " (deleted)"
    if name.endswith(suffix):
        name = name[: -len(suffix)]
    obj["Name"] = name
    v.max_length(obj, "Name", 100)
    _plain_name(obj, "Name", '":')
    account_type = v.required(obj, "AccountType")
    v.enum(account_type, "AccountType", schema.CLASSIFICATION)
    own = ("Account", (old or {}).get("Id"))
    _unique_name(state, ("Account",), "Name", name, own)
    parent = obj.get("ParentRef")
    full = name
    if obj.get("SubAccount") and isinstance(parent, dict):
        parent_obj = v.reference(state, "Account", parent, "ParentRef")
        full = f"{parent_obj.get('FullyQualifiedName', parent_obj['Name'])}:{name}"
    if not active:
        obj["Name"] = name + suffix
        full = full + suffix
    obj["Active"] = active
    obj["FullyQualifiedName"] = full
    obj.setdefault("SubAccount", False)
    obj["Classification"] = schema.CLASSIFICATION[account_type]
    obj["CurrentBalance"] = (old or {}).get("CurrentBalance", ZERO)
    obj["CurrentBalanceWithSubAccounts"] = (old or {}).get("CurrentBalanceWithSubAccounts", ZERO)
    _currency(ctx, obj)
    return obj


def _person_name(obj: JSON) -> None:
    if not obj.get("DisplayName"):
        parts = [obj.get(k) for k in ("Title", "GivenName", "MiddleName", "FamilyName", "Suffix")]
        joined = " ".join(str(p) for p in parts if p)
        if not joined and obj.get("CompanyName"):
            joined = str(obj["CompanyName"])
        if not joined:
            raise faults.required_missing("DisplayName")
        obj["DisplayName"] = joined
    for key in (
        "DisplayName",
        "GivenName",
        "MiddleName",
        "FamilyName",
        "CompanyName",
        "PrintOnCheckName",
    ):
        if obj.get(key) is not None:
            _plain_name(obj, key, ":\t\n")


def customer(ctx: WriteContext, entity: str, obj: JSON, old: JSON | None) -> JSON:
    """Reference §5 Customer: DisplayName unique across Customer and Vendor (6240)."""
    state = ctx.state
    _person_name(obj)
    v.max_length(obj, "DisplayName", 500)
    _unique_name(
        state,
        ("Customer", "Vendor"),
        "DisplayName",
        obj["DisplayName"],
        (entity, (old or {}).get("Id")),
    )
    if (
        old is not None
        and old.get("CurrencyRef")
        and obj.get("CurrencyRef")
        and (obj["CurrencyRef"].get("value") != old["CurrencyRef"].get("value"))
    ):
        raise faults.business("A customer's currency cannot be changed once set.", "CurrencyRef")
    _currency(ctx, obj)
    obj.setdefault("PrintOnCheckName", obj["DisplayName"])
    obj["FullyQualifiedName"] = obj["DisplayName"]
    obj.setdefault("Active", True)
    obj.setdefault("Taxable", True)
    obj.setdefault("Job", False)
    obj.setdefault("BillWithParent", False)
    obj["Balance"] = (old or {}).get("Balance", ZERO)
    obj["BalanceWithJobs"] = (old or {}).get("BalanceWithJobs", ZERO)
    obj.setdefault("PreferredDeliveryMethod", "Print")
    if obj.get("DefaultTaxCodeRef") is not None:
        v.reference(
            state, "TaxCode", obj["DefaultTaxCodeRef"], "DefaultTaxCodeRef", fill_name=False
        )
    elif state.is_us() and obj["Taxable"]:
        codes = [c for c in state.all("TaxCode") if c["Id"].isdigit() and c.get("Active", True)]
        if codes:
            obj["DefaultTaxCodeRef"] = {"value": min(codes, key=lambda c: int(c["Id"]))["Id"]}
    return obj


def vendor(ctx: WriteContext, entity: str, obj: JSON, old: JSON | None) -> JSON:
    state = ctx.state
    _person_name(obj)
    v.max_length(obj, "DisplayName", 500)
    _unique_name(
        state,
        ("Customer", "Vendor"),
        "DisplayName",
        obj["DisplayName"],
        (entity, (old or {}).get("Id")),
    )
    _currency(ctx, obj)
    obj.setdefault("PrintOnCheckName", obj["DisplayName"])
    obj.setdefault("Active", True)
    obj.setdefault("Vendor1099", False)
    obj["Balance"] = (old or {}).get("Balance", ZERO)
    return obj


ITEM_TYPES = ["Inventory", "Service", "NonInventory", "Category"]


def item(ctx: WriteContext, entity: str, obj: JSON, old: JSON | None) -> JSON:
    """Reference §5 Item: Name unique ≤100 (6240); inventory needs its three accounts (2020)."""
    state = ctx.state
    v.required(obj, "Name")
    v.max_length(obj, "Name", 100)
    v.max_length(obj, "Sku", 100)
    _plain_name(obj, "Name", ":")
    item_type = v.required(obj, "Type")
    v.enum(item_type, "Type", ITEM_TYPES)
    _unique_name(state, ("Item",), "Name", str(obj["Name"]), ("Item", (old or {}).get("Id")))
    if item_type == "Inventory":
        if obj.get("TrackQtyOnHand") is not True:
            raise faults.business(
                "An Inventory item must have TrackQtyOnHand true.", "TrackQtyOnHand"
            )
        for key in (
            "QtyOnHand",
            "InvStartDate",
            "AssetAccountRef",
            "IncomeAccountRef",
            "ExpenseAccountRef",
        ):
            v.required(obj, key)
        obj["QtyOnHand"] = v.number(obj["QtyOnHand"], "QtyOnHand")
        v.iso_date(obj, "InvStartDate")
    elif item_type in ("Service", "NonInventory"):
        v.required(obj, "IncomeAccountRef")
    for key in ("IncomeAccountRef", "ExpenseAccountRef", "AssetAccountRef"):
        if obj.get(key) is not None:
            v.reference(state, "Account", obj[key], key)
    for key in ("UnitPrice", "PurchaseCost"):
        obj[key] = v.number(obj[key], key) if obj.get(key) is not None else ZERO
    parent = obj.get("ParentRef")
    full = str(obj["Name"])
    if obj.get("SubItem") and isinstance(parent, dict):
        parent_obj = v.reference(state, "Item", parent, "ParentRef")
        full = f"{parent_obj.get('FullyQualifiedName', parent_obj['Name'])}:{full}"
    obj["FullyQualifiedName"] = full
    obj.setdefault("Active", True)
    obj.setdefault("Taxable", False)
    obj.setdefault("TrackQtyOnHand", False)
    return obj


def payment_method(ctx: WriteContext, entity: str, obj: JSON, old: JSON | None) -> JSON:
    """Reference §5 PaymentMethod. Name uniqueness is UNVERIFIED; the emulator enforces it."""
    v.required(obj, "Name")
    v.max_length(obj, "Name", 31)
    obj.setdefault("Type", "NON_CREDIT_CARD")
    v.enum(obj["Type"], "Type", ["CREDIT_CARD", "NON_CREDIT_CARD"])
    _unique_name(
        ctx.state,
        ("PaymentMethod",),
        "Name",
        str(obj["Name"]),
        ("PaymentMethod", (old or {}).get("Id")),
    )
    obj.setdefault("Active", True)
    return obj


Builder = Callable[[WriteContext, str, JSON, JSON | None], JSON]

BUILDERS: dict[str, Builder] = {
    "SalesReceipt": sales_form,
    "RefundReceipt": sales_form,
    "Invoice": sales_form,
    "Payment": payment,
    "Deposit": deposit,
    "Purchase": purchase,
    "JournalEntry": journal_entry,
    "Transfer": transfer,
    "Account": account,
    "Customer": customer,
    "Vendor": vendor,
    "Item": item,
    "PaymentMethod": payment_method,
}


def void(entity: str, obj: JSON) -> None:
    """Zero a SalesReceipt, Payment or Invoice in place (salesreceipt_void_response.json,
    payment_void_response.json, invoice_void_response.json)."""
    for line in obj.get("Line") or []:
        if "Amount" in line:
            line["Amount"] = ZERO
        detail = line.get("SalesItemLineDetail")
        if isinstance(detail, dict):
            if "Qty" in detail:
                detail["Qty"] = ZERO
            detail.pop("UnitPrice", None)
    if entity == "Payment":
        obj["Line"] = []
        obj["UnappliedAmt"] = ZERO
        note = obj.get("PrivateNote")
        obj["PrivateNote"] = f"Voided - {note}" if note and note != "Voided" else "Voided"
    else:
        obj["PrivateNote"] = "Voided"
        tax = obj.get("TxnTaxDetail")
        if isinstance(tax, dict):
            tax["TotalTax"] = ZERO
            for tax_line in tax.get("TaxLine") or []:
                tax_line["Amount"] = ZERO
        obj["Balance"] = ZERO
    obj["TotalAmt"] = ZERO
    obj.pop("HomeTotalAmt", None)
