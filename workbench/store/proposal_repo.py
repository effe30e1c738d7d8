"""Reading what proposal building needs, and writing proposals, without the ORM's per-row cost.

Rebuilding 100,000 proposals must decide "unchanged" from cheap columns before any order is
parsed: the stored proposals are read as (key, state, entity, hash) tuples and the orders' raw
payloads as text (hashed, and decoded only when an order has to be built). Proposals are written
with one compiled upsert per chunk whose JSON columns arrive already encoded, because the caller
encodes them anyway to fingerprint them and encoding twice was a fifth of the run time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Dialect, Table, Text, bindparam, cast, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, col

from workbench.domain.records import BalanceTransaction, Payout
from workbench.store.tables import (
    BalanceTransactionRow,
    OrderRow,
    PayoutRow,
    ProposalRow,
    RefundRow,
    TransactionRow,
)

JSON_COLUMNS = ("body", "lines", "flags", "tieouts")


@dataclass(frozen=True, slots=True)
class StoredProposal:
    state: str
    entity_type: str
    source_hash: str
    label: str


@dataclass(frozen=True, slots=True)
class OrderSource:
    """An order as stored, before parsing: enough to hash it and to decide whether to build."""

    id: str
    legacy_id: str
    origin: str
    test: bool
    raw_text: str


class EncodedJSON(TypeDecorator[str]):
    """A JSON column bound from text that is already JSON: the value goes through untouched."""

    impl = JSON
    cache_ok = True

    def bind_processor(self, dialect: Dialect) -> None:
        return None


def _table(model: type[Any]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def stored_proposals(session: Session) -> dict[str, StoredProposal]:
    rows = session.execute(
        select(
            col(ProposalRow.key),
            col(ProposalRow.state),
            col(ProposalRow.entity_type),
            col(ProposalRow.source_hash),
            col(ProposalRow.label),
        ).execution_options(yield_per=5_000)
    )
    return {
        key: StoredProposal(state, entity, digest, label)
        for key, state, entity, digest, label in rows
    }


def _source_columns() -> tuple[Any, ...]:
    return (
        col(OrderRow.id),
        col(OrderRow.legacy_id),
        col(OrderRow.origin),
        col(OrderRow.test),
        cast(col(OrderRow.raw), Text),
    )


def order_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(OrderRow)) or 0)


def order_sources(session: Session, chunk: int) -> Iterator[list[OrderSource]]:
    """Every order in id order, ``chunk`` at a time (keyset pages: no long-held cursor)."""
    last = ""
    while True:
        rows = session.execute(
            select(*_source_columns())
            .where(col(OrderRow.id) > last)
            .order_by(col(OrderRow.id))
            .limit(chunk)
        ).all()
        if not rows:
            return
        yield [OrderSource(*row) for row in rows]
        last = rows[-1][0]


def order_sources_by_id(
    session: Session, ids: Sequence[str], chunk: int
) -> Iterator[list[OrderSource]]:
    for start in range(0, len(ids), chunk):
        page = ids[start : start + chunk]
        rows = session.execute(select(*_source_columns()).where(col(OrderRow.id).in_(page))).all()
        yield [OrderSource(*row) for row in rows]


def refund_ids_by_order(session: Session) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for refund_id, order_id in session.execute(select(col(RefundRow.id), col(RefundRow.order_id))):
        found[order_id].append(refund_id)
    return found


def successful_transactions(
    session: Session, gateway: str
) -> list[tuple[str, str, str | None, str]]:
    """(transaction id, order id, refund id, kind) of every successful transaction of a gateway."""
    rows = session.execute(
        select(
            col(TransactionRow.id),
            col(TransactionRow.order_id),
            col(TransactionRow.refund_id),
            col(TransactionRow.kind),
        ).where(
            col(TransactionRow.gateway) == gateway,
            col(TransactionRow.status) == "SUCCESS",
            col(TransactionRow.test).is_(False),
        )
    )
    return [(t, o, r, k) for t, o, r, k in rows]


def payout_records(session: Session) -> list[Payout]:
    """Payouts as records, read by column (the raw payload is not needed to post them)."""
    rows = session.execute(
        select(
            col(PayoutRow.id), col(PayoutRow.legacy_id), col(PayoutRow.issued_at),
            col(PayoutRow.local_date), col(PayoutRow.status), col(PayoutRow.net),
            col(PayoutRow.currency), col(PayoutRow.transaction_type),
        ).order_by(col(PayoutRow.id))
    )  # fmt: skip
    return [
        Payout(
            id=i, legacy_id=legacy, issued_at=issued, local_date=day, status=status, net=net,
            currency=currency, transaction_type=kind,
        )
        for i, legacy, issued, day, status, net, currency, kind in rows
    ]  # fmt: skip


def payout_balance_transactions(session: Session) -> dict[str, list[BalanceTransaction]]:
    """The balance transactions of every payout, by payout id, read by column."""
    b = BalanceTransactionRow
    rows = session.execute(
        select(
            col(b.id), col(b.type), col(b.test), col(b.amount), col(b.fee), col(b.net),
            col(b.currency), col(b.transaction_date), col(b.local_date), col(b.payout_id),
            col(b.payout_status), col(b.source_id), col(b.source_type),
            col(b.source_order_transaction_id), col(b.order_id), col(b.order_name),
            col(b.adjustment_reason),
        )
        .where(col(b.payout_id).is_not(None))
        .order_by(col(b.id))
    )  # fmt: skip
    found: dict[str, list[BalanceTransaction]] = defaultdict(list)
    for row in rows:
        record = BalanceTransaction(*row)
        found[record.payout_id or ""].append(record)
    return found


def _param(name: str) -> str:
    return f"{name}_json" if name in JSON_COLUMNS else f"{name}_value"


def upsert_proposals(session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
    """INSERT … ON CONFLICT (key) DO UPDATE, one compiled statement for the chunk; the JSON
    columns are given as encoded text. (A bind parameter may not share a column's name in an
    INSERT's VALUES, hence the suffixes.)"""
    if not rows:
        return
    table = _table(ProposalRow)
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(table).values(
        {
            name: bindparam(
                _param(name), type_=EncodedJSON() if name in JSON_COLUMNS else table.c[name].type
            )
            for name in rows[0]
        }
    )
    updates = {name: statement.excluded[name] for name in rows[0] if name != "key"}
    params = [{_param(name): value for name, value in row.items()} for row in rows]
    session.execute(statement.on_conflict_do_update(index_elements=["key"], set_=updates), params)


def set_source_hashes(session: Session, hashes: Iterable[tuple[str, str]]) -> None:
    """Record a new source hash where a rebuild produced exactly what is stored."""
    params = [{"k": key, "h": digest} for key, digest in hashes]
    if not params:
        return
    table = _table(ProposalRow)
    session.execute(
        update(table).where(table.c.key == bindparam("k")).values(source_hash=bindparam("h")),
        params,
    )


def delete_proposals(session: Session, keys: Sequence[str]) -> None:
    for start in range(0, len(keys), 500):
        session.execute(
            delete(ProposalRow).where(col(ProposalRow.key).in_(keys[start : start + 500]))
        )
