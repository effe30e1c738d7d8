"""Review decisions: approve, reject, unapprove. Each is checked against the proposal's state,
recorded with the reviewer and time, and written to the audit log with before and after."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import defer
from sqlmodel import Session, col

from workbench.domain.proposals import ProposalState
from workbench.services import audit
from workbench.store import outbox_repo
from workbench.store.engine import Store
from workbench.store.tables import ProposalRow, ReviewDecisionRow

OPEN = {ProposalState.PENDING, ProposalState.NEEDS_ATTENTION}
# Keys per IN (...) list: well under every database's limit on bound parameters.
CHUNK = 1_000


@dataclass
class DecisionReport:
    changed: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (key, why)


def is_clean(row: ProposalRow) -> bool:
    """No flags, tie-out passed, every line mapped: safe to approve without reading it."""
    return (
        not row.flags
        and row.tieout_ok
        and all(line.get("target") for line in row.lines)
        and row.state == ProposalState.PENDING
    )


def _why_not(row: ProposalRow, decision: str) -> str | None:
    state = ProposalState(row.state)
    if decision == "approve":
        if state not in OPEN:
            return f"it is {state.value}"
        if not row.tieout_ok:
            return "its tie-out fails: fix the cause first"
        if any(not line.get("target") for line in row.lines):
            return "a line is not mapped to QuickBooks yet"
        return None
    if decision == "reject":
        # A failed entry is retried by every commit until it is rejected (or unapproved).
        allowed = OPEN | {ProposalState.APPROVED, ProposalState.FAILED}
        return None if state in allowed else f"it is {state.value}"
    if decision == "unapprove":
        allowed = {ProposalState.APPROVED, ProposalState.REJECTED, ProposalState.FAILED}
        return None if state in allowed else f"it is {state.value}, not approved or rejected"
    return f"unknown decision {decision!r}"


def _partly_posted(session: Session, rows: Sequence[ProposalRow]) -> dict[str, str]:
    """Failed proposals of which a part is in QuickBooks already (an invoice whose payment
    failed): taking them back from the commit would leave that part alone in the books."""
    failed = [r.key for r in rows if r.state == ProposalState.FAILED.value]
    posted: dict[str, str] = {}
    for (key, part), state in outbox_repo.live_parts(session, failed).items():
        if state == "posted":
            posted.setdefault(key, part)
    return posted


def _after(row: ProposalRow, decision: str) -> str:
    if decision == "approve":
        return ProposalState.APPROVED.value
    if decision == "reject":
        return ProposalState.REJECTED.value
    return back_to_review(row)


def back_to_review(row: ProposalRow) -> str:
    """The state of a proposal returned to review (unapproved, or undone in QuickBooks):
    needs attention while it carries flags, else pending."""
    return (ProposalState.NEEDS_ATTENTION if row.flags else ProposalState.PENDING).value


def decide_rows(
    session: Session, rows: Sequence[ProposalRow], decision: str, reviewer: str
) -> DecisionReport:
    report = DecisionReport()
    now = datetime.now(UTC)
    partly = _partly_posted(session, rows)
    for row in rows:
        why = _why_not(row, decision)
        if why is None and decision != "approve" and row.key in partly:
            why = (
                f"its {partly[row.key]} is already in QuickBooks: fix the cause and commit "
                "again, or undo that commit batch first"
            )
        if why is not None:
            report.refused.append((row.key, why))
            continue
        before = row.state
        row.state = _after(row, decision)
        session.add(row)
        session.add(ReviewDecisionRow(proposal_key=row.key, decision=decision, reviewer=reviewer,
                                      decided_at=now))  # fmt: skip
        audit.record(session, actor=reviewer, action=decision, subject=row.key,
                     before={"state": before}, after={"state": row.state})  # fmt: skip
        report.changed.append(row.key)
    return report


def decide(store: Store, keys: Sequence[str], decision: str, *, reviewer: str) -> DecisionReport:
    with store.session() as session:
        found = {r.key: r for r in session.scalars(
            select(ProposalRow).where(col(ProposalRow.key).in_(list(keys))))}  # fmt: skip
        report = decide_rows(session, [found[k] for k in keys if k in found], decision, reviewer)
        report.refused += [(k, "no such proposal") for k in keys if k not in found]
    return report


def approve_clean(store: Store, *, reviewer: str) -> DecisionReport:
    with store.session() as session:
        rows = [r for r in session.scalars(
            select(ProposalRow).where(col(ProposalRow.state) == ProposalState.PENDING.value)
        ) if is_clean(r)]  # fmt: skip
        return decide_rows(session, rows, "approve", reviewer)


@dataclass(frozen=True)
class CleanSummary:
    """What "approve every clean row in view" would approve, for its confirmation."""

    keys: list[str]
    totals: dict[str, Decimal]  # by currency

    @property
    def count(self) -> int:
        return len(self.keys)


def _chunks(keys: Sequence[str]) -> Iterator[list[str]]:
    for start in range(0, len(keys), CHUNK):
        yield list(keys[start : start + CHUNK])


def _clean_rows(session: Session, keys: Sequence[str]) -> Iterator[ProposalRow]:
    """Clean proposals among ``keys``; SQL narrows to pending and tied out, Python checks the
    rest. The body (the largest column) is never needed to decide, so it is not read."""
    for chunk in _chunks(keys):
        statement = (
            select(ProposalRow)
            .options(defer(ProposalRow.body))  # type: ignore[arg-type]
            .where(col(ProposalRow.key).in_(chunk), *_MAYBE_CLEAN)
        )
        yield from (row for row in session.scalars(statement) if is_clean(row))


_MAYBE_CLEAN = (
    col(ProposalRow.state) == ProposalState.PENDING.value,
    col(ProposalRow.tieout_ok).is_(True),
)


def _summarise(rows: Iterable[Any]) -> CleanSummary:
    """(key, currency, total, flags, lines) rows → the clean ones, counted and totalled.
    Plain columns, not ORM objects: at 100,000 rows building objects is most of the cost."""
    found: list[str] = []
    totals: dict[str, Decimal] = {}
    for key, currency, total, flags, lines in rows:
        if not flags and all(line.get("target") for line in lines):
            found.append(key)
            totals[currency] = totals.get(currency, Decimal(0)) + total
    return CleanSummary(found, totals)


_CLEAN_COLUMNS = (
    col(ProposalRow.key), col(ProposalRow.currency), col(ProposalRow.total),
    col(ProposalRow.flags), col(ProposalRow.lines),
)  # fmt: skip


def clean_among(store: Store, keys: Sequence[str]) -> CleanSummary:
    """The clean proposals among ``keys``."""
    with store.session() as session:
        rows = (
            row
            for chunk in _chunks(keys)
            for row in session.execute(
                select(*_CLEAN_COLUMNS).where(col(ProposalRow.key).in_(chunk), *_MAYBE_CLEAN)
            )
        )
        return _summarise(rows)


def clean_where(store: Store, keys: Any) -> CleanSummary:
    """The clean proposals whose key ``keys`` (a SQL query of keys, e.g. the filtered review
    list's) selects: one statement, however many rows are in view."""
    with store.session() as session:
        statement = select(*_CLEAN_COLUMNS).where(col(ProposalRow.key).in_(keys), *_MAYBE_CLEAN)
        return _summarise(session.execute(statement))


def approve_clean_among(store: Store, keys: Sequence[str], *, reviewer: str) -> DecisionReport:
    """Approve the proposals among ``keys`` that are still clean now (each re-checked)."""
    with store.session() as session:
        return decide_rows(session, list(_clean_rows(session, keys)), "approve", reviewer)
