"""Writing normalised Shopify records into the store: upsert by Shopify id, in bulk.

Upserts are set-based (one INSERT … ON CONFLICT DO UPDATE per table and page) because a first
sync of a large store writes hundreds of thousands of rows and per-row ORM merges would dominate
its run time. An order's children are replaced as a whole, so an edited order never keeps a line
that Shopify removed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from operator import attrgetter, itemgetter
from typing import Any

from sqlalchemy import JSON, Boolean, Dialect, Table, bindparam, delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from workbench.domain.records import (
    BalanceTransaction,
    Dispute,
    Order,
    Payout,
    Shop,
)
from workbench.store.tables import (
    BalanceTransactionRow,
    DisputeRow,
    LineItemRow,
    OrderRow,
    PayoutRow,
    RefundRow,
    ShopRow,
    TransactionRow,
)
from workbench.store.types import MoneyColumn, UTCDateTime


def _table(model: type[Any]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


@dataclass(frozen=True)
class _UpsertPlan:
    """One table's upsert for one set of columns and one dialect: its SQL, compiled once, and
    how each column's Python values become what the driver takes."""

    sql: str
    names: tuple[str, ...]  # the bind parameters, in the order the SQL wants them
    positional: bool
    converters: tuple[Callable[[Any], Any] | None, ...]


_PLANS: dict[tuple[str, str, tuple[str, ...]], _UpsertPlan | None] = {}
_MONEY_CACHE_LIMIT = 20_000


def _cached_money(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Money repeats (0.00, a product's price), so each Decimal is scaled once per plan; only
    Decimals are cached, so anything else still meets the column type's own checks."""
    cache: dict[Decimal, Any] = {}

    def money(value: Any) -> Any:
        if type(value) is not Decimal:
            return convert(value)
        found = cache.get(value)
        if found is None:
            found = convert(value)
            if len(cache) < _MONEY_CACHE_LIMIT:
                cache[value] = found
        return found

    return money


def _empty_object_once(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Most child rows carry an empty raw payload: encode ``{}`` once, not once per row."""
    empty = convert({})

    def encode(value: Any) -> Any:
        if type(value) is dict and not value:
            return empty
        return convert(value)

    return encode


def _two_flags(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A flag is one of two values: convert each once (anything else meets the type's check)."""
    true, false = convert(True), convert(False)

    def flag(value: Any) -> Any:
        if value is True:
            return true
        if value is False:
            return false
        return convert(value)

    return flag


_PROBE = datetime(2024, 2, 29, 23, 59, 58, 123, tzinfo=timezone(timedelta(hours=-5)))


def _sqlite_instant(convert: Callable[[Any], Any], dialect: Dialect) -> Callable[[Any], Any]:
    """SQLite keeps instants as naive-UTC text; ``isoformat`` writes exactly SQLAlchemy's
    spelling at a third of its cost. Used only when both agree on a probe value."""

    def fast(value: Any) -> Any:
        if type(value) is not datetime or value.tzinfo is None:
            return convert(value)  # the column type's own checks and errors
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")

    if dialect.name != "sqlite" or fast(_PROBE) != convert(_PROBE):
        return convert
    return fast


def _upsert_plan(table: Table, columns: tuple[str, ...], dialect: Dialect) -> _UpsertPlan | None:
    """The compiled upsert, or None when the statement needs binds the rows do not supply
    (Python-side column defaults), which only SQLAlchemy's own execution path fills in."""
    key = (dialect.name, table.name, columns)
    if key in _PLANS:
        return _PLANS[key]
    insert = pg_insert if dialect.name == "postgresql" else sqlite_insert
    primary = [c.name for c in table.primary_key.columns]
    statement = insert(table)
    updates = {c: statement.excluded[c] for c in columns if c not in primary}
    upsert = (
        statement.on_conflict_do_update(index_elements=primary, set_=updates)
        if updates
        else statement.on_conflict_do_nothing(index_elements=primary)
    )
    compiled = upsert.compile(dialect=dialect, column_keys=list(columns))
    names = tuple(compiled.positiontup or ()) if compiled.positional else tuple(compiled.binds)
    plan: _UpsertPlan | None = None
    escaped = getattr(compiled, "escaped_bind_names", None)
    if set(names) == set(columns) and len(names) == len(columns) and not escaped:
        converters: list[Callable[[Any], Any] | None] = []
        for name in names:
            column_type = table.c[name].type
            convert: Callable[[Any], Any] | None = column_type.dialect_impl(dialect).bind_processor(
                dialect
            )
            if convert is not None and isinstance(column_type, MoneyColumn):
                convert = _cached_money(convert)
            elif convert is not None and isinstance(column_type, JSON):
                convert = _empty_object_once(convert)
            elif convert is not None and isinstance(column_type, UTCDateTime):
                convert = _sqlite_instant(convert, dialect)
            elif convert is not None and isinstance(column_type, Boolean):
                convert = _two_flags(convert)
            converters.append(convert)
        plan = _UpsertPlan(compiled.string, names, compiled.positional, tuple(converters))
    _PLANS[key] = plan
    return plan


def upsert_rows(session: Session, model: type[Any], rows: Sequence[Mapping[str, Any]]) -> None:
    """INSERT … ON CONFLICT (primary key) DO UPDATE every other column the rows carry.

    The statement is compiled once per table and column set, the values are converted column
    by column with the column types' own converters, and the driver runs one executemany: a
    large import or sync spent most of its time in SQLAlchemy's per-row parameter handling.
    Every row must carry the same columns as the first.
    """
    if not rows:
        return
    names = tuple(rows[0])
    upsert_columns(session, model, {name: list(map(itemgetter(name), rows)) for name in names})


def upsert_columns(
    session: Session, model: type[Any], columns: Mapping[str, Sequence[Any]]
) -> None:
    """``upsert_rows`` given column by column (every column as long as the others): the form
    bulk writers build cheaply, one ``map`` per column instead of one dict per row."""
    lengths = {len(values) for values in columns.values()}
    if not lengths or lengths == {0}:
        return
    if len(lengths) != 1:
        raise ValueError(f"columns of unequal length for {model.__name__}: {sorted(lengths)}")
    table = _table(model)
    connection = session.connection()
    names = tuple(columns)
    plan = _upsert_plan(table, names, connection.dialect)
    if plan is None:
        rows = [dict(zip(names, row, strict=True)) for row in zip(*columns.values(), strict=True)]
        _upsert_rows_generic(session, table, names, rows)
        return
    values: list[Any] = []
    for name, convert in zip(plan.names, plan.converters, strict=True):
        cells = columns[name]
        values.append(list(map(convert, cells)) if convert is not None else cells)
    params: list[Any] = list(zip(*values, strict=True))
    if not plan.positional:
        params = [dict(zip(plan.names, row, strict=True)) for row in params]
    connection.exec_driver_sql(plan.sql, params)


def _delete_children(session: Session, order_ids: Sequence[str]) -> None:
    """Delete the line items, transactions and refunds of ``order_ids``.

    On SQLite, one compiled statement per table run for every id (an indexed lookup each),
    rather than an IN list of thousands of binds that SQLAlchemy expands and renders afresh
    for every chunk; PostgreSQL takes the IN list in one round trip.
    """
    if not order_ids:
        return
    connection = session.connection()
    dialect = connection.dialect
    for model in (LineItemRow, TransactionRow, RefundRow):
        if dialect.name != "sqlite":
            table = _table(model)
            session.execute(delete(table).where(table.c.order_id.in_(order_ids)))
            continue
        key = (dialect.name, model.__tablename__)
        sql = _DELETES.get(key)
        if sql is None:
            table = _table(model)
            statement = delete(table).where(table.c.order_id == bindparam("order_id"))
            compiled = statement.compile(dialect=dialect)
            sql = _DELETES[key] = (compiled.string, bool(compiled.positional))
        text, positional = sql
        params: list[Any] = (
            [(i,) for i in order_ids] if positional else [{"order_id": i} for i in order_ids]
        )
        connection.exec_driver_sql(text, params)


_DELETES: dict[tuple[str, str], tuple[str, bool]] = {}


def _upsert_rows_generic(
    session: Session, table: Table, columns: tuple[str, ...], rows: Sequence[Mapping[str, Any]]
) -> None:
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    keys = [c.name for c in table.primary_key.columns]
    statement = insert(table)
    updates = {c: statement.excluded[c] for c in columns if c not in keys}
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


_ORDER_FIELDS = (
    "id", "name", "number", "created_at", "processed_at", "updated_at", "cancelled_at",
    "local_date", "currency", "test", "financial_status", "source_name", "customer_name",
    "email", "subtotal", "total_discounts", "total_shipping", "total_tax", "total_tip",
    "total_price", "total_received", "total_refunded", "taxes_included", "edited",
)  # fmt: skip
_LINE_FIELDS = (
    "id", "order_id", "position", "sku", "title", "variant_title", "variant_id", "product_id",
    "vendor", "quantity", "unit_price", "original_total", "discount", "tax", "is_gift_card",
    "taxable", "product_key",
)  # fmt: skip
_REFUND_FIELDS = ("id", "order_id", "created_at", "local_date", "note", "total")
_TRANSACTION_FIELDS = (
    "id", "order_id", "refund_id", "kind", "status", "gateway", "amount", "fee",
    "processed_at", "test", "parent_id",
)  # fmt: skip


def _columns(records: Sequence[Any], fields: Sequence[str]) -> dict[str, list[Any]]:
    return {name: list(map(attrgetter(name), records)) for name in fields}


def _plain(raw: Mapping[str, Any]) -> dict[str, Any]:
    return raw if type(raw) is dict else dict(raw)


def save_orders(
    session: Session, orders: Sequence[Order], raws: Sequence[Mapping[str, Any]], origin: str
) -> None:
    """Upsert orders and replace their line items, refunds and transactions."""
    if not orders:
        return
    if len(orders) != len(raws):
        raise ValueError(f"{len(orders)} orders but {len(raws)} raw payloads")
    order_columns = _columns(orders, _ORDER_FIELDS)
    order_columns["legacy_id"] = [i.rsplit("/", 1)[-1] for i in order_columns["id"]]
    order_columns["gateways"] = [" + ".join(o.gateways) for o in orders]
    order_columns["origin"] = [origin] * len(orders)
    order_columns["raw"] = list(map(_plain, raws))
    upsert_columns(session, OrderRow, order_columns)
    _delete_children(session, order_columns["id"])

    lines = [li for order in orders for li in order.line_items]
    upsert_columns(session, LineItemRow, _columns(lines, _LINE_FIELDS))
    refunds = [r for order in orders for r in order.refunds]
    if refunds:
        raw_refunds = {
            node["id"]: node for raw in raws for node in _list(raw.get("refunds")) if "id" in node
        }
        refund_columns = _columns(refunds, _REFUND_FIELDS)
        refund_columns["raw"] = [_plain(raw_refunds.get(r.id, {})) for r in refunds]
        upsert_columns(session, RefundRow, refund_columns)
    transactions = [t for order in orders for t in order.transactions]
    transactions += [t for order in orders for r in order.refunds for t in r.transactions]
    transaction_columns = _columns(transactions, _TRANSACTION_FIELDS)
    transaction_columns["raw"] = [{}] * len(transactions)
    upsert_columns(session, TransactionRow, transaction_columns)


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


def save_disputes(
    session: Session, disputes: Sequence[Dispute], raws: Sequence[Mapping[str, Any]]
) -> None:
    upsert_rows(
        session,
        DisputeRow,
        [
            dict(
                id=d.id, legacy_id=d.legacy_id, type=d.type, status=d.status, amount=d.amount,
                currency=d.currency, initiated_at=d.initiated_at, local_date=d.local_date,
                reason=d.reason, network_reason_code=d.network_reason_code,
                evidence_due_by=d.evidence_due_by, evidence_sent_on=d.evidence_sent_on,
                finalized_on=d.finalized_on, order_id=d.order_id, order_name=d.order_name,
                raw=dict(raw),
            )
            for d, raw in zip(disputes, raws, strict=True)
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
    disputes: int


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
        disputes=count(DisputeRow),
    )
