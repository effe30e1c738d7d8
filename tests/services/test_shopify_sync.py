"""Syncing the sandbox shop through the real client into the store: complete, idempotent,
resumable, and patient with throttling."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.clocks import FakeClock
from workbench.sandbox.generator import generate
from workbench.sandbox.shopify_emulator import ShopifyEmulator, create_app
from workbench.sandbox.transport import SyncASGITransport
from workbench.services.shopify_sync import ORDERS_CHECKPOINT, get_checkpoint, sync_shopify
from workbench.shopify.client import ShopifyClient, ShopifyError, TokenProvider
from workbench.store.engine import Store, open_store
from workbench.store.tables import (
    BalanceTransactionRow,
    LineItemRow,
    OrderRow,
    PayoutRow,
    RefundRow,
    TransactionRow,
)

END = date(2026, 11, 20)


def amount(bag: dict[str, Any]) -> Decimal:
    return Decimal(bag["shopMoney"]["amount"])


@pytest.fixture(scope="module")
def data() -> Any:
    return generate(seed=11, orders=150, end=END)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(f"sqlite:///{tmp_path / 'sync.db'}")
    yield opened
    opened.close()


class Harness:
    """An emulator behind the in-process transport, and clients that talk to it."""

    def __init__(self, data: Any, **options: Any) -> None:
        self.emulator = ShopifyEmulator(copy.deepcopy(data.store), **options)
        self.transport = SyncASGITransport(create_app(self.emulator))
        self.sleeps: list[float] = []

    def client(self, **options: Any) -> ShopifyClient:
        return ShopifyClient(
            "https://fernwood.myshopify.com",
            TokenProvider(token=self.emulator.store.access_token),
            api_version="2026-10",
            transport=self.transport,
            **options,
        )

    def close(self) -> None:
        self.transport.shutdown()


@pytest.fixture
def harness(data: Any) -> Iterator[Harness]:
    h = Harness(data, throttle=False)
    yield h
    h.close()


def count(store: Store, model: type[Any]) -> int:
    with store.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_everything_arrives_and_ties_out(data: Any, store: Store, harness: Harness) -> None:
    result = sync_shopify(store, harness.client())
    orders = data.store.orders
    assert result.orders == count(store, OrderRow) == len(orders)  # test orders stored too
    assert count(store, LineItemRow) == sum(len(o["lineItems"]) for o in orders)
    assert count(store, RefundRow) == sum(len(o["refunds"]) for o in orders)
    transaction_ids = {t["id"] for o in orders for t in o["transactions"]}
    transaction_ids |= {t["id"] for o in orders for r in o["refunds"] for t in r["transactions"]}
    assert count(store, TransactionRow) == len(transaction_ids)
    assert count(store, PayoutRow) == len(data.store.payouts)
    assert count(store, BalanceTransactionRow) == len(data.store.balance_transactions)
    with store.session() as session:
        stored = {o.id: o for o in session.scalars(select(OrderRow))}
        for node in orders:
            row = stored[node["id"]]
            assert row.total_price == amount(node["totalPriceSet"])
            assert row.total_tax == amount(node["totalTaxSet"])
            assert row.test == node["test"]
        nets = {p.id: p.net for p in session.scalars(select(PayoutRow))}
        for payout in data.store.payouts:
            assert nets[payout["id"]] == Decimal(payout["net"]["amount"])


def test_orders_with_many_lines_are_not_truncated(data: Any, store: Store) -> None:
    shop = copy.deepcopy(data.store)
    big = shop.orders[3]
    template = big["lineItems"][0]
    big["lineItems"] = [
        {**copy.deepcopy(template), "id": f"gid://shopify/LineItem/9{i:04d}"} for i in range(37)
    ]
    h = Harness(type("D", (), {"store": shop})(), throttle=False)
    try:
        sync_shopify(store, h.client())
    finally:
        h.close()
    with store.session() as session:
        lines = session.scalar(
            select(func.count()).select_from(LineItemRow).where(LineItemRow.order_id == big["id"])  # type: ignore[arg-type]
        )
    assert lines == 37


def test_resync_changes_nothing(store: Store, harness: Harness) -> None:
    sync_shopify(store, harness.client())
    with store.session() as session:
        before = sorted(
            (o.id, o.total_price, o.updated_at) for o in session.scalars(select(OrderRow))
        )
    second = sync_shopify(store, harness.client())
    with store.session() as session:
        after = sorted(
            (o.id, o.total_price, o.updated_at) for o in session.scalars(select(OrderRow))
        )
    assert after == before
    # The second run reads only the overlap window, not the whole shop again.
    assert second.orders < len(before)


def test_an_edited_order_is_updated(data: Any, store: Store, harness: Harness) -> None:
    sync_shopify(store, harness.client())
    edited = copy.deepcopy(harness.emulator.store.orders[5])
    edited["updatedAt"] = "2026-11-25T12:00:00Z"
    edited["note"] = "customer asked for gift wrap"
    edited["lineItems"] = edited["lineItems"][:1]
    harness.emulator.upsert_order(edited)
    sync_shopify(store, harness.client())
    with store.session() as session:
        row = session.get(OrderRow, edited["id"])
        assert row is not None and row.raw["note"] == "customer asked for gift wrap"
        lines = session.scalars(
            select(LineItemRow).where(LineItemRow.order_id == edited["id"])
        ).all()  # type: ignore[arg-type]
        assert [li.id for li in lines] == [edited["lineItems"][0]["id"]]


def test_an_interrupted_sync_resumes_from_its_checkpoint(
    data: Any, store: Store, harness: Harness
) -> None:
    class Flaky(ShopifyClient):
        calls = 0

        def execute(self, query: str, variables: Any = None, **kw: Any) -> dict[str, Any]:
            Flaky.calls += 1
            if "query Orders" in query and Flaky.calls > 6:
                raise ShopifyError("network went away")
            return super().execute(query, variables, **kw)

    flaky = Flaky(
        "https://fernwood.myshopify.com",
        TokenProvider(token=harness.emulator.store.access_token),
        api_version="2026-10",
        transport=harness.transport,
        max_retries=0,
    )
    with pytest.raises(ShopifyError):
        sync_shopify(store, flaky)
    partial = count(store, OrderRow)
    checkpoint = get_checkpoint(store, ORDERS_CHECKPOINT)
    assert 0 < partial < len(data.store.orders)
    assert checkpoint is not None and checkpoint.cursor
    resumed = sync_shopify(store, harness.client())
    assert count(store, OrderRow) == len(data.store.orders)
    # It continued after the saved page instead of starting over.
    assert resumed.orders == len(data.store.orders) - partial


def test_throttling_is_waited_out(data: Any, store: Store) -> None:
    clock = FakeClock()
    h = Harness(data, throttle=True, bucket_size=1000.0, restore_rate=50.0, clock=clock)

    def sleep(seconds: float) -> None:
        h.sleeps.append(seconds)
        clock.advance(seconds)

    try:
        result = sync_shopify(store, h.client(sleep=sleep))
    finally:
        h.close()
    assert result.orders == len(data.store.orders)
    assert h.sleeps, "a 1,000-point bucket cannot serve the whole shop without waiting"


def test_rare_collections_restores_the_threshold_after_overlapping_use() -> None:
    import gc

    from workbench.services.shopify_sync import rare_collections

    before = gc.get_threshold()
    outer = rare_collections()
    outer.__enter__()
    assert gc.get_threshold()[0] >= 100_000
    with pytest.raises(RuntimeError), rare_collections():
        raise RuntimeError("a failed import in another worker")
    assert gc.get_threshold()[0] >= 100_000  # the sync still running keeps it raised
    outer.__exit__(None, None, None)
    assert gc.get_threshold() == before
