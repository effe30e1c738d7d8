"""CSV first, API later: what the merchant's exports put in the store gives way to the API's
records when a sync brings the same money, so nothing is ever counted twice."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from tests.csv_import.csv_files import ORDERS_HEADER, PAYMENTS_HEADER, payment, row, write
from tests.csv_import.orders_writer import order_rows
from workbench.sandbox.generator import generate
from workbench.sandbox.shopify_emulator import ShopifyEmulator, create_app
from workbench.sandbox.transport import SyncASGITransport
from workbench.services import shopify_sync
from workbench.services.csv_import import import_orders, import_payments
from workbench.services.shopify_sync import sync_shopify
from workbench.shopify.client import ShopifyClient, TokenProvider
from workbench.store.engine import Store, open_store
from workbench.store.tables import BalanceTransactionRow, RefundRow, TransactionRow

END = date(2026, 11, 20)
CSV_BALANCE = "gid://shopify/ShopifyPaymentsBalanceTransaction/csv-"


@pytest.fixture(scope="module")
def data() -> Any:
    return generate(seed=11, orders=150, end=END)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(f"sqlite:///{tmp_path / 'supersede.db'}")
    yield opened
    opened.close()


@pytest.fixture
def emulator(data: Any) -> Iterator[tuple[ShopifyEmulator, SyncASGITransport]]:
    emulator = ShopifyEmulator(copy.deepcopy(data.store), throttle=False)
    transport = SyncASGITransport(create_app(emulator))
    yield emulator, transport
    transport.shutdown()


def _sync(pair: tuple[ShopifyEmulator, SyncASGITransport], **options: Any) -> None:
    emulator, transport = pair
    client = ShopifyClient(
        "https://fernwood.myshopify.com",
        TokenProvider(token=emulator.store.access_token),
        api_version="2026-10",
        transport=transport,
    )
    sync_shopify(store=options.pop("store"), client=client, **options)


def _count(store: Store, model: type[Any], *where: Any) -> int:
    with store.session() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def _csv_row(node: dict[str, Any], zone: ZoneInfo) -> dict[str, str]:
    """A Payments export row for an API balance transaction, as the admin would write it."""
    moment = datetime.fromisoformat(node["transactionDate"]).astimezone(zone)
    return payment(
        **{
            "Transaction Date": moment.strftime("%Y-%m-%d %H:%M:%S %z"),
            "Type": node["type"].lower(),
            "Order": (node.get("associatedOrder") or {}).get("name") or "",
            "Amount": node["amount"]["amount"],
            "Fee": node["fee"]["amount"],
            "Net": node["net"]["amount"],
            "Currency": node["amount"]["currencyCode"],
        }
    )


# (a) Payments export, then the API ------------------------------------------------------------


def test_payments_imported_from_csv_give_way_to_the_synced_ones(
    data: Any, emulator: tuple[ShopifyEmulator, SyncASGITransport], store: Store, tmp_path: Path
) -> None:
    zone = ZoneInfo(data.store.shop["ianaTimezone"])
    charges = [b for b in data.store.balance_transactions if b["type"] == "CHARGE"][:3]
    stranger = payment(  # in the export, not in the API: kept
        **{"Transaction Date": "2026-01-05 10:00:00 -0500", "Order": "#9999", "Amount": "1.00",
           "Fee": "0.33", "Net": "0.67"}
    )  # fmt: skip
    path = write(
        tmp_path / "payment_transactions_export_1.csv",
        PAYMENTS_HEADER,
        [row(PAYMENTS_HEADER, r) for r in [*(_csv_row(c, zone) for c in charges), stranger]],
    )
    assert import_payments(store, path).new == 4

    _sync(emulator, store=store)
    api = len(data.store.balance_transactions)
    csv_left = col(BalanceTransactionRow.id).like(f"{CSV_BALANCE}%")
    assert _count(store, BalanceTransactionRow, csv_left) == 1
    assert _count(store, BalanceTransactionRow) == api + 1
    with store.session() as session:
        kept = session.scalars(select(BalanceTransactionRow).where(csv_left)).one()
    assert kept.order_name == "#9999"

    _sync(emulator, store=store)  # again: nothing more to supersede, nothing lost
    assert _count(store, BalanceTransactionRow) == api + 1
    again = import_payments(store, path)  # and the export again: the API's rows win
    # (the stranger is re-read in the shop's zone, now known: an update, not a new row)
    assert (again.from_api, again.new, again.unchanged + again.updated) == (3, 0, 1)
    assert _count(store, BalanceTransactionRow) == api + 1


@pytest.mark.parametrize("page", [150, 1])
def test_two_identical_export_rows_give_way_one_api_row_at_a_time(
    data: Any,
    emulator: tuple[ShopifyEmulator, SyncASGITransport],
    store: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    page: int,
) -> None:
    """Same day, same order, same amounts: the export row stands for as many API rows as the
    API has, no more, however many pages that day's rows arrive on, and a second sync changes
    nothing."""
    monkeypatch.setattr(shopify_sync, "BALANCE_PAGE", page)
    zone = ZoneInfo(data.store.shop["ianaTimezone"])
    charge = next(b for b in data.store.balance_transactions if b["type"] == "CHARGE")
    twin = _csv_row(charge, zone)
    path = write(tmp_path / "p.csv", PAYMENTS_HEADER, [row(PAYMENTS_HEADER, twin)] * 2)
    assert import_payments(store, path).new == 2
    _sync(emulator, store=store)
    csv_left = col(BalanceTransactionRow.id).like(f"{CSV_BALANCE}%")
    assert _count(store, BalanceTransactionRow, csv_left) == 1
    _sync(emulator, store=store)
    assert _count(store, BalanceTransactionRow, csv_left) == 1


# (b) Orders export refund, then the API -------------------------------------------------------


@pytest.mark.parametrize("bulk", [False, True])
def test_a_csv_refund_is_replaced_by_the_api_refund(
    data: Any,
    emulator: tuple[ShopifyEmulator, SyncASGITransport],
    store: Store,
    tmp_path: Path,
    bulk: bool,
) -> None:
    zone = ZoneInfo(data.store.shop["ianaTimezone"])
    refunded = [o for o in data.store.orders if o["refunds"]][:3]
    assert refunded
    rows = [cells for node in refunded for cells in order_rows(node, zone)]
    path = write(tmp_path / "orders_export_1.csv", ORDERS_HEADER, rows)
    report = import_orders(store, path)
    assert report.new == len(refunded)
    ids = [o["id"] for o in refunded]
    csv_refunds = col(RefundRow.id).like("%csv-%")
    assert _count(store, RefundRow, csv_refunds) == len(refunded)

    _sync(emulator, store=store, bulk=bulk)
    assert _count(store, RefundRow, csv_refunds) == 0
    assert _count(store, TransactionRow, col(TransactionRow.id).like("%csv-%")) == 0
    with store.session() as session:
        stored = session.scalars(select(RefundRow).where(col(RefundRow.order_id).in_(ids))).all()
    assert sorted(r.id for r in stored) == sorted(r["id"] for o in refunded for r in o["refunds"])
    totals = {r.id: r.total for r in stored}
    for order in refunded:
        for refund in order["refunds"]:
            total = refund["totalRefundedSet"]["shopMoney"]["amount"]
            assert totals[refund["id"]] == Decimal(total)
