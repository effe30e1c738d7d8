"""Commit history and the audit log, for people and for export.

The audit CSV is opened in spreadsheets, where a cell starting with ``=``, ``+``, ``-`` or
``@`` (or a tab or carriage return) is run as a formula: a Shopify customer named
``=HYPERLINK(…)`` must not become a link in the accountant's Excel. Such cells are prefixed with
an apostrophe, which spreadsheets show as text and do not evaluate.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from workbench import jsonmoney
from workbench.qbo.errors import describe_stored
from workbench.store import outbox_repo
from workbench.store.engine import Store
from workbench.store.tables import AuditRow, CommitBatchRow

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
AUDIT_COLUMNS = ("at", "actor", "action", "subject", "before", "after", "detail")


@dataclass(frozen=True)
class BatchSummary:
    id: str
    reviewer: str
    started_at: datetime
    finished_at: datetime | None
    state: str
    posted: int
    failed: int
    skipped: int
    total: Decimal
    undone_at: datetime | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "reviewer": self.reviewer,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "state": self.state,
            "posted": self.posted,
            "failed": self.failed,
            "skipped": self.skipped,
            "total": self.total,
            "undone_at": self.undone_at.isoformat() if self.undone_at else None,
        }


@dataclass(frozen=True)
class BatchEntry:
    proposal_key: str
    part: str
    entity: str
    state: str  # posted | failed | blocked | undone | cancelled | intent | sending
    qbo_id: str | None
    amount: Decimal
    message: str | None  # QBO's fault (and hint) for a failure or a refused undo

    def to_json(self) -> dict[str, Any]:
        return {
            "proposal_key": self.proposal_key,
            "part": self.part,
            "entity": self.entity,
            "state": self.state,
            "qbo_id": self.qbo_id,
            "amount": self.amount,
            "message": self.message,
        }


def batches(store: Store) -> list[BatchSummary]:
    """Newest first."""
    with store.session() as session:
        query = select(CommitBatchRow).order_by(col(CommitBatchRow.started_at).desc())
        return [
            BatchSummary(
                b.id,
                b.reviewer,
                b.started_at,
                b.finished_at,
                b.state,
                b.posted,
                b.failed,
                b.skipped,
                b.total,
                b.undone_at,
            )
            for b in session.scalars(query)
        ]


def batch_exists(store: Store, batch_id: str) -> bool:
    with store.session() as session:
        return session.get(CommitBatchRow, batch_id) is not None


def entries(store: Store, batch_id: str) -> list[BatchEntry]:
    with store.session() as session:
        return [
            BatchEntry(
                r.proposal_key,
                r.part,
                r.entity_type,
                r.state,
                r.qbo_id,
                r.amount,
                describe_stored(r.undo_fault) or describe_stored(r.fault),
            )
            for r in outbox_repo.batch_rows(session, batch_id)
        ]


# -- audit log ----------------------------------------------------------------------------------


def audit_rows(store: Store, *, newest: int | None = None) -> Iterator[dict[str, Any]]:
    """The log in order, as plain values; ``newest=N`` gives only the last N, newest first
    (the History tab's view: the log grows with every post, so it is never read whole)."""
    with store.session() as session:
        if newest is None:
            query = select(AuditRow).order_by(col(AuditRow.id))
        else:
            query = select(AuditRow).order_by(col(AuditRow.id).desc()).limit(newest)
        for row in session.scalars(query):
            yield {
                "at": row.at.isoformat(),
                "actor": row.actor,
                "action": row.action,
                "subject": row.subject,
                "before": row.before,
                "after": row.after,
                "detail": row.detail,
            }


def neutralise(cell: str) -> str:
    """A cell a spreadsheet shows as the text it is, never evaluates."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return jsonmoney.dumps(value)
    return str(value)


def audit_csv(rows: Iterable[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(AUDIT_COLUMNS)
    for row in rows:
        writer.writerow([neutralise(_cell(row[c])) for c in AUDIT_COLUMNS])
    return out.getvalue()
