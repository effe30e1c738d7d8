"""The duplicate guard: what QuickBooks already holds for a Shopify record, and why we think so.

Identity comes first: a QBO record that carries a proposal's key *is* that record's entry. Only
then are payouts compared with bank deposits someone (or a bank feed) entered by hand: the same
bank account, currency and exact signed amount, a date from two days before to seven days after
the payout, scored with visible evidence. Pairs are assigned one-to-one over the whole batch by
score, with a total order on ties, so the result never depends on the order of the input; equal
scores are paired deterministically but marked for review.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from workbench.domain.proposals import keys_in_text, proposal_key

WINDOW_BEFORE = 2
WINDOW_AFTER = 7
BANK_TYPES = frozenset({"Deposit", "Transfer", "JournalEntry"})
SALES_TYPES = frozenset({"SalesReceipt", "Invoice"})


class DuplicateKind(StrEnum):
    ALREADY_POSTED = "already_posted"
    DUPLICATE_PAYOUT = "duplicate_payout"
    POSSIBLY_POSTED_ELSEWHERE = "possibly_posted_by_another_tool"


@dataclass(frozen=True, slots=True)
class QboRecord:
    """A QBO transaction as the guard needs it. ``amount`` is signed as seen from the bank:
    money in is positive, money out negative (for sales forms, the total)."""

    qbo_type: str
    id: str
    txn_date: date
    amount: Decimal
    currency: str
    account_id: str | None = None
    memo: str = ""
    doc_number: str | None = None
    reconciled: bool = False


@dataclass(frozen=True, slots=True)
class PayoutFacts:
    key: str
    legacy_id: str
    local_date: date
    net: Decimal
    currency: str
    bank_account_id: str | None


@dataclass(frozen=True, slots=True)
class OrderFacts:
    key: str
    name: str  # "#1043"
    total: Decimal
    currency: str


@dataclass(frozen=True, slots=True)
class Candidate:
    record: QboRecord
    score: int
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class DuplicateFlag:
    key: str
    kind: DuplicateKind
    candidates: tuple[Candidate, ...]
    chosen: QboRecord | None = None
    needs_review: bool = True
    notes: tuple[str, ...] = field(default_factory=tuple)


def identify(records: Iterable[QboRecord]) -> dict[str, QboRecord]:
    """Workbench key → the QBO record carrying it (in PrivateNote or DocNumber, as a token)."""
    found: dict[str, QboRecord] = {}
    for record in sorted(records, key=lambda r: (r.qbo_type, r.id)):
        for source, legacy, version in keys_in_text(record.memo) + keys_in_text(record.doc_number):
            found.setdefault(f"shopify:{source.value}:{legacy}:v{version}", record)
            # A record posted under an older key format is still that Shopify record: a new
            # key version must never make us post it again.
            found.setdefault(proposal_key(source, legacy), record)
    return found


def _recognised_ids(records: Iterable[QboRecord]) -> set[tuple[str, str]]:
    return {(r.qbo_type, r.id) for r in identify(records).values()}


def score_payout(payout: PayoutFacts, record: QboRecord) -> Candidate | None:
    """Evidence that ``record`` is this payout entered by hand; None when it cannot be."""
    if record.qbo_type not in BANK_TYPES or record.currency != payout.currency:
        return None
    if record.amount != payout.net:  # exact and signed: a refund never matches a charge
        return None
    if payout.bank_account_id and record.account_id and record.account_id != payout.bank_account_id:
        return None
    days = (record.txn_date - payout.local_date).days
    if not -WINDOW_BEFORE <= days <= WINDOW_AFTER:
        return None
    points = 50
    reasons = [f"amount {record.amount} = payout net"]
    closeness = 20 - 3 * abs(days)
    points += closeness
    reasons.append(f"{abs(days)} day(s) {'after' if days >= 0 else 'before'} the payout")
    memo = record.memo.upper()
    if payout.legacy_id and payout.legacy_id in memo:
        points += 25
        reasons.append(f"memo names payout {payout.legacy_id}")
    if "SHOPIFY" in memo:
        points += 10
        reasons.append("memo mentions Shopify")
    if payout.bank_account_id and record.account_id == payout.bank_account_id:
        points += 5
        reasons.append("in the payout's bank account")
    return Candidate(record, points, tuple(reasons))


def guard_payouts(
    payouts: Sequence[PayoutFacts],
    records: Sequence[QboRecord],
    linked: Mapping[str, tuple[str, str]] | None = None,
) -> list[DuplicateFlag]:
    """Flags for payouts already posted (by key), linked by the bookkeeper (``linked``: key →
    (QBO type, Id)), or possibly entered by hand (by evidence). A linked record is that payout's
    and is never offered to another one."""
    by_key = identify(records)
    by_id = {(r.qbo_type, r.id): r for r in records}
    for key, target in (linked or {}).items():
        if key not in by_key and target in by_id:
            by_key[key] = by_id[target]
    ours = _recognised_ids(records) | {(r.qbo_type, r.id) for r in by_key.values()}
    flags: list[DuplicateFlag] = []
    open_payouts = []
    for payout in sorted(payouts, key=lambda p: p.key):
        if payout.key in by_key:
            record = by_key[payout.key]
            flags.append(
                DuplicateFlag(
                    payout.key, DuplicateKind.ALREADY_POSTED,
                    (Candidate(record, 100, ("carries this payout's key",)),),
                    chosen=record, needs_review=False,
                )
            )  # fmt: skip
        else:
            open_payouts.append(payout)
    free = [r for r in records if (r.qbo_type, r.id) not in ours]
    candidates: dict[str, list[Candidate]] = {}
    edges: list[tuple[int, str, str, str, Candidate]] = []
    for payout in open_payouts:
        found = [c for r in free if (c := score_payout(payout, r)) is not None]
        found.sort(key=lambda c: (-c.score, c.record.qbo_type, c.record.id))
        candidates[payout.key] = found
        edges += [(-c.score, payout.key, c.record.qbo_type, c.record.id, c) for c in found]
    edges.sort(key=lambda e: e[:4])
    taken_payouts: dict[str, Candidate] = {}
    taken_records: set[tuple[str, str]] = set()
    for _, key, qbo_type, record_id, candidate in edges:
        if key in taken_payouts or (qbo_type, record_id) in taken_records:
            continue
        taken_payouts[key] = candidate
        taken_records.add((qbo_type, record_id))
    # How many payouts see each record at each score: more than one means a tie between payouts.
    claims: Counter[tuple[str, str, int]] = Counter(
        (c.record.qbo_type, c.record.id, c.score) for found in candidates.values() for c in found
    )
    for payout in open_payouts:
        found = candidates[payout.key]
        if not found:
            continue
        chosen = taken_payouts.get(payout.key)
        tied = len(found) > 1 and found[0].score == found[1].score
        contested = (
            chosen is not None
            and claims[(chosen.record.qbo_type, chosen.record.id, chosen.score)] > 1
        )
        notes = []
        if tied or contested:
            notes.append("equally likely candidates: decide which deposit is this payout")
        if chosen is not None and chosen.record.reconciled:
            notes.append("the deposit is reconciled: it can only be linked, never edited")
        flags.append(
            DuplicateFlag(
                payout.key, DuplicateKind.DUPLICATE_PAYOUT, tuple(found[:5]),
                chosen=chosen.record if chosen else None, needs_review=True, notes=tuple(notes),
            )
        )  # fmt: skip
    return flags


def guard_orders(orders: Sequence[OrderFacts], records: Sequence[QboRecord]) -> list[DuplicateFlag]:
    """Orders already posted by us (key) or, possibly, by another tool (DocNumber + total)."""
    by_key = identify(records)
    ours = _recognised_ids(records)
    by_number: dict[str, list[QboRecord]] = {}
    for r in records:
        if r.qbo_type in SALES_TYPES and r.doc_number and (r.qbo_type, r.id) not in ours:
            by_number.setdefault(r.doc_number.lstrip("#"), []).append(r)
    flags = []
    for order in sorted(orders, key=lambda o: o.key):
        if order.key in by_key:
            record = by_key[order.key]
            flags.append(
                DuplicateFlag(
                    order.key, DuplicateKind.ALREADY_POSTED,
                    (Candidate(record, 100, ("carries this order's key",)),),
                    chosen=record, needs_review=False,
                )
            )  # fmt: skip
            continue
        same = [
            r for r in by_number.get(order.name.lstrip("#"), [])
            if r.amount == order.total and r.currency == order.currency
        ]  # fmt: skip
        if same:
            found = tuple(
                Candidate(r, 80, (f"DocNumber {r.doc_number} = order {order.name}",
                                  f"total {r.amount} = order total"))
                for r in sorted(same, key=lambda r: (r.qbo_type, r.id))
            )  # fmt: skip
            flags.append(DuplicateFlag(order.key, DuplicateKind.POSSIBLY_POSTED_ELSEWHERE, found))
    return flags
