"""Benchmark: the review list's filters and sorts at 100,000 orders, in SQL and in the app.

Run: python tests/bench/bench_review_filter.py [--orders 100000] [--store PATH]
Fills a SQLite store with synthetic rows written straight into the tables (orders with two
lines each, 5% refunded, a payout per 400 orders, a proposal for every record in a spread of
review states and flags), then prints:

* the time of ``ReviewQueue.reload()`` (every key in view, ordered) for several filters/sorts,
  and of reading one 200-row window;
* the time to count the clean rows in view (what `A` asks about);
* in the app (Pilot, 140×40): start to first rows shown, filter typed → rows shown, and the
  median repaint after moving a row and a page.

``--store PATH`` keeps the filled store for the next run. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select

from workbench.services.activity import ReviewQueue
from workbench.services.review import clean_where
from workbench.services.review_filter import SortOrder, parse_filter
from workbench.services.workspace import Workspace
from workbench.store.engine import Store, open_store
from workbench.store.tables import (
    LineItemRow,
    OrderRow,
    PayoutRow,
    ProposalRow,
    RefundRow,
    ShopRow,
)

PRODUCTS = [("HD-BLK-M", "Hoodie", "Black / M"), ("MUG-12OZ", "Mug", None),
            ("TEE-RED-S", "Tee", "Red / S"), ("BNE-CHR", "Beanie", "Charcoal"),
            ("STK-PACK", "Sticker Pack", None)]  # fmt: skip
NAMES = ["Zoë Kowalski", "Siobhan O'Brien", "J. Ng", "Ana Lima", "Ben Okafor", None]
GATEWAYS = ["shopify_payments"] * 8 + ["paypal", "manual"]
STATES = ["pending"] * 6 + ["needs_attention", "approved", "rejected", "posted"]
START = date(2026, 1, 1)


def fill(store: Store, orders: int) -> None:
    rng = random.Random(7)
    chunk = 5_000
    with store.session() as session:
        session.add(ShopRow(id="gid://shopify/Shop/1", name="Bench", domain="bench.myshopify.com",
                            currency="USD", timezone="America/New_York",
                            synced_at=datetime.now(UTC)))  # fmt: skip
    for first in range(0, orders, chunk):
        order_rows: list[dict[str, Any]] = []
        lines: list[dict[str, Any]] = []
        refunds: list[dict[str, Any]] = []
        proposals: list[dict[str, Any]] = []
        for n in range(first, min(first + chunk, orders)):
            number = 1001 + n
            oid = f"gid://shopify/Order/{number}"
            day = START + timedelta(days=n * 330 // orders)
            at = datetime(day.year, day.month, day.day, 15, tzinfo=UTC) + timedelta(seconds=n)
            picks = rng.sample(PRODUCTS, 2)
            prices = [Decimal(rng.randint(500, 9000)) / 100 for _ in picks]
            total = sum(prices, Decimal(0))
            order_rows.append(dict(
                id=oid, legacy_id=str(number), name=f"#{number}", number=number,
                created_at=at, processed_at=at, updated_at=at, cancelled_at=None,
                local_date=day, currency="USD", test=False, financial_status="PAID",
                source_name="web", customer_name=rng.choice(NAMES), email=None,
                subtotal=total, total_discounts=Decimal(0), total_shipping=Decimal(0),
                total_tax=Decimal(0), total_tip=Decimal(0), total_price=total,
                total_received=total, total_refunded=Decimal(0), taxes_included=False,
                edited=False, gateways=rng.choice(GATEWAYS), origin="bulk", raw={},
            ))  # fmt: skip
            target_lines = []
            for i, ((sku, title, variant), price) in enumerate(zip(picks, prices, strict=True)):
                lines.append(dict(
                    id=f"gid://shopify/LineItem/{number}{i}", order_id=oid, position=i, sku=sku,
                    title=title, variant_title=variant, quantity=1, unit_price=price,
                    original_total=price, discount=Decimal(0), tax=Decimal(0),
                    is_gift_card=False, taxable=True,
                    product_key=f"gid://shopify/ProductVariant/{sku}",
                ))  # fmt: skip
                mapped = sku != "STK-PACK"
                target_lines.append({"description": title, "amount": str(price),
                                     "provenance": f"lineItems[{i}].originalUnitPriceSet",
                                     "target": "Item:7" if mapped else None})  # fmt: skip
            state = rng.choice(STATES)
            flags = []
            if any(not line["target"] for line in target_lines):
                state, flags = "needs_attention", [{"code": "unmapped_item", "message": "x"}]
            elif state == "needs_attention":
                flags = [{"code": "duplicate_candidate", "message": "maybe posted"}]
            proposals.append(dict(
                key=f"shopify:order:{number}:v1", source_type="order", source_id=oid,
                entity_type="SalesReceipt", state=state, txn_date=day, doc_number=str(number),
                label=f"SalesReceipt #{number}", total=total, currency="USD", body={},
                lines=target_lines, flags=flags, tieouts=[], tieout_ok=True, source_hash="",
                built_at=at,
            ))  # fmt: skip
            if n % 20 == 0:
                rid = f"gid://shopify/Refund/{number}"
                refunds.append(dict(id=rid, order_id=oid, created_at=at + timedelta(days=2),
                                    local_date=day + timedelta(days=2), note=None,
                                    total=prices[0], raw={}))  # fmt: skip
                proposals.append(dict(
                    key=f"shopify:refund:{number}:v1", source_type="refund", source_id=rid,
                    entity_type="RefundReceipt", state="pending", txn_date=day, label="",
                    total=prices[0], currency="USD", body={}, lines=[], flags=[], tieouts=[],
                    tieout_ok=True, source_hash="", built_at=at,
                ))  # fmt: skip
        with store.session() as session:
            session.execute(insert(OrderRow), order_rows)
            session.execute(insert(LineItemRow), lines)
            if refunds:
                session.execute(insert(RefundRow), refunds)
            session.execute(insert(ProposalRow), proposals)
    with store.session() as session:
        payouts = [
            dict(id=f"gid://shopify/ShopifyPaymentsPayout/{p}", legacy_id=str(p),
                 issued_at=datetime(2026, 1, 2, tzinfo=UTC) + timedelta(days=p),
                 local_date=START + timedelta(days=p + 1), status="PAID",
                 net=Decimal(1000 + p), currency="USD", transaction_type="DEPOSIT", raw={})
            for p in range(max(orders // 400, 1))
        ]  # fmt: skip
        session.execute(insert(PayoutRow), payouts)


def timed(fn: Any, repeat: int = 3) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return best, result


FILTERS = [
    ("", SortOrder.NEWEST),
    ("", SortOrder.LARGEST),
    ("state:approved", SortOrder.NEWEST),
    ("flag:unmapped", SortOrder.NEWEST),
    ("gateway:paypal", SortOrder.NEWEST),
    ("date:2026-11-01..2026-11-30", SortOrder.NEWEST),
    ("hoodie", SortOrder.NEWEST),
    ("zoë 45.00", SortOrder.NEWEST),
    ("#10050", SortOrder.NEWEST),
    ("state:pending gateway:shopify date:2026-06 hoodie", SortOrder.SMALLEST),
]


def bench_sql(store: Store) -> None:
    queue = ReviewQueue(store)
    for text, sort in FILTERS:
        queue.view, queue.sort = parse_filter(text), sort
        seconds, count = timed(queue.reload)
        middle = count // 2
        window, _ = timed(lambda: queue.rows(middle, middle + 200))  # noqa: B023
        label = f"{text or '(no filter)'} / {sort.value}"
        print(f"  reload {label:<58} {count:>7,} rows  {seconds * 1e3:7.1f} ms   "
              f"window of 200 {window * 1e3:5.1f} ms")  # fmt: skip
    queue.view, queue.sort = parse_filter("date:2026-06"), SortOrder.NEWEST
    queue.reload()
    for text in ("date:2026-06", ""):
        queue.view = parse_filter(text)
        seconds, clean = timed(lambda: clean_where(store, queue.proposal_keys_query()), repeat=1)
        print(f"  A: clean rows in view ({text or 'no filter'}): {clean.count:,} counted in "
              f"{seconds * 1e3:.0f} ms")  # fmt: skip


async def bench_app(store: Store) -> None:
    from workbench.tui.app import WorkbenchApp
    from workbench.tui.widgets.activity_list import ActivityList

    started = time.perf_counter()
    app = WorkbenchApp(Workspace(store))
    async with app.run_test(size=(140, 40)) as pilot:
        activity = app.screen.query_one(ActivityList)
        while activity.row_count == 0:
            await asyncio.sleep(0.005)
        await pilot.pause()
        print(f"  app: first rows shown {time.perf_counter() - started:.2f} s after start "
              f"({activity.row_count:,} rows)")  # fmt: skip
        await app.workers.wait_for_complete()
        for text in ("state:needs_attention gateway:paypal", "hoodie date:2026-11"):
            await pilot.press("slash", "ctrl+u", *text)
            t0 = time.perf_counter()
            await pilot.press("enter")
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            print(f"  app: filter {text!r} → {activity.row_count:,} rows shown in "
                  f"{(time.perf_counter() - t0) * 1e3:.0f} ms")  # fmt: skip
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        for key, label in (("j", "row"), ("pagedown", "page")):
            times = []
            for _ in range(30):
                t0 = time.perf_counter()
                await pilot.press(key)
                await pilot.pause()
                times.append(time.perf_counter() - t0)
            print(f"  app: move a {label}: median {statistics.median(times) * 1e3:.1f} ms, "
                  f"max {max(times) * 1e3:.1f} ms")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--store", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = args.store or Path(folder) / "bench.db"
        fresh = not path.exists()
        store = open_store(f"sqlite:///{path}")
        try:
            if fresh:
                t0 = time.perf_counter()
                fill(store, args.orders)
                print(f"filled {args.orders:,} orders in {time.perf_counter() - t0:.1f} s")
            with store.session() as session:
                count = session.scalar(select(func.count()).select_from(OrderRow))
            print(f"store: {count:,} orders")
            bench_sql(store)
            asyncio.run(bench_app(store))
        finally:
            store.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MB")
    json.dumps({})


if __name__ == "__main__":
    main()
