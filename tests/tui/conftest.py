"""A small store filled through the normaliser, and the app over it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.factories import balance_node, order_node, payout_node
from tests.tui.tab_books import add_books
from workbench.services.propose import propose_all
from workbench.shopify.normalize import (
    balance_transaction_from_graphql,
    order_from_graphql,
    payout_from_graphql,
    shop_from_graphql,
)
from workbench.store import shopify_repo
from workbench.store.engine import Store, open_store
from workbench.store.tables import ItemAliasRow, RoleMappingRow

TZ = ZoneInfo("America/New_York")


@pytest.fixture
def small_store(tmp_path: Path) -> Iterator[Store]:
    store = open_store(f"sqlite:///{tmp_path / 'tui.db'}")
    fill_small_store(store)
    yield store
    store.close()


@pytest.fixture
def books(small_store: Store) -> Store:
    """The small store with the QuickBooks company of ``tab_books`` (items, accounts, a
    deposit that may be the payout): what the Payouts, SKUs and Mappings tabs show."""
    add_books(small_store)
    return small_store


def fill_small_store(store: Store) -> None:
    """Four orders (one a test, one cancelled unpaid), a refund, a payout and its balance rows,
    the roles and two aliases, and every proposal built."""
    nodes = [
        order_node(1001, processed_at="2026-11-01T15:00:00Z", customer="Zoë Kowalski"),
        order_node(1002, processed_at="2026-11-02T15:00:00Z", refund="45.00"),
        order_node(1003, processed_at="2026-11-02T16:00:00Z", test=True),
        order_node(1004, processed_at="2026-11-02T17:00:00Z", cancelled=True),
    ]
    payouts = [payout_node(77, "204.92", issued_at="2026-11-04T12:00:00Z")]
    balance = [
        balance_node(1, "CHARGE", "129.00", "4.04", 77, 1001),
        balance_node(2, "CHARGE", "129.00", "4.04", 77, 1002),
        balance_node(3, "REFUND", "-45.00", "0", 77, 1002),
        balance_node(4, "TRANSFER", "-204.92", "0", 77, None),
    ]
    with store.session() as session:
        shopify_repo.save_orders(session, [order_from_graphql(n, TZ) for n in nodes], nodes, "api")
        shopify_repo.save_payouts(session, [payout_from_graphql(n, TZ) for n in payouts], payouts)
        shopify_repo.save_balance_transactions(
            session, [balance_transaction_from_graphql(n, TZ) for n in balance], balance
        )
        shop = {
            "id": "gid://shopify/Shop/1",
            "name": "Fernwood",
            "myshopifyDomain": "fernwood.myshopify.com",
            "currencyCode": "USD",
            "ianaTimezone": "America/New_York",
        }
        shopify_repo.save_shop(session, shop_from_graphql(shop), shop)
        decided = datetime(2026, 11, 3, tzinfo=UTC)
        mappings = [
            ("bank", "Account", "35", "Checking"),
            ("clearing:shopify_payments", "Account", "90", "Shopify Payments Clearing"),
            ("fees", "Account", "60", "Merchant fees"),
            ("customer:generic", "Customer", "58", "Shopify Customer"),
        ]
        for role, kind, qbo_id, name in mappings:
            session.add(
                RoleMappingRow(
                    role=role, qbo_type=kind, qbo_id=qbo_id, name=name, decided_by="tester",
                    decided_at=decided,
                )
            )  # fmt: skip
        aliases = (("HD-BLK-M", "7", "Hoodie Black M"), ("MUG-12OZ", "9", "Mug 12oz"))
        for sku, item, name in aliases:
            session.add(
                ItemAliasRow(
                    product_key=f"gid://shopify/ProductVariant/{sku}", item_id=item,
                    item_name=name, decided_by="tester", decided_at=decided,
                )
            )  # fmt: skip
    propose_all(store)
