"""What the Payouts tab shows: each payout, the Deposit we propose for it, its tie-out and the
QuickBooks records that may already be that payout (with the evidence), read in one pass.

The guard's findings are computed once per load (the assignment is batch-wide, so one payout's
candidates depend on every other payout) and kept, so moving between payouts costs one small
read of that payout's balance transactions and proposal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlmodel import col

from workbench.domain.duplicates import DuplicateFlag, DuplicateKind
from workbench.domain.money import to_decimal
from workbench.domain.proposals import ProposalState, SourceType, proposal_key
from workbench.services.duplicates import latest_decisions, payout_flags
from workbench.store.engine import Store
from workbench.store.tables import (
    BalanceTransactionRow,
    PayoutRow,
    ProposalRow,
    ReviewDecisionRow,
)

# The newest payouts the tab lists (its title says "N of M"): well over a year of daily payouts.
# Its table measures every cell as rows are added, on the screen's thread; at 2,000 rows that
# froze the tab for ~0.9 s when shown.
LIMIT = 500
OPEN = {ProposalState.PENDING, ProposalState.NEEDS_ATTENTION, ProposalState.APPROVED}


@dataclass(frozen=True, slots=True)
class PayoutSummary:
    key: str  # the proposal key, shopify:payout:<id>:v1
    payout_id: str
    local_date: date
    status: str
    net: Decimal
    currency: str
    state: str | None  # the proposal's review state; None when no proposal exists
    candidates: int  # QuickBooks records that may already be this payout
    linked_to: str | None  # "Deposit:145" once linked

    @property
    def decidable(self) -> bool:
        """Link / post anyway / skip apply: candidates exist and nothing is posted or linked."""
        return self.candidates > 0 and self.state in OPEN


@dataclass(frozen=True, slots=True)
class BalanceLine:
    type: str
    order: str
    amount: Decimal
    fee: Decimal
    net: Decimal


@dataclass(frozen=True, slots=True)
class EntryLine:
    description: str
    target: str  # the mapped account or item's name, or "unmapped"
    amount: Decimal


@dataclass(frozen=True, slots=True)
class TieOutLine:
    name: str
    expected: Decimal
    actual: Decimal

    @property
    def ok(self) -> bool:
        return self.expected == self.actual


@dataclass(frozen=True, slots=True)
class CandidateView:
    target: str  # "Deposit:145", what `link` records
    qbo_type: str
    qbo_id: str
    txn_date: date
    amount: Decimal
    memo: str
    score: int
    reasons: tuple[str, ...]
    chosen: bool  # the one-to-one assignment gave this record to this payout


@dataclass(frozen=True)
class PayoutDetail:
    summary: PayoutSummary
    entity_type: str | None
    doc_number: str | None
    balance: list[BalanceLine]
    lines: list[EntryLine]
    tieouts: list[TieOutLine]
    flags: list[str]
    candidates: list[CandidateView]
    notes: list[str]
    decision: str | None  # the latest link / post anyway / skip, in words

    @property
    def lines_total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))


class PayoutReview:
    """Loaded by a worker; ``load`` refreshes the list and the guard's findings together."""

    def __init__(self, store: Store, *, limit: int = LIMIT) -> None:
        self.store = store
        self.limit = limit
        self.flags: dict[str, DuplicateFlag] = {}
        self.total = 0

    def load(self) -> list[PayoutSummary]:
        """The most recent payouts first (at most ``limit``; ``total`` counts them all)."""
        with self.store.session() as session:
            self.flags = {
                key: flag
                for key, flag in payout_flags(session).items()
                if flag.kind is DuplicateKind.DUPLICATE_PAYOUT
            }
            payouts = list(
                session.execute(
                    select(
                        col(PayoutRow.legacy_id), col(PayoutRow.local_date),
                        col(PayoutRow.status), col(PayoutRow.net), col(PayoutRow.currency),
                    )
                    .order_by(col(PayoutRow.local_date).desc(), col(PayoutRow.id).desc())
                    .limit(self.limit)
                )
            )  # fmt: skip
            self.total = len(payouts)
            if self.total == self.limit:
                self.total = session.scalar(select(func.count()).select_from(PayoutRow)) or 0
            keys = [proposal_key(SourceType.PAYOUT, p.legacy_id) for p in payouts]
            proposals = {
                key: (state, qbo_type, qbo_id)
                for key, state, qbo_type, qbo_id in session.execute(
                    select(
                        col(ProposalRow.key), col(ProposalRow.state), col(ProposalRow.qbo_type),
                        col(ProposalRow.qbo_id),
                    ).where(col(ProposalRow.key).in_(keys))
                )
            }  # fmt: skip
        summaries = []
        for payout, key in zip(payouts, keys, strict=True):
            state, qbo_type, qbo_id = proposals.get(key, (None, None, None))
            flag = self.flags.get(key)
            summaries.append(
                PayoutSummary(
                    key=key, payout_id=payout.legacy_id, local_date=payout.local_date,
                    status=payout.status.lower(), net=payout.net, currency=payout.currency,
                    state=state, candidates=len(flag.candidates) if flag else 0,
                    linked_to=f"{qbo_type}:{qbo_id}" if qbo_type and qbo_id else None,
                )
            )  # fmt: skip
        return summaries

    def detail(self, summary: PayoutSummary) -> PayoutDetail:
        with self.store.session() as session:
            payout = session.scalars(
                select(PayoutRow).where(col(PayoutRow.legacy_id) == summary.payout_id)
            ).first()
            balance = (
                list(
                    session.scalars(
                        select(BalanceTransactionRow)
                        .where(col(BalanceTransactionRow.payout_id) == payout.id)
                        .order_by(
                            col(BalanceTransactionRow.transaction_date),
                            col(BalanceTransactionRow.id),
                        )
                    )
                )
                if payout
                else []
            )
            proposal = session.get(ProposalRow, summary.key)
            decision = latest_decisions(session, [summary.key]).get(summary.key)
        flag = self.flags.get(summary.key)
        return PayoutDetail(
            summary=summary,
            entity_type=proposal.entity_type if proposal else None,
            doc_number=proposal.doc_number if proposal else None,
            balance=[_balance_line(b) for b in balance],
            lines=[_entry_line(line) for line in (proposal.lines if proposal else [])],
            tieouts=[_tieout(t) for t in (proposal.tieouts if proposal else [])],
            flags=[str(f.get("message") or f.get("code")) for f in proposal.flags]
            if proposal
            else [],
            candidates=_candidates(flag),
            notes=list(flag.notes) if flag else [],
            decision=_describe(decision) if decision else None,
        )


def _balance_line(row: BalanceTransactionRow) -> BalanceLine:
    kind = row.type.replace("_", " ").lower()
    return BalanceLine(kind, row.order_name or "", row.amount, row.fee, row.net)


def _entry_line(line: dict[str, Any]) -> EntryLine:
    target = line.get("target_name") or line.get("target") or "unmapped"
    return EntryLine(str(line.get("description") or ""), str(target), to_decimal(line["amount"]))


def _tieout(tie: dict[str, Any]) -> TieOutLine:
    return TieOutLine(
        str(tie.get("name") or ""), to_decimal(tie["expected"]), to_decimal(tie["actual"])
    )


def _candidates(flag: DuplicateFlag | None) -> list[CandidateView]:
    if flag is None:
        return []
    chosen = (flag.chosen.qbo_type, flag.chosen.id) if flag.chosen else None
    return [
        CandidateView(
            target=f"{c.record.qbo_type}:{c.record.id}", qbo_type=c.record.qbo_type,
            qbo_id=c.record.id, txn_date=c.record.txn_date, amount=c.record.amount,
            memo=c.record.memo, score=c.score, reasons=c.reasons,
            chosen=(c.record.qbo_type, c.record.id) == chosen,
        )
        for c in flag.candidates
    ]  # fmt: skip


def _describe(row: ReviewDecisionRow) -> str:
    when = row.decided_at.strftime("%Y-%m-%d %H:%M") if row.decided_at else ""
    if row.decision == "link":
        return f"linked to {row.target} by {row.reviewer} {when}"
    if row.decision == "skip":
        return f"skipped by {row.reviewer} {when}"
    return f"to be posted anyway, by {row.reviewer} {when}: {row.reason}"
