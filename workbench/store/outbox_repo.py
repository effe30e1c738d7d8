"""The outbox's statements: queue intents once, claim work without two committers colliding.

Every state change is its own short transaction, committed before the request it announces
leaves the machine: ``intent`` (queued, never sent) → ``sending`` (may have reached QBO) →
``posted`` / ``failed``. A row left in ``sending`` by a crash has an unknown outcome and is
looked up in QBO before anything is sent again.

On PostgreSQL two committers claim with ``FOR UPDATE SKIP LOCKED``; the partial unique index
``uq_outbox_live_part`` makes it impossible for both to queue the same proposal part.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import exists, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from workbench.domain.commit_plan import Part
from workbench.store.tables import LIVE_OUTBOX_STATES, LIVE_WHERE, CommitBatchRow, OutboxRow


@dataclass(frozen=True)
class QueuedPart:
    proposal_key: str
    part: Part


def _now() -> datetime:
    return datetime.now(UTC)


def queue(session: Session, batch_id: str, parts: Iterable[QueuedPart]) -> int:
    """Record intents for parts that have no live row yet; returns how many were queued."""
    now = _now()
    rows: list[dict[str, Any]] = [
        {
            "batch_id": batch_id,
            "proposal_key": q.proposal_key,
            "part": q.part.part,
            "position": q.part.position,
            "request_id": str(uuid.uuid4()),
            "entity_type": q.part.entity,
            "operation": "create",
            "state": "intent",
            "body": q.part.body,
            "amount": q.part.amount,
            "attempts": 0,
            "updated_at": now,
        }
        for q in parts
    ]
    if not rows:
        return 0
    table = OutboxRow.__table__  # type: ignore[attr-defined]
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(table).on_conflict_do_nothing(
        index_elements=["proposal_key", "part"], index_where=LIVE_WHERE
    )
    queued = 0
    for start in range(0, len(rows), 500):
        result = session.execute(statement, rows[start : start + 500])
        queued += max(int(getattr(result, "rowcount", 0) or 0), 0)
    return queued


def live_parts(session: Session, keys: Sequence[str]) -> dict[tuple[str, str], str]:
    """(proposal key, part) → state, for the parts of these proposals that have a live row."""
    found: dict[tuple[str, str], str] = {}
    for start in range(0, len(keys), 500):
        chunk = list(keys[start : start + 500])
        for key, part, state in session.execute(
            select(col(OutboxRow.proposal_key), col(OutboxRow.part), col(OutboxRow.state)).where(
                col(OutboxRow.proposal_key).in_(chunk),
                col(OutboxRow.state).in_(LIVE_OUTBOX_STATES),
            )
        ):
            found[(str(key), str(part))] = str(state)
    return found


def cancel_unwanted(session: Session, committable: Sequence[str]) -> list[str]:
    """Intents (never sent) whose proposal is no longer approved: the bookkeeper changed their
    mind after an interrupted commit. Cancelled, so the next commit cannot post them."""
    wanted = set(committable)
    rows = [
        row
        for row in session.scalars(select(OutboxRow).where(col(OutboxRow.state) == "intent"))
        if row.proposal_key not in wanted
    ]
    for row in rows:
        row.state = "cancelled"
        row.updated_at = _now()
        session.add(row)
    return [row.proposal_key for row in rows]


def _ready() -> Any:
    """A part is ready when it is first in its proposal, or the first part is posted."""
    first = aliased(OutboxRow)
    return or_(
        col(OutboxRow.position) == 0,
        exists().where(
            col(first.proposal_key) == col(OutboxRow.proposal_key),
            col(first.position) == 0,
            col(first.state) == "posted",
        ),
    )


def claim(session: Session, committer: str, batch_id: str, limit: int) -> list[OutboxRow]:
    """Mark up to ``limit`` ready intents as ``sending`` for this committer (then commit)."""
    rows = list(
        session.scalars(
            select(OutboxRow)
            .where(col(OutboxRow.state) == "intent", _ready())
            .order_by(col(OutboxRow.id))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    now = _now()
    for row in rows:
        row.state = "sending"
        row.claimed_by = committer
        row.claimed_at = now
        row.batch_id = batch_id
        row.attempts += 1
        row.updated_at = now
        session.add(row)
    return rows


def orphans(
    session: Session,
    committer: str,
    batch_id: str,
    *,
    lease: timedelta,
    dead: Sequence[str],
) -> list[OutboxRow]:
    """Rows left ``sending`` by a committer that is gone: its batch stopped, its heartbeat is
    older than the lease, or it is one of the ``dead`` batches (known to have died)."""
    horizon = _now() - lease
    owner = aliased(CommitBatchRow)
    gone = or_(
        col(owner.state) != "running",
        col(owner.heartbeat_at) < horizon,
        col(owner.id).in_(list(dead)),
    )
    rows = list(
        session.scalars(
            select(OutboxRow)
            .join(owner, col(owner.id) == col(OutboxRow.batch_id))
            .where(col(OutboxRow.state) == "sending", col(OutboxRow.batch_id) != batch_id, gone)
            .order_by(col(OutboxRow.id))
            .with_for_update(skip_locked=True, of=OutboxRow)
        )
    )
    now = _now()
    for row in rows:
        row.claimed_by = committer
        row.claimed_at = now
        row.batch_id = batch_id
        session.add(row)
    return rows


def block_orphaned_payments(session: Session, batch_id: str) -> list[str]:
    """Payments whose invoice failed in this batch can never be sent: mark them blocked."""
    first = aliased(OutboxRow)
    stuck = list(
        session.scalars(
            select(OutboxRow).where(
                col(OutboxRow.state) == "intent",
                col(OutboxRow.position) > 0,
                ~exists().where(
                    col(first.proposal_key) == col(OutboxRow.proposal_key),
                    col(first.position) == 0,
                    col(first.state).in_(LIVE_OUTBOX_STATES),
                ),
            )
        )
    )
    for row in stuck:
        row.state = "blocked"
        row.batch_id = batch_id
        row.fault = {"Error": [{"code": "", "Message": "its invoice was not posted"}]}
        row.updated_at = _now()
        session.add(row)
    return [row.proposal_key for row in stuck]


def posted_first_part(session: Session, key: str) -> OutboxRow | None:
    return session.scalars(
        select(OutboxRow).where(
            col(OutboxRow.proposal_key) == key,
            col(OutboxRow.position) == 0,
            col(OutboxRow.state) == "posted",
        )
    ).first()


def rows_of(session: Session, keys: Sequence[str]) -> list[OutboxRow]:
    """The newest row of every part of these proposals."""
    newest = (
        select(func.max(col(OutboxRow.id)))
        .where(col(OutboxRow.proposal_key).in_(list(keys)))
        .group_by(col(OutboxRow.proposal_key), col(OutboxRow.part))
    )
    return list(session.scalars(select(OutboxRow).where(col(OutboxRow.id).in_(newest))))


def heartbeat(session: Session, batch_id: str) -> None:
    session.execute(
        update(CommitBatchRow).where(col(CommitBatchRow.id) == batch_id).values(heartbeat_at=_now())
    )


def running_batches(session: Session) -> list[CommitBatchRow]:
    return list(
        session.scalars(select(CommitBatchRow).where(col(CommitBatchRow.state) == "running"))
    )


def batch_rows(session: Session, batch_id: str) -> list[OutboxRow]:
    return list(
        session.scalars(
            select(OutboxRow).where(col(OutboxRow.batch_id) == batch_id).order_by(col(OutboxRow.id))
        )
    )


def totals(session: Session, batch_id: str) -> tuple[int, int, Decimal]:
    """(posted, failed, amount posted) of a batch, counting proposals, not parts."""
    posted = 0
    failed: set[str] = set()
    amount = Decimal(0)
    for row in batch_rows(session, batch_id):
        if row.state == "posted" and row.position == 0:
            posted += 1
            amount += row.amount
        elif row.state in {"failed", "blocked"}:
            failed.add(row.proposal_key)
    return posted, len(failed), amount
