"""The bulk query client against the emulator: polling, progress, failures, busy, cancel."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from graphql import FieldNode, OperationDefinitionNode, SelectionSetNode, parse

from tests.clocks import FakeClock
from workbench.sandbox.shopify_emulator import ShopifyEmulator, create_app, load_schema
from workbench.sandbox.shopify_emulator.bulk_query import plan_bulk_query
from workbench.sandbox.shopify_emulator.samples import sample_order, sample_store
from workbench.sandbox.transport import SyncASGITransport
from workbench.services.progress import SyncCancelled
from workbench.shopify import queries
from workbench.shopify.bulk import (
    BulkBusyError,
    BulkOperation,
    BulkOperationError,
    BulkQuery,
    PollPolicy,
    count_orders,
)
from workbench.shopify.client import ShopifyClient, ShopifyError, ShopifyQueryError, TokenProvider

ORDERS = queries.bulk_orders_query(None)


class Harness:
    def __init__(self, orders: int = 30, **options: Any) -> None:
        self.clock = FakeClock()
        store = sample_store()
        store.orders.extend(sample_order(1001 + n, refunded=n % 7 == 3) for n in range(orders))
        self.emulator = ShopifyEmulator(store, throttle=False, clock=self.clock, **options)
        self.transport = SyncASGITransport(create_app(self.emulator))
        self.sleeps: list[float] = []
        self.client = ShopifyClient(
            "https://sandbox.myshopify.com",
            TokenProvider(token=store.access_token),
            api_version="2026-10",
            transport=self.transport,
            sleep=self.sleep,
        )

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.clock.advance(seconds)

    def bulk(self, **options: Any) -> BulkQuery:
        return BulkQuery(self.client, clock=self.clock, **options)

    def close(self) -> None:
        self.client.close()
        self.transport.close()


@pytest.fixture
def harness() -> Iterator[Harness]:
    made = Harness(bulk_start_delay=1.0, bulk_objects_per_second=20.0)
    yield made
    made.close()


def test_run_polls_with_backoff_reports_progress_and_reads_whole_orders(harness: Harness) -> None:
    seen: list[BulkOperation] = []
    operation, rows = harness.bulk().run(
        ORDERS, child_fields=queries.BULK_ORDER_CHILDREN, progress=seen.append
    )
    orders = list(rows)
    assert operation.status == "COMPLETED" and operation.root_object_count == 30
    assert [s.status for s in seen][:2] == ["CREATED", "CREATED"]
    counts = [s.object_count for s in seen]
    assert counts == sorted(counts) and len(set(counts)) > 2  # progress grew poll by poll
    assert harness.sleeps[:3] == [0.5, 0.75, 1.125]  # growing intervals
    assert len(orders) == 30
    for order, node in zip(orders, harness.emulator.store.orders, strict=True):
        assert order["id"] == node["id"]
        assert [li["id"] for li in order["lineItems"]] == [li["id"] for li in node["lineItems"]]
        assert order["shippingLines"][0]["title"] == node["shippingLines"][0]["title"]
        assert [t["id"] for t in order["transactions"]] == [t["id"] for t in node["transactions"]]
        assert [r["id"] for r in order["refunds"]] == [r["id"] for r in node["refunds"]]


def test_polls_never_wait_longer_than_the_policy_allows() -> None:
    slow = Harness(orders=30, bulk_start_delay=0.0, bulk_objects_per_second=0.5)
    try:
        operation, _ = slow.bulk(poll=PollPolicy(first=1.0, factor=2.0, longest=8.0)).run(ORDERS)
        assert operation.status == "COMPLETED"
        assert max(slow.sleeps) == 8.0 and slow.sleeps[:4] == [1.0, 2.0, 4.0, 8.0]
    finally:
        slow.close()


def test_failed_operation_is_a_clear_error(harness: Harness) -> None:
    harness.emulator.bulk.fail_next("INTERNAL_SERVER_ERROR", partial=0.5)
    with pytest.raises(BulkOperationError) as failed:
        harness.bulk().run(ORDERS)
    message = str(failed.value)
    assert "failed with INTERNAL_SERVER_ERROR" in message and "partial data" in message
    assert "run the sync again" in message
    assert failed.value.operation is not None and failed.value.operation.status == "FAILED"


def test_timeout_error_code_gets_its_own_advice(harness: Harness) -> None:
    harness.emulator.bulk.fail_next("TIMEOUT", partial=None)
    with pytest.raises(BulkOperationError, match="--since"):
        harness.bulk().run(ORDERS)


def test_cancelled_on_shopify_while_waiting(harness: Harness) -> None:
    bulk = harness.bulk()
    operation = bulk.start(ORDERS)

    def cancel_elsewhere(op: BulkOperation) -> None:
        if op.status == "RUNNING":
            harness.emulator.bulk.cancel(op.id)

    with pytest.raises(BulkOperationError, match="was cancelled"):
        bulk.wait(operation, cancel_elsewhere)


def test_expired_result(harness: Harness) -> None:
    bulk = harness.bulk()
    operation, _ = bulk.run(ORDERS)
    harness.clock.advance(8 * 86400)
    assert bulk.resumable(operation.id, ORDERS) is None  # EXPIRED: not worth resuming
    expired = bulk.status(operation.id)
    assert expired is not None and expired.status == "EXPIRED"
    with pytest.raises(BulkOperationError, match="expired"):
        bulk.wait(expired)
    assert operation.url is not None
    with pytest.raises(BulkOperationError, match="may have expired"):
        list(bulk.rows(operation))


def test_busy_with_another_query_is_refused(harness: Harness) -> None:
    other = "{ orders { edges { node { id } } } }"
    running = harness.bulk().start(other)
    with pytest.raises(BulkBusyError) as busy:
        harness.bulk().start(ORDERS)
    assert busy.value.running_id == running.id
    assert "already running another bulk export" in str(busy.value)


def test_busy_with_the_same_query_adopts_it(harness: Harness) -> None:
    first = harness.bulk().start(ORDERS)
    again = harness.bulk().start(ORDERS)
    assert again.id == first.id and again.running


def test_giving_up_cancels_the_operation_on_shopify() -> None:
    slow = Harness(orders=30, bulk_start_delay=0.0, bulk_objects_per_second=0.1)
    try:
        bulk = slow.bulk(poll=PollPolicy(timeout=30.0))
        with pytest.raises(BulkOperationError, match="did not finish within 30 s"):
            bulk.run(ORDERS)
        current = bulk.current()
        assert current is not None and current.status == "CANCELED"

        def stop(op: BulkOperation) -> None:
            if op.status == "RUNNING":
                raise SyncCancelled

        with pytest.raises(SyncCancelled):
            slow.bulk().run(ORDERS, progress=stop)
        current = bulk.current()
        assert current is not None and current.status == "CANCELED"
    finally:
        slow.close()


def test_count_orders(harness: Harness) -> None:
    assert count_orders(harness.client, None, limit=10) == 10
    assert count_orders(harness.client, None, limit=100) == 30
    assert count_orders(harness.client, "updated_at:>'2031-01-01'", limit=100) == 0

    class Old(ShopifyClient):
        def execute(self, query: str, variables: Any = None, **kw: Any) -> dict[str, Any]:
            raise ShopifyQueryError("Field 'ordersCount' doesn't exist on type 'QueryRoot'", [])

    old = Old("https://sandbox.myshopify.com", TokenProvider(token="x"), api_version="2024-04")
    assert count_orders(old, None, limit=10) is None


# --- the backfill query --------------------------------------------------------------------------


def selection_tree(selection_set: SelectionSetNode | None) -> dict[str, Any]:
    """Field names under a selection, with connections read through edges/node or nodes."""
    out: dict[str, Any] = {}
    for selection in selection_set.selections if selection_set else ():
        assert isinstance(selection, FieldNode)
        name = selection.name.value
        if name in {"pageInfo", "__typename"}:
            continue
        if name in {"edges", "node", "nodes"}:
            out.update(selection_tree(selection.selection_set))
            continue
        out[name] = selection_tree(selection.selection_set)
    return out


def order_tree(text: str) -> dict[str, Any]:
    document = parse(text)
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    orders = operation.selection_set.selections[0]
    assert isinstance(orders, FieldNode)
    return selection_tree(orders.selection_set)


def test_backfill_query_reads_everything_the_paged_sync_reads() -> None:
    paged = order_tree(queries.ORDERS_QUERY)
    bulk = order_tree(queries.bulk_orders_query("updated_at:>='2026-01-01T00:00:00Z'"))
    assert bulk == paged
    assert set(paged["lineItems"]) >= {"sku", "quantity", "originalUnitPriceSet", "taxLines"}


def test_backfill_query_passes_shopify_s_bulk_rules() -> None:
    plan = plan_bulk_query(load_schema(), queries.bulk_orders_query("updated_at:>='x'"))
    assert plan.root_path == ("orders",)
    assert [path for path, _ in plan.root.children] == [("lineItems",), ("shippingLines",)]


def test_losing_shopify_while_waiting_leaves_the_export_running(harness: Harness) -> None:
    class Flaky(BulkQuery):
        def status(self, gid: str) -> BulkOperation | None:
            raise ShopifyError("Shopify did not answer (ConnectError) after 7 tries")

    operation = harness.bulk().start(ORDERS)
    with pytest.raises(ShopifyError, match="did not answer"):
        Flaky(harness.client, clock=harness.clock).wait(operation)
    adopted = harness.bulk().resumable(operation.id, ORDERS)
    assert adopted is not None and adopted.id == operation.id and adopted.running
