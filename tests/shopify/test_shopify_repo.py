"""The store's bulk upsert writes exactly what the ORM would, on SQLite and PostgreSQL.

``upsert_rows`` converts values itself and hands the driver one executemany; these tests pin
that it keeps the column types' guarantees (money exact and checked, instants UTC, JSON with
Decimals) and replaces an order's children as a whole.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text

from workbench.shopify.normalize import items, order_from_graphql
from workbench.store import shopify_repo
from workbench.store.engine import Store, open_store
from workbench.store.tables import LineItemRow, OrderRow, RefundRow, TransactionRow

NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    opened = open_store(db_url)
    yield opened
    opened.close()


def _nodes(shared_fixtures: Path) -> list[dict[str, Any]]:
    path = shared_fixtures / "shopify" / "orders_details_graphql_docs_example.json"
    return items(json.loads(path.read_text(encoding="utf-8"))["orders"])


def test_orders_round_trip_through_the_bulk_upsert(store: Store, shared_fixtures: Path) -> None:
    nodes = _nodes(shared_fixtures)
    orders = [order_from_graphql(n, NEW_YORK) for n in nodes]
    with store.session() as session:
        shopify_repo.save_orders(session, orders, nodes, origin="api")
    with store.session() as session:
        for order, node in zip(orders, nodes, strict=True):
            row = session.get(OrderRow, order.id)
            assert row is not None
            assert row.total_price == order.total_price
            assert row.subtotal == order.subtotal
            assert row.created_at == order.created_at and row.created_at.tzinfo is not None
            assert row.local_date == order.local_date
            assert row.test is order.test and row.origin == "api"
            assert row.raw == json.loads(json.dumps(node), parse_float=Decimal)
            lines = session.scalars(
                select(LineItemRow).where(LineItemRow.order_id == order.id)  # type: ignore[arg-type]
            ).all()
            assert sorted(li.id for li in lines) == sorted(li.id for li in order.line_items)
            by_id = {li.id: li for li in lines}
            for li in order.line_items:
                assert by_id[li.id].unit_price == li.unit_price
                assert by_id[li.id].quantity == li.quantity


def test_saving_an_edited_order_replaces_its_children(store: Store, shared_fixtures: Path) -> None:
    node = next(n for n in _nodes(shared_fixtures) if items(n["lineItems"]))
    line = items(node["lineItems"])[0]
    two = dict(node)
    two["lineItems"] = {
        "nodes": [
            {**line, "id": "gid://shopify/LineItem/1"},
            {**line, "id": "gid://shopify/LineItem/2", "sku": "OTHER"},
        ]
    }
    with store.session() as session:
        shopify_repo.save_orders(session, [order_from_graphql(two, NEW_YORK)], [two], "api")
    one = dict(node)
    one["lineItems"] = {"nodes": [{**line, "id": "gid://shopify/LineItem/2", "sku": "NEW"}]}
    with store.session() as session:
        shopify_repo.save_orders(session, [order_from_graphql(one, NEW_YORK)], [one], "api")
    with store.session() as session:
        rows = session.scalars(
            select(LineItemRow).where(LineItemRow.order_id == node["id"])  # type: ignore[arg-type]
        ).all()
    assert [(r.id, r.sku) for r in rows] == [("gid://shopify/LineItem/2", "NEW")]


def _refund(**overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = dict(
        id="gid://shopify/Refund/1", order_id="gid://shopify/Order/1",
        created_at=datetime(2026, 3, 1, 12, 0, tzinfo=UTC), local_date=date(2026, 3, 1),
        note=None, total=Decimal("12.50"), raw={"amount": Decimal("12.50"), "n": [1, None]},
    )  # fmt: skip
    row.update(overrides)
    return row


def _with_order(store: Store) -> None:
    moment = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    with store.session() as session:
        shopify_repo.upsert_rows(
            session,
            OrderRow,
            [
                dict(
                    id="gid://shopify/Order/1", legacy_id="1", name="#1", number=1,
                    created_at=moment, processed_at=moment, updated_at=moment,
                    cancelled_at=None, local_date=date(2026, 3, 1), currency="USD",
                    test=False, raw={},
                )
            ],
        )  # fmt: skip


def test_money_keeps_its_checks(store: Store) -> None:
    _with_order(store)
    with pytest.raises(ValueError, match="decimal places"), store.session() as session:
        shopify_repo.upsert_rows(session, RefundRow, [_refund(total=Decimal("1.00001"))])
    with pytest.raises(TypeError, match="Decimal"), store.session() as session:
        shopify_repo.upsert_rows(session, RefundRow, [_refund(total=12.5)])
    with pytest.raises(TypeError, match="Decimal"), store.session() as session:
        shopify_repo.upsert_rows(session, RefundRow, [_refund(total=True)])


def test_instants_are_stored_in_utc_and_json_keeps_decimals(store: Store) -> None:
    _with_order(store)
    eastern = timezone(timedelta(hours=-5))
    moment = datetime(2026, 3, 1, 7, 0, 0, 250, tzinfo=eastern)
    with store.session() as session:
        shopify_repo.upsert_rows(session, RefundRow, [_refund(created_at=moment)])
        # The same id again with the same amounts (cached conversion) and an update.
        shopify_repo.upsert_rows(session, RefundRow, [_refund(created_at=moment, note="later")])
    with store.session() as session:
        row = session.get(RefundRow, "gid://shopify/Refund/1")
        assert row is not None
        assert row.created_at == moment and row.created_at.utcoffset() == timedelta(0)
        assert row.note == "later"
        assert row.total == Decimal("12.50")
        assert row.raw == {"amount": Decimal("12.50"), "n": [1, None]}
    with pytest.raises(ValueError, match="naive"), store.session() as session:
        shopify_repo.upsert_rows(
            session, RefundRow, [_refund(created_at=datetime(2026, 3, 1, 12, 0))]
        )


def test_sqlite_instants_are_spelled_as_the_orm_spells_them(tmp_path: Path) -> None:
    """Rows written by the bulk path and by the ORM must compare and sort as one."""
    store = open_store(f"sqlite:///{tmp_path / 'spelling.db'}")
    try:
        _with_order(store)
        moment = datetime(2026, 3, 1, 7, 0, 0, tzinfo=timezone(timedelta(hours=-5)))
        with store.session() as session:
            shopify_repo.upsert_rows(session, RefundRow, [_refund(created_at=moment)])
            session.add(
                TransactionRow(
                    id="t1", order_id="gid://shopify/Order/1", kind="SALE", status="SUCCESS",
                    gateway="manual", amount=Decimal(1), fee=Decimal(0), processed_at=moment,
                )
            )  # fmt: skip
        with store.session() as session:
            bulk = session.execute(text("SELECT created_at FROM shopify_refund")).scalar_one()
            orm = session.execute(text("SELECT processed_at FROM shopify_transaction")).scalar_one()
        assert bulk == orm == "2026-03-01 12:00:00.000000"
    finally:
        store.close()


def test_rows_without_a_defaulted_column_take_its_default(store: Store) -> None:
    _with_order(store)
    row = _refund()
    del row["total"]  # the column's Python-side default (0) applies
    with store.session() as session:
        shopify_repo.upsert_rows(session, RefundRow, [row])
    with store.session() as session:
        stored = session.get(RefundRow, "gid://shopify/Refund/1")
        assert stored is not None and stored.total == Decimal(0)
