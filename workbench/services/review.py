"""Review decisions: approve, reject, unapprove. Each is checked against the proposal's state,
recorded with the reviewer and time, and written to the audit log with before and after."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select
from sqlmodel import Session, col

from workbench.domain.proposals import ProposalState
from workbench.services import audit
from workbench.store.engine import Store
from workbench.store.tables import ProposalRow, ReviewDecisionRow

OPEN = {ProposalState.PENDING, ProposalState.NEEDS_ATTENTION}


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
        return None if state in OPEN | {ProposalState.APPROVED} else f"it is {state.value}"
    if decision == "unapprove":
        return None if state in {ProposalState.APPROVED, ProposalState.REJECTED} else (
            f"it is {state.value}, not approved or rejected"
        )  # fmt: skip
    return f"unknown decision {decision!r}"


def _after(row: ProposalRow, decision: str) -> str:
    if decision == "approve":
        return ProposalState.APPROVED.value
    if decision == "reject":
        return ProposalState.REJECTED.value
    return (ProposalState.NEEDS_ATTENTION if row.flags else ProposalState.PENDING).value


def decide_rows(
    session: Session, rows: Sequence[ProposalRow], decision: str, reviewer: str
) -> DecisionReport:
    report = DecisionReport()
    now = datetime.now(UTC)
    for row in rows:
        why = _why_not(row, decision)
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
