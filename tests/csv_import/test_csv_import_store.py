"""Importing CSV exports into the store (SQLite and PostgreSQL): idempotent, never over the API's
richer records, bad rows reported by line while the rest goes in."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from tests.csv_import.csv_files import (
    ORDERS_HEADER,
    PAYMENTS_HEADER,
    first_row,
    next_row,
    payment,
    row,
    write,
)
from tests.csv_import.realistic import realistic_rows, write_realistic
from tests.factories import order_node
from workbench.domain.records import BalanceTransaction, Shop
from workbench.services.csv_import import import_orders, import_payments
from workbench.services.progress import Progress
from workbench.shopify.csv_common import CsvFormatError
from workbench.shopify.normalize import order_from_graphql
from workbench.store import shopify_repo
from workbench.store.engine import Store, open_store
from workbench.store.tables import (
    BalanceTransactionRow,
    LineItemRow,
    OrderRow,
    RefundRow,
    TransactionRow,
)

D = Decimal
NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    opened = open_store(db_url)
    yield opened
    opened.close()


def count(store: Store, model: type[Any], *where: Any) -> int:
    with store.session() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def snapshot(store: Store) -> dict[str, list[Any]]:
    """Every stored Shopify row, to prove an import changed nothing."""
    out: dict[str, list[Any]] = {}
    with store.session() as session:
        for model in (OrderRow, LineItemRow, RefundRow, TransactionRow, BalanceTransactionRow):
            rows = session.scalars(select(model).order_by(model.id)).all()
            out[model.__name__] = [r.model_dump() for r in rows]
    return out


def save_api_order(store: Store, number: int) -> None:
    node = order_node(number)
    with store.session() as session:
        shopify_repo.save_orders(session, [order_from_graphql(node, NEW_YORK)], [node], "api")


# Orders ---------------------------------------------------------------------------------------


def test_import_writes_every_order_and_ties_out(store: Store, tmp_path: Path) -> None:
    report = import_orders(store, write_realistic(tmp_path / "orders_export_1.csv"))
    assert (report.rows, report.records, report.new, report.rows_skipped) == (7, 6, 6, 0)
    assert report.errors() == [] and not report.nothing_imported
    assert count(store, OrderRow, OrderRow.origin == "csv") == 6
    assert count(store, LineItemRow) == 7
    assert count(store, RefundRow) == 2
    assert count(store, TransactionRow) == 6  # four sales, two refunds
    with store.session() as session:
        first = session.get(OrderRow, "gid://shopify/Order/5001")
        assert first is not None
        assert (first.total_price, first.total_tax, first.gateways) == (
            D("105.93"), D("8.14"), "shopify_payments"
        )  # fmt: skip
        assert first.raw["fingerprint"] and first.raw["lines"] == [2, 4]
        lines = session.scalars(
            select(LineItemRow).where(col(LineItemRow.order_id) == first.id)
        ).all()
        goods = sum((li.original_total - li.discount for li in lines), D(0))
        assert goods + first.total_shipping + first.total_tax == first.total_price


def test_importing_twice_changes_nothing(store: Store, tmp_path: Path) -> None:
    path = write_realistic(tmp_path / "orders_export_1.csv")
    import_orders(store, path)
    before = snapshot(store)
    again = import_orders(store, path, chunk=2)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 6)
    assert "0 new, 0 updated, 6 unchanged" in again.summary()
    assert snapshot(store) == before


def test_a_changed_order_is_updated(store: Store, tmp_path: Path) -> None:
    import_orders(store, write_realistic(tmp_path / "a.csv"))
    rows = realistic_rows()
    status = ORDERS_HEADER.index("Financial Status")
    refunded = ORDERS_HEADER.index("Refunded Amount")
    rows[0][status], rows[0][refunded] = "partially_refunded", "5.00"
    report = import_orders(store, write(tmp_path / "b.csv", ORDERS_HEADER, rows))
    assert (report.new, report.updated, report.unchanged) == (0, 1, 5)
    with store.session() as session:
        order = session.get(OrderRow, "gid://shopify/Order/5001")
        assert order is not None and order.total_refunded == D("5.00")
    assert count(store, RefundRow) == 3


def test_orders_synced_from_the_api_are_never_overwritten(store: Store, tmp_path: Path) -> None:
    save_api_order(store, 5001)  # the same order as #1001 of the file
    before = snapshot(store)["OrderRow"]
    report = import_orders(store, write_realistic(tmp_path / "orders_export_1.csv"))
    assert (report.from_api, report.new) == (1, 5)
    assert "1 already synced from the API (kept)" in report.summary()
    with store.session() as session:
        kept = session.get(OrderRow, "gid://shopify/Order/5001")
        assert kept is not None and kept.origin == "api"
        api_lines = session.scalars(
            select(col(LineItemRow.id)).where(col(LineItemRow.order_id) == kept.id)
        ).all()
    assert not any("csv-" in i for i in api_lines)
    assert [r for r in snapshot(store)["OrderRow"] if r["origin"] == "api"] == before


def test_an_api_sync_after_a_csv_import_replaces_the_csv_order(
    store: Store, tmp_path: Path
) -> None:
    import_orders(store, write_realistic(tmp_path / "orders_export_1.csv"))
    save_api_order(store, 5001)
    assert count(store, OrderRow) == 6  # same GID: one order, not two
    assert count(store, LineItemRow, LineItemRow.order_id == "gid://shopify/Order/5001") == 2
    assert count(store, LineItemRow, col(LineItemRow.id).like("%csv-5001-%")) == 0


def test_bad_rows_are_skipped_and_the_rest_imported(store: Store, tmp_path: Path) -> None:
    h = ORDERS_HEADER
    rows = [
        row(h, first_row("#1", "1")),
        row(h, first_row("#2", "2", Total="12,50")),
        row(h, next_row("#2")),
        row(h, next_row("#9")),
        row(h, first_row("#3", "3", **{"Financial Status": "maybe"})),
        row(h, first_row("#4", "4")),
    ]
    report = import_orders(store, write(tmp_path / "orders.csv", h, rows), chunk=1)
    assert (report.new, report.rows_skipped) == (2, 4)
    assert report.errors() == [
        "orders.csv:3: Total '12,50' is not an amount (expected e.g. 1234.50); order #2 skipped",
        "orders.csv:5: row of order #9 whose first row (the one with Id, Financial Status and "
        "Total) is missing",
        "orders.csv:6: Financial Status 'maybe' is unknown (expected one of authorized, expired, "
        "paid, partially_paid, partially_refunded, pending, refunded, unpaid, voided); "
        "order #3 skipped",
    ]
    assert "4 rows skipped" in report.summary()
    assert count(store, OrderRow) == 2


def test_the_same_order_twice_in_one_chunk(store: Store, tmp_path: Path) -> None:
    rows = [row(ORDERS_HEADER, first_row("#1", "1")),
            row(ORDERS_HEADER, first_row("#1", "1", Email="new@example.com"))]  # fmt: skip
    report = import_orders(store, write(tmp_path / "x.csv", ORDERS_HEADER, rows))
    assert report.records == 2 and report.new == 1 and len(report.warnings) == 1
    with store.session() as session:
        order = session.get(OrderRow, "gid://shopify/Order/1")
        assert order is not None and order.email == "new@example.com"  # the later rows win


def test_the_stored_shop_zone_is_used(store: Store, tmp_path: Path) -> None:
    with store.session() as session:
        shop = Shop("gid://shopify/Shop/1", "S", "s.myshopify.com", "USD", "Asia/Tokyo")
        shopify_repo.save_shop(session, shop, {})
    import_orders(store, write_realistic(tmp_path / "orders_export_1.csv"))
    with store.session() as session:
        order = session.get(OrderRow, "gid://shopify/Order/5001")
        assert order is not None and str(order.local_date) == "2025-12-07"  # 00:36 in Tokyo


def test_a_file_that_is_not_the_export(store: Store, tmp_path: Path) -> None:
    payments = write(tmp_path / "payment_transactions_export_1.csv", PAYMENTS_HEADER, [])
    with pytest.raises(CsvFormatError) as caught:
        import_orders(store, payments)
    message = str(caught.value)
    assert message.startswith(
        "payment_transactions_export_1.csv is not the Shopify Orders export (Orders → Export → "
        "orders_export_1.csv): missing columns Name, Id, Financial Status,"
    )
    assert "use `workbench import payments`" in message
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(CsvFormatError, match=r"empty\.csv is empty"):
        import_orders(store, tmp_path / "empty.csv")
    assert count(store, OrderRow) == 0


def test_progress_reports_counts_and_finishes(store: Store, tmp_path: Path) -> None:
    seen: list[Progress] = []
    import_orders(store, write_realistic(tmp_path / "o.csv"), progress=seen.append, chunk=2)
    assert len(seen) >= 3
    assert [p.done for p in seen] == sorted(p.done for p in seen)
    assert seen[-1].done == seen[-1].total == 7
    assert "Importing orders: 7 of 7" in seen[-1].describe()


# Payments -------------------------------------------------------------------------------------


def payments_file(tmp_path: Path, *rows: dict[str, str], name: str = "p.csv") -> Path:
    return write(tmp_path / name, PAYMENTS_HEADER, [row(PAYMENTS_HEADER, r) for r in rows])


def test_payments_import_twice_changes_nothing(store: Store, tmp_path: Path) -> None:
    credit = payment(Type="shop_cash_credit", Amount="15.00", Fee="0.37", Net="14.63")
    path = payments_file(tmp_path, payment(), credit, credit, payment(Type="marketplace sales tax",
                         Amount="-9.52", Fee="0.00", Net="-9.52"))  # fmt: skip
    first = import_payments(store, path)
    assert (first.records, first.new) == (4, 4)
    assert count(store, BalanceTransactionRow) == 4
    assert (
        count(store, BalanceTransactionRow, col(BalanceTransactionRow.known_type).is_(False)) == 3
    )
    before = snapshot(store)
    again = import_payments(store, path, chunk=3)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 4)
    assert snapshot(store) == before


def test_a_later_export_updates_the_payout_status(store: Store, tmp_path: Path) -> None:
    pending = payment(**{"Payout Status": "pending", "Payout Date": ""})
    import_payments(store, payments_file(tmp_path, pending, name="a.csv"))
    report = import_payments(store, payments_file(tmp_path, payment(), name="b.csv"))
    assert (report.new, report.updated) == (0, 1)
    with store.session() as session:
        (stored,) = session.scalars(select(BalanceTransactionRow)).all()
        assert stored.payout_status == "PAID"


def test_rows_are_linked_to_stored_orders_by_name(store: Store, tmp_path: Path) -> None:
    path = payments_file(tmp_path, payment(Order="#1001"), payment(Order="#7777"))
    import_payments(store, path)
    import_orders(store, write_realistic(tmp_path / "orders_export_1.csv"))
    report = import_payments(store, path)  # the order is known now: worth an update
    assert (report.updated, report.unchanged) == (1, 1)
    with store.session() as session:
        t = BalanceTransactionRow
        query = select(col(t.order_name), col(t.order_id))
        linked = {name: order_id for name, order_id in session.execute(query)}
    assert linked == {"#1001": "gid://shopify/Order/5001", "#7777": None}


def test_rows_the_api_synced_are_skipped_and_csv_copies_replaced(
    store: Store, tmp_path: Path
) -> None:
    path = payments_file(tmp_path, payment(), payment(Order="#1002"))
    import_payments(store, path)
    api = BalanceTransaction(
        id="gid://shopify/ShopifyPaymentsBalanceTransaction/555", type="CHARGE", test=False,
        amount=D("28.25"), fee=D("1.22"), net=D("27.03"), currency="USD",
        transaction_date=None, local_date=date(2025, 11, 4),
        payout_id="gid://shopify/ShopifyPaymentsPayout/1", payout_status="PAID", source_id="1",
        source_type="CHARGE", source_order_transaction_id=None, order_id=None,
        order_name="#1001",
    )  # fmt: skip
    with store.session() as session:
        shopify_repo.save_balance_transactions(session, [api], [{}])
    report = import_payments(store, path)
    assert (report.from_api, report.replaced, report.unchanged) == (1, 1, 1)
    assert "1 already synced from the API (kept), 1 earlier CSV copies replaced" in report.summary()
    with store.session() as session:
        names = sorted(
            (b.order_name, b.id.startswith("gid://shopify/ShopifyPaymentsBalanceTransaction/csv-"))
            for b in session.scalars(select(BalanceTransactionRow))
        )
    assert names == [("#1001", False), ("#1002", True)]
    again = import_payments(store, path)
    assert (again.from_api, again.replaced, again.unchanged, again.new) == (1, 0, 1, 0)


def test_bad_payment_rows_are_skipped_with_their_line(store: Store, tmp_path: Path) -> None:
    path = payments_file(tmp_path, payment(), payment(Amount="abc"), payment(Order="#2"))
    report = import_payments(store, path)
    assert report.new == 2 and report.rows_skipped == 1
    assert report.errors() == ["p.csv:3: Amount 'abc' is not an amount (expected e.g. 1234.50)"]


def test_every_row_bad_means_nothing_imported(store: Store, tmp_path: Path) -> None:
    report = import_payments(store, payments_file(tmp_path, payment(Fee="x"), payment(Net="")))
    assert report.nothing_imported and report.rows == 2 and report.rows_skipped == 2
