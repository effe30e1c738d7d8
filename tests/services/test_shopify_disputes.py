"""Shopify Payments disputes: synced whole, kept current as their status moves, counted by
``workbench status``, and tied to the balance transactions that carry their money."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from workbench.sandbox.generator import generate
from workbench.sandbox.shopify_emulator import ShopifyEmulator, create_app
from workbench.sandbox.shopify_emulator.samples import sample_dispute
from workbench.sandbox.transport import SyncASGITransport
from workbench.services.shopify_sync import sync_shopify
from workbench.services.status import status
from workbench.shopify.client import ShopifyClient, TokenProvider
from workbench.store.engine import Store, open_store
from workbench.store.tables import BalanceTransactionRow, DisputeRow

END = date(2026, 11, 20)


@pytest.fixture(scope="module")
def data() -> Any:
    # 5,000 orders would give two generated disputes; extra ones are added per test instead.
    return generate(seed=11, orders=150, end=END)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(f"sqlite:///{tmp_path / 'disputes.db'}")
    yield opened
    opened.close()


@pytest.fixture
def emulator(data: Any) -> Iterator[ShopifyEmulator]:
    shop = copy.deepcopy(data.store)
    orders = shop.orders
    # Enough disputes for several pages, some tied to an order, with both kinds of dates.
    shop.disputes += [
        sample_dispute(
            900 + k,
            initiated_at=f"2026-10-{1 + k % 28:02d}T12:00:00Z",
            order=orders[k] if k % 2 else None,
            status=("NEEDS_RESPONSE", "WON", "LOST", "UNDER_REVIEW")[k % 4],
        )
        for k in range(45)
    ]
    yield ShopifyEmulator(shop, throttle=False)


def _client(emulator: ShopifyEmulator, transport: SyncASGITransport) -> ShopifyClient:
    return ShopifyClient(
        "https://fernwood.myshopify.com",
        TokenProvider(token=emulator.store.access_token),
        api_version="2026-10",
        transport=transport,
    )


@pytest.fixture
def transport(emulator: ShopifyEmulator) -> Iterator[SyncASGITransport]:
    opened = SyncASGITransport(create_app(emulator))
    yield opened
    opened.shutdown()


def _shop_day(value: str | None, zone: ZoneInfo) -> date | None:
    """A Date is taken as written; a DateTime (as Shopify's own example sends) on the shop's
    calendar."""
    if value is None:
        return None
    if len(value) == 10:
        return date.fromisoformat(value)
    return datetime.fromisoformat(value).astimezone(zone).date()


def _stored(store: Store) -> dict[str, DisputeRow]:
    with store.session() as session:
        return {row.id: row for row in session.scalars(select(DisputeRow))}


def test_every_dispute_is_stored_as_shopify_has_it(
    emulator: ShopifyEmulator, transport: SyncASGITransport, store: Store, monkeypatch: Any
) -> None:
    # Small pages, so that paging through disputes is exercised too.
    monkeypatch.setattr("workbench.services.shopify_sync.DISPUTES_PAGE", 10)
    result = sync_shopify(store, _client(emulator, transport))
    expected = emulator.store.disputes
    zone = ZoneInfo(emulator.store.shop["ianaTimezone"])
    assert result.disputes == len(expected) > 45
    stored = _stored(store)
    assert set(stored) == {d["id"] for d in expected}
    for node in expected:
        row = stored[node["id"]]
        assert row.status == node["status"]
        assert row.type == node["type"]
        assert row.amount == Decimal(node["amount"]["amount"])
        assert row.currency == node["amount"]["currencyCode"]
        assert row.reason == node["reasonDetails"]["reason"]
        assert row.order_id == (node["order"] or {}).get("id")
        assert row.order_name == (node["order"] or {}).get("name")
        assert row.initiated_at.isoformat().startswith(node["initiatedAt"][:19])
        assert row.evidence_due_by == _shop_day(node["evidenceDueBy"], zone)
        assert row.evidence_sent_on == _shop_day(node["evidenceSentOn"], zone)
        assert row.finalized_on == _shop_day(node["finalizedOn"], zone)
    assert status(store)["disputes"] == len(expected)


def test_a_dispute_whose_status_moves_is_updated_and_resync_adds_nothing(
    emulator: ShopifyEmulator, transport: SyncASGITransport, store: Store
) -> None:
    sync_shopify(store, _client(emulator, transport))
    before = _stored(store)
    changed = copy.deepcopy(emulator.disputes.get("gid://shopify/ShopifyPaymentsDispute/900"))
    assert changed["status"] == "NEEDS_RESPONSE"
    changed.update(status="WON", finalizedOn="2026-11-02", evidenceSentOn="2026-10-05")
    emulator.add_dispute(changed)
    sync_shopify(store, _client(emulator, transport))
    after = _stored(store)
    assert set(after) == set(before)
    row = after[changed["id"]]
    assert (row.status, row.finalized_on, row.evidence_sent_on) == (
        "WON",
        date(2026, 11, 2),
        date(2026, 10, 5),
    )
    assert row.raw["status"] == "WON"


def test_generated_disputes_match_their_balance_transactions(
    data: Any, emulator: ShopifyEmulator, transport: SyncASGITransport, store: Store
) -> None:
    """The sandbox's disputes and its DISPUTE balance lines describe the same chargebacks."""
    sync_shopify(store, _client(emulator, transport))
    generated = {d["id"] for d in data.store.disputes}
    assert generated
    with store.session() as session:
        lines = session.scalars(
            select(BalanceTransactionRow).where(BalanceTransactionRow.source_type == "DISPUTE")  # type: ignore[arg-type]
        ).all()
    stored = _stored(store)
    for gid in generated:
        dispute = stored[gid]
        mine = [b for b in lines if b.source_id == dispute.legacy_id]
        withdrawal = [b for b in mine if b.type == "DISPUTE_WITHDRAWAL"]
        assert len(withdrawal) == 1 and withdrawal[0].amount == -dispute.amount
        assert withdrawal[0].order_id == dispute.order_id is not None
        reversal = [b for b in mine if b.type == "DISPUTE_REVERSAL"]
        assert len(reversal) == (1 if dispute.status == "WON" else 0)
        if dispute.evidence_sent_on is not None:
            assert dispute.evidence_sent_on <= END
