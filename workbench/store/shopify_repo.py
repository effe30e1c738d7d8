"""Writing normalised Shopify records into the store: upsert by Shopify id, in bulk.

Upserts are set-based (one INSERT … ON CONFLICT DO UPDATE per table and page) because a first
sync of a large store writes hundreds of thousands of rows and per-row ORM merges would dominate
its run time. An order's children are replaced as a whole, so an edited order never keeps a line
that Shopify removed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from workbench.domain.records import BalanceTransaction, Order, Payout, Shop, Transaction
from workbench.store.tables import (
    BalanceTransactionRow,
    LineItemRow,
    OrderRow,
    PayoutRow,
    RefundRow,
    ShopRow,
    TransactionRow,
)


def _table(model: type[Any]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def upsert_rows(session: Session, model: type[Any], rows: Sequence[Mapping[str, Any]]) -> None:
    """INSERT … ON CONFLICT (primary key) DO UPDATE every other column.

    The statement is compiled once and executed with all the rows (SQLAlchemy batches them as
    multi-row VALUES on both backends); a statement per chunk of literal rows would be
    recompiled every time, which dominated large imports and syncs.
    """
    if not rows:
        return
    table = _table(model)
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    keys = [c.name for c in table.primary_key.columns]
    statement = insert(table)
    updates = {c: statement.excluded[c] for c in rows[0] if c not in keys}
    session.execute(statement.on_conflict_do_update(index_elements=keys, set_=updates), list(rows))


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _now() -> datetime:
    return datetime.now(UTC)


def save_shop(session: Session, shop: Shop, raw: Mapping[str, Any]) -> None:
    upsert_rows(
        session,
        ShopRow,
        [
            dict(
                id=shop.id, name=shop.name, domain=shop.domain, currency=shop.currency,
                timezone=shop.timezone, taxes_included=shop.taxes_included, raw=dict(raw),
                synced_at=_now(),
            )
        ],
    )  # fmt: skip


def load_shop(session: Session) -> ShopRow | None:
    return session.scalars(select(ShopRow).limit(1)).first()


def _transaction_row(t: Transaction, raw: Mapping[str, Any] | None = None) -> dict[str, Any]:
    return dict(
        id=t.id, order_id=t.order_id, refund_id=t.refund_id, kind=t.kind, status=t.status,
        gateway=t.gateway, amount=t.amount, fee=t.fee, processed_at=t.processed_at, test=t.test,
        parent_id=t.parent_id, raw=dict(raw or {}),
    )  # fmt: skip


def save_orders(
    session: Session, orders: Sequence[Order], raws: Sequence[Mapping[str, Any]], origin: str
) -> None:
    """Upsert orders and replace their line items, refunds and transactions."""
    if not orders:
        return
    order_rows = []
    for order, raw in zip(orders, raws, strict=True):
        order_rows.append(
            dict(
                id=order.id, legacy_id=order.id.rsplit("/", 1)[-1], name=order.name,
                number=order.number, created_at=order.created_at,
                processed_at=order.processed_at, updated_at=order.updated_at,
                cancelled_at=order.cancelled_at, local_date=order.local_date,
                currency=order.currency, test=order.test,
                financial_status=order.financial_status, source_name=order.source_name,
                customer_name=order.customer_name, email=order.email, subtotal=order.subtotal,
                total_discounts=order.total_discounts, total_shipping=order.total_shipping,
                total_tax=order.total_tax, total_tip=order.total_tip,
                total_price=order.total_price, total_received=order.total_received,
                total_refunded=order.total_refunded, taxes_included=order.taxes_included,
                edited=order.edited, gateways=" + ".join(order.gateways), origin=origin,
                raw=dict(raw),
            )
        )  # fmt: skip
    ids = [o.id for o in orders]
    upsert_rows(session, OrderRow, order_rows)
    for model in (LineItemRow, TransactionRow, RefundRow):
        session.execute(delete(model).where(model.order_id.in_(ids)))  # type: ignore[attr-defined]
    lines = [
        dict(
            id=li.id, order_id=li.order_id, position=li.position, sku=li.sku, title=li.title,
            variant_title=li.variant_title, variant_id=li.variant_id, product_id=li.product_id,
            vendor=li.vendor, quantity=li.quantity, unit_price=li.unit_price,
            original_total=li.original_total, discount=li.discount, tax=li.tax,
            is_gift_card=li.is_gift_card, taxable=li.taxable, product_key=li.product_key,
        )
        for order in orders
        for li in order.line_items
    ]  # fmt: skip
    raw_refunds = {
        node["id"]: node for raw in raws for node in _list(raw.get("refunds")) if "id" in node
    }
    refunds = [
        dict(
            id=r.id, order_id=r.order_id, created_at=r.created_at, local_date=r.local_date,
            note=r.note, total=r.total, raw=dict(raw_refunds.get(r.id, {})),
        )
        for order in orders
        for r in order.refunds
    ]  # fmt: skip
    transactions = [_transaction_row(t) for order in orders for t in order.transactions]
    transactions += [
        _transaction_row(t) for order in orders for r in order.refunds for t in r.transactions
    ]
    upsert_rows(session, LineItemRow, lines)
    upsert_rows(session, RefundRow, refunds)
    upsert_rows(session, TransactionRow, transactions)


def save_payouts(
    session: Session, payouts: Sequence[Payout], raws: Sequence[Mapping[str, Any]]
) -> None:
    upsert_rows(
        session,
        PayoutRow,
        [
            dict(
                id=p.id, legacy_id=p.legacy_id, issued_at=p.issued_at, local_date=p.local_date,
                status=p.status, net=p.net, currency=p.currency,
                transaction_type=p.transaction_type, raw=dict(raw),
            )
            for p, raw in zip(payouts, raws, strict=True)
        ],
    )  # fmt: skip


def save_balance_transactions(
    session: Session, rows: Sequence[BalanceTransaction], raws: Sequence[Mapping[str, Any]]
) -> None:
    upsert_rows(
        session,
        BalanceTransactionRow,
        [
            dict(
                id=b.id, payout_id=b.payout_id, payout_status=b.payout_status, type=b.type,
                known_type=b.known_type, test=b.test, amount=b.amount, fee=b.fee, net=b.net,
                currency=b.currency, transaction_date=b.transaction_date,
                local_date=b.local_date, source_id=b.source_id, source_type=b.source_type,
                source_order_transaction_id=b.source_order_transaction_id,
                order_id=b.order_id, order_name=b.order_name,
                adjustment_reason=b.adjustment_reason, raw=dict(raw),
            )
            for b, raw in zip(rows, raws, strict=True)
        ],
    )  # fmt: skip


@dataclass(frozen=True)
class ShopifyCounts:
    orders: int
    test_orders: int
    refunds: int
    payouts: int
    balance_transactions: int
    unknown_balance_types: int


def shopify_counts(session: Session) -> ShopifyCounts:
    def count(model: type[Any], *where: Any) -> int:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)

    return ShopifyCounts(
        orders=count(OrderRow),
        test_orders=count(OrderRow, OrderRow.test.is_(True)),  # type: ignore[attr-defined]
        refunds=count(RefundRow),
        payouts=count(PayoutRow),
        balance_transactions=count(BalanceTransactionRow),
        unknown_balance_types=count(
            BalanceTransactionRow,
            BalanceTransactionRow.known_type.is_(False),  # type: ignore[attr-defined]
        ),
    )
