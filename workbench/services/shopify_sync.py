"""Pull a shop's orders, payouts, balance transactions and disputes into the store.

Each page is written with its checkpoint in one transaction, so a sync that stops half-way
resumes where it stopped and never skips a record. The watermark steps back by an overlap window
because Shopify's ``updated_at`` index is eventually consistent; upsert by id makes the re-read
harmless.

What the merchant's CSV exports put in the store gives way to the API: an order re-synced
replaces its CSV copy whole (children included, so a ``csv-`` refund goes with it), and a
balance transaction synced removes its Payments-export copy (see ``_supersede_csv_balances``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlmodel import Session, col

from workbench.services.progress import Progress, ProgressCallback, ignore_progress
from workbench.services.rare_gc import rare_collections
from workbench.shopify import csv_payments, paging, queries
from workbench.shopify.bulk import count_orders
from workbench.shopify.client import ShopifyClient
from workbench.shopify.normalize import (
    balance_transaction_from_graphql,
    dispute_from_graphql,
    order_from_graphql,
    payout_from_graphql,
    shop_from_graphql,
)
from workbench.store import shopify_repo
from workbench.store.checkpoints import load_checkpoint, save_checkpoint
from workbench.store.engine import Store
from workbench.store.tables import BalanceTransactionRow, SyncCheckpointRow

OVERLAP = timedelta(minutes=10)
# First page sizes that fit Shopify's 1,000-point cap for our queries; a refused page shrinks.
ORDERS_PAGE = 5
PAYOUTS_PAGE = 60
BALANCE_PAGE = 150
DISPUTES_PAGE = 200
ORDERS_CHECKPOINT = "shopify.orders"
# A first sync of a shop with more orders than this reads them with one bulk export.
BULK_THRESHOLD = 2_500


@dataclass
class SyncResult:
    orders: int = 0
    payouts: int = 0
    balance_transactions: int = 0
    disputes: int = 0
    csv_replaced: int = 0  # balance transactions imported from a CSV export, now synced
    requests: int = 0
    bulk: bool = False  # the orders came from a bulk export


def get_checkpoint(store: Store, source: str) -> SyncCheckpointRow | None:
    with store.session() as session:
        return load_checkpoint(session, source)


def _since_filter(since: date | None, watermark: str | None) -> str | None:
    if watermark:
        moment = datetime.fromisoformat(watermark.replace("Z", "+00:00")) - OVERLAP
        return f"updated_at:>='{moment.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}'"
    if since:
        return f"updated_at:>='{since.isoformat()}T00:00:00Z'"
    return None


def _sync_orders_paged(
    store: Store,
    client: ShopifyClient,
    tz: ZoneInfo,
    checkpoint: SyncCheckpointRow | None,
    since: date | None,
    progress: ProgressCallback,
) -> int:
    """Page orders by updated_at from the checkpoint, saving each page with its cursor."""
    variables: dict[str, Any] = {}
    if checkpoint and checkpoint.cursor:
        # An interrupted run: continue the very same paged query after its last saved page.
        variables["after"] = checkpoint.cursor
        variables["query"] = checkpoint.detail.get("query") if checkpoint.detail else None
    else:
        variables["query"] = _since_filter(since, checkpoint.watermark if checkpoint else None)
    search = variables.get("query")
    watermark = checkpoint.watermark if checkpoint else None
    started = Progress("Orders", 0).started
    done = 0
    for page in paging.pages(
        client,
        queries.ORDERS_QUERY,
        ("orders",),
        first=ORDERS_PAGE,
        after=variables.pop("after", None),
        variables=variables,
    ):
        nodes, cursor, more = page.nodes, page.end_cursor, page.has_next
        paging.complete_orders(client, nodes)
        orders = [order_from_graphql(n, tz) for n in nodes]
        if orders:
            newest = max(o.updated_at for o in orders).strftime("%Y-%m-%dT%H:%M:%SZ")
            watermark = max(watermark or newest, newest)
        with store.session() as session:
            shopify_repo.save_orders(session, orders, nodes, origin="api")
            save_checkpoint(
                session,
                ORDERS_CHECKPOINT,
                watermark,
                {"query": search},
                cursor=cursor if more else None,
            )
        done += len(orders)
        progress(Progress("Orders", done, started=started))
    return done


def _wants_bulk(
    client: ShopifyClient,
    checkpoint: SyncCheckpointRow | None,
    *,
    bulk: bool | None,
    threshold: int,
    since: date | None,
) -> bool:
    """Bulk when asked to; otherwise only for a first sync of a shop with many orders."""
    if bulk is not None:
        return bulk
    if checkpoint is not None and (checkpoint.watermark or checkpoint.cursor):
        return False
    count = count_orders(client, _since_filter(since, None), limit=threshold + 1)
    return count is not None and count > threshold


def sync_shopify(
    store: Store,
    client: ShopifyClient,
    *,
    since: date | None = None,
    full: bool = False,
    bulk: bool | None = None,
    bulk_threshold: int = BULK_THRESHOLD,
    progress: ProgressCallback = ignore_progress,
) -> SyncResult:
    """Shop, then orders (by updated_at, resumable), then payouts and balance transactions.

    Orders come from a bulk export when ``bulk`` is True, or when it is None and this is a first
    sync (no checkpoint, or ``full``) of a shop with more than ``bulk_threshold`` orders.
    """
    with rare_collections():
        return _sync_shopify(store, client, since, full, bulk, bulk_threshold, progress)


def _sync_shopify(
    store: Store,
    client: ShopifyClient,
    since: date | None,
    full: bool,
    bulk: bool | None,
    bulk_threshold: int,
    progress: ProgressCallback,
) -> SyncResult:
    result = SyncResult()
    shop_node = client.execute(queries.SHOP_QUERY)["shop"]
    shop = shop_from_graphql(shop_node)
    tz = ZoneInfo(shop.timezone)
    with store.session() as session:
        shopify_repo.save_shop(session, shop, shop_node)

    checkpoint = None if full else get_checkpoint(store, ORDERS_CHECKPOINT)
    if _wants_bulk(client, checkpoint, bulk=bulk, threshold=bulk_threshold, since=since):
        # Imported here: the backfill module builds on this one's checkpoints.
        from workbench.services.shopify_backfill import backfill_orders

        result.bulk = True
        result.orders = backfill_orders(
            store, client, tz=tz, since=since, full=full, progress=progress
        )
    else:
        result.orders = _sync_orders_paged(store, client, tz, checkpoint, since, progress)

    started = Progress("Payouts", 0).started
    for page in paging.pages(
        client, queries.PAYOUTS_QUERY, ("shopifyPaymentsAccount", "payouts"), first=PAYOUTS_PAGE
    ):
        payouts = [payout_from_graphql(n, tz) for n in page.nodes]
        with store.session() as session:
            shopify_repo.save_payouts(session, payouts, page.nodes)
        result.payouts += len(payouts)
        progress(Progress("Payouts", result.payouts, started=started))

    started = Progress("Balance transactions", 0).started
    with store.session() as session:
        csv_copies = _has_csv_balances(session)
    for page in paging.pages(
        client,
        queries.BALANCE_TRANSACTIONS_QUERY,
        ("shopifyPaymentsAccount", "balanceTransactions"),
        first=BALANCE_PAGE,
    ):
        rows = [balance_transaction_from_graphql(n, tz) for n in page.nodes]
        with store.session() as session:
            fresh = _unseen(session, [r.id for r in rows]) if csv_copies else []
            shopify_repo.save_balance_transactions(session, rows, page.nodes)
            if fresh:
                result.csv_replaced += _supersede_csv_balances(session, fresh)
        result.balance_transactions += len(rows)
        progress(Progress("Balance transactions", result.balance_transactions, started=started))

    result.disputes = _sync_disputes(store, client, tz, progress)
    result.requests = client.requests
    return result


def _sync_disputes(
    store: Store, client: ShopifyClient, tz: ZoneInfo, progress: ProgressCallback
) -> int:
    """Every dispute, every time: a shop has few, and their status moves for weeks."""
    done = 0
    started = Progress("Disputes", 0).started
    for page in paging.pages(
        client, queries.DISPUTES_QUERY, ("shopifyPaymentsAccount", "disputes"), first=DISPUTES_PAGE
    ):
        disputes = [dispute_from_graphql(n, tz) for n in page.nodes]
        with store.session() as session:
            shopify_repo.save_disputes(session, disputes, page.nodes)
        done += len(disputes)
        progress(Progress("Disputes", done, started=started))
    return done


def _has_csv_balances(session: Session) -> bool:
    t = BalanceTransactionRow
    query = select(col(t.id)).where(col(t.id).startswith(csv_payments.ID_PREFIX)).limit(1)
    return session.scalar(query) is not None


def _unseen(session: Session, ids: list[str]) -> list[str]:
    """Which of ``ids`` the store does not hold yet."""
    t = BalanceTransactionRow
    held = set(session.scalars(select(col(t.id)).where(col(t.id).in_(ids))))
    return [i for i in ids if i not in held]


def _supersede_csv_balances(session: Session, fresh: list[str]) -> int:
    """Remove the Payments-export copies of the balance transactions this sync stored first.

    The export has no ids, so a copy is recognised as ``workbench import payments`` recognises
    an API row (``csv_payments.match_key``: order, type, amounts, shop day). Each API row
    stands for at most one copy, and only when it is new to the store: of m identical export
    rows and n identical API rows, max(m − n, 0) copies stay, whichever pages the n arrive on,
    and a later sync (which fetches them again) removes nothing more.
    """
    t = BalanceTransactionRow
    columns = (
        col(t.id), col(t.order_name), col(t.type), col(t.amount), col(t.fee), col(t.net),
        col(t.local_date),
    )  # fmt: skip

    def key(row: Any) -> tuple[Any, ...]:
        return (row.order_name or "", row.type, row.amount, row.fee, row.net, row.local_date)

    api = Counter(key(r) for r in session.execute(select(*columns).where(col(t.id).in_(fresh))))
    days = {k[-1] for k in api if k[-1] is not None}
    if not days:
        return 0
    copies: dict[tuple[Any, ...], list[str]] = {}
    query = select(*columns).where(
        col(t.local_date).in_(days), col(t.id).startswith(csv_payments.ID_PREFIX)
    )
    for row in session.execute(query):
        copies.setdefault(key(row), []).append(row.id)
    doomed = [i for k, ids in copies.items() for i in sorted(ids)[: api[k]]]
    if doomed:
        session.execute(delete(t).where(col(t.id).in_(doomed)))
    return len(doomed)
