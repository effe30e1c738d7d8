"""Behaviour of the Shopify Admin GraphQL emulator, driven over HTTP the way the client uses it.

Expectations come from Shopify's documented behaviour (reference/shopify.md) and from the test
data built here, never from the emulator's own output.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import random
import socket
import threading
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
import uvicorn

from tests.clocks import FakeClock
from workbench.sandbox.dataset import JSON, ShopifyStore
from workbench.sandbox.shopify_emulator import ShopifyEmulator, create_app
from workbench.sandbox.shopify_emulator.samples import (
    ORDER_ID_BASE,
    sample_balance_transaction,
    sample_dispute,
    sample_order,
    sample_payout,
    sample_store,
)
from workbench.sandbox.transport import SyncASGITransport

API = "/admin/api/2026-10/graphql.json"
TOKEN = "shpat_sandbox_token"
INVALID_TOKEN_BODY = {
    "errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"
}
ClientFactory = Callable[[ShopifyEmulator], httpx.Client]
THROTTLED_MESSAGE = {
    "message": "Throttled",
    "extensions": {
        "code": "THROTTLED",
        "documentation": "https://shopify.dev/api/usage/rate-limits",
    },
}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def _client(emulator: ShopifyEmulator) -> httpx.Client:
    return httpx.Client(
        transport=SyncASGITransport(create_app(emulator)),
        base_url="https://sandbox.myshopify.com",
    )


@pytest.fixture
def make_client() -> Iterator[ClientFactory]:
    clients: list[httpx.Client] = []

    def make(emulator: ShopifyEmulator) -> httpx.Client:
        client = _client(emulator)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def gql(
    client: httpx.Client,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    token: str | None = TOKEN,
    path: str = API,
) -> httpx.Response:
    headers = {"X-Shopify-Access-Token": token} if token is not None else {}
    return client.post(path, json={"query": query, "variables": variables or {}}, headers=headers)


def data_of(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body["errors"]
    return body["data"]


def iso(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def store_with(orders: list[JSON]) -> ShopifyStore:
    store = sample_store()
    store.orders.extend(orders)
    return store


def many_orders(count: int, seed: int = 3) -> list[JSON]:
    """Orders with shuffled, partly tied processing times (ties exercise the id tiebreak)."""
    rng = random.Random(seed)
    start = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
    orders = []
    for n in range(count):
        processed = start + dt.timedelta(minutes=rng.randrange(0, 400) * 7)
        updated = processed + dt.timedelta(hours=rng.randrange(0, 500))
        orders.append(sample_order(1000 + n, processed_at=iso(processed), updated_at=iso(updated)))
    rng.shuffle(orders)
    return orders


def expected_order(orders: list[JSON], key: str) -> list[str]:
    """The ids in Shopify's order for a time sort key: by time, then by numeric id."""
    return [o["id"] for o in sorted(orders, key=lambda o: (o[key], int(o["legacyResourceId"])))]


PAGE_QUERY = """
query Page($first: Int, $after: String, $last: Int, $before: String, $reverse: Boolean,
           $sort: OrderSortKeys, $query: String) {
  orders(first: $first, after: $after, last: $last, before: $before, reverse: $reverse,
         sortKey: $sort, query: $query) {
    edges { cursor node { id name } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""


def page_all(client: httpx.Client, **variables: Any) -> tuple[list[str], int]:
    seen: list[str] = []
    pages = 0
    after = None
    while True:
        connection = data_of(gql(client, PAGE_QUERY, {**variables, "after": after}))["orders"]
        pages += 1
        seen += [edge["node"]["id"] for edge in connection["edges"]]
        info = connection["pageInfo"]
        if not info["hasNextPage"]:
            return seen, pages
        assert info["endCursor"] == connection["edges"][-1]["cursor"]
        after = info["endCursor"]


# --- paging -------------------------------------------------------------------------------------


def test_paging_600_orders_visits_each_once_in_processed_at_order(
    make_client: ClientFactory,
) -> None:
    orders = many_orders(600)
    client = make_client(ShopifyEmulator(store_with(orders), throttle=False))
    seen, pages = page_all(client, first=250)
    assert pages == 3
    assert len(seen) == len(set(seen)) == 600
    assert seen == expected_order(orders, "processedAt")


def test_paging_by_updated_at_reversed_and_backwards(make_client: ClientFactory) -> None:
    orders = many_orders(120, seed=11)
    client = make_client(ShopifyEmulator(store_with(orders), throttle=False))
    ascending = expected_order(orders, "updatedAt")
    seen, _ = page_all(client, first=50, sort="UPDATED_AT", reverse=True)
    assert seen == list(reversed(ascending))
    # Walk from the end with last/before: each page arrives in ascending order.
    collected: list[str] = []
    before = None
    while True:
        variables = {"last": 40, "before": before, "sort": "UPDATED_AT"}
        connection = data_of(gql(client, PAGE_QUERY, variables))["orders"]
        collected = [e["node"]["id"] for e in connection["edges"]] + collected
        if not connection["pageInfo"]["hasPreviousPage"]:
            break
        before = connection["pageInfo"]["startCursor"]
    assert collected == ascending


def test_first_page_flags_and_cursor_format(make_client: ClientFactory) -> None:
    orders = [
        sample_order(1001, processed_at="2026-11-02T15:00:00Z"),
        sample_order(1002, processed_at="2026-11-03T09:30:15Z"),
        sample_order(1003, processed_at="2026-11-04T00:00:00Z"),
    ]
    client = make_client(ShopifyEmulator(store_with(orders), throttle=False))
    connection = data_of(gql(client, PAGE_QUERY, {"first": 2}))["orders"]
    assert connection["pageInfo"]["hasNextPage"] is True
    assert connection["pageInfo"]["hasPreviousPage"] is False
    cursor = json.loads(base64.b64decode(connection["pageInfo"]["endCursor"]))
    # The form seen in Shopify's own example: the legacy id and the sort value in UTC.
    assert cursor == {"last_id": ORDER_ID_BASE + 1002, "last_value": "2026-11-03 09:30:15.000000"}
    second = data_of(
        gql(client, PAGE_QUERY, {"first": 2, "after": connection["pageInfo"]["endCursor"]})
    )
    assert [e["node"]["name"] for e in second["orders"]["edges"]] == ["#1003"]
    assert second["orders"]["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": True,
        "startCursor": second["orders"]["edges"][0]["cursor"],
        "endCursor": second["orders"]["edges"][0]["cursor"],
    }


def test_order_updated_mid_sync_moves_behind_the_cursor(make_client: ClientFactory) -> None:
    """An updated_at sync must not skip orders when one changes between two pages."""
    orders = many_orders(30, seed=5)
    emulator = ShopifyEmulator(store_with(orders), throttle=False)
    client = make_client(emulator)
    variables = {"first": 10, "sort": "UPDATED_AT"}
    first = data_of(gql(client, PAGE_QUERY, variables))["orders"]
    page_one = [e["node"]["id"] for e in first["edges"]]
    changed = dict(emulator.order(page_one[0]) or {})
    changed["updatedAt"] = "2027-01-01T00:00:00Z"
    emulator.upsert_order(changed)
    rest: list[str] = []
    after = first["pageInfo"]["endCursor"]
    while after:
        page = data_of(gql(client, PAGE_QUERY, {**variables, "after": after}))["orders"]
        rest += [e["node"]["id"] for e in page["edges"]]
        after = page["pageInfo"]["endCursor"] if page["pageInfo"]["hasNextPage"] else None
    assert set(page_one) | set(rest) == {o["id"] for o in orders}
    assert rest[-1] == page_one[0]  # seen again, last, with its new updatedAt
    assert len(emulator.store.orders) == 30  # replaced in the store, not appended


def test_page_size_cap_and_missing_first(make_client: ClientFactory) -> None:
    client = make_client(ShopifyEmulator(store_with(many_orders(3)), throttle=False))
    for args, needle in (("first: 251", "250"), ("last: 300", "250"), ("", "first or last")):
        body = gql(
            client, f"{{ orders{'(' + args + ')' if args else ''} {{ nodes {{ id }} }} }}"
        ).json()
        assert body["data"] is None
        (error,) = body["errors"]
        assert needle in error["message"]
        assert error["path"] == ["orders"]
        assert "cost" in body["extensions"]
    nested = gql(client, "{ orders(first: 1) { nodes { lineItems { nodes { id } } } } }").json()
    assert nested["errors"][0]["message"] == "you must provide one of first or last"
    assert nested["errors"][0]["path"] == ["orders", "nodes", 0, "lineItems"]


def test_invalid_cursor_is_a_field_error(make_client: ClientFactory) -> None:
    client = make_client(ShopifyEmulator(store_with(many_orders(3)), throttle=False))
    body = gql(client, PAGE_QUERY, {"first": 2, "after": "not-a-cursor"}).json()
    assert body["data"] is None
    assert body["errors"][0]["path"] == ["orders"]
    assert "cursor" in body["errors"][0]["message"].lower()


# --- search -------------------------------------------------------------------------------------


@pytest.fixture
def search_client(make_client: ClientFactory) -> httpx.Client:
    orders = [
        sample_order(1001, processed_at="2026-11-01T12:00:00Z", updated_at="2026-11-01T12:00:00Z"),
        sample_order(
            1002, processed_at="2026-11-02T12:00:00Z", updated_at="2026-11-06T08:00:00Z", test=True
        ),
        sample_order(
            1003,
            processed_at="2026-11-03T12:00:00Z",
            updated_at="2026-11-03T12:00:00Z",
            source_name="pos",
            financial_status="PENDING",
        ),
        sample_order(
            1004,
            # 23:30 in New York on Nov 3rd: not yet Nov 4th in the shop's zone.
            processed_at="2026-11-04T04:30:00Z",
            updated_at="2026-11-05T00:00:00Z",
            cancelled_at="2026-11-05T00:00:00Z",
            closed_at="2026-11-05T00:00:00Z",
            financial_status="VOIDED",
        ),
        sample_order(
            1005,
            processed_at="2026-11-04T12:00:00Z",
            updated_at="2026-11-07T00:00:00Z",
            tags=["wholesale"],
            refunded=True,
        ),
    ]
    return make_client(ShopifyEmulator(store_with(orders), throttle=False))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("updated_at:>='2026-11-05T00:00:00Z'", {"#1002", "#1004", "#1005"}),
        ("updated_at:>'2026-11-05T00:00:00Z'", {"#1002", "#1005"}),
        ("created_at:<'2026-11-03T00:00:00Z'", {"#1001", "#1002"}),
        ("processed_at:>=2026-11-04", {"#1005"}),
        ("processed_at:<=2026-11-02T12:00:00Z", {"#1001", "#1002"}),
        ("test:true", {"#1002"}),
        ("test:false", {"#1001", "#1003", "#1004", "#1005"}),
        ("financial_status:paid", {"#1001", "#1002"}),
        ("financial_status:partially_refunded", {"#1005"}),
        ("status:cancelled", {"#1004"}),
        ("status:open", {"#1001", "#1002", "#1003", "#1005"}),
        ("source_name:pos", {"#1003"}),
        ("name:#1003", {"#1003"}),
        ("name:1003", {"#1003"}),
        (f"id:{ORDER_ID_BASE + 1004}", {"#1004"}),
        (f"id:>={ORDER_ID_BASE + 1004}", {"#1004", "#1005"}),
        ("tag:wholesale", {"#1005"}),
        ("source_name:web AND test:false", {"#1001", "#1004", "#1005"}),
        ("source_name:web test:false status:open", {"#1001", "#1005"}),
        ("source_name:pos OR test:true", {"#1002", "#1003"}),
        ("-source_name:pos NOT test:true", {"#1001", "#1004", "#1005"}),
        ("(test:true OR status:cancelled) updated_at:>='2026-11-05T00:00:00Z'", {"#1002", "#1004"}),
    ],
)
def test_order_search(search_client: httpx.Client, query: str, expected: set[str]) -> None:
    for sort in ("PROCESSED_AT", "UPDATED_AT", "ID"):
        connection = data_of(
            gql(search_client, PAGE_QUERY, {"first": 50, "query": query, "sort": sort})
        )["orders"]
        assert {e["node"]["name"] for e in connection["edges"]} == expected, sort


def test_unknown_search_field_is_ignored_with_a_warning(search_client: httpx.Client) -> None:
    body = gql(search_client, PAGE_QUERY, {"first": 50, "query": "colour:red test:true"}).json()
    assert [e["node"]["name"] for e in body["data"]["orders"]["edges"]] == ["#1002"]
    assert body["extensions"]["search"] == [
        {
            "path": ["orders"],
            "query": "colour:red test:true",
            "warnings": [{"field": "colour", "message": "Invalid search field for this query."}],
        }
    ]


def test_search_pages_with_cursors(search_client: httpx.Client) -> None:
    seen, pages = page_all(search_client, first=1, query="test:false", sort="UPDATED_AT")
    assert pages == 4
    assert len(seen) == 4


# --- Shopify Payments ----------------------------------------------------------------------------


def payments_emulator() -> ShopifyEmulator:
    order = sample_order(1001)
    store = store_with([order])
    paid = sample_payout(501, issued_at="2026-11-02T00:00:00Z", net="76.70")
    scheduled = sample_payout(
        502, issued_at="2026-11-09T00:00:00Z", net="20.00", status="SCHEDULED"
    )
    store.payouts += [scheduled, paid]
    store.balance_transactions += [
        sample_balance_transaction(
            701,
            type="CHARGE",
            amount="79.40",
            fee="2.70",
            payout=paid,
            order=order,
            transaction_date="2026-11-01T10:00:00Z",
        ),
        sample_balance_transaction(
            702,
            type="TRANSFER",
            amount="-76.70",
            payout=paid,
            transaction_date="2026-11-02T00:00:00Z",
        ),
        sample_balance_transaction(
            703,
            type="CHARGE",
            amount="20.60",
            fee="0.60",
            payout=scheduled,
            transaction_date="2026-11-08T10:00:00Z",
        ),
        sample_balance_transaction(
            704,
            type="SHOP_CASH_PARTNER_REBATE",
            amount="3.00",
            transaction_date="2026-11-10T10:00:00Z",
        ),
        sample_balance_transaction(
            705, type="CHARGE", amount="10.00", fee="0.59", transaction_date="2026-11-10T11:00:00Z"
        ),
    ]
    store.disputes += [
        sample_dispute(801, initiated_at="2026-11-03T00:00:00Z", order=order),
        sample_dispute(802, initiated_at="2026-11-05T00:00:00Z", status="WON"),
    ]
    return ShopifyEmulator(store, throttle=False)


PAYOUTS = """
query($query: String, $reverse: Boolean) { shopifyPaymentsAccount {
  payouts(first: 10, query: $query, reverse: $reverse) {
    nodes { id legacyResourceId status issuedAt net { amount currencyCode } }
  }
} }
"""
BALANCE = """
query($query: String, $hide: Boolean) { shopifyPaymentsAccount {
  balanceTransactions(first: 10, query: $query, hideTransfers: $hide) {
    nodes { id type net { amount } associatedPayout { id status } }
  }
} }
"""


@pytest.mark.parametrize(
    ("query", "reverse", "expected"),
    [
        (None, False, ["501", "502"]),
        (None, True, ["502", "501"]),
        ("issued_at:>='2026-11-05T00:00:00Z'", False, ["502"]),
        ("status:scheduled", False, ["502"]),
        ("status:paid", False, ["501"]),
    ],
)
def test_payouts(
    make_client: ClientFactory, query: str | None, reverse: bool, expected: list[str]
) -> None:
    client = make_client(payments_emulator())
    account = data_of(gql(client, PAYOUTS, {"query": query, "reverse": reverse}))
    nodes = account["shopifyPaymentsAccount"]["payouts"]["nodes"]
    assert [n["legacyResourceId"] for n in nodes] == expected


@pytest.mark.parametrize(
    ("query", "hide", "expected"),
    [
        (None, False, ["701", "702", "703", "704", "705"]),
        (None, True, ["701", "703", "704", "705"]),
        ("payments_transfer_id:501", False, ["701", "702"]),
        ("payout_status:pending", False, ["704", "705"]),
        ("transaction_type:charge", False, ["701", "703", "705"]),
        ("payout_status:pending transaction_type:charge", False, ["705"]),
    ],
)
def test_balance_transactions(
    make_client: ClientFactory, query: str | None, hide: bool, expected: list[str]
) -> None:
    client = make_client(payments_emulator())
    account = data_of(gql(client, BALANCE, {"query": query, "hide": hide}))
    nodes = account["shopifyPaymentsAccount"]["balanceTransactions"]["nodes"]
    assert [n["id"].rsplit("/", 1)[1] for n in nodes] == expected


def test_unknown_balance_transaction_type_passes_through(make_client: ClientFactory) -> None:
    client = make_client(payments_emulator())
    body = gql(client, BALANCE, {"query": "payout_status:pending"}).json()
    assert "errors" not in body
    nodes = body["data"]["shopifyPaymentsAccount"]["balanceTransactions"]["nodes"]
    assert nodes[0]["type"] == "SHOP_CASH_PARTNER_REBATE"
    assert nodes[0]["associatedPayout"] == {"id": None, "status": "PENDING"}


def test_balance_disputes_and_dispute_order(make_client: ClientFactory) -> None:
    client = make_client(payments_emulator())
    account = data_of(
        gql(
            client,
            """{ shopifyPaymentsAccount {
                 balance { amount currencyCode }
                 disputes(first: 5) { nodes { id status order { name } } }
                 open: disputes(first: 5, query: "status:needs_response") { nodes { id } }
               } }""",
        )
    )["shopifyPaymentsAccount"]
    # Pending (not yet paid out) nets: 3.00 + 9.41.
    assert account["balance"] == [{"amount": "12.41", "currencyCode": "USD"}]
    assert [(d["id"][-3:], d["order"]) for d in account["disputes"]["nodes"]] == [
        ("802", None),
        ("801", {"name": "#1001"}),
    ]
    assert [d["id"][-3:] for d in account["open"]["nodes"]] == ["801"]


# --- the GraphQL layer ---------------------------------------------------------------------------


def test_unknown_field_is_refused_like_shopify(make_client: ClientFactory) -> None:
    client = make_client(ShopifyEmulator(store_with(many_orders(2)), throttle=False))
    response = gql(client, "{ orders(first: 2) {\n  nodes { id foo } } }")
    assert response.status_code == 200
    body = response.json()
    assert "data" not in body
    assert body["errors"] == [
        {
            "message": "Field 'foo' doesn't exist on type 'Order'",
            "locations": [{"line": 2, "column": 14}],
            "path": ["query", "orders", "nodes", "foo"],
            "extensions": {"code": "undefinedField", "typeName": "Order", "fieldName": "foo"},
        }
    ]
    assert body["extensions"]["cost"]["actualQueryCost"] is None


def test_named_operation_and_argument_errors(make_client: ClientFactory) -> None:
    client = make_client(ShopifyEmulator(store_with([]), throttle=False))
    body = gql(client, "query Sync { orders(first: 1, colour: RED) { nodes { id } } }").json()
    assert body["errors"][0]["message"] == "Field 'orders' doesn't accept argument 'colour'"
    assert body["errors"][0]["path"] == ["query Sync", "orders", "colour"]
    assert body["errors"][0]["extensions"]["code"] == "argumentNotAccepted"
    body = gql(client, "{ order { id } }").json()
    assert body["errors"][0]["extensions"]["code"] == "missingRequiredArguments"


def test_syntax_error(make_client: ClientFactory) -> None:
    client = make_client(ShopifyEmulator(store_with([]), throttle=False))
    response = gql(client, "{ orders(first: 2) { nodes { id }")
    assert response.status_code == 200
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["locations"] == [{"line": 1, "column": 34}]
    assert "cost" in body["extensions"]


def test_fragments_aliases_directives_and_typename(make_client: ClientFactory) -> None:
    order = sample_order(1001, refunded=True)
    client = make_client(ShopifyEmulator(store_with([order]), throttle=False))
    query = """
    query($withLines: Boolean!) {
      o: order(id: "gid://shopify/Order/5000001001") { ...Money __typename number }
      again: order(id: "gid://shopify/Order/5000001001") {
        lineItems(first: 5) @include(if: $withLines) { nodes { sku } }
        refunds { processedAt order { name } refundLineItems(first: 1) { nodes { restocked } } }
      }
    }
    fragment Money on Order { total: totalPriceSet { shopMoney { amount } } }
    """
    data = data_of(gql(client, query, {"withLines": False}))
    assert data["o"] == {
        "total": {"shopMoney": {"amount": "79.4"}},
        "__typename": "Order",
        "number": 1001,
    }
    assert list(data["o"]) == ["total", "__typename", "number"]  # query order
    assert "lineItems" not in data["again"]
    assert data["again"]["refunds"] == [
        {
            "processedAt": order["refunds"][0]["createdAt"],
            "order": {"name": "#1001"},
            "refundLineItems": {"nodes": [{"restocked": True}]},
        }
    ]
    data = data_of(gql(client, query, {"withLines": True}))
    assert data["again"]["lineItems"] == {"nodes": [{"sku": "HOOD-BLK-M"}, {"sku": None}]}


def test_node_lookups_and_resolved_references(make_client: ClientFactory) -> None:
    order = sample_order(1001, refunded=True)
    client = make_client(ShopifyEmulator(store_with([order]), throttle=False))
    line = order["lineItems"][0]["id"]
    refund_txn = order["refunds"][0]["transactions"][0]["id"]
    data = data_of(
        gql(
            client,
            """query($ids: [ID!]!, $line: ID!) {
              node(id: $line) { __typename ... on LineItem { sku discountAllocations {
                discountApplication { index ... on DiscountCodeApplication { code
                  value { ... on MoneyV2 { amount } } } } } } }
              nodes(ids: $ids) { id ... on OrderTransaction { kind
                parentTransaction { kind amountSet { shopMoney { amount } } } order { name } } }
            }""",
            {"ids": [refund_txn, "gid://shopify/Order/1"], "line": line},
        )
    )
    assert data["node"] == {
        "__typename": "LineItem",
        "sku": "HOOD-BLK-M",
        "discountAllocations": [
            {"discountApplication": {"index": 0, "code": "WELCOME5", "value": {"amount": "5.0"}}}
        ],
    }
    assert data["nodes"] == [
        {
            "id": refund_txn,
            "kind": "REFUND",
            "parentTransaction": {"kind": "SALE", "amountSet": {"shopMoney": {"amount": "79.4"}}},
            "order": {"name": "#1001"},
        },
        None,
    ]


def test_bad_data_becomes_field_errors_with_null_bubbling(make_client: ClientFactory) -> None:
    broken = sample_order(1001)
    del broken["totalPriceSet"]
    broken["displayFinancialStatus"] = "paid"  # lower case: not an enum value
    client = make_client(ShopifyEmulator(store_with([broken]), throttle=False))
    body = gql(
        client,
        """{ order(id: "gid://shopify/Order/5000001001") { name totalPriceSet { shopMoney {
             amount } } }
           again: order(id: "gid://shopify/Order/5000001001") { name displayFinancialStatus } }""",
    ).json()
    assert body["data"] == {
        "order": None,
        "again": {"name": "#1001", "displayFinancialStatus": None},
    }
    messages = {tuple(e["path"]): e["message"] for e in body["errors"]}
    assert messages[("order", "totalPriceSet")] == (
        "Cannot return null for non-nullable field Order.totalPriceSet"
    )
    assert "OrderDisplayFinancialStatus" in messages[("again", "displayFinancialStatus")]


def test_money_and_times_are_printed_the_shopify_way(make_client: ClientFactory) -> None:
    order = sample_order(1001, processed_at="2026-11-02T10:00:00+01:00")
    order["totalPriceSet"]["shopMoney"]["amount"] = "10.50"
    order["subtotalPriceSet"]["shopMoney"]["amount"] = "2000"
    order["totalTaxSet"]["shopMoney"]["amount"] = Decimal("-0.50")
    client = make_client(ShopifyEmulator(store_with([order]), throttle=False))
    node = data_of(
        gql(
            client,
            """{ orders(first: 1) { nodes { processedAt legacyResourceId
                 totalPriceSet { shopMoney { amount } } subtotalPriceSet { shopMoney { amount } }
                 totalTaxSet { shopMoney { amount } } } } }""",
        )
    )["orders"]["nodes"][0]
    assert node == {
        "processedAt": "2026-11-02T09:00:00Z",
        "legacyResourceId": str(ORDER_ID_BASE + 1001),
        "totalPriceSet": {"shopMoney": {"amount": "10.5"}},
        "subtotalPriceSet": {"shopMoney": {"amount": "2000.0"}},
        "totalTaxSet": {"shopMoney": {"amount": "-0.5"}},
    }


# --- HTTP, auth and tokens -----------------------------------------------------------------------


def test_auth_paths_and_version_header(make_client: ClientFactory) -> None:
    client = make_client(ShopifyEmulator(store_with([]), throttle=False))
    ok = gql(client, "{ shop { name } }")
    assert ok.status_code == 200
    assert ok.headers["X-Shopify-API-Version"] == "2026-10"
    assert (
        gql(client, "{ shop { name } }", path="/admin/api/unstable/graphql.json").headers[
            "X-Shopify-API-Version"
        ]
        == "unstable"
    )
    # An unsupported old version falls forward to the oldest supported one.
    old = gql(client, "{ shop { name } }", path="/admin/api/2023-01/graphql.json")
    assert old.status_code == 200
    assert old.headers["X-Shopify-API-Version"] == "2024-10"
    for token in (None, "shpat_wrong"):
        refused = gql(client, "{ shop { name } }", token=token)
        assert refused.status_code == 401
        assert refused.json() == INVALID_TOKEN_BODY
    assert (
        gql(client, "{ shop { name } }", path="/admin/api/latest/graphql.json").status_code == 404
    )
    assert (
        gql(client, "{ shop { name } }", path="/admin/api/2026-10/orders.json").status_code == 404
    )
    assert client.get("/nowhere").status_code == 404
    missing = client.post(API, json={"variables": {}}, headers={"X-Shopify-Access-Token": TOKEN})
    assert missing.status_code == 400


def test_client_credentials_grant_and_expiry(make_client: ClientFactory, clock: FakeClock) -> None:
    emulator = ShopifyEmulator(store_with([]), throttle=False, clock=clock, token_ttl=3600)
    client = make_client(emulator)
    store = emulator.store
    form = {
        "grant_type": "client_credentials",
        "client_id": store.client_id,
        "client_secret": store.client_secret,
    }
    by_form = client.post("/admin/oauth/access_token", data=form)
    by_json = client.post("/admin/oauth/access_token", json=form)
    for response in (by_form, by_json):
        assert response.status_code == 200
        body = response.json()
        assert set(body) == {"access_token", "scope", "expires_in"}
        assert body["expires_in"] == 3600
        assert body["access_token"].startswith("shpat_")
    token = by_form.json()["access_token"]
    assert token != by_json.json()["access_token"]
    assert gql(client, "{ shop { name } }", token=token).status_code == 200
    bad = client.post("/admin/oauth/access_token", data={**form, "client_secret": "nope"})
    assert bad.status_code == 400
    assert bad.json()["error"] == "invalid_client"
    wrong_grant = client.post(
        "/admin/oauth/access_token", data={**form, "grant_type": "authorization_code"}
    )
    assert wrong_grant.status_code == 400
    clock.advance(3599)
    assert gql(client, "{ shop { name } }", token=token).status_code == 200
    clock.advance(1)
    expired = gql(client, "{ shop { name } }", token=token)
    assert expired.status_code == 401
    assert expired.json() == INVALID_TOKEN_BODY
    clock.advance(10 * 86400)
    assert gql(client, "{ shop { name } }", token=store.access_token).status_code == 200


# --- cost and throttling -------------------------------------------------------------------------


def test_requested_and_actual_cost(make_client: ClientFactory) -> None:
    orders = [sample_order(1001), sample_order(1002), sample_order(1003)]
    client = make_client(ShopifyEmulator(store_with(orders), throttle=False))
    # Objects 1, scalars 0, connection 2 + first x (node object + its children).
    cases = [
        ("{ shop { id primaryDomain { host } } }", 2, 2),
        (
            "{ orders(first: 10) { edges { cursor node { id totalPriceSet { shopMoney { amount }"
            " } } } pageInfo { hasNextPage } } }",
            2 + 10 * 3,
            2 + 3 * 3,
        ),
        (
            "{ orders(first: 2) { nodes { lineItems(first: 5) { nodes { sku } } } } }",
            2 + 2 * (1 + 2 + 5 * 1),
            2 + 2 * (1 + 2 + 2 * 1),
        ),
    ]
    for query, requested, actual in cases:
        cost = gql(client, query).json()["extensions"]["cost"]
        assert (cost["requestedQueryCost"], cost["actualQueryCost"]) == (requested, actual), query


def test_bucket_drains_throttles_and_recovers(make_client: ClientFactory, clock: FakeClock) -> None:
    emulator = ShopifyEmulator(
        store_with(many_orders(60)), clock=clock, bucket_size=100.0, restore_rate=10.0
    )
    client = make_client(emulator)
    query = "{ orders(first: 50) { nodes { id } } }"  # costs 52, and 52 rows exist
    first = gql(client, query)
    assert first.json()["extensions"]["cost"] == {
        "requestedQueryCost": 52,
        "actualQueryCost": 52,
        "throttleStatus": {
            "maximumAvailable": 100.0,
            "currentlyAvailable": 48,
            "restoreRate": 10.0,
        },
    }
    throttled = gql(client, query)
    assert throttled.status_code == 200
    assert throttled.json() == {
        "errors": [THROTTLED_MESSAGE],
        "extensions": {
            "cost": {
                "requestedQueryCost": 52,
                "actualQueryCost": None,
                "throttleStatus": {
                    "maximumAvailable": 100.0,
                    "currentlyAvailable": 48,
                    "restoreRate": 10.0,
                },
            }
        },
    }
    clock.advance(0.3)  # 48 + 3: still short of 52
    assert gql(client, query).json()["errors"] == [THROTTLED_MESSAGE]
    clock.advance(0.1)
    recovered = gql(client, query).json()
    assert "errors" not in recovered
    assert recovered["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] == 0
    # Another token has its own bucket.
    issued = emulator.issue_token(emulator.store.client_id, emulator.store.client_secret)
    assert issued is not None
    assert "errors" not in gql(client, query, token=issued.token).json()


def test_unused_cost_is_refunded(make_client: ClientFactory, clock: FakeClock) -> None:
    emulator = ShopifyEmulator(store_with(many_orders(3)), clock=clock, bucket_size=300.0)
    client = make_client(emulator)
    cost = gql(client, "{ orders(first: 250) { nodes { id } } }").json()["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 252
    assert cost["actualQueryCost"] == 5
    assert cost["throttleStatus"]["currentlyAvailable"] == 295


def test_throttle_off_still_reports_cost(make_client: ClientFactory, clock: FakeClock) -> None:
    emulator = ShopifyEmulator(
        store_with(many_orders(60)), clock=clock, bucket_size=100.0, throttle=False
    )
    client = make_client(emulator)
    for _ in range(5):
        body = gql(client, "{ orders(first: 50) { nodes { id } } }").json()
        assert "errors" not in body
        assert body["extensions"]["cost"]["requestedQueryCost"] == 52


def test_single_query_cost_cap(make_client: ClientFactory) -> None:
    emulator = ShopifyEmulator(store_with(many_orders(3)), bucket_size=2000.0)
    client = make_client(emulator)
    body = gql(client, "{ orders(first: 250) { nodes { lineItems(first: 10) { nodes { id } } } } }")
    payload = body.json()
    assert body.status_code == 200
    assert "data" not in payload
    (error,) = payload["errors"]
    requested = 2 + 250 * (1 + 2 + 10)
    assert error["extensions"] == {
        "code": "MAX_COST_EXCEEDED",
        "cost": requested,
        "maxCost": 1000,
        "documentation": "https://shopify.dev/api/usage/rate-limits",
    }
    assert error["message"].startswith(
        f"Query cost is {requested}, which exceeds the single query max cost limit (1000)."
    )
    assert payload["extensions"]["cost"]["requestedQueryCost"] == requested
    assert payload["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] == 2000
    lifted = ShopifyEmulator(store_with(many_orders(3)), max_query_cost=None, throttle=False)
    assert (
        "errors"
        not in gql(
            make_client(lifted),
            "{ orders(first: 250) { nodes { lineItems(first: 10) { nodes { id } } } } }",
        ).json()
    )


# --- real HTTP -----------------------------------------------------------------------------------


def test_served_over_real_http_by_uvicorn() -> None:
    emulator = ShopifyEmulator(store_with([sample_order(1001)]), throttle=False)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(emulator), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.01)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5) as client:
            response = gql(client, "{ orders(first: 5) { nodes { name } } }")
            assert response.headers["X-Shopify-API-Version"] == "2026-10"
            assert data_of(response) == {"orders": {"nodes": [{"name": "#1001"}]}}
            assert gql(client, "{ shop { name } }", token="bad").status_code == 401
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
