"""Undoing a commit batch: delete what it posted, newest first, refusing entry by entry.

Newest first matters: an invoice's payments were posted after it and must go before it, and a
payout's deposit may consume receipts of the same batch. QBO refuses to delete a receipt that a
deposit links (6540) or a reconciled entry; such an entry stays posted, with QBO's reason and
hint recorded, and the rest of the batch is still undone. An object already deleted in QBO by
hand counts as undone. Each undone proposal goes back to review (pending), never straight back
to approved: whatever was wrong with it needs a person's look before it is posted again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import update
from sqlmodel import Session, col

from workbench.errors import WorkbenchError
from workbench.qbo.client import QboClient, derive_request_id
from workbench.qbo.errors import QboFault
from workbench.services import audit
from workbench.services.commit_lock import commit_lock
from workbench.services.progress import Progress, ProgressCallback, ignore_progress
from workbench.services.review import back_to_review
from workbench.store import outbox_repo
from workbench.store.engine import Store
from workbench.store.tables import CommitBatchRow, OutboxRow, ProposalRow

NOT_FOUND = {"610"}  # "Object Not Found": deleted in QBO already


@dataclass
class UndoReport:
    batch_id: str
    undone: list[str] = field(default_factory=list)  # "key part (entity Id)"
    refused: list[tuple[str, str]] = field(default_factory=list)  # (what, QBO's reason + hint)

    def describe(self) -> str:
        return f"batch {self.batch_id}: {len(self.undone)} undone, {len(self.refused)} refused"


def _what(row: OutboxRow) -> str:
    return f"{row.proposal_key} {row.entity_type} {row.qbo_id}"


def undo(
    store: Store,
    client: QboClient,
    batch_id: str,
    *,
    reviewer: str,
    progress: ProgressCallback = ignore_progress,
) -> UndoReport:
    report = UndoReport(batch_id)
    with commit_lock(store):
        with store.session() as session:
            batch = session.get(CommitBatchRow, batch_id)
            if batch is None:
                raise WorkbenchError(
                    f"no commit batch {batch_id!r}: `workbench history` lists the batches"
                )
            if batch.state == "running":
                raise WorkbenchError(
                    f"batch {batch_id} is still running (or was interrupted and not yet "
                    "resumed): run `workbench commit` to finish it, then undo"
                )
            rows = [r for r in outbox_repo.batch_rows(session, batch_id) if r.state == "posted"]
        rows.sort(key=lambda r: r.id or 0, reverse=True)
        started = Progress("Undoing", 0).started
        for done, row in enumerate(rows, start=1):
            _undo_one(store, client, row, reviewer, report)
            progress(Progress("Undoing", done, len(rows), started))
        with store.session() as session:
            session.execute(
                update(CommitBatchRow)
                .where(col(CommitBatchRow.id) == batch_id)
                .values(undone_at=datetime.now(UTC))
            )
            audit.record(
                session, actor=reviewer, action="undo_batch", subject=batch_id,
                after={"undone": len(report.undone), "refused": len(report.refused)},
            )  # fmt: skip
    return report


def _undo_one(
    store: Store, client: QboClient, row: OutboxRow, reviewer: str, report: UndoReport
) -> None:
    assert row.qbo_id is not None
    try:
        current = client.read(row.entity_type, row.qbo_id)
        client.delete(
            row.entity_type, row.qbo_id, str(current.get("SyncToken", row.sync_token or "0")),
            request_id=derive_request_id("undo", row.request_id),
        )  # fmt: skip
        note = None
    except QboFault as fault:
        if fault.code not in NOT_FOUND:
            reason = f"{fault.code} {fault.message}" + (f" — {fault.hint}" if fault.hint else "")
            with store.session() as session:
                current_row = session.merge(row)
                current_row.undo_fault = fault.to_json()
                session.add(current_row)
                audit.record(
                    session, actor=reviewer, action="undo_refused", subject=row.proposal_key,
                    after={"qbo_type": row.entity_type, "qbo_id": row.qbo_id}, detail=reason,
                )  # fmt: skip
            report.refused.append((_what(row), reason))
            return
        note = "already deleted in QuickBooks"
    with store.session() as session:
        current_row = session.merge(row)
        current_row.state = "undone"
        current_row.undo_fault = None
        current_row.updated_at = datetime.now(UTC)
        session.add(current_row)
        proposal = session.get(ProposalRow, row.proposal_key)
        if proposal is not None and not _still_posted(session, row.proposal_key):
            before = proposal.state
            proposal.state = back_to_review(proposal)
            proposal.qbo_type = proposal.qbo_id = None
            session.add(proposal)
            audit.record(
                session, actor=reviewer, action="undo", subject=row.proposal_key,
                before={"state": before, "qbo_type": row.entity_type, "qbo_id": row.qbo_id},
                after={"state": proposal.state}, detail=note,
            )  # fmt: skip
    report.undone.append(_what(row))


def _still_posted(session: Session, key: str) -> bool:
    return any(r.state == "posted" for r in outbox_repo.rows_of(session, [key]))
