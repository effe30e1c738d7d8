"""Summary per payout in the store: which sales and refunds each payout's summary posts, and
building the summary JournalEntry when its payout or one of its orders changed.

Coverage comes from stored transaction columns, before any order is parsed: a sale paid
through Shopify Payments (a successful SALE or CAPTURE) belongs to the payout whose CHARGE
settled it — the first, if several did — and a refund through Shopify Payments to the payout
whose REFUND row names its transaction. Covered records without a payout yet wait for it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlmodel import Session

from workbench import jsonmoney
from workbench.domain.posting.context import PostingContext
from workbench.domain.posting.payouts import SHOPIFY_PAYMENTS
from workbench.domain.posting.summary import propose_payout_summary
from workbench.domain.proposals import SourceType, legacy_id, proposal_key
from workbench.domain.records import BalanceTransaction, Order, Payout, Refund
from workbench.services.proposal_rows import built_row
from workbench.services.proposal_writer import ProposeReport, Writer
from workbench.services.propose_build import parse
from workbench.store import proposal_repo
from workbench.store.proposal_repo import OrderSource

SUMMARY_LABEL = "JournalEntry payout summary"
PAYOUT_COUNTERPARTY = "Shopify Payments"


@dataclass
class Coverage:
    order_payout: dict[str, str] = field(default_factory=dict)  # order id → payout id
    refund_payout: dict[str, str] = field(default_factory=dict)  # refund id → payout id
    orders: set[str] = field(default_factory=set)  # paid through Shopify Payments
    refunds: set[str] = field(default_factory=set)  # refunded through Shopify Payments


def coverage(
    session: Session,
    payouts: Sequence[Payout],
    rows_by_payout: Mapping[str, Sequence[BalanceTransaction]],
) -> Coverage:
    found = Coverage()
    refund_of_transaction: dict[str, str] = {}
    for tx_id, order_id, refund_id, kind in proposal_repo.successful_transactions(
        session, SHOPIFY_PAYMENTS
    ):
        if kind in {"SALE", "CAPTURE"} and refund_id is None:
            found.orders.add(order_id)
        elif kind == "REFUND" and refund_id is not None:
            found.refunds.add(refund_id)
            refund_of_transaction[legacy_id(tx_id)] = refund_id
    for payout in sorted(payouts, key=lambda p: (p.local_date, p.id)):
        for row in rows_by_payout.get(payout.id, ()):
            if row.test:
                continue
            if row.type == "CHARGE" and row.order_id in found.orders:
                found.order_payout.setdefault(row.order_id, payout.id)
            elif row.type == "REFUND" and row.source_order_transaction_id:
                refund = refund_of_transaction.get(legacy_id(row.source_order_transaction_id))
                if refund is not None:
                    found.refund_payout.setdefault(refund, payout.id)
    return found


@dataclass
class SummaryInputs:
    """What one payout's summary is built from, gathered while the orders stream by."""

    hashes: dict[str, str] = field(default_factory=dict)  # order id → its input hash
    sales: set[str] = field(default_factory=set)  # order ids whose sale it posts
    refunds: dict[str, str] = field(default_factory=dict)  # refund id → its order's id
    posted: set[str] = field(default_factory=set)  # order/refund ids already posted alone


def note_covered(
    writer: Writer,
    report: ProposeReport,
    covered_by: Coverage,
    inputs: dict[str, SummaryInputs],
    source: OrderSource,
    digest: str,
    refund_ids: Sequence[str],
) -> None:
    """Hand covered records to their payout's summary; withdraw their unposted entries."""
    covered: list[tuple[SourceType, str, str | None]] = []
    if source.id in covered_by.orders:
        covered.append((SourceType.ORDER, source.id, covered_by.order_payout.get(source.id)))
    for refund_id in refund_ids:
        if refund_id in covered_by.refunds:
            covered.append((SourceType.REFUND, refund_id, covered_by.refund_payout.get(refund_id)))
    withdraw = []
    for kind, record_id, payout_id in covered:
        key = proposal_key(kind, record_id)
        frozen = writer.frozen(key)
        if payout_id is None:
            report.awaiting_payout += 1
        else:
            report.covered_by_summary += 1
            summary = inputs[payout_id]
            summary.hashes[source.id] = digest
            if kind is SourceType.ORDER:
                summary.sales.add(source.id)
            else:
                summary.refunds[record_id] = source.id
            if frozen:
                summary.posted.add(record_id)
        if key in writer.stored and not frozen:
            withdraw.append(key)
    writer.withdraw(withdraw)


def payout_hash(
    salt: bytes, payout: Payout, rows: Sequence[BalanceTransaction], extra: str = ""
) -> str:
    digest = hashlib.sha256(salt)
    digest.update(repr(payout).encode())
    for row in rows:
        digest.update(repr(row).encode())
    digest.update(extra.encode())
    return digest.hexdigest()[:32]


def build_summary(
    session: Session,
    writer: Writer,
    ctx: PostingContext,
    tz: ZoneInfo,
    salt: bytes,
    payout: Payout,
    rows: Sequence[BalanceTransaction],
    inputs: SummaryInputs,
) -> None:
    """One payout's summary JournalEntry, rebuilt only when the payout or an order changed."""
    extra = json.dumps([sorted(inputs.hashes.items()), sorted(inputs.posted)])
    digest = payout_hash(salt, payout, rows, extra)
    if writer.unchanged([proposal_key(SourceType.PAYOUT, payout.id)], digest):
        return
    orders: dict[str, Order] = {}
    for chunk in proposal_repo.order_sources_by_id(session, sorted(inputs.hashes), 500):
        for source in chunk:
            orders[source.id] = parse(source.origin, jsonmoney.loads(source.raw_text), tz)
    sales: list[Order] = []
    posted_sales: list[Order] = []
    for order_id in sorted(inputs.sales):
        if order_id in orders:
            (posted_sales if order_id in inputs.posted else sales).append(orders[order_id])
    refunds: list[tuple[Refund, Order]] = []
    posted_refunds: list[tuple[Refund, Order]] = []
    for refund_id, order_id in sorted(inputs.refunds.items()):
        order = orders.get(order_id)
        if order is None:
            continue
        target = posted_refunds if refund_id in inputs.posted else refunds
        target.extend((refund, order) for refund in order.refunds if refund.id == refund_id)
    proposal = propose_payout_summary(
        payout, rows, sales, refunds, ctx, posted_sales=posted_sales, posted_refunds=posted_refunds
    )
    writer.add(built_row(proposal, (SUMMARY_LABEL, PAYOUT_COUNTERPARTY, SHOPIFY_PAYMENTS), digest))
