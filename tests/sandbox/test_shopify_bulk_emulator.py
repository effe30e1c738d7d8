"""Bulk operations in the Shopify emulator: Shopify's shapes, rules, states and result files.

Expectations come from reference/shopify.md §6, the bulk samples in fixtures/shopify and the
error wording third parties recorded from Shopify; the data asserted on is built here.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from tests.clocks import FakeClock
from workbench.sandbox.dataset import JSON
from workbench.sandbox.shopify_emulator import ShopifyEmulator, create_app
from workbench.sandbox.shopify_emulator.samples import sample_order, sample_store
from workbench.sandbox.transport import SyncASGITransport

API = "/admin/api/2026-10/graphql.json"
TOKEN = "shpat_sandbox_token"
RUN = """
mutation Run($query: String!, $group: Boolean!) {
  bulkOperationRunQuery(query: $query, groupObjects: $group) {
    bulkOperation { id status createdAt }
    userErrors { field message code }
  }
}
"""
STATUS = """
query Status($id: ID!) {
  node(id: $id) {
    ... on BulkOperation {
      id status errorCode createdAt completedAt objectCount rootObjectCount fileSize url
      partialDataUrl
    }
  }
}
"""
CANCEL = """
mutation Cancel($id: ID!) {
  bulkOperationCancel(id: $id) { bulkOperation { id status } userErrors { field message } }
}
"""
ORDERS = (
    "{ orders { edges { node { id name transactions { id kind } refunds { id } "
    "lineItems { edges { node { __typename id sku } } } "
    "shippingLines { edges { node { __typename title } } } } } } }"
)


class Shop:
    """An emulator with a few orders, a fake clock and an in-process HTTP client."""

    def __init__(self, orders: int = 3, **options: Any) -> None:
        self.clock = FakeClock()
        store = sample_store()
        store.orders.extend(sample_order(1001 + n, refunded=n == 1) for n in range(orders))
        self.emulator = ShopifyEmulator(store, throttle=False, clock=self.clock, **options)
        self.http = httpx.Client(
            transport=SyncASGITransport(create_app(self.emulator)),
            base_url="https://sandbox.myshopify.com",
        )

    def gql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = self.http.post(
            API,
            json={"query": query, "variables": variables or {}},
            headers={"X-Shopify-Access-Token": TOKEN},
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def run(self, query: str = ORDERS, group: bool = False) -> dict[str, Any]:
        body = self.gql(RUN, {"query": query, "group": group})
        assert "errors" not in body, body
        payload: dict[str, Any] = body["data"]["bulkOperationRunQuery"]
        return payload

    def started(self, query: str = ORDERS, group: bool = False) -> str:
        payload = self.run(query, group)
        assert payload["userErrors"] == [], payload
        return str(payload["bulkOperation"]["id"])

    def status(self, gid: str) -> dict[str, Any]:
        body = self.gql(STATUS, {"id": gid})
        assert "errors" not in body, body
        node: dict[str, Any] = body["data"]["node"]
        return node

    def finished(self, query: str = ORDERS, group: bool = False) -> dict[str, Any]:
        gid = self.started(query, group)
        self.clock.advance(3600)
        node = self.status(gid)
        assert node["status"] == "COMPLETED", node
        return node

    def lines(self, url: str) -> list[JSON]:
        response = self.http.get(url)
        assert response.status_code == 200, response.text
        return [json.loads(line) for line in response.text.splitlines()]

    def close(self) -> None:
        self.http.close()


@pytest.fixture
def shop() -> Iterator[Shop]:
    made = Shop()
    yield made
    made.close()


def key_types(value: Any, path: str = "") -> dict[str, str]:
    if isinstance(value, dict):
        out: dict[str, str] = {}
        for key, item in value.items():
            out.update(key_types(item, f"{path}.{key}"))
        return out
    kinds = {bool: "boolean", int: "number", float: "number", str: "string", list: "array"}
    return {path: "null" if value is None else kinds.get(type(value), "object")}


# --- shapes against Shopify's samples -----------------------------------------------------------


def test_run_query_response_has_the_sample_shape(shared_fixtures: Path, shop: Shop) -> None:
    sample = json.loads(
        (shared_fixtures / "shopify/bulk_operation_run_query_response.json").read_text()
    )
    body = shop.gql(RUN, {"query": ORDERS, "group": False})
    assert key_types(body["data"]) == key_types(sample["data"])
    assert body["data"]["bulkOperationRunQuery"]["bulkOperation"]["status"] == "CREATED"
    cost = body["extensions"]["cost"]
    assert cost["requestedQueryCost"] == cost["actualQueryCost"] == 10  # a mutation costs 10


def test_completed_status_has_the_sample_shape(shared_fixtures: Path, shop: Shop) -> None:
    sample = json.loads(
        (shared_fixtures / "shopify/bulk_operation_status_completed_response.json").read_text()
    )
    gid = shop.started()
    shop.clock.advance(60)
    body = shop.gql(STATUS, {"id": gid})
    expected = key_types(sample["data"])
    got = key_types(body["data"])
    for path, kind in expected.items():
        if kind != "null":  # the sample's fileSize is null only because its result is empty
            assert got[path] == kind, (path, got[path])
    node = body["data"]["node"]
    # 3 orders, 2 line items and 1 shipping line each; counts travel as strings
    assert node["objectCount"] == "12" and node["rootObjectCount"] == "3"
    assert int(node["fileSize"]) > 0 and node["completedAt"] >= node["createdAt"]


# --- the JSONL file -------------------------------------------------------------------------------


def test_result_rows_children_parents_and_inlined_lists(shop: Shop) -> None:
    node = shop.finished()
    response = shop.http.get(node["url"])  # no access token: the signed link is enough
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/jsonl")
    text = response.text
    assert "gid:\\/\\/shopify\\/Order\\/" in text and "gid://" not in text
    rows = [json.loads(line) for line in text.splitlines()]
    assert len(rows) == int(node["objectCount"]) == len(text.splitlines())
    seen: dict[str, int] = {}
    for at, row in enumerate(rows):
        if "__parentId" in row:
            assert list(row)[-1] == "__parentId"
            assert row["__parentId"] in seen, "a child before its parent"
        seen[row.get("id") or f"row{at}"] = at
    orders = [r for r in rows if "__parentId" not in r]
    assert [o["name"] for o in orders] == ["#1001", "#1002", "#1003"]
    for order in orders:
        assert "lineItems" not in order and "shippingLines" not in order  # rows of their own
        assert isinstance(order["transactions"], list) and isinstance(order["refunds"], list)
    lines = [r for r in rows if r.get("__typename") == "LineItem"]
    assert len(lines) == 6 and all(
        r["__parentId"].startswith("gid://shopify/Order/") for r in lines
    )
    # Ungrouped (the default): the first order's children are not next to it.
    assert rows[1].get("__parentId") is None


def test_grouped_objects_follow_their_parent(shop: Shop) -> None:
    rows = shop.lines(shop.finished(group=True)["url"])
    parent = None
    for row in rows:
        if "__parentId" not in row:
            parent = row["id"]
        else:
            assert row["__parentId"] == parent


def test_empty_result_is_an_empty_file() -> None:
    shop = Shop(orders=0)
    try:
        node = shop.finished()
        assert node["objectCount"] == "0" and node["fileSize"] is None
        assert shop.http.get(node["url"]).text == ""
    finally:
        shop.close()


def test_search_filter_and_whole_connections_without_first() -> None:
    shop = Shop(orders=0)
    try:
        order = sample_order(2001, updated_at="2026-11-05T00:00:00Z")
        order["lineItems"] = [
            {**order["lineItems"][0], "id": f"gid://shopify/LineItem/{900000 + n}"}
            for n in range(300)  # more than one page of the API's 250
        ]
        shop.emulator.upsert_order(order)
        shop.emulator.upsert_order(sample_order(2002, updated_at="2026-10-01T00:00:00Z"))
        query = (
            '{ orders(query: "updated_at:>=2026-11-01") { edges { node { id '
            "lineItems { edges { node { id } } } } } } }"
        )
        rows = shop.lines(shop.finished(query)["url"])
        assert [r["id"] for r in rows if "__parentId" not in r] == [order["id"]]
        assert len(rows) == 301
    finally:
        shop.close()


# --- validation ----------------------------------------------------------------------------------

DEEP = (
    "{ orders { edges { node { id lineItems { edges { node { id "
    "variant { id } } } } refunds { id } } } } }"
)
INVALID = [
    ("{ orders { edges { node { id } }", "Invalid bulk query: syntax error, "),
    ("", "Invalid bulk query: syntax error, unexpected end of file"),
    (
        "{ orders { edges { node { nope } } } }",
        "Invalid bulk query: Field 'nope' doesn't exist on type 'Order'",
    ),
    ("{ shop { name } }", "Bulk queries must contain at least one connection."),
    (
        "{ orders { edges { node { id refunds { refundLineItems { edges { node { quantity } } } } "
        "} } } }",
        "Queries that contain a connection field within a list field are not currently supported.",
    ),
    ("{ orders { nodes { id } } }", "Selecting via 'nodes' is not supported."),
    (
        '{ node(id: "gid://shopify/Order/1") { id } }',
        "Bulk queries cannot contain a top level `node` field.",
    ),
    (
        "{ orders { edges { node { name lineItems { edges { node { id } } } } } } }",
        "must select the 'id' field without an alias",
    ),
    (
        'mutation { bulkOperationCancel(id: "x") { userErrors { message } } }',
        "Only `query` operations",
    ),
]


@pytest.mark.parametrize(("query", "message"), INVALID)
def test_invalid_bulk_queries_are_user_errors(shop: Shop, query: str, message: str) -> None:
    payload = shop.run(query)
    assert payload["bulkOperation"] is None
    assert payload["userErrors"], payload
    error = payload["userErrors"][0]
    assert message in error["message"]
    assert error["field"] == ["query"] and error["code"] == "INVALID"


def test_connection_limits(shop: Shop) -> None:
    six = (
        "{ orders { edges { node { id "
        + " ".join(f"l{n}: lineItems {{ edges {{ node {{ id }} }} }}" for n in range(5))
        + " } } } }"
    )
    assert shop.run(six)["userErrors"][0]["message"] == (
        "Bulk queries cannot contain more than 5 connections."
    )
    five = six.replace("l4: lineItems { edges { node { id } } } ", "")
    assert shop.run(five)["userErrors"] == []


TINY_SCHEMA = """
type Query { as: AConnection! b: B }
type B { id: ID! as: AConnection! }
type AConnection { edges: [AEdge!]! }
type AEdge { node: A! }
type A { id: ID! name: String children: AConnection! }
"""


def test_nesting_deeper_than_two_and_several_top_connections_are_refused() -> None:
    from graphql import build_schema

    from workbench.sandbox.shopify_emulator.bulk_query import BulkQueryInvalid, plan_bulk_query

    schema = build_schema(TINY_SCHEMA)
    two = "{ as { edges { node { id children { edges { node { name } } } } } } }"
    plan = plan_bulk_query(schema, two)
    assert plan.root_path == ("as",) and plan.root.children[0][0] == ("children",)
    three = (
        "{ as { edges { node { id children { edges { node { id "
        "children { edges { node { name } } } } } } } } } }"
    )
    with pytest.raises(BulkQueryInvalid) as refused:
        plan_bulk_query(schema, three)
    assert refused.value.messages == [
        "Bulk queries cannot contain connections with a nesting depth greater than 2."
    ]
    # A connection under a plain object is still a top-level connection.
    assert plan_bulk_query(schema, "{ b { as { edges { node { id } } } } }").root_path == (
        "b",
        "as",
    )
    with pytest.raises(BulkQueryInvalid, match="single top-level connection"):
        plan_bulk_query(
            schema, "{ as { edges { node { id } } } b { as { edges { node { id } } } } }"
        )


# --- one at a time, states, cancel, failures -----------------------------------------------------


def test_one_running_query_per_app_and_shop(shop: Shop) -> None:
    first = shop.started()
    payload = shop.run()
    assert payload["bulkOperation"] is None
    assert payload["userErrors"] == [
        {
            "field": None,
            "message": (
                f"A bulk query operation for this app and shop is already in progress: {first}."
            ),
            "code": "OPERATION_IN_PROGRESS",
        }
    ]
    shop.clock.advance(60)
    assert shop.status(first)["status"] == "COMPLETED"
    assert shop.run()["userErrors"] == []


def test_states_follow_the_clock_and_the_link_expires() -> None:
    shop = Shop(orders=40, bulk_start_delay=2.0, bulk_objects_per_second=10.0)
    try:
        gid = shop.started()
        assert shop.status(gid)["status"] == "CREATED"
        shop.clock.advance(2.0)
        running = shop.status(gid)
        assert running["status"] == "RUNNING" and running["objectCount"] == "0"
        counts = []
        for _ in range(3):
            shop.clock.advance(5)
            node = shop.status(gid)
            counts.append(int(node["objectCount"]))
            assert node["status"] == "RUNNING" and node["url"] is None
        assert counts == sorted(counts) and counts[0] > 0
        shop.clock.advance(3600)
        done = shop.status(gid)
        assert done["status"] == "COMPLETED" and int(done["rootObjectCount"]) == 40
        current = shop.gql("{ currentBulkOperation { id status } }")["data"]
        assert current["currentBulkOperation"] == {"id": gid, "status": "COMPLETED"}
        url = done["url"]
        assert shop.http.get(url.replace("signature=", "signature=0")).status_code == 403
        shop.clock.advance(7 * 86400)
        expired = shop.status(gid)
        assert expired["status"] == "EXPIRED" and expired["url"] is None
        refused = shop.http.get(url)
        assert refused.status_code == 403 and b"ExpiredToken" in refused.content
    finally:
        shop.close()


def test_cancel(shop: Shop) -> None:
    gid = shop.started()
    body = shop.gql(CANCEL, {"id": gid})["data"]["bulkOperationCancel"]
    assert body == {"bulkOperation": {"id": gid, "status": "CANCELING"}, "userErrors": []}
    assert shop.status(gid)["status"] == "CANCELED"
    again = shop.gql(CANCEL, {"id": gid})["data"]["bulkOperationCancel"]
    assert again["userErrors"][0]["field"] == ["id"]
    assert shop.run()["userErrors"] == []  # a cancelled operation no longer blocks


def test_failure_keeps_partial_data() -> None:
    shop = Shop(orders=10)
    try:
        shop.emulator.bulk.fail_next("INTERNAL_SERVER_ERROR", partial=0.5)
        gid = shop.started()
        shop.clock.advance(60)
        node = shop.status(gid)
        assert node["status"] == "FAILED" and node["errorCode"] == "INTERNAL_SERVER_ERROR"
        assert node["url"] is None and node["partialDataUrl"]
        partial = shop.lines(node["partialDataUrl"])
        assert 0 < len(partial) < 10 * 4
    finally:
        shop.close()


def test_orders_count(shop: Shop) -> None:
    data = shop.gql(
        "{ all: ordersCount { count precision } capped: ordersCount(limit: 2) { count precision } "
        'none: ordersCount(query: "updated_at:>2030-01-01") { count precision } }'
    )["data"]
    assert data == {
        "all": {"count": 3, "precision": "EXACT"},
        "capped": {"count": 2, "precision": "AT_LEAST"},
        "none": {"count": 0, "precision": "EXACT"},
    }


# --- over a real socket -----------------------------------------------------------------------


def serve(emulator: ShopifyEmulator) -> tuple[str, Callable[[], None]]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # no delayed-ACK stalls
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(emulator), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()

    return f"http://127.0.0.1:{port}", stop


def test_result_link_works_on_loopback() -> None:
    shop = Shop(bulk_immediate=True)
    base, stop = serve(shop.emulator)
    try:
        with httpx.Client(base_url=base, timeout=5) as client:
            headers = {"X-Shopify-Access-Token": TOKEN}
            run = client.post(
                API,
                json={"query": RUN, "variables": {"query": ORDERS, "group": False}},
                headers=headers,
            )
            gid = run.json()["data"]["bulkOperationRunQuery"]["bulkOperation"]["id"]
            status = client.post(
                API, json={"query": STATUS, "variables": {"id": gid}}, headers=headers
            )
            url = status.json()["data"]["node"]["url"]
            assert url.startswith(f"{base}/bulk/")
            with client.stream("GET", url) as response:
                assert response.status_code == 200
                body = b"".join(response.iter_bytes())
            assert body.count(b"\n") == 12
    finally:
        stop()
        shop.close()
