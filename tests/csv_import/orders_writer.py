"""Write Shopify GraphQL Order nodes (as the sandbox generator makes them) as an Orders export.

It follows the row conventions of reference/shopify.md §9: one row per line item, order-level
cells on the first row only, dates in the shop's offset, amounts with two decimals, tax names
carrying their rate, gateways joined with " + ". Used by the round-trip test and the benchmark.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from tests.csv_import.csv_files import ORDERS_HEADER

JSON = Mapping[str, Any]
_CENT = Decimal("0.01")
_INDEX = {name: i for i, name in enumerate(ORDERS_HEADER)}


def _money(bag: JSON | None) -> str:
    if not bag:
        return "0.00"
    return str(Decimal(bag["shopMoney"]["amount"]).quantize(_CENT))


def _when(text: str | None, tz: ZoneInfo) -> str:
    if not text:
        return ""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(tz)
    return moment.strftime("%Y-%m-%d %H:%M:%S %z")


def _allocated(allocations: Iterable[JSON]) -> Decimal:
    return sum((Decimal(a["allocatedAmountSet"]["shopMoney"]["amount"]) for a in allocations),
               Decimal(0))  # fmt: skip


def _rate(line: JSON) -> str:
    return format(Decimal(str(line["ratePercentage"])).normalize(), "f")


def order_rows(node: JSON, tz: ZoneInfo) -> list[list[str]]:
    """The export rows of one order."""
    created = _when(node["createdAt"], tz)
    status = (node.get("displayFinancialStatus") or "").lower()
    customer = node.get("customer") or {}
    first: dict[str, str] = {
        "Financial Status": status,
        "Paid at": created if status in {"paid", "partially_refunded", "refunded"} else "",
        "Fulfillment Status": "unfulfilled",
        "Accepts Marketing": "no",
        "Currency": node["currencyCode"],
        "Subtotal": _money(node["subtotalPriceSet"]),
        "Shipping": _money(node["totalShippingPriceSet"]),
        "Taxes": _money(node["totalTaxSet"]),
        "Total": _money(node["totalPriceSet"]),
        "Discount Code": ", ".join(node.get("discountCodes") or []),
        "Discount Amount": _money(node["totalDiscountsSet"]),
        "Shipping Method": ", ".join(s["title"] for s in node.get("shippingLines") or []),
        "Billing Name": customer.get("displayName") or "",
        "Notes": node.get("note") or "",
        "Cancelled at": _when(node.get("cancelledAt"), tz),
        "Payment Method": " + ".join(node.get("paymentGatewayNames") or []),
        "Refunded Amount": _money(node["totalRefundedSet"]),
        "Outstanding Balance": _money(node.get("totalOutstandingSet")),
        "Id": node["legacyResourceId"],
        "Tags": ", ".join(node.get("tags") or []),
        "Risk Level": "Low",
        "Source": node.get("sourceName") or "",
    }
    for n, tax in enumerate(node.get("taxLines") or [], start=1):
        first[f"Tax {n} Name"] = f"{tax['title']} {_rate(tax)}%"
        first[f"Tax {n} Value"] = _money(tax["priceSet"])
    rows = []
    for i, line in enumerate(node["lineItems"]):
        cells = {
            "Name": node["name"],
            "Email": node.get("email") or "",
            "Created at": created,
            "Lineitem quantity": str(line["quantity"]),
            "Lineitem name": line["name"],
            "Lineitem price": _money(line["originalUnitPriceSet"]),
            "Lineitem sku": line.get("sku") or "",
            "Lineitem requires shipping": str(bool(line.get("requiresShipping", True))).lower(),
            "Lineitem taxable": str(bool(line.get("taxable", True))).lower(),
            "Lineitem fulfillment status": "pending",
            "Vendor": line.get("vendor") or "",
            "Lineitem discount": str(_allocated(line.get("discountAllocations") or [])),
        }
        if i == 0:
            cells.update(first)
        out = [""] * len(ORDERS_HEADER)
        for name, value in cells.items():
            out[_INDEX[name]] = value
        rows.append(out)
    return rows


def write_orders(nodes: Iterable[JSON], tz: ZoneInfo, handle: TextIO) -> int:
    """Write the export to an open text file (newline=""); returns the number of rows."""
    writer = csv.writer(handle)
    writer.writerow(ORDERS_HEADER)
    written = 0
    for node in nodes:
        rows = order_rows(node, tz)
        writer.writerows(rows)
        written += len(rows)
    return written


def write_orders_file(nodes: Iterable[JSON], tz: ZoneInfo, path: Path) -> int:
    with path.open("w", encoding="utf-8", newline="") as handle:
        return write_orders(nodes, tz, handle)
