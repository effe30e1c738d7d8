"""The Orders export (``orders_export_1.csv``) → the same ``Order`` records the API gives.

The export has one row per line item; order-level cells are filled on an order's first row
only, so rows are grouped as they stream by (Shopify writes an order's rows together) and an
order is emitted when the next one starts. Memory stays at one order, whatever the file size.

What the export cannot tell us, and what we do instead (the rules are in ``csv_order_rules``):

* **Ids.** The order is ``gid://shopify/Order/<Id>``, the very GID the API gives, so a CSV
  import and an API sync describe the same order. Line items, the shipping line, transactions
  and the refund have no id in the export; theirs are deterministic and carry ``csv-`` so they
  can never collide with Shopify's numeric ids, and importing the file again rewrites nothing.
* **Transactions.** The export has the gateways (``Payment Method``), not the payments. An order
  whose Financial Status says money was taken gets one synthetic SUCCESS SALE for what was
  received (``Total − Outstanding Balance``; the Total when that column is absent) on the
  order's gateway. With two gateways the split is unknowable, so the SALE's gateway is the
  joined ``a + b`` name, which maps to no clearing account and is therefore sent to review
  rather than guessed. Pending, authorized, expired and voided orders get no transaction.
* **Refunds.** The export only has ``Refunded Amount``. When it is above zero the order gets
  one unitemised refund (no lines, a note saying so) with one SUCCESS REFUND transaction, dated
  at the latest instant the export knows for the order (cancelled, fulfilled, paid or created):
  the earliest the refund can have happened. The Payments export carries the real refund date.
* **Discounts.** ``Discount Amount`` not already on the lines (``Lineitem discount``) is spread
  over them, because posting reads discounts from the lines as the API reports them.
* **Taxes.** ``Tax N Name`` holds the rate (``NY State Tax 4%``); it becomes the title without
  the rate and the rate as a fraction, as the API gives them. Per-line taxes are not exported.
* **Taxes included.** Not exported. Taken from the stored shop; without one it is inferred per
  order from which way its totals tie; an order that ties neither way gets a warning.
* **Gift cards sold, tips, test orders.** Not exported. A line that needs no shipping, is not
  taxable and is named like a gift card is treated as one; tips stay zero; an order paid only
  through Shopify's test gateway ("bogus") is a test order.
* **Line titles.** ``Lineitem name`` is "Title - Variant" as one string; it is kept whole as the
  title (splitting on " - " would break titles that contain it), one of the forms the SKU → Item
  matcher tries.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter
from typing import Any
from zoneinfo import ZoneInfo

from workbench.domain.records import LineItem, Order, Refund, ShippingLine, TaxLine, Transaction
from workbench.shopify import csv_order_rules as rules
from workbench.shopify.csv_common import (
    CellError,
    CsvRow,
    Header,
    Issue,
    amount,
    amount_or_zero,
    fingerprint,
    flag,
    instant,
    local_day,
    optional_amount,
    optional_instant,
    raw_cells,
    shape_problem,
    utc,
    whole_number,
)

# Bump when the mapping from cells to records changes, so that re-importing an unchanged file
# rewrites its orders with the improved reading instead of calling them unchanged.
PARSER_VERSION = "orders-csv-1"
EXPECTED = "the Shopify Orders export (Orders → Export → orders_export_1.csv)"
REQUIRED = (
    "Name", "Id", "Financial Status", "Currency", "Subtotal", "Shipping", "Taxes", "Total",
    "Created at", "Lineitem quantity", "Lineitem name", "Lineitem price",
)  # fmt: skip
# Columns read from an order's first row or its line rows (positions looked up once per file).
_COLUMNS = (
    *REQUIRED, "Paid at", "Cancelled at", "Fulfilled at", "Discount Amount", "Refunded Amount",
    "Outstanding Balance", "Payment Method", "Shipping Method", "Source", "Billing Name",
    "Shipping Name", "Email", "Tags", "Lineitem sku", "Lineitem discount", "Lineitem taxable",
    "Lineitem requires shipping", "Vendor",
    *(f"Tax {n} {part}" for n in range(1, 6) for part in ("Name", "Value")),
)  # fmt: skip
_LINE_COLUMNS = (
    "Lineitem quantity", "Lineitem price", "Lineitem discount", "Lineitem taxable",
    "Lineitem requires shipping", "Lineitem name", "Lineitem sku", "Vendor",
)  # fmt: skip
# Cells read from an order's first row, in the order ``_build`` unpacks them.
_FIRST_ROW = (
    "Id", "Financial Status", "Created at", "Paid at", "Cancelled at", "Fulfilled at",
    "Currency", "Subtotal", "Shipping", "Taxes", "Total", "Discount Amount", "Refunded Amount",
    "Outstanding Balance", "Payment Method", "Shipping Method", "Source", "Billing Name",
    "Shipping Name", "Email", "Tags",
)  # fmt: skip
# Cells filled on an order's first row only: any of them set means a new order starts.
_ORDER_LEVEL = ("Id", "Financial Status", "Total", "Currency")
_DIGITS = re.compile(r"\d+")
ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class ParsedOrder:
    order: Order
    raw: dict[str, Any]
    fingerprint: str
    line: int
    rows: int


@dataclass
class _Group:
    name: str
    rows: list[CsvRow] = field(default_factory=list)


class OrdersReader:
    """Streams ParsedOrders out of CSV rows; what cannot be read goes to ``issues``."""

    def __init__(
        self,
        header: Header,
        *,
        file: str,
        tz: ZoneInfo | None,
        currency: str | None = None,
        taxes_included: bool | None = None,
    ) -> None:
        self.header = header
        self.file = file
        self.tz = tz
        self.currency = currency
        self.taxes_included = taxes_included
        self.issues: list[Issue] = []
        self.warnings: list[Issue] = []
        self.rows_read = 0
        self.rows_skipped = 0
        self._first_line: dict[str, int] = {}
        at = {name: header.index(name) for name in _COLUMNS}
        self._name = at["Name"]
        # itemgetters pull a row's cells in one C call: this loop runs once per row.
        self._order_level = itemgetter(*(at[name] for name in _ORDER_LEVEL))
        self._line_cells = itemgetter(*(at[name] for name in _LINE_COLUMNS))
        self._first_row = itemgetter(*(at[name] for name in _FIRST_ROW))
        self._tax_cells = itemgetter(
            *(at[f"Tax {n} {part}"] for n in range(1, 6) for part in ("Name", "Value"))
        )
        self._extra = (PARSER_VERSION, str(tz or ""), currency or "", str(taxes_included))

    # Grouping ----------------------------------------------------------------------------

    def orders(self, rows: Iterator[CsvRow]) -> Iterator[ParsedOrder]:
        current: _Group | None = None
        for row in rows:
            self.rows_read += 1
            problem = shape_problem(row, self.header)
            cells = row.cells
            if problem:
                self._skip(row, problem)
                if current and len(cells) > self._name and cells[self._name] == current.name:
                    current.rows.append(row)  # the order it belongs to cannot be complete
                continue
            name = cells[self._name].strip()
            if not name:
                self._skip(row, "Name is empty: the row cannot be tied to an order")
            elif any(map(str.strip, self._order_level(cells))):
                if current:
                    yield from self._finish(current)
                current = _Group(name, [row])
                earlier = self._first_line.get(name)
                if earlier is not None:
                    self.warnings.append(
                        Issue(row.line, f"order {name} appears again (first at line {earlier}); "
                                        "the later rows win")
                    )  # fmt: skip
                self._first_line[name] = row.line
            elif current and current.name == name:
                current.rows.append(row)
            elif name in self._first_line:
                self._skip(
                    row,
                    f"row of order {name} is not next to that order's other rows (first at line "
                    f"{self._first_line[name]}); was the file sorted? Re-export it from Shopify",
                )
            else:
                self._skip(
                    row,
                    f"row of order {name} whose first row (the one with Id, Financial Status "
                    "and Total) is missing",
                )
        if current:
            yield from self._finish(current)

    def _skip(self, row: CsvRow, reason: str) -> None:
        self.issues.append(Issue(row.line, reason))
        self.rows_skipped += 1

    def _finish(self, group: _Group) -> Iterator[ParsedOrder]:
        unreadable = [r for r in group.rows if len(r.cells) != self.header.width + 1]
        if unreadable:
            self.rows_skipped += len(group.rows) - len(unreadable)
            self.issues.append(
                Issue(group.rows[0].line, f"order {group.name} skipped: its row at line "
                                          f"{unreadable[0].line} cannot be read")
            )  # fmt: skip
            return
        try:
            yield self._build(group)
        except CellError as exc:
            self.rows_skipped += len(group.rows)
            self.issues.append(
                Issue(exc.line or group.rows[0].line, f"{exc}; order {group.name} skipped")
            )

    # Building ----------------------------------------------------------------------------

    def _build(self, group: _Group) -> ParsedOrder:
        first = group.rows[0].cells
        tz = self.tz
        (
            legacy, status, created_at, paid_at_cell, cancelled_at, fulfilled_at, currency,
            subtotal_cell, shipping_cell, taxes_cell, total_cell, discount_cell, refunded_cell,
            outstanding_cell, payment_method, shipping_method, source, billing_name,
            shipping_name, email, tags,
        ) = self._first_row(first)  # fmt: skip
        legacy = legacy.strip()
        if not legacy.isdigit() or not legacy.isascii():
            raise CellError(f"Id {legacy!r} is not a Shopify order id (digits)")
        order_id = f"gid://shopify/Order/{legacy}"
        status = status.strip().lower() or None
        if status is not None and status not in rules.FINANCIAL_STATUSES:
            known = ", ".join(sorted(rules.FINANCIAL_STATUSES))
            raise CellError(f"Financial Status {status!r} is unknown (expected one of {known})")
        created = instant(created_at, "Created at", tz)
        paid_at = optional_instant(paid_at_cell, "Paid at", tz)
        cancelled = optional_instant(cancelled_at, "Cancelled at", tz)
        fulfilled = optional_instant(fulfilled_at, "Fulfilled at", tz)
        last_known = max(m for m in (created, paid_at, cancelled, fulfilled) if m is not None)
        currency = currency.strip() or self.currency
        if not currency:
            raise CellError("Currency is empty and no shop currency is known")
        subtotal = amount(subtotal_cell, "Subtotal")
        shipping = amount(shipping_cell, "Shipping")
        taxes = amount(taxes_cell, "Taxes")
        total = amount(total_cell, "Total")
        discounts = amount_or_zero(discount_cell, "Discount Amount")
        refunded = amount_or_zero(refunded_cell, "Refunded Amount")
        outstanding = optional_amount(outstanding_cell, "Outstanding Balance")
        methods = payment_method.split(" + ")
        gateways = tuple(rules.gateway_name(g) for g in methods if g.strip())
        test = bool(gateways) and all(g == rules.TEST_GATEWAY for g in gateways)
        gateway = " + ".join(gateways) or "manual"
        lines = tuple(self._line(r, legacy, order_id, k) for k, r in enumerate(group.rows))
        shipping_method = shipping_method.strip()
        shipping_lines: tuple[ShippingLine, ...] = ()
        if shipping or shipping_method:
            shipping_lines = (
                ShippingLine(
                    id=f"gid://shopify/ShippingLine/csv-{legacy}-1",
                    title=shipping_method or "Shipping", price=shipping, discount=ZERO,
                ),
            )  # fmt: skip
        lines, shipping_lines = rules.spread_discount(lines, shipping_lines, discounts, currency)
        taxes_included = self._taxes_included(group, lines, discounts, shipping, taxes, total)
        paid = rules.received(status, total, outstanding)
        transactions: tuple[Transaction, ...] = ()
        if paid > 0:
            at = paid_at or created
            transactions = (rules.synthetic_sale(legacy, order_id, gateway, paid, at, test),)
        refunds: tuple[Refund, ...] = ()
        if refunded > 0:
            day = local_day(last_known, tz)
            refunds = (
                rules.synthetic_refund(legacy, order_id, gateway, refunded, last_known, day, test),
            )
        rows = [raw_cells(self.header, r.cells) for r in group.rows]
        digest = fingerprint(rows, *self._extra)
        raw = {
            "source": "shopify_orders_export",
            "file": self.file,
            "lines": [r.line for r in group.rows],
            "fingerprint": digest,
            "rows": rows,
        }
        number = _DIGITS.search(group.name)
        order = Order(
            id=order_id,
            name=group.name,
            number=int(number.group()) if number else 0,
            created_at=utc(created),
            processed_at=utc(created),
            updated_at=utc(last_known),
            local_date=local_day(created, tz),
            currency=currency,
            test=test,
            cancelled_at=utc(cancelled) if cancelled else None,
            financial_status=status.upper() if status else None,
            source_name=source.strip() or None,
            customer_name=(billing_name.strip() or shipping_name.strip() or None),
            email=email.strip() or None,
            subtotal=subtotal,
            total_discounts=discounts,
            total_shipping=shipping,
            total_tax=taxes,
            total_tip=ZERO,
            total_price=total,
            total_received=paid,
            total_refunded=refunded,
            taxes_included=taxes_included,
            edited=False,
            gateways=gateways,
            line_items=lines,
            shipping_lines=shipping_lines,
            tax_lines=self._tax_lines(first),
            transactions=transactions,
            refunds=refunds,
            tags=tuple(t.strip() for t in tags.split(",") if t.strip()),
        )
        return ParsedOrder(order, raw, digest, group.rows[0].line, len(group.rows))

    def _line(self, row: CsvRow, legacy: str, order_id: str, position: int) -> LineItem:
        qty, price, discount, taxable, ships, title, sku, vendor = self._line_cells(row.cells)
        try:
            quantity = whole_number(qty, "Lineitem quantity")
            unit_price = amount(price, "Lineitem price")
            allocated = amount_or_zero(discount, "Lineitem discount")
            is_taxable = flag(taxable, "Lineitem taxable", True)
            is_shipped = flag(ships, "Lineitem requires shipping", True)
        except CellError as exc:
            raise CellError(str(exc), row.line) from None
        title = title.strip()
        return LineItem(
            id=f"gid://shopify/LineItem/csv-{legacy}-{position + 1}",
            order_id=order_id,
            position=position,
            sku=sku.strip() or None,
            title=title,
            variant_title=None,
            variant_id=None,
            product_id=None,
            vendor=vendor.strip() or None,
            quantity=quantity,
            unit_price=unit_price,
            original_total=unit_price * quantity,
            discount=allocated,
            is_gift_card=rules.looks_like_gift_card(title, is_taxable, is_shipped),
            taxable=is_taxable,
        )

    def _tax_lines(self, first: list[str]) -> tuple[TaxLine, ...]:
        cells = self._tax_cells(first)
        if not any(cells):
            return ()
        found = []
        for n in range(1, 6):
            name, value = cells[2 * n - 2].strip(), cells[2 * n - 1]
            if not name and not value.strip():
                continue
            title, rate = rules.split_tax_name(name or f"Tax {n}")
            found.append(TaxLine(title=title, rate=rate, amount=amount(value, f"Tax {n} Value")))
        return tuple(found)

    def _taxes_included(
        self,
        group: _Group,
        lines: tuple[LineItem, ...],
        discounts: Decimal,
        shipping: Decimal,
        taxes: Decimal,
        total: Decimal,
    ) -> bool:
        """Whether taxes are inside the prices; warns when the totals tie neither way."""
        goods = sum((li.original_total for li in lines), ZERO)
        net = goods - discounts + shipping
        if self.taxes_included is not None:
            if net + (ZERO if self.taxes_included else taxes) == total:
                return self.taxes_included
        elif net + taxes == total:
            return False
        elif net == total:
            return True
        self.warnings.append(
            Issue(
                group.rows[0].line,
                f"order {group.name}: totals do not tie: lines {goods} − discount {discounts} "
                f"+ shipping {shipping} + taxes {taxes} = {net + taxes}, but Total is {total} "
                "(imported as exported; posting will flag it)",
            )
        )
        return bool(self.taxes_included)


def order_from_raw(raw: Mapping[str, Any], tz: ZoneInfo) -> Order:
    """Rebuild an imported order from the rows stored with it, so that proposals (re)built
    later never need the original file."""
    rows: list[dict[str, str]] = list(raw.get("rows") or [])
    if not rows:
        raise CellError("the stored CSV order has no rows: import the file again")
    names = list(dict.fromkeys(name for row in rows for name in row))
    reader = OrdersReader(Header(names), file=str(raw.get("file", "")), tz=tz)
    lines = list(raw.get("lines") or range(2, 2 + len(rows)))
    group = _Group(
        name=rows[0].get("Name", ""),
        rows=[
            CsvRow(line, [row.get(name, "") for name in names] + [""])
            for line, row in zip(lines, rows, strict=False)
        ],
    )
    return reader._build(group).order
