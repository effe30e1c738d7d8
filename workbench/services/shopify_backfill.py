"""Backfilling a large shop's orders with one bulk export instead of thousands of pages.

A first sync of a store with tens of thousands of orders pages five orders at a time under
Shopify's 1,000-point cap, and pays its cost budget for every page. A bulk query has no cap:
Shopify exports every order once, in the background, and the file is read as fast as it can be
written to the store (``reference/shopify.md`` §6).

The export holds everything the paged sync reads except refund details: those are connections
under the ``refunds`` list, which bulk refuses, so they are fetched for the orders that have
refunds with the same batched ``nodes(ids:)`` follow-up the paged sync uses. Orders are saved in
chunks; the orders checkpoint is written last, with the newest ``updatedAt`` of the export (but
no later than the export's start) as its watermark, so the next sync is an ordinary incremental
one from there. While the export runs, the
checkpoint names the operation, so a sync that stops half-way picks the same export up again
(Shopify keeps its result for seven days) instead of starting another.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from itertools import islice
from typing import Any
from zoneinfo import ZoneInfo

from workbench.services.progress import Progress, ProgressCallback, ignore_progress
from workbench.services.shopify_sync import (
    ORDERS_CHECKPOINT,
    SyncResult,
    _since_filter,
    get_checkpoint,
    sync_shopify,
)
from workbench.shopify import paging, queries
from workbench.shopify.bulk import BulkOperation, BulkQuery
from workbench.shopify.client import ShopifyClient
from workbench.shopify.normalize import order_from_graphql
from workbench.store import shopify_repo
from workbench.store.checkpoints import save_checkpoint
from workbench.store.engine import Store
from workbench.store.tables import SyncCheckpointRow

JSON = dict[str, Any]
# Orders normalised and written per transaction: large enough that commits and statement
# set-up are a small share, small enough that a chunk's dicts and rows stay ~20 MB.
CHUNK = 1_000
# REFUND_DETAILS_QUERY costs 124 points per refund: eight fit under the 1,000-point cap.
REFUND_BATCH = 8
PENDING_KEY = "bulk_operation"


def backfill_shopify(
    store: Store,
    client: ShopifyClient,
    *,
    since: date | None = None,
    progress: ProgressCallback = ignore_progress,
) -> SyncResult:
    """A full sync with the orders read by bulk export: shop, orders, payouts, balance."""
    return sync_shopify(store, client, since=since, bulk=True, progress=progress)


def _chunks(rows: Iterable[JSON], size: int) -> Iterator[list[JSON]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _remember(store: Store, operation: BulkOperation, search: str | None) -> None:
    """Name the running export in the checkpoint (the watermark stays where it was)."""
    with store.session() as session:
        row = session.get(SyncCheckpointRow, ORDERS_CHECKPOINT)
        watermark = row.watermark if row else None
        save_checkpoint(
            session, ORDERS_CHECKPOINT, watermark, {"query": search, PENDING_KEY: operation.id}
        )


def backfill_orders(
    store: Store,
    client: ShopifyClient,
    *,
    tz: ZoneInfo,
    since: date | None = None,
    full: bool = False,
    progress: ProgressCallback = ignore_progress,
    runner: BulkQuery | None = None,
    chunk: int = CHUNK,
) -> int:
    """Export the orders updated since the checkpoint (or ``since``) in bulk into the store.

    ``full`` ignores the checkpoint's watermark, as in ``sync_shopify``. Returns the number of
    orders written. ``runner`` carries the polling policy (tests give it a fake clock).
    """
    checkpoint = get_checkpoint(store, ORDERS_CHECKPOINT)
    watermark = checkpoint.watermark if checkpoint and not full else None
    search = _since_filter(since, watermark)
    query = queries.bulk_orders_query(search)
    bulk = runner or BulkQuery(client)
    pending = (checkpoint.detail or {}).get(PENDING_KEY) if checkpoint else None
    operation = (bulk.resumable(pending, query) if pending else None) or bulk.start(query)
    _remember(store, operation, search)

    started = Progress("Shopify bulk export", 0).started
    operation = bulk.wait(
        operation,
        lambda op: progress(Progress("Shopify bulk export", op.object_count, started=started)),
    )
    total = operation.root_object_count or None
    started = Progress("Orders", 0).started
    saved = 0
    for nodes in _chunks(bulk.rows(operation, queries.BULK_ORDER_CHILDREN), chunk):
        for node in nodes:  # an order without lines or shipping has no child rows at all
            node.setdefault("lineItems", [])
            node.setdefault("shippingLines", [])
        paging.complete_orders(client, [n for n in nodes if n.get("refunds")], REFUND_BATCH)
        orders = [order_from_graphql(node, tz) for node in nodes]
        newest = max(o.updated_at for o in orders).strftime("%Y-%m-%dT%H:%M:%SZ")
        watermark = max(watermark or newest, newest)
        with store.session() as session:
            shopify_repo.save_orders(session, orders, nodes, origin="bulk")
        saved += len(orders)
        progress(Progress("Orders", saved, total, started=started))

    # The export is not a snapshot: an order edited while it ran may be in the file as it was
    # before. Capping the watermark at the export's start makes the next sync re-read those.
    if watermark and operation.created_at:
        watermark = min(watermark, operation.created_at)
    with store.session() as session:
        detail = {"query": search, "backfill": operation.id}
        save_checkpoint(session, ORDERS_CHECKPOINT, watermark, detail)
    return saved
