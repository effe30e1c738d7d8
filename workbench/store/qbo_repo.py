"""The QBO reference cache: upsert, prune and read ``qbo_entity`` rows of one company.

Each object keeps its key facts in columns (for lookups and the duplicate guard) and the whole
JSON in ``raw`` (money stays Decimal: the store's JSON codec writes bare JSON numbers), so
later rules can read more of it without another sync.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Table, delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col

from workbench.qbo.models import CompanySettings, QboObject
from workbench.store.tables import QboEntityRow

DELETE_CHUNK = 500


def _row(realm_id: str, obj: QboObject) -> dict[str, Any]:
    return dict(
        realm_id=realm_id, entity_type=obj.entity_type, qbo_id=obj.qbo_id,
        sync_token=obj.sync_token, name=obj.name, doc_number=obj.doc_number,
        txn_date=obj.txn_date, total_amt=obj.total_amt, currency=obj.currency,
        active=obj.active, private_note=obj.private_note, last_updated=obj.last_updated,
        raw=obj.raw,
    )  # fmt: skip


def _entity_table(model: type[Any] = QboEntityRow) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def save_objects(session: Session, realm_id: str, objects: Sequence[QboObject]) -> None:
    """Insert or update by (realm, entity, Id).

    One statement executed with many parameter sets: it is compiled once and batched by the
    driver, about ten times faster for a 1,000-row page than a VALUES list compiled per page
    (``shopify_repo.upsert_rows``), which matters when a sync pages through large name lists.
    """
    rows = [_row(realm_id, obj) for obj in objects if obj.qbo_id and not obj.deleted]
    if not rows:
        return
    table = _entity_table()
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(table)
    keys = [c.name for c in table.primary_key.columns]
    updates = {name: statement.excluded[name] for name in rows[0] if name not in keys}
    session.execute(statement.on_conflict_do_update(index_elements=keys, set_=updates), rows)


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
    """The company facts as last synced, or None before the first sync."""
    info = next(iter(load_objects(session, realm_id, "CompanyInfo")), None)
    prefs = next(iter(load_objects(session, realm_id, "Preferences")), None)
    if info is None or prefs is None:
        return None
    return CompanySettings.from_json(info.raw, prefs.raw)
