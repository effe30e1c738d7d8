"""The Shopify Payments transactions export → ``BalanceTransaction`` records.

Every known variant of the header is read by name: the 16-column file of 2025, the 17-column
one with ``Payout ID``, ``VAT`` and ``Business Entity Name/ID`` appended for some shops, and
the old 12-column file that ends ``Amount,Fee,Net,Currency``.

The export has no transaction id, so ours is derived from what never changes about a balance
transaction (when, what type, which order, amounts, currency) plus its ordinal among identical
rows of the file. Payout status, payout date and payout id are left out on purpose: they change
from "pending" to "paid" between two exports of the same transaction, and a later export must
update the row it imported before, not add a second one.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from workbench.domain.records import BalanceTransaction
from workbench.shopify.csv_common import (
    CellError,
    CsvRow,
    Header,
    Issue,
    amount,
    fingerprint,
    instant,
    local_day,
    raw_cells,
    shape_problem,
    utc,
)

PARSER_VERSION = "payments-csv-1"
EXPECTED = (
    "the Shopify Payments transactions export "
    "(Finance → Payouts → Transactions → Export, payment_transactions_export_1.csv)"
)
REQUIRED = ("Transaction Date", "Type", "Order", "Amount", "Fee", "Net", "Currency")
ID_PREFIX = "gid://shopify/ShopifyPaymentsBalanceTransaction/csv-"
_COLUMNS = (*REQUIRED, "Payout Status", "Payout ID")
# The export writes REST-style names for a few types whose GraphQL name differs; these three
# mean one thing whatever the sign (REST's "dispute" and "reserve" do not, and stay as they
# are: unknown, stored and flagged for review).
_TYPE_ALIASES = {
    "PAYOUT": "TRANSFER",
    "PAYOUT_FAILURE": "TRANSFER_FAILURE",
    "PAYOUT_CANCELLATION": "TRANSFER_CANCEL",
}


@dataclass(frozen=True, slots=True)
class ParsedBalance:
    record: BalanceTransaction
    raw: dict[str, Any]
    fingerprint: str
    line: int


def balance_type(text: str) -> str:
    """``"marketplace sales tax"`` → ``MARKETPLACE_SALES_TAX``; ``payout`` → ``TRANSFER``."""
    name = "_".join(text.strip().replace("-", " ").split()).upper()
    return _TYPE_ALIASES.get(name, name)


class PaymentsReader:
    """Streams ParsedBalances out of CSV rows; what cannot be read goes to ``issues``."""

    def __init__(
        self, header: Header, *, file: str, tz: ZoneInfo | None, currency: str | None = None
    ) -> None:
        self.header = header
        self.file = file
        self.tz = tz
        self.currency = currency
        self.issues: list[Issue] = []
        self.warnings: list[Issue] = []
        self.rows_read = 0
        self.rows_skipped = 0
        self._at = {name: header.index(name) for name in _COLUMNS}
        self._seen: Counter[str] = Counter()
        self._extra = (PARSER_VERSION, str(tz or ""), currency or "")

    def balances(self, rows: Iterator[CsvRow]) -> Iterator[ParsedBalance]:
        for row in rows:
            self.rows_read += 1
            problem = shape_problem(row, self.header)
            if problem is None:
                try:
                    yield self._build(row)
                    continue
                except CellError as exc:
                    problem = str(exc)
            self.issues.append(Issue(row.line, problem))
            self.rows_skipped += 1

    def _build(self, row: CsvRow) -> ParsedBalance:
        cells, at = row.cells, self._at
        moment = instant(cells[at["Transaction Date"]], "Transaction Date", self.tz)
        kind = balance_type(cells[at["Type"]])
        if not kind:
            raise CellError("Type is empty")
        gross = amount(cells[at["Amount"]], "Amount")
        fee = amount(cells[at["Fee"]], "Fee")
        net = amount(cells[at["Net"]], "Net")
        currency = cells[at["Currency"]].strip() or self.currency
        if not currency:
            raise CellError("Currency is empty and no shop currency is known")
        order_name = cells[at["Order"]].strip() or None
        payout_legacy = cells[at["Payout ID"]].strip()
        if payout_legacy and not (payout_legacy.isdigit() and payout_legacy.isascii()):
            raise CellError(f"Payout ID {payout_legacy!r} is not a Shopify payout id (digits)")
        status = "_".join(cells[at["Payout Status"]].split()).upper() or None
        if gross - fee != net:
            self.warnings.append(
                Issue(row.line, f"Net {net} is not Amount {gross} − Fee {fee} (kept as exported)")
            )
        moment_utc = utc(moment)
        identity = "\x1f".join(
            (moment_utc.isoformat(), kind, order_name or "", _plain(gross), _plain(fee),
             _plain(net), currency)
        )  # fmt: skip
        self._seen[identity] += 1
        digest = hashlib.blake2b(identity.encode(), digest_size=10).hexdigest()
        cells_raw = raw_cells(self.header, cells)
        content = fingerprint([cells_raw], *self._extra)
        record = BalanceTransaction(
            id=f"{ID_PREFIX}{digest}-{self._seen[identity]}",
            type=kind,
            test=False,
            amount=gross,
            fee=fee,
            net=net,
            currency=currency,
            transaction_date=moment_utc,
            local_date=local_day(moment, self.tz),
            payout_id=(
                f"gid://shopify/ShopifyPaymentsPayout/{payout_legacy}" if payout_legacy else None
            ),
            payout_status=status,
            source_id=None,
            source_type=None,
            source_order_transaction_id=None,
            order_id=None,
            order_name=order_name,
        )
        raw = {
            "source": "shopify_payments_export",
            "file": self.file,
            "line": row.line,
            "fingerprint": content,
            "cells": cells_raw,
        }
        return ParsedBalance(record, raw, content, row.line)


def _plain(value: Decimal) -> str:
    """One spelling per amount ("28.25" and "28.250" are the same money)."""
    return format(value.normalize(), "f")


def match_key(b: BalanceTransaction) -> tuple[str, str, Decimal, Decimal, Decimal, str]:
    """What a CSV row and an API-synced balance transaction must share to be the same one."""
    return (
        b.order_name or "",
        b.type,
        b.amount,
        b.fee,
        b.net,
        b.local_date.isoformat() if b.local_date else "",
    )
