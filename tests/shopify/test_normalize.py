"""Shopify's published GraphQL examples normalise without losing a record or a cent."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from workbench.shopify.normalize import (
    NormalizeError,
    balance_transaction_from_graphql,
    dispute_from_graphql,
    items,
    order_from_graphql,
    payout_from_graphql,
)

NEW_YORK = ZoneInfo("America/New_York")


def load(shared_fixtures: Path, name: str) -> dict:  # type: ignore[type-arg]
    return json.loads((shared_fixtures / "shopify" / name).read_text(encoding="utf-8"))


def test_orders_details_example(shared_fixtures: Path) -> None:
    data = load(shared_fixtures, "orders_details_graphql_docs_example.json")
    nodes = items(data["orders"])
    orders = [order_from_graphql(n, NEW_YORK) for n in nodes]
    assert len(orders) == len(nodes) > 0
    for node, order in zip(nodes, orders, strict=True):
        assert order.id == node["id"]
        assert order.name == node["name"]
        assert order.total_price == Decimal(node["totalPriceSet"]["shopMoney"]["amount"])
        assert order.currency == node["totalPriceSet"]["shopMoney"]["currencyCode"]
        assert len(order.line_items) == len(items(node["lineItems"]))
        for li, raw in zip(order.line_items, items(node["lineItems"]), strict=True):
            assert li.sku == raw["sku"]
            assert li.quantity == raw["quantity"]
            assert li.variant_id == raw["variant"]["id"]
            assert li.product_key == raw["variant"]["id"]


def test_payouts_example(shared_fixtures: Path) -> None:
    data = load(shared_fixtures, "payouts_graphql_docs_example.json")
    nodes = items(data["shopifyPaymentsAccount"]["payouts"])
    payouts = [payout_from_graphql(n, NEW_YORK) for n in nodes]
    assert {p.status for p in payouts} == {n["status"] for n in nodes}
    for node, payout in zip(nodes, payouts, strict=True):
        assert payout.net == Decimal(node["net"]["amount"])
        assert payout.legacy_id == node["id"].rsplit("/", 1)[-1]
        # Every example is issued at midnight UTC, which is the evening before in New York:
        # dates are shop-local.
        assert node["issuedAt"].endswith("T00:00:00Z")
        utc_day = date.fromisoformat(node["issuedAt"][:10])
        assert payout.local_date == utc_day - timedelta(days=1)


def test_balance_transactions_example(shared_fixtures: Path) -> None:
    data = load(shared_fixtures, "balance_transactions_graphql_docs_example.json")
    nodes = items(data["shopifyPaymentsAccount"]["balanceTransactions"])
    rows = [balance_transaction_from_graphql(n, NEW_YORK) for n in nodes]
    assert len(rows) == len(nodes)
    for node, row in zip(nodes, rows, strict=True):
        assert row.type == node["type"]
        assert row.net == Decimal(node["net"]["amount"])
        assert row.amount == Decimal(node["amount"]["amount"])
        assert row.payout_id == (node.get("associatedPayout") or {}).get("id")


def test_unknown_balance_type_is_kept_and_marked() -> None:
    node = {
        "id": "gid://shopify/ShopifyPaymentsBalanceTransaction/1",
        "type": "SHOP_CASH_CREDIT_FUTURE",
        "test": False,
        "amount": {"amount": "5.0", "currencyCode": "USD"},
        "fee": {"amount": "0.0", "currencyCode": "USD"},
        "net": {"amount": "5.0", "currencyCode": "USD"},
        "transactionDate": "2026-11-02T12:00:00Z",
        "associatedPayout": {"id": None, "status": "PENDING"},
    }
    row = balance_transaction_from_graphql(node, NEW_YORK)
    assert row.type == "SHOP_CASH_CREDIT_FUTURE"
    assert not row.known_type


def test_missing_date_names_the_record() -> None:
    with pytest.raises(NormalizeError, match="payout gid://shopify/ShopifyPaymentsPayout/9"):
        payout_from_graphql({"id": "gid://shopify/ShopifyPaymentsPayout/9"}, NEW_YORK)


def test_connection_shapes_read_alike() -> None:
    node = {"id": "a"}
    assert items({"edges": [{"node": node}]}) == items({"nodes": [node]}) == items([node])
    assert items(None) == []


def test_disputes_example(shared_fixtures: Path) -> None:
    """Shopify's published disputes parse whole: every node, exact amounts, both date forms."""
    data = load(shared_fixtures, "disputes_graphql_docs_example.json")
    nodes = items(data["shopifyPaymentsAccount"]["disputes"])
    disputes = [dispute_from_graphql(n, NEW_YORK) for n in nodes]
    assert len(disputes) == len(nodes) == 10
    for node, dispute in zip(nodes, disputes, strict=True):
        assert dispute.id == node["id"]
        assert dispute.legacy_id == node["id"].rsplit("/", 1)[-1]
        assert (dispute.type, dispute.status) == (node["type"], node["status"])
        assert dispute.amount == Decimal(node["amount"]["amount"])
        assert dispute.currency == node["amount"]["currencyCode"]
        assert dispute.reason == node["reasonDetails"]["reason"]
        assert dispute.network_reason_code == node["reasonDetails"]["networkReasonCode"]
        assert dispute.initiated_at.tzinfo is not None
        assert (dispute.evidence_due_by is None) == (node["evidenceDueBy"] is None)
        assert (dispute.evidence_sent_on is None) == (node["evidenceSentOn"] is None)
        assert dispute.order_id is None  # the example selects no order
    first = disputes[0]
    # "2013-07-03T19:00:00-04:00" is July 3rd in New York; initiated at midnight UTC on May 4th
    # is still May 3rd there.
    assert first.evidence_due_by == date(2013, 7, 3)
    assert first.evidence_sent_on == date(2013, 7, 4)
    assert first.local_date == date(2013, 5, 3)
    assert first.amount == Decimal("100.0") and first.status == "WON"


def test_a_dispute_with_plain_dates_and_an_order() -> None:
    node = {
        "id": "gid://shopify/ShopifyPaymentsDispute/7",
        "legacyResourceId": "7",
        "type": "INQUIRY",
        "status": "UNDER_REVIEW",
        "amount": {"amount": "12.34", "currencyCode": "CAD"},
        "reasonDetails": {"reason": "PRODUCT_NOT_RECEIVED", "networkReasonCode": None},
        "initiatedAt": "2026-11-01T03:00:00Z",
        "evidenceDueBy": "2026-11-15",
        "evidenceSentOn": None,
        "finalizedOn": "2026-11-30",
        "order": {"id": "gid://shopify/Order/1", "name": "#1001"},
    }
    dispute = dispute_from_graphql(node, NEW_YORK)
    assert dispute.local_date == date(2026, 10, 31)
    assert dispute.evidence_due_by == date(2026, 11, 15)
    assert dispute.finalized_on == date(2026, 11, 30)
    assert dispute.network_reason_code is None
    assert (dispute.order_id, dispute.order_name) == ("gid://shopify/Order/1", "#1001")
    with pytest.raises(NormalizeError, match="initiatedAt"):
        dispute_from_graphql({**node, "initiatedAt": None}, NEW_YORK)
