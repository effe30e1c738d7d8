"""The proposal as the domain sees it: one QuickBooks entry, its lines and why each exists.

Posting rules (pure functions) produce these; the store keeps them as JSON; the screens show
them. Every line names the Shopify field it came from, every tie-out keeps both amounts, and a
flag is a reason a person must look, never something fixed silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from workbench.domain.proposals import ProposalState, SourceType


class FlagCode(StrEnum):
    UNMAPPED_ITEM = "unmapped_item"
    UNMAPPED_ACCOUNT = "unmapped_account"
    ROUNDING = "rounding"
    TIEOUT_FAILED = "tieout_failed"
    UNKNOWN_TRANSACTION_TYPE = "unknown_transaction_type"
    CHANGED_AFTER_POSTING = "changed_after_posting"
    STALE = "stale"
    DUPLICATE_CANDIDATE = "duplicate_candidate"
    ALREADY_POSTED = "already_posted"
    FAILED_PAYOUT = "failed_payout"


@dataclass(frozen=True, slots=True)
class Flag:
    code: FlagCode
    message: str


@dataclass(frozen=True, slots=True)
class ProposalLine:
    description: str
    amount: Decimal
    provenance: str  # the Shopify field it came from, e.g. "lineItems[2].originalUnitPriceSet"
    target: str | None = None  # "Item:17", "Account:42" once mapped; None while unmapped
    target_name: str | None = None
    quantity: Decimal | None = None
    unit_price: Decimal | None = None
    confidence: int | None = None  # mapping score 0–100 where a suggestion chose the target


@dataclass(frozen=True, slots=True)
class TieOut:
    """One invariant checked on a proposal: what Shopify says against what we would post."""

    name: str
    expected: Decimal
    actual: Decimal

    @property
    def ok(self) -> bool:
        return self.expected == self.actual

    @property
    def difference(self) -> Decimal:
        return self.actual - self.expected


@dataclass(frozen=True)
class Proposal:
    key: str
    source_type: SourceType
    source_id: str
    entity_type: str  # the QBO entity: SalesReceipt, RefundReceipt, Deposit, JournalEntry, ...
    txn_date: date
    currency: str
    total: Decimal
    body: dict[str, Any]  # exactly the JSON the QBO API would receive
    lines: tuple[ProposalLine, ...] = ()
    tieouts: tuple[TieOut, ...] = ()
    flags: tuple[Flag, ...] = ()
    doc_number: str | None = None
    state: ProposalState = ProposalState.PENDING
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def tied_out(self) -> bool:
        return all(t.ok for t in self.tieouts)

    @property
    def clean(self) -> bool:
        """Safe to approve in bulk: no flags, every tie-out holds, every line mapped."""
        return not self.flags and self.tied_out and all(line.target for line in self.lines)

    def review_state(self) -> ProposalState:
        """Pending proposals with anything to look at are ``needs_attention``."""
        if self.state is ProposalState.PENDING and (self.flags or not self.tied_out):
            return ProposalState.NEEDS_ATTENTION
        return self.state
