"""Backfilling through a bulk export lands exactly what the paged sync lands, and hands over to
the incremental sync."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tests.clocks import FakeClock
from workbench.sandbox.dataset import SandboxData
from workbench.sandbox.generator import generate
from workbench.sandbox.shopify_emulator import ShopifyEmulator, create_app
from workbench.sandbox.transport import SyncASGITransport
from workbench.services.progress import Progress
from workbench.services.shopify_backfill import backfill_orders, backfill_shopify
from workbench.services.shopify_sync import ORDERS_CHECKPOINT, get_checkpoint, sync_shopify
from workbench.shopify.bulk import BulkOperation, BulkQuery
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
TABLES = (OrderRow, LineItemRow, RefundRow, TransactionRow, PayoutRow, BalanceTransactionRow)


@pytest.fixture(scope="module")
def data() -> SandboxData:
    return generate(seed=23, orders=300, end=END)


class Harness:
    """A copy of the shop behind the in-process transport; polls advance a fake clock."""

    def __init__(self, data: SandboxData) -> None:
        self.clock = FakeClock()
        self.emulator = ShopifyEmulator(copy.deepcopy(data.store), throttle=False, clock=self.clock)
        self.transport = SyncASGITransport(create_app(self.emulator))

    def client(self) -> ShopifyClient:
        return ShopifyClient(
            "https://fernwood.myshopify.com",
            TokenProvider(token=self.emulator.store.access_token),
            api_version="2026-10",
            transport=self.transport,
            sleep=self.clock.advance,
        )

    def close(self) -> None:
        self.transport.close()


@pytest.fixture
def harness(data: SandboxData) -> Iterator[Harness]:
    made = Harness(data)
    yield made
    made.close()


def new_store(tmp_path: Path, name: str) -> Store:
    return open_store(f"sqlite:///{tmp_path / name}.db")


def rows(store: Store, model: type[Any]) -> list[dict[str, Any]]:
    skip = {"origin"} | ({"raw"} if model is OrderRow else set())
    with store.session() as session:
        found = session.scalars(select(model)).all()
        out = [{k: v for k, v in r.model_dump().items() if k not in skip} for r in found]
    return sorted(out, key=lambda r: str(r["id"]))


def test_backfill_equals_the_paged_sync_row_for_row(
    data: SandboxData, harness: Harness, tmp_path: Path
) -> None:
    paged, bulk = new_store(tmp_path, "paged"), new_store(tmp_path, "bulk")
    try:
        by_pages = sync_shopify(paged, harness.client(), bulk=False)
        reports: list[Progress] = []
        by_bulk = backfill_shopify(bulk, harness.client(), progress=reports.append)
        assert by_bulk.bulk and not by_pages.bulk
        assert by_bulk.orders == by_pages.orders == len(data.store.orders)
        assert by_bulk.requests < by_pages.requests / 3
        for model in TABLES:
            assert rows(bulk, model) == rows(paged, model), model.__name__
        refunds = rows(bulk, RefundRow)
        assert refunds and all(r["raw"].get("refundLineItems") is not None for r in refunds)
        with bulk.session() as session:
            origins = {o.origin for o in session.scalars(select(OrderRow))}
        assert origins == {"bulk"}
        stages = [r.stage for r in reports]
        assert "Shopify bulk export" in stages and "Orders" in stages
        last_orders = [r for r in reports if r.stage == "Orders"][-1]
        assert last_orders.done == last_orders.total == len(data.store.orders)
    finally:
        paged.close()
        bulk.close()


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_next_sync_reads_only_the_overlap_window(
    data: SandboxData, harness: Harness, tmp_path: Path
) -> None:
    store = new_store(tmp_path, "store")
    try:
        backfill_shopify(store, harness.client())
        checkpoint = get_checkpoint(store, ORDERS_CHECKPOINT)
        newest = max(o["updatedAt"] for o in data.store.orders)
        assert checkpoint is not None and checkpoint.watermark == newest
        assert checkpoint.cursor is None
        watermark = datetime.fromisoformat(newest.replace("Z", "+00:00"))
        edited = copy.deepcopy(harness.emulator.store.orders[7])
        edited["updatedAt"] = stamp(watermark + timedelta(hours=2))
        edited["note"] = "edited after the export"
        harness.emulator.upsert_order(edited)

        after = sync_shopify(store, harness.client())
        window = stamp(watermark - timedelta(minutes=10))
        expected = sum(1 for o in harness.emulator.store.orders if o["updatedAt"] >= window)
        assert not after.bulk
        assert after.orders == expected < len(data.store.orders) / 10
        with store.session() as session:
            row = session.get(OrderRow, edited["id"])
            assert row is not None and row.raw["note"] == "edited after the export"
            assert row.origin == "api"
    finally:
        store.close()


def test_first_sync_of_a_large_shop_chooses_bulk(
    data: SandboxData, harness: Harness, tmp_path: Path
) -> None:
    large = new_store(tmp_path, "large")
    try:
        assert sync_shopify(large, harness.client(), bulk_threshold=100).bulk
        assert not sync_shopify(large, harness.client(), bulk_threshold=100).bulk  # incremental
    finally:
        large.close()
    # The count that decides is of the orders the sync would read (--since narrows it).
    since = END - timedelta(days=1)
    recent = sum(1 for o in data.store.orders if o["updatedAt"] >= f"{since.isoformat()}T00:00:00Z")
    assert 0 < recent < len(data.store.orders)
    for threshold, chosen in ((recent, False), (recent - 1, True)):
        store = new_store(tmp_path, f"since-{threshold}")
        try:
            result = sync_shopify(store, harness.client(), since=since, bulk_threshold=threshold)
            assert result.bulk is chosen and result.orders == recent
        finally:
            store.close()


def test_a_backfill_that_stopped_picks_up_the_same_export(
    data: SandboxData, harness: Harness, tmp_path: Path
) -> None:
    class Broken(BulkQuery):
        def rows(self, operation: BulkOperation, child_fields: Any = None) -> Iterator[Any]:
            raise ShopifyError("the connection dropped during the download")

    store = new_store(tmp_path, "store")
    try:
        client = harness.client()
        tz = ZoneInfo(data.store.shop["ianaTimezone"])
        with pytest.raises(ShopifyError):
            backfill_orders(store, client, tz=tz, runner=Broken(client))
        checkpoint = get_checkpoint(store, ORDERS_CHECKPOINT)
        assert checkpoint is not None and checkpoint.watermark is None
        pending = checkpoint.detail["bulk_operation"]
        resumed = sync_shopify(store, harness.client(), bulk_threshold=100)
        assert resumed.bulk and resumed.orders == len(data.store.orders)
        current = harness.emulator.bulk.current()
        assert current is not None and current.id == pending  # no second export was started
        checkpoint = get_checkpoint(store, ORDERS_CHECKPOINT)
        assert checkpoint is not None and "bulk_operation" not in checkpoint.detail
    finally:
        store.close()


def test_forced_bulk_after_a_checkpoint_exports_only_recent_orders(
    data: SandboxData, harness: Harness, tmp_path: Path
) -> None:
    store = new_store(tmp_path, "store")
    try:
        backfill_shopify(store, harness.client())
        again = sync_shopify(store, harness.client(), bulk=True)
        assert again.bulk and 0 < again.orders < len(data.store.orders) / 10
        current = harness.emulator.bulk.current()
        assert current is not None and "updated_at:>=" in current.query
        full = sync_shopify(store, harness.client(), bulk=True, full=True)
        assert full.orders == len(data.store.orders)
        current = harness.emulator.bulk.current()
        assert current is not None and "updated_at" not in current.query
    finally:
        store.close()


def test_watermark_stops_at_the_start_of_the_export(
    data: SandboxData, harness: Harness, tmp_path: Path
) -> None:
    """Orders edited while a long export ran may be in the file as they were: re-read them."""
    started = "2026-11-19T12:00:00Z"
    assert started < max(o["updatedAt"] for o in data.store.orders)

    class EarlyStart(BulkQuery):
        def wait(self, operation: BulkOperation, progress: Any = None) -> BulkOperation:
            return dataclasses.replace(super().wait(operation, progress), created_at=started)

    store = new_store(tmp_path, "store")
    try:
        client = harness.client()
        tz = ZoneInfo(data.store.shop["ianaTimezone"])
        backfill_orders(store, client, tz=tz, runner=EarlyStart(client))
        checkpoint = get_checkpoint(store, ORDERS_CHECKPOINT)
        assert checkpoint is not None and checkpoint.watermark == started
    finally:
        store.close()
