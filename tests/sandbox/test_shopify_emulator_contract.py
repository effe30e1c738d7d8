"""The emulator's answers have the shape of Shopify's own published examples.

Each docs example in fixtures/shopify holds the ``data`` of a real response. The emulator is
seeded with small hand-built data, asked the same selection set as the example, and must
produce every key path of the example with the same JSON types (extra variants are allowed: an
example showing only ``associatedOrder: null`` does not forbid an order). Money must be an
unpadded decimal string and ids GIDs, as in the examples. The throttled example must be
reproduced exactly, numbers included.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from workbench.sandbox.dataset import JSON
from workbench.sandbox.shopify_emulator import ShopifyEmulator, create_app
from workbench.sandbox.shopify_emulator.samples import (
    sample_balance_transaction,
    sample_dispute,
    sample_order,
    sample_payout,
    sample_store,
)
from workbench.sandbox.transport import SyncASGITransport

API = "/admin/api/2026-10/graphql.json"
MONEY = re.compile(r"^-?\d+\.(0|\d*[1-9])$")
GID = re.compile(r"^gid://shopify/[A-Za-z]+/\d+$")
ClientFactory = Callable[[ShopifyEmulator], httpx.Client]
CURSOR_VALUE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$")


def load(shared_fixtures: Path, name: str) -> Any:
    return json.loads((shared_fixtures / "shopify" / name).read_text())


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def shape(
    value: Any, path: str = "", out: dict[str, set[str]] | None = None
) -> dict[str, set[str]]:
    """Every key path (list items merged under ``[]``) with the JSON types seen there."""
    out = {} if out is None else out
    out.setdefault(path, set()).add(json_type(value))
    if isinstance(value, dict):
        for key, item in value.items():
            shape(item, f"{path}.{key}", out)
    elif isinstance(value, list):
        for item in value:
            shape(item, f"{path}[]", out)
    return out


def assert_same_shape(example: Any, served: Any) -> None:
    expected, got = shape(example), shape(served)
    missing = sorted(set(expected) - set(got))
    assert not missing, f"key paths of the example missing from the response: {missing}"
    for path, types in expected.items():
        assert types <= got[path], f"{path}: example has {types}, emulator served {got[path]}"


def walk(value: Any, key: str | None = None) -> Iterator[tuple[str | None, Any]]:
    yield key, value
    if isinstance(value, dict):
        for k, v in value.items():
            yield from walk(v, k)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item, key)


def assert_wire_formats(served: Any) -> None:
    for key, value in walk(served):
        if key == "amount" and not isinstance(value, dict | None):  # a MoneyV2 may be "amount"
            assert isinstance(value, str) and MONEY.match(value), f"money {value!r}"
        if key == "id" and value is not None:
            assert isinstance(value, str) and GID.match(value), f"id {value!r}"


@pytest.fixture
def client_for() -> Iterator[ClientFactory]:
    clients: list[httpx.Client] = []

    def make(emulator: ShopifyEmulator) -> httpx.Client:
        client = httpx.Client(
            transport=SyncASGITransport(create_app(emulator)),
            base_url="https://sandbox.myshopify.com",
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def run(client: httpx.Client, query: str) -> Any:
    response = client.post(
        API, json={"query": query}, headers={"X-Shopify-Access-Token": "shpat_sandbox_token"}
    )
    assert response.status_code == 200
    body = response.json()
    assert "errors" not in body, body["errors"]
    assert set(body["extensions"]["cost"]) == {
        "requestedQueryCost",
        "actualQueryCost",
        "throttleStatus",
    }
    return body["data"]


def order_emulator(count: int = 12) -> ShopifyEmulator:
    store = sample_store()
    start = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)
    for n in range(count):
        moment = (start + dt.timedelta(hours=5 * n)).strftime("%Y-%m-%dT%H:%M:%SZ")
        store.orders.append(sample_order(2000 + n, processed_at=moment, refunded=n % 4 == 0))
    return ShopifyEmulator(store, throttle=False)


def test_orders_details(shared_fixtures: Path, client_for: ClientFactory) -> None:
    example = load(shared_fixtures, "orders_details_graphql_docs_example.json")
    served = run(
        client_for(order_emulator()),
        """query { orders(first: 10) { edges { node {
             id name createdAt displayFinancialStatus displayFulfillmentStatus
             totalPriceSet { shopMoney { amount currencyCode } }
             subtotalPriceSet { shopMoney { amount currencyCode } }
             email
             shippingAddress { address1 city zip }
             lineItems(first: 10) { edges { node { name quantity sku variant { id title } } } }
           } } } }""",
    )
    assert_same_shape(example, served)
    assert_wire_formats(served)


def test_orders_pagination(shared_fixtures: Path, client_for: ClientFactory) -> None:
    example = load(shared_fixtures, "orders_pagination_graphql_docs_example.json")
    served = run(
        client_for(order_emulator()),
        """query { orders(first: 10) { edges { cursor node { id } }
             pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }""",
    )
    assert_same_shape(example, served)
    assert_wire_formats(served)
    assert served["orders"]["pageInfo"]["hasNextPage"] is True  # as in the example: 12 > 10
    assert served["orders"]["pageInfo"]["hasPreviousPage"] is False
    theirs = json.loads(base64.b64decode(example["orders"]["edges"][0]["cursor"]))
    ours = json.loads(base64.b64decode(served["orders"]["edges"][0]["cursor"]))
    assert set(ours) == set(theirs) == {"last_id", "last_value"}
    assert CURSOR_VALUE.match(theirs["last_value"]) and CURSOR_VALUE.match(ours["last_value"])
    assert f"gid://shopify/Order/{ours['last_id']}" == served["orders"]["edges"][0]["node"]["id"]


def test_orders_updated_at_filter(shared_fixtures: Path, client_for: ClientFactory) -> None:
    example = load(shared_fixtures, "orders_updated_at_filter_graphql_docs_example.json")
    served = run(
        client_for(order_emulator()),
        """query { orders(first: 10, query: "updated_at:>'2026-11-02T00:00:00Z'") {
             edges { node { id updatedAt } } } }""",
    )
    assert_same_shape(example, served)
    stamps = [edge["node"]["updatedAt"] for edge in served["orders"]["edges"]]
    assert stamps and all(stamp > "2026-11-02T00:00:00Z" for stamp in stamps)
    assert all(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", stamp) for stamp in stamps)


def payments_emulator() -> ShopifyEmulator:
    store = sample_store()
    order = sample_order(2000)
    store.orders.append(order)
    payouts = [
        sample_payout(623721858, issued_at="2026-11-12T00:00:00Z", net="41.90"),
        sample_payout(631321250, issued_at="2026-11-13T00:00:00Z", net="41.9", status="SCHEDULED"),
        sample_payout(714327683, issued_at="2026-11-14T00:00:00Z", net="43.12", status="FAILED"),
    ]
    store.payouts.extend(payouts)
    store.balance_transactions += [
        sample_balance_transaction(
            44598600,
            type="TRANSFER",
            amount="-41.90",
            payout=payouts[0],
            transaction_date="2026-11-12T00:00:00Z",
        ),
        sample_balance_transaction(
            714327684,
            type="TRANSFER_FAILURE",
            amount="43.12",
            payout=payouts[2],
            transaction_date="2026-11-15T00:00:00Z",
        ),
        sample_balance_transaction(
            922259259,
            type="CHARGE",
            amount="79.40",
            fee="2.60",
            order=order,
            transaction_date="2026-11-16T00:00:00Z",
        ),
    ]
    store.disputes += [
        sample_dispute(1052608616, initiated_at="2026-11-03T00:00:00Z", order=order),
        sample_dispute(815713555, initiated_at="2026-11-04T00:00:00Z", status="WON"),
    ]
    # The variants the examples show: a fee-only row without a source, an inquiry without a
    # deadline, a dispute already answered and closed.
    store.balance_transactions[1].update(sourceId=None, sourceType=None)
    store.disputes[0].update(evidenceDueBy=None, type="INQUIRY")
    store.disputes[1].update(evidenceSentOn="2026-11-06", finalizedOn="2026-11-09")
    return ShopifyEmulator(store, throttle=False)


def test_payouts(shared_fixtures: Path, client_for: ClientFactory) -> None:
    example = load(shared_fixtures, "payouts_graphql_docs_example.json")
    served = run(
        client_for(payments_emulator()),
        """query { shopifyPaymentsAccount { payouts(first: 10) { nodes {
             id issuedAt net { amount currencyCode } status transactionType } } } }""",
    )
    assert_same_shape(example, served)
    assert_wire_formats(served)
    assert served["shopifyPaymentsAccount"]["payouts"]["nodes"][0]["net"]["amount"] == "41.9"


def test_balance_transactions(shared_fixtures: Path, client_for: ClientFactory) -> None:
    example = load(shared_fixtures, "balance_transactions_graphql_docs_example.json")
    served = run(
        client_for(payments_emulator()),
        """query { shopifyPaymentsAccount { balanceTransactions(first: 10) { nodes {
             id type test
             associatedPayout { id status }
             amount { amount currencyCode } fee { amount } net { amount }
             sourceId sourceType sourceOrderTransactionId
             associatedOrder { id name }
             adjustmentsOrders { amount { amount } name }
             adjustmentReason } } } }""",
    )
    assert_same_shape(example, served)
    assert_wire_formats(served)
    nodes = served["shopifyPaymentsAccount"]["balanceTransactions"]["nodes"]
    assert nodes[0]["amount"]["amount"] == "-41.9"  # as the example prints it
    assert nodes[-1]["associatedPayout"] == {"id": None, "status": "PENDING"}


def test_disputes(shared_fixtures: Path, client_for: ClientFactory) -> None:
    example = load(shared_fixtures, "disputes_graphql_docs_example.json")
    served = run(
        client_for(payments_emulator()),
        """query { shopifyPaymentsAccount { disputes(first: 10) { edges { node {
             amount { amount currencyCode } evidenceDueBy evidenceSentOn finalizedOn id
             initiatedAt reasonDetails { reason networkReasonCode } status type } } } } }""",
    )
    assert_same_shape(example, served)
    assert_wire_formats(served)


def test_throttled_response_matches_the_recorded_one(
    shared_fixtures: Path, client_for: ClientFactory
) -> None:
    """With the bucket of the recording (1000 points, 50/s), the refusal is byte-for-byte it."""
    example = load(shared_fixtures, "throttled_error_graphql.json")
    store = sample_store()
    start = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    for n in range(250):
        moment = (start + dt.timedelta(minutes=n)).strftime("%Y-%m-%dT%H:%M:%SZ")
        store.orders.append(sample_order(3000 + n, processed_at=moment))
    now = [0.0]
    emulator = ShopifyEmulator(store, bucket_size=1000.0, restore_rate=50.0, clock=lambda: now[0])
    client = client_for(emulator)
    headers = {"X-Shopify-Access-Token": "shpat_sandbox_token"}
    # 2 + 166 x (order + customer) = 334 points, all of them used: 666 left.
    drain = "{ orders(first: 166) { nodes { id customer { id } } } }"
    spent = client.post(API, json={"query": drain}, headers=headers).json()
    assert spent["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] == 666
    # 2 + 250 x (order + MoneyBag + MoneyV2) = 752 points: more than the bucket holds.
    heavy = "{ orders(first: 250) { nodes { id totalPriceSet { shopMoney { amount } } } } }"
    refused = client.post(API, json={"query": heavy}, headers=headers)
    assert refused.status_code == 200
    assert refused.json() == example


def test_generated_store_round_trips_through_full_queries(client_for: ClientFactory) -> None:
    """Every order, payout and balance transaction the generator makes is servable."""
    from workbench.sandbox.generator import generate
    from workbench.shopify.queries import (
        BALANCE_TRANSACTIONS_QUERY,
        ORDERS_QUERY,
        PAYOUTS_QUERY,
    )

    data = generate(7, 400, end=dt.date(2026, 11, 20))
    emulator = ShopifyEmulator(data.store, throttle=False, max_query_cost=None)
    client = client_for(emulator)
    headers = {"X-Shopify-Access-Token": data.store.access_token}

    def page_through(query: str, pick: Any) -> tuple[list[JSON], list[Any]]:
        nodes: list[JSON] = []
        errors: list[Any] = []
        after = None
        while True:
            body = client.post(
                API,
                json={"query": query, "variables": {"first": 250, "after": after}},
                headers=headers,
            ).json()
            errors += body.get("errors", [])
            connection = pick(body["data"])
            nodes += connection["nodes"]
            if not connection["pageInfo"]["hasNextPage"]:
                return nodes, errors
            after = connection["pageInfo"]["endCursor"]

    orders, order_errors = page_through(ORDERS_QUERY, lambda d: d["orders"])
    assert len(orders) == len(data.store.orders)
    assert {o["id"] for o in orders} == {o["id"] for o in data.store.orders}
    assert order_errors == []
    by_id = {o["id"]: o for o in data.store.orders}
    for served in orders:
        stored = by_id[served["id"]]
        assert served["totalPriceSet"] == stored["totalPriceSet"]
        assert len(served["lineItems"]["nodes"]) == len(stored["lineItems"])
        assert len(served["refunds"]) == len(stored["refunds"])
        assert_wire_formats(served)
    payouts, payout_errors = page_through(
        PAYOUTS_QUERY, lambda d: d["shopifyPaymentsAccount"]["payouts"]
    )
    assert payout_errors == []
    assert len(payouts) == len(data.store.payouts)
    transactions, bt_errors = page_through(
        BALANCE_TRANSACTIONS_QUERY, lambda d: d["shopifyPaymentsAccount"]["balanceTransactions"]
    )
    assert bt_errors == []
    assert len(transactions) == len(data.store.balance_transactions)
