"""Per-entity rules: what each entity requires, and what the server fills in.

One builder per entity takes the candidate object (the create body, or the merged update) and
returns the object QBO would store: references resolved and named, lines numbered, totals
computed, defaults applied. Builders raise the QboFault QBO would send for what it rejects.
"""

from __future__ import annotations

from collections.abc import Callable

from .forms_banking import (
    deposit,
    journal_entry,
    purchase,
    transfer,
)
from .forms_common import (
    COMPUTED,
    ZERO,
    WriteContext,
)
from .forms_names import (
    account,
    customer,
    item,
    payment_method,
    vendor,
)
from .forms_sales import (
    _applied_by,
    payment,
    sales_form,
)
from .state import JSON

# What operations.py reads from here; the rules themselves live in the forms_* modules.
__all__ = ["BUILDERS", "COMPUTED", "ZERO", "Builder", "WriteContext", "_applied_by", "void"]

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
