"""The duplicate guard over the store: QBO records from the reference cache against the
proposals, and the bookkeeper's decisions (link, post anyway, skip) kept with the audit log."""

from __future__ import annotations

from collections.abc import Collection, Container, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from workbench.domain.duplicates import (
    BANK_TYPES,
    SALES_TYPES,
    DuplicateFlag,
    DuplicateKind,
    OrderFacts,
    PayoutFacts,
    QboRecord,
    guard_orders,
    guard_payouts,
)
from workbench.domain.money import to_decimal
from workbench.domain.posting.context import Role
from workbench.domain.proposal_model import FlagCode
from workbench.domain.proposals import ProposalState, SourceType, proposal_key
from workbench.errors import WorkbenchError
from workbench.services import audit
from workbench.store.engine import Store
from workbench.store.tables import (
    OrderRow,
    PayoutRow,
    ProposalRow,
    QboEntityRow,
    ReviewDecisionRow,
    RoleMappingRow,
)

DECIDED = {"link", "post_anyway", "skip"}


def _ref(value: Any) -> str | None:
    return str(value["value"]) if isinstance(value, Mapping) and "value" in value else None


def record_from_qbo(row: QboEntityRow, bank_id: str | None) -> QboRecord | None:
    """The guard's view of a cached QBO transaction; amounts signed as the bank sees them."""
    raw = row.raw
    memo_parts = [str(raw.get("PrivateNote") or "")]
    amount: Decimal | None = None
    account: str | None = None
    if row.entity_type == "Deposit":
        amount = to_decimal(raw.get("TotalAmt", 0))
        account = _ref(raw.get("DepositToAccountRef"))
        memo_parts += [str(line.get("Description") or "") for line in raw.get("Line") or []]
    elif row.entity_type == "Transfer":
        value = to_decimal(raw.get("Amount", 0))
        to_account, from_account = _ref(raw.get("ToAccountRef")), _ref(raw.get("FromAccountRef"))
        if bank_id and from_account == bank_id:
            amount, account = -value, from_account
        else:
            amount, account = value, to_account
    elif row.entity_type == "JournalEntry":
        for line in raw.get("Line") or []:
            detail = line.get("JournalEntryLineDetail") or {}
            if bank_id and _ref(detail.get("AccountRef")) == bank_id:
                value = to_decimal(line.get("Amount", 0))
                amount = value if detail.get("PostingType") == "Debit" else -value
                account = bank_id
            memo_parts.append(str(line.get("Description") or ""))
    elif row.entity_type in SALES_TYPES:
        amount = to_decimal(raw.get("TotalAmt", 0))
    if amount is None or row.txn_date is None:
        return None
    return QboRecord(
        qbo_type=row.entity_type, id=row.qbo_id, txn_date=row.txn_date, amount=amount,
        currency=str(_ref(raw.get("CurrencyRef")) or row.currency or "USD"),
        account_id=account, memo=" ".join(p for p in memo_parts if p),
        doc_number=row.doc_number,
    )  # fmt: skip


def latest_decisions(
    session: Session, keys: list[str] | None = None
) -> dict[str, ReviewDecisionRow]:
    """The most recent link / post anyway / skip decision of each proposal (of ``keys`` only,
    when given)."""
    query = select(ReviewDecisionRow).where(col(ReviewDecisionRow.decision).in_(DECIDED))
    if keys is not None:
        query = query.where(col(ReviewDecisionRow.proposal_key).in_(keys))
    latest: dict[str, ReviewDecisionRow] = {}
    for row in session.scalars(query.order_by(col(ReviewDecisionRow.id))):
        latest[row.proposal_key] = row
    return latest


def _bank_id(session: Session) -> str | None:
    bank = session.get(RoleMappingRow, Role.BANK.value)
    return bank.qbo_id if bank else None


def _records(session: Session, types: Collection[str], bank_id: str | None) -> list[Any]:
    """The cached QuickBooks records of ``types`` as the guard weighs them."""
    return [
        r
        for row in session.scalars(
            select(QboEntityRow).where(col(QboEntityRow.entity_type).in_(types))
        )
        if (r := record_from_qbo(row, bank_id)) is not None
    ]


def _payout_facts(session: Session, keys: Container[str], bank_id: str | None) -> list[PayoutFacts]:
    """The payouts that have a proposal (one of ``keys``), by the columns the guard weighs:
    whole rows would read their stored payloads too (0.3 s of the Payouts tab at 5,000)."""
    facts = select(
        col(PayoutRow.legacy_id), col(PayoutRow.local_date), col(PayoutRow.net),
        col(PayoutRow.currency),
    )  # fmt: skip
    return [
        PayoutFacts(key, legacy_id, local_date, net, currency, bank_id)
        for legacy_id, local_date, net, currency in session.execute(facts)
        if (key := proposal_key(SourceType.PAYOUT, legacy_id)) in keys
    ]


def find_duplicates(session: Session) -> list[DuplicateFlag]:
    bank_id = _bank_id(session)
    records = _records(session, BANK_TYPES | SALES_TYPES, bank_id)
    # Columns only: loading whole rows decoded every order's raw payload and every proposal's
    # body, which cost seconds per 10,000 orders on each `propose`.
    proposals = {
        key: (state, total, qbo_type, qbo_id)
        for key, state, total, qbo_type, qbo_id in session.execute(
            select(
                col(ProposalRow.key), col(ProposalRow.state), col(ProposalRow.total),
                col(ProposalRow.qbo_type), col(ProposalRow.qbo_id),
            )
        )
    }  # fmt: skip
    payouts = _payout_facts(session, proposals, bank_id)
    orders = [
        OrderFacts(key, name, proposals[key][1], currency)
        for legacy, name, currency in session.execute(
            select(col(OrderRow.legacy_id), col(OrderRow.name), col(OrderRow.currency))
        )
        if (key := f"shopify:order:{legacy}:v1") in proposals
    ]
    linked = {
        key: (qbo_type, qbo_id)
        for key, (state, _, qbo_type, qbo_id) in proposals.items()
        if state == ProposalState.LINKED and qbo_type and qbo_id
    }
    return guard_payouts(payouts, records, linked) + guard_orders(orders, records)


def apply_duplicate_flags(session: Session) -> list[DuplicateFlag]:
    """Mark proposals from the guard's findings, honouring decisions already taken."""
    flags = find_duplicates(session)
    decided = latest_decisions(session)
    for flag in flags:
        row = session.get(ProposalRow, flag.key)
        if row is None or row.state in {ProposalState.POSTED, ProposalState.LINKED}:
            continue
        if flag.kind is DuplicateKind.ALREADY_POSTED and flag.chosen is not None:
            row.state = ProposalState.LINKED.value
            row.qbo_type, row.qbo_id = flag.chosen.qbo_type, flag.chosen.id
        elif flag.key not in decided:
            message = f"possible duplicate: {len(flag.candidates)} QuickBooks record(s) look alike"
            if not any(f.get("code") == FlagCode.DUPLICATE_CANDIDATE for f in row.flags):
                row.flags = [
                    *row.flags,
                    {"code": FlagCode.DUPLICATE_CANDIDATE.value, "message": message},
                ]
                if row.state in {ProposalState.PENDING, ProposalState.APPROVED}:
                    row.state = ProposalState.NEEDS_ATTENTION.value
        session.add(row)
    return flags


def describe(flag: DuplicateFlag) -> dict[str, Any]:
    return {
        "key": flag.key,
        "kind": flag.kind.value,
        "needs_review": flag.needs_review,
        "notes": list(flag.notes),
        "chosen": f"{flag.chosen.qbo_type}:{flag.chosen.id}" if flag.chosen else None,
        "candidates": [
            {
                "qbo_type": c.record.qbo_type, "id": c.record.id,
                "date": c.record.txn_date.isoformat(), "amount": str(c.record.amount),
                "memo": c.record.memo, "score": c.score, "reasons": list(c.reasons),
            }
            for c in flag.candidates
        ],
    }  # fmt: skip


def decide(
    store: Store, key: str, decision: str, *, reviewer: str, target: str | None = None,
    reason: str | None = None,
) -> None:  # fmt: skip
    """Link (post nothing), post anyway (with a reason), or skip: recorded and audited."""
    if decision not in DECIDED:
        raise WorkbenchError(f"unknown decision {decision!r}")
    if decision == "post_anyway" and not (reason and reason.strip()):
        raise WorkbenchError("posting a possible duplicate anyway needs --reason")
    with store.session() as session:
        row = session.get(ProposalRow, key)
        if row is None:
            raise WorkbenchError(f"no proposal {key!r}: see `workbench duplicates`")
        if row.state == ProposalState.POSTED:
            raise WorkbenchError(f"{key} is already posted: use undo before relinking it")
        before = {"state": row.state, "qbo": f"{row.qbo_type}:{row.qbo_id}" if row.qbo_id else None}
        if decision == "link":
            qbo_type, _, qbo_id = (target or "").partition(":")
            exists = session.scalars(
                select(QboEntityRow).where(
                    col(QboEntityRow.entity_type) == qbo_type, col(QboEntityRow.qbo_id) == qbo_id
                )
            ).first()
            if not qbo_type or not qbo_id or exists is None:
                raise WorkbenchError(
                    f"{target!r} is not a QuickBooks record we know: expected TYPE:ID such as "
                    "Deposit:145 from `workbench duplicates` (sync QuickBooks if it is new)"
                )
            row.state, row.qbo_type, row.qbo_id = ProposalState.LINKED.value, qbo_type, qbo_id
        elif decision == "skip":
            row.state = ProposalState.SKIPPED.value
        else:
            row.flags = [f for f in row.flags if f.get("code") != FlagCode.DUPLICATE_CANDIDATE]
            if row.state == ProposalState.NEEDS_ATTENTION and not row.flags and row.tieout_ok:
                row.state = ProposalState.PENDING.value
        session.add(row)
        session.add(
            ReviewDecisionRow(
                proposal_key=key, decision=decision, reviewer=reviewer,
                decided_at=datetime.now(UTC), reason=reason, target=target,
            )
        )  # fmt: skip
        after = {"state": row.state, "qbo": f"{row.qbo_type}:{row.qbo_id}" if row.qbo_id else None}
        audit.record(
            session, actor=reviewer, action=decision, subject=key, before=before, after=after,
            detail=reason,
        )  # fmt: skip


def payout_flags(session: Session) -> dict[str, DuplicateFlag]:
    """The guard's findings for payouts only, by proposal key (the Payouts tab's view).

    Orders are left out: scanning every order to show one payout's candidates would cost the
    screen seconds at 100,000 orders, and the payout assignment never depends on them.
    """
    bank_id = _bank_id(session)
    records = _records(session, BANK_TYPES, bank_id)
    linked: dict[str, tuple[str, str]] = {}
    keys: set[str] = set()
    for key, state, qbo_type, qbo_id in session.execute(
        select(
            col(ProposalRow.key), col(ProposalRow.state), col(ProposalRow.qbo_type),
            col(ProposalRow.qbo_id),
        ).where(col(ProposalRow.source_type) == "payout")
    ):  # fmt: skip
        keys.add(key)
        if state == ProposalState.LINKED and qbo_type and qbo_id:
            linked[key] = (qbo_type, qbo_id)
    payouts = _payout_facts(session, keys, bank_id)
    return {flag.key: flag for flag in guard_payouts(payouts, records, linked)}
