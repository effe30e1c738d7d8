"""The QBO reference cache: upsert, prune and read ``qbo_entity`` rows of one company.

Each object keeps its key facts in columns (for lookups and the duplicate guard) and the whole
JSON in ``raw``. The JSON column is written by the database driver's encoder, which knows no
Decimal, so money inside ``raw`` is stored as a JSON number through float only when that float
prints back to the very same decimal (always true for QBO's ≤15-digit amounts); anything else
is kept as text rather than rounded. The exact amount that matters (``total_amt``) has its own
exact column.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, select
from sqlmodel import Session, col

from workbench.qbo.models import CompanySettings, QboObject
from workbench.store.shopify_repo import upsert_rows
from workbench.store.tables import QboEntityRow, SyncCheckpointRow

DELETE_CHUNK = 500


def storable(value: Any) -> Any:
    """A copy of parsed QBO JSON that the JSON column can encode without losing a digit."""
    if isinstance(value, Decimal):
        as_float = float(value)
        if Decimal(repr(as_float)) == value:
            return as_float
        return str(value)
    if isinstance(value, dict):
        return {str(k): storable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [storable(v) for v in value]
    return value


def _row(realm_id: str, obj: QboObject) -> dict[str, Any]:
    return dict(
        realm_id=realm_id, entity_type=obj.entity_type, qbo_id=obj.qbo_id,
        sync_token=obj.sync_token, name=obj.name, doc_number=obj.doc_number,
        txn_date=obj.txn_date, total_amt=obj.total_amt, currency=obj.currency,
        active=obj.active, private_note=obj.private_note, last_updated=obj.last_updated,
        raw=storable(obj.raw),
    )  # fmt: skip


def save_objects(session: Session, realm_id: str, objects: Sequence[QboObject]) -> None:
    """Insert or update by (realm, entity, Id)."""
    rows = [_row(realm_id, obj) for obj in objects if obj.qbo_id and not obj.deleted]
    upsert_rows(session, QboEntityRow, rows)


def delete_objects(session: Session, realm_id: str, entity: str, ids: Iterable[str]) -> int:
    wanted = sorted(set(ids))
    removed = 0
    for start in range(0, len(wanted), DELETE_CHUNK):
        result = session.execute(
            delete(QboEntityRow).where(
                col(QboEntityRow.realm_id) == realm_id,
                col(QboEntityRow.entity_type) == entity,
                col(QboEntityRow.qbo_id).in_(wanted[start : start + DELETE_CHUNK]),
            )
        )
        removed += int(getattr(result, "rowcount", 0) or 0)
    return removed


def stored_ids(
    session: Session, realm_id: str, entity: str, *, since: date | None = None
) -> set[str]:
    """Ids cached for an entity, optionally only those dated on or after ``since``."""
    query = select(col(QboEntityRow.qbo_id)).where(
        col(QboEntityRow.realm_id) == realm_id, col(QboEntityRow.entity_type) == entity
    )
    if since is not None:
        query = query.where(col(QboEntityRow.txn_date) >= since)
    return set(session.scalars(query))


def load_objects(session: Session, realm_id: str, entity: str) -> list[QboEntityRow]:
    return list(
        session.scalars(
            select(QboEntityRow)
            .where(col(QboEntityRow.realm_id) == realm_id, col(QboEntityRow.entity_type) == entity)
            .order_by(col(QboEntityRow.qbo_id))
        )
    )


def load_object(session: Session, realm_id: str, entity: str, qbo_id: str) -> QboEntityRow | None:
    return session.get(QboEntityRow, (realm_id, entity, qbo_id))


def counts(session: Session, realm_id: str) -> dict[str, int]:
    rows = session.execute(
        select(col(QboEntityRow.entity_type), func.count())
        .where(col(QboEntityRow.realm_id) == realm_id)
        .group_by(col(QboEntityRow.entity_type))
    )
    return {str(entity): int(n) for entity, n in rows}


def company_settings(session: Session, realm_id: str) -> CompanySettings | None:
    info = load_object(session, realm_id, "CompanyInfo", "1")
    prefs = load_object(session, realm_id, "Preferences", "1")
    if info is None or prefs is None:
        return None
    return CompanySettings.from_json(info.raw, prefs.raw)


def get_checkpoint(session: Session, source: str) -> SyncCheckpointRow | None:
    return session.get(SyncCheckpointRow, source)


def set_checkpoint(
    session: Session, source: str, watermark: str | None, detail: dict[str, Any]
) -> None:
    row = session.get(SyncCheckpointRow, source) or SyncCheckpointRow(source=source)
    row.watermark, row.cursor, row.detail = watermark, None, detail
    row.updated_at = datetime.now(UTC)
    session.add(row)
