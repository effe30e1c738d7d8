"""Demo and test data: a Shopify store and the QBO company its books are kept in.

``generate`` is deterministic in (seed, orders, end) so that tests, benchmarks, screenshots
and the demo all see the same shop. Each part draws from its own random stream, so growing
one part (say, the number of orders) does not reshuffle the others' choices more than needed.
"""

from __future__ import annotations

import datetime as dt
import gc
import random

from workbench.sandbox.catalog import SHOP_NAME, build_catalog
from workbench.sandbox.dataset import SandboxData, ShopifyStore
from workbench.sandbox.generator_base import Ids, local_ts
from workbench.sandbox.generator_model import Ledger
from workbench.sandbox.generator_orders import OrderFactory, schedule
from workbench.sandbox.generator_payments import build_payments
from workbench.sandbox.generator_people import build_customers
from workbench.sandbox.generator_qbo import build_company

ORDERS_PER_DAY = 30
_OPEN, _CLOSE = 8 * 3600, 23 * 3600  # local shop hours in which orders are placed


def _shop(number: int) -> dict[str, object]:
    return {
        "id": f"gid://shopify/Shop/{number}",
        "name": SHOP_NAME,
        "email": "hello@fernwoodsupply.com",
        "myshopifyDomain": "fernwood-supply.myshopify.com",
        "primaryDomain": {
            "host": "www.fernwoodsupply.com",
            "url": "https://www.fernwoodsupply.com",
        },
        "currencyCode": "USD",
        "ianaTimezone": "America/New_York",
        "taxesIncluded": False,
    }


def order_days(orders: int, end: dt.date) -> list[dt.date]:
    """The shop-local days the orders fall on: about 30 a day, ending on ``end``."""
    count = max(1, -(-orders // ORDERS_PER_DAY))
    return [end - dt.timedelta(days=count - 1 - k) for k in range(count)]


def generate(seed: int = 7, orders: int = 500, *, end: dt.date | None = None) -> SandboxData:
    """A store with ``orders`` orders over the days ending at ``end`` (today if None), and
    the QBO company whose books should receive them."""
    if orders < 0:
        raise ValueError("orders must be zero or more")
    if end is None:
        end = dt.date.today()
    # The output is millions of small acyclic dicts; letting the cyclic collector rescan the
    # growing heap while they are built more than doubles the run time, and finds nothing.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _generate(seed, orders, end)
    finally:
        if paused:
            gc.enable()


def _generate(seed: int, orders: int, end: dt.date) -> SandboxData:
    days = order_days(orders, end)
    ids = Ids()
    catalog = build_catalog(random.Random(f"catalog:{seed}"), ids, orders // 250)
    customers = build_customers(random.Random(f"customers:{seed}"), ids, max(40, orders // 4))
    ledger = Ledger()
    end_ts = local_ts(end, 86399)
    rng = random.Random(f"orders:{seed}")
    factory = OrderFactory(rng, ids, catalog, customers, ledger, end_ts)
    forced = schedule(orders)
    store_orders = []
    for day_index, day in enumerate(days):
        first = day_index * orders // len(days)
        last = (day_index + 1) * orders // len(days)
        seconds = sorted(rng.randint(_OPEN, _CLOSE) for _ in range(last - first))
        midnight = local_ts(day, 0)
        for index, offset in zip(range(first, last), seconds, strict=True):
            store_orders.append(factory.build(index, midnight + offset, forced.get(index)))
    payments = build_payments(random.Random(f"payments:{seed}"), ids, ledger, days, orders)
    truth: dict[str, str | None] = {}
    company = build_company(
        random.Random(f"qbo:{seed}"),
        catalog,
        customers,
        payments.payouts,
        payments.payout_dates,
        end,
        truth,
    )
    store = ShopifyStore(
        shop=_shop(random.Random(f"shop:{seed}").randint(50_000_000, 99_999_999)),
        orders=store_orders,
        payouts=payments.payouts,
        balance_transactions=payments.balance_transactions,
        disputes=payments.disputes,
    )
    return SandboxData(store=store, company=company, seed=seed, item_truth=truth)


__all__ = ["generate", "order_days"]
