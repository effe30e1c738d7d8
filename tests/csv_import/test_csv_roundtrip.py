"""The sandbox shop written as an Orders export, imported, and compared with the API's reading
of the very same orders: the two sources must agree on everything the export carries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tests.csv_import.orders_writer import write_orders_file
from workbench.domain.records import Order
from workbench.sandbox.generator import generate
from workbench.services.csv_import import import_orders
from workbench.shopify.csv_common import open_rows
from workbench.shopify.csv_orders import OrdersReader
from workbench.shopify.normalize import order_from_graphql
from workbench.store.engine import Store, open_store
from workbench.store.tables import OrderRow

TZ = ZoneInfo("America/New_York")
# Everything the export carries. Not compared: `test` (no column; the sandbox's test orders pay
# through shopify_payments, so nothing in the file says "test") and line/transaction ids.
ORDER_FIELDS = (
    "name", "number", "local_date", "created_at", "currency", "financial_status", "subtotal",
    "total_discounts", "total_shipping", "total_tax", "total_price", "total_refunded",
    "total_received", "gateways", "cancelled_at", "taxes_included", "source_name", "email",
    "customer_name", "tags",
)  # fmt: skip
ROW_FIELDS = (
    "name", "local_date", "financial_status", "subtotal", "total_discounts", "total_shipping",
    "total_tax", "total_price", "total_refunded", "total_received", "cancelled_at",
)  # fmt: skip


@pytest.fixture(scope="module")
def shop() -> Any:
    return generate(seed=11, orders=240, end=dt.date(2026, 11, 20)).store


@pytest.fixture(scope="module")
def api_orders(shop: Any) -> dict[str, Order]:
    return {node["id"]: order_from_graphql(node, TZ) for node in shop.orders}


@pytest.fixture
def export(shop: Any, tmp_path: Path) -> Path:
    path = tmp_path / "orders_export_1.csv"
    write_orders_file(shop.orders, TZ, path)
    return path


def _discounts(order: Order) -> Decimal:
    return sum((li.discount for li in order.line_items), Decimal(0)) + sum(
        (s.discount for s in order.shipping_lines), Decimal(0)
    )


def _received(order: Order) -> Decimal:
    return sum(
        (t.amount for t in order.transactions if t.moved_money and t.kind in {"SALE", "CAPTURE"}),
        Decimal(0),
    )


def test_csv_reads_like_the_api(export: Path, api_orders: dict[str, Order]) -> None:
    header, rows, handle = open_rows(export, "orders")
    with handle:
        reader = OrdersReader(header, file=export.name, tz=TZ)
        from_csv = {p.order.id: p.order for p in reader.orders(rows)}
    assert reader.issues == []
    assert set(from_csv) == set(api_orders)
    tipped = {o.name for o in api_orders.values() if o.total_tip}
    assert tipped, "the sandbox should have tipped orders"
    # The export has no tip column: exactly the tipped orders fail to tie, and say so.
    assert {w.reason.split(":")[0].removeprefix("order ") for w in reader.warnings} == tipped
    for order_id, api in api_orders.items():
        csv = from_csv[order_id]
        for name in ORDER_FIELDS:
            assert getattr(csv, name) == getattr(api, name), (api.name, name)
        assert _discounts(csv) == _discounts(api), api.name
        assert _received(csv) == _received(api), api.name
        assert [(t.title, t.rate, t.amount) for t in csv.tax_lines] == [
            (t.title, t.rate, t.amount) for t in api.tax_lines
        ], api.name
        assert [(li.sku, li.quantity, li.unit_price) for li in csv.line_items] == [
            (li.sku, li.quantity, li.unit_price) for li in api.line_items
        ], api.name
        assert sum((r.total for r in csv.refunds), Decimal(0)) == api.total_refunded


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    opened = open_store(db_url)
    yield opened
    opened.close()


def test_imported_rows_match_the_api_reading(
    store: Store, export: Path, api_orders: dict[str, Order]
) -> None:
    report = import_orders(store, export, chunk=100)
    assert report.new == len(api_orders) and report.rows_skipped == 0
    with store.session() as session:
        stored = {row.id: row for row in session.scalars(select(OrderRow))}
    assert set(stored) == set(api_orders)
    for order_id, api in api_orders.items():
        row = stored[order_id]
        for name in ROW_FIELDS:
            assert getattr(row, name) == getattr(api, name), (api.name, name)
        assert row.gateways == " + ".join(api.gateways)
    again = import_orders(store, export)
    assert again.unchanged == len(api_orders) and again.new == again.updated == 0
