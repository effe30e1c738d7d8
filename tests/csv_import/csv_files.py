"""Hand-made CSV exports for the import tests, built from the header lists in
reference/shopify.md §9 (real exports), never from our own parser's idea of the format."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from pathlib import Path

ORDERS_HEADER = [
    "Name",
    "Email",
    "Financial Status",
    "Paid at",
    "Fulfillment Status",
    "Fulfilled at",
    "Accepts Marketing",
    "Currency",
    "Subtotal",
    "Shipping",
    "Taxes",
    "Total",
    "Discount Code",
    "Discount Amount",
    "Shipping Method",
    "Created at",
    "Lineitem quantity",
    "Lineitem name",
    "Lineitem price",
    "Lineitem compare at price",
    "Lineitem sku",
    "Lineitem requires shipping",
    "Lineitem taxable",
    "Lineitem fulfillment status",
    "Billing Name",
    "Billing Street",
    "Billing Address1",
    "Billing Address2",
    "Billing Company",
    "Billing City",
    "Billing Zip",
    "Billing Province",
    "Billing Country",
    "Billing Phone",
    "Shipping Name",
    "Shipping Street",
    "Shipping Address1",
    "Shipping Address2",
    "Shipping Company",
    "Shipping City",
    "Shipping Zip",
    "Shipping Province",
    "Shipping Country",
    "Shipping Phone",
    "Notes",
    "Note Attributes",
    "Cancelled at",
    "Payment Method",
    "Payment Reference",
    "Refunded Amount",
    "Vendor",
    "Outstanding Balance",
    "Employee",
    "Location",
    "Device ID",
    "Id",
    "Tags",
    "Risk Level",
    "Source",
    "Lineitem discount",
    "Tax 1 Name",
    "Tax 1 Value",
    "Tax 2 Name",
    "Tax 2 Value",
    "Tax 3 Name",
    "Tax 3 Value",
    "Tax 4 Name",
    "Tax 4 Value",
    "Tax 5 Name",
    "Tax 5 Value",
    "Phone",
    "Receipt Number",
    "Duties",
    "Billing Province Name",
    "Shipping Province Name",
    "Payment ID",
    "Payment Terms Name",
    "Next Payment Due At",
    "Payment References",
]
assert len(ORDERS_HEADER) == 79

PAYMENTS_HEADER = [
    "Transaction Date",
    "Type",
    "Order",
    "Card Brand",
    "Card Source",
    "Payout Status",
    "Payout Date",
    "Available On",
    "Amount",
    "Fee",
    "Net",
    "Checkout",
    "Payment Method Name",
    "Presentment Amount",
    "Presentment Currency",
    "Currency",
]
assert len(PAYMENTS_HEADER) == 16
# 2026 files: Payout ID after Payout Date.
PAYMENTS_HEADER_PAYOUT_ID = [
    *PAYMENTS_HEADER[:7],
    "Payout ID",
    *PAYMENTS_HEADER[7:],
]
# Pre-2023 files: 12 columns ending Amount,Fee,Net,Currency.
PAYMENTS_HEADER_OLD = [
    "Transaction Date",
    "Type",
    "Order",
    "Card Brand",
    "Card Source",
    "Payout Status",
    "Payout Date",
    "Available On",
    "Amount",
    "Fee",
    "Net",
    "Currency",
]


def row(header: Sequence[str], cells: Mapping[str, str]) -> list[str]:
    """A row for ``header`` with the named cells set and every other cell empty."""
    unknown = set(cells) - set(header)
    assert not unknown, f"not in the header: {unknown}"
    return [cells.get(name, "") for name in header]


def csv_text(header: Sequence[str], rows: Sequence[Sequence[str]], *, crlf: bool = False) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n" if crlf else "\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def write(
    path: Path,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    bom: bool = False,
    crlf: bool = False,
) -> Path:
    text = csv_text(header, rows, crlf=crlf)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def first_row(name: str, order_id: str, **cells: str) -> dict[str, str]:
    """An order's first row: order-level cells plus its first line item."""
    base = {
        "Name": name, "Email": "zoe@example.com", "Financial Status": "paid",
        "Paid at": "2025-12-06 10:36:17 -0500", "Fulfillment Status": "unfulfilled",
        "Accepts Marketing": "no", "Currency": "USD", "Subtotal": "90.00", "Shipping": "0.00",
        "Taxes": "0.00", "Total": "90.00", "Discount Amount": "0.00",
        "Created at": "2025-12-06 10:36:16 -0500", "Lineitem quantity": "2",
        "Lineitem name": "Hoodie - Black / M", "Lineitem price": "45.00",
        "Lineitem sku": "HD-BLK-M", "Lineitem requires shipping": "true",
        "Lineitem taxable": "true", "Lineitem fulfillment status": "pending",
        "Billing Name": "Zoë K.", "Payment Method": "shopify_payments",
        "Refunded Amount": "0.00", "Vendor": "Fernwood", "Outstanding Balance": "0.00",
        "Id": order_id, "Risk Level": "Low", "Source": "web", "Lineitem discount": "0.00",
    }  # fmt: skip
    base.update(cells)
    return base


def next_row(name: str, **cells: str) -> dict[str, str]:
    """A later row of an order: only Name, Email, Created at, Lineitem *, Vendor."""
    base = {
        "Name": name, "Email": "zoe@example.com", "Created at": "2025-12-06 10:36:16 -0500",
        "Lineitem quantity": "1", "Lineitem name": "Mug 12oz", "Lineitem price": "12.00",
        "Lineitem sku": "MUG-12OZ", "Lineitem requires shipping": "true",
        "Lineitem taxable": "true", "Lineitem fulfillment status": "pending",
        "Vendor": "Fernwood", "Lineitem discount": "0.00",
    }  # fmt: skip
    base.update(cells)
    return base


def payment(**cells: str) -> dict[str, str]:
    base = {
        "Transaction Date": "2025-11-04 18:58:25 -0500", "Type": "charge", "Order": "#1001",
        "Card Brand": "visa", "Card Source": "online", "Payout Status": "paid",
        "Payout Date": "2025-11-07", "Available On": "2025-11-07", "Amount": "28.25",
        "Fee": "1.22", "Net": "27.03", "Checkout": "#38060178800897",
        "Payment Method Name": "card", "Presentment Amount": "28.25",
        "Presentment Currency": "USD", "Currency": "USD",
    }  # fmt: skip
    base.update(cells)
    return base
