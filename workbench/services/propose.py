"""(Re)building proposals for everything stored, without ever silently changing posted work.

A proposal is rebuilt whenever its Shopify source or a mapping changes. What happens to the
review state depends on what the bookkeeper already did: an approval of a different body is
withdrawn (the entry is flagged stale and goes back to review), a posted or linked entry keeps
its body and is flagged "changed after posting" so a person decides what to do in QuickBooks.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlmodel import Session, col

from workbench import jsonmoney
from workbench.config import Settings
from workbench.domain.posting.context import PostingContext
from workbench.domain.posting.orders import propose_order
from workbench.domain.posting.payouts import propose_payout
from workbench.domain.posting.refunds import propose_refund
from workbench.domain.proposal_model import Flag, FlagCode, Proposal
from workbench.domain.proposals import ProposalState
from workbench.domain.records import BalanceTransaction, Order, Payout
from workbench.errors import WorkbenchError
from workbench.services.duplicates import apply_duplicate_flags
from workbench.services.posting_context import build_context
from workbench.services.progress import Progress, ProgressCallback, ignore_progress
from workbench.shopify import csv_orders
from workbench.shopify.normalize import order_from_graphql
from workbench.store.engine import Store
from workbench.store.shopify_repo import load_shop, upsert_rows
from workbench.store.tables import BalanceTransactionRow, OrderRow, PayoutRow, ProposalRow

CHUNK = 2_000
FROZEN = {ProposalState.POSTED, ProposalState.LINKED}


@dataclass
class ProposeReport:
    built: int = 0
    unchanged: int = 0
    changed_after_posting: int = 0
    approvals_withdrawn: int = 0
    by_entity: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def order_record(row: OrderRow, tz: ZoneInfo) -> Order:
    """The normalised order behind a stored row, whichever source it came from."""
    if row.origin == "csv":
        return csv_orders.order_from_raw(row.raw, tz)
    return order_from_graphql(row.raw, tz)


def _balance_record(row: BalanceTransactionRow) -> BalanceTransaction:
    return BalanceTransaction(
        id=row.id, type=row.type, test=row.test, amount=row.amount, fee=row.fee, net=row.net,
        currency=row.currency, transaction_date=row.transaction_date, local_date=row.local_date,
        payout_id=row.payout_id, payout_status=row.payout_status, source_id=row.source_id,
        source_type=row.source_type, source_order_transaction_id=row.source_order_transaction_id,
        order_id=row.order_id, order_name=row.order_name,
        adjustment_reason=row.adjustment_reason,
    )  # fmt: skip


def _payout_record(row: PayoutRow) -> Payout:
    return Payout(
        id=row.id, legacy_id=row.legacy_id, issued_at=row.issued_at, local_date=row.local_date,
        status=row.status, net=row.net, currency=row.currency,
        transaction_type=row.transaction_type,
    )  # fmt: skip


def _fingerprint(proposal: Proposal) -> str:
    """Changes when anything that would be posted or shown changes; nothing else."""
    payload = {
        "entity": proposal.entity_type,
        "body": proposal.body,
        "flags": [(f.code.value, f.message) for f in proposal.flags],
        "lines": [asdict(line) for line in proposal.lines],
    }
    return hashlib.sha256(jsonmoney.dumps(payload).encode()).hexdigest()[:32]


def _label(proposal: Proposal, order: Order | None) -> tuple[str, str | None, str | None]:
    if order is None:
        return f"{proposal.entity_type} payout", "Shopify Payments", "shopify_payments"
    gateway = " + ".join(order.gateways) or None
    return f"{proposal.entity_type} {order.name}", order.customer_name or "Guest", gateway


def _row(
    proposal: Proposal, order: Order | None, state: ProposalState, fingerprint: str
) -> dict[str, Any]:
    label, counterparty, gateway = _label(proposal, order)
    return {
        "key": proposal.key,
        "source_type": proposal.source_type.value,
        "source_id": proposal.source_id,
        "entity_type": proposal.entity_type,
        "state": state.value,
        "txn_date": proposal.txn_date,
        "doc_number": proposal.doc_number,
        "label": label,
        "counterparty": counterparty,
        "gateway": gateway,
        "total": proposal.total,
        "currency": proposal.currency,
        "body": proposal.body,
        "lines": [asdict(line) for line in proposal.lines],
        "flags": [{"code": f.code.value, "message": f.message} for f in proposal.flags],
        "tieouts": [
            {"name": t.name, "expected": t.expected, "actual": t.actual, "ok": t.ok}
            for t in proposal.tieouts
        ],
        "tieout_ok": proposal.tied_out,
        "source_hash": fingerprint,
        "built_at": datetime.now(UTC),
    }


class _Writer:
    """Decides each proposal's fate against what is stored, and writes in chunks."""

    def __init__(self, session: Session, report: ProposeReport) -> None:
        self.session = session
        self.report = report
        self.pending: list[dict[str, Any]] = []
        self.stored: dict[str, tuple[str, str]] = {
            key: (state, fingerprint)
            for key, state, fingerprint in session.execute(
                select(col(ProposalRow.key), col(ProposalRow.state), col(ProposalRow.source_hash))
            )
        }

    def add(self, proposal: Proposal, order: Order | None) -> None:
        fingerprint = _fingerprint(proposal)
        previous = self.stored.get(proposal.key)
        self.report.by_entity[proposal.entity_type] += 1
        if previous is not None and previous[1] == fingerprint:
            self.report.unchanged += 1
            return
        state = proposal.review_state()
        if previous is not None:
            old_state = ProposalState(previous[0])
            if old_state in FROZEN:
                self._flag_changed_after_posting(proposal.key)
                return
            if old_state is ProposalState.APPROVED:
                self.report.approvals_withdrawn += 1
                proposal = _with_flag(proposal, Flag(FlagCode.STALE, "changed since approval"))
                fingerprint = _fingerprint(proposal)
                state = ProposalState.NEEDS_ATTENTION
            elif old_state in {ProposalState.REJECTED, ProposalState.SKIPPED}:
                state = old_state
        self.report.built += 1
        self.pending.append(_row(proposal, order, state, fingerprint))
        if len(self.pending) >= CHUNK:
            self.flush()

    def _flag_changed_after_posting(self, key: str) -> None:
        row = self.session.get(ProposalRow, key)
        if row is None:
            return
        message = "the Shopify record changed after this entry was posted"
        if not any(f.get("code") == FlagCode.CHANGED_AFTER_POSTING for f in row.flags):
            row.flags = [
                *row.flags,
                {"code": FlagCode.CHANGED_AFTER_POSTING.value, "message": message},
            ]
            self.session.add(row)
            self.report.changed_after_posting += 1

    def flush(self) -> None:
        upsert_rows(self.session, ProposalRow, self.pending)
        self.pending = []


def _with_flag(proposal: Proposal, flag: Flag) -> Proposal:
    return replace(proposal, flags=(*proposal.flags, flag))


def _orders(session: Session) -> Iterator[list[OrderRow]]:
    last = ""
    while True:
        chunk = list(
            session.scalars(
                select(OrderRow)
                .where(col(OrderRow.id) > last)
                .order_by(col(OrderRow.id))
                .limit(CHUNK)
            )
        )
        if not chunk:
            return
        yield chunk
        last = chunk[-1].id


def propose_all(
    store: Store,
    settings: Settings | None = None,
    *,
    progress: ProgressCallback = ignore_progress,
) -> ProposeReport:
    """Build or refresh the proposal of every order, refund and payout in the store."""
    report = ProposeReport()
    with store.session() as session:
        shop = load_shop(session)
        if shop is None:
            raise WorkbenchError("nothing to propose: sync a shop first (`workbench sync shopify`)")
        tz = ZoneInfo(shop.timezone)
        ctx: PostingContext = build_context(session, settings)
        writer = _Writer(session, report)
        started = Progress("Proposals", 0).started
        done = 0
        for chunk in _orders(session):
            for row in chunk:
                order = order_record(row, tz)
                proposal = propose_order(order, ctx)
                if proposal is not None:
                    writer.add(proposal, order)
                for refund in order.refunds:
                    refund_proposal = propose_refund(refund, order, ctx)
                    if refund_proposal is not None:
                        writer.add(refund_proposal, order)
            done += len(chunk)
            progress(Progress("Proposals", done, started=started))
        rows_by_payout: dict[str, list[BalanceTransaction]] = defaultdict(list)
        for bt in session.scalars(
            select(BalanceTransactionRow).where(col(BalanceTransactionRow.payout_id).is_not(None))
        ):
            rows_by_payout[bt.payout_id or ""].append(_balance_record(bt))
        for payout_row in session.scalars(select(PayoutRow)):
            payout = _payout_record(payout_row)
            writer.add(propose_payout(payout, rows_by_payout.get(payout.id, []), ctx), None)
        writer.flush()
        session.flush()
        apply_duplicate_flags(session)
    return report
