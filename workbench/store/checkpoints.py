"""Sync checkpoints: where an incremental read of one source stopped."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session

from workbench.store.tables import SyncCheckpointRow


def save_checkpoint(
    session: Session,
    source: str,
    watermark: str | None,
    detail: dict[str, Any],
    cursor: str | None = None,
) -> None:
    """Written in the same transaction as the data it describes, so neither outlives the other."""
    row = session.get(SyncCheckpointRow, source) or SyncCheckpointRow(source=source)
    row.watermark, row.cursor, row.detail = watermark, cursor, detail
    row.updated_at = datetime.now(UTC)
    session.add(row)


def load_checkpoint(session: Session, source: str) -> SyncCheckpointRow | None:
    return session.get(SyncCheckpointRow, source)
