"""The GraphQL client's behaviour against scripted responses: pacing, retries, auth."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from workbench.shopify.client import (
    ShopifyAuthError,
    ShopifyClient,
    ShopifyError,
    ShopifyQueryError,
    TokenProvider,
)

SHOP = "https://demo.myshopify.com"


def cost(available: float, requested: int = 10, restore: float = 100.0) -> dict:  # type: ignore[type-arg]
    return {
        "cost": {
            "requestedQueryCost": requested,
            "actualQueryCost": requested,
            "throttleStatus": {
                "maximumAvailable": 2000.0,
                "currentlyAvailable": available,
                "restoreRate": restore,
            },
        }
    }


def make_client(
    handler: Callable[[httpx.Request], httpx.Response], sleeps: list[float], **auth: str
) -> ShopifyClient:
    provider = TokenProvider(**(auth or {"token": "shpat_x"}))
    return ShopifyClient(
        SHOP, provider, api_version="2026-10", transport=httpx.MockTransport(handler),
        sleep=sleeps.append,
    )  # fmt: skip


def test_sends_token_to_versioned_endpoint() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"data": {"shop": {"id": "1"}}, "extensions": cost(1990)},
                              headers={"X-Shopify-API-Version": "2026-10"})  # fmt: skip

    client = make_client(handler, [])
    assert client.execute("{ shop { id } }") == {"shop": {"id": "1"}}
    assert seen[0].url.path == "/admin/api/2026-10/graphql.json"
    assert seen[0].headers["X-Shopify-Access-Token"] == "shpat_x"
    assert client.served_version == "2026-10"


def test_throttled_with_http_200_is_retried_after_the_computed_wait(shared_fixtures: Path) -> None:
    throttled = json.loads(
        (shared_fixtures / "shopify" / "throttled_error_graphql.json").read_text()
    )
    ok = {"data": {"ok": True}, "extensions": cost(900)}
    responses = [httpx.Response(200, json=throttled), httpx.Response(200, json=ok)]
    sleeps: list[float] = []
    client = make_client(lambda r: responses.pop(0), sleeps)
    assert client.execute("{ ok }") == {"ok": True}
    # The fixture asks for 752 points with 666 available at 50/s: wait (752-666)/50 s.
    assert sleeps and abs(sleeps[0] - (752 - 666) / 50.0) < 1e-9


def test_paces_before_the_bucket_runs_dry() -> None:
    sleeps: list[float] = []
    client = make_client(
        lambda r: httpx.Response(200, json={"data": {}, "extensions": cost(50, requested=500)}),
        sleeps,
    )
    client.execute("{ a }", expected_cost=500)
    client.execute("{ a }", expected_cost=500)
    assert sleeps == [pytest.approx((500 - 50) / 100.0)]


def test_5xx_and_transport_errors_are_retried() -> None:
    calls = {"n": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] == 1:
            raise httpx.ConnectError("boom")
        if calls["n"] == 2:
            return httpx.Response(503)
        return httpx.Response(200, json={"data": {"ok": 1}, "extensions": cost(1000)})

    sleeps: list[float] = []
    assert make_client(handler, sleeps).execute("{ ok }") == {"ok": 1}
    assert calls["n"] == 3 and len(sleeps) == 2


def test_gives_up_with_a_clear_message() -> None:
    client = make_client(lambda r: httpx.Response(500), [])
    with pytest.raises(ShopifyError, match="kept failing"):
        client.execute("{ ok }")


def test_bad_static_token_is_not_retried() -> None:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(401, json={"errors": "[API] Invalid API key or access token"})

    with pytest.raises(ShopifyAuthError, match="WORKBENCH_SHOPIFY_TOKEN"):
        make_client(handler, []).execute("{ ok }")
    assert len(calls) == 1


def test_client_credentials_are_exchanged_and_renewed_on_401() -> None:
    issued: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/admin/oauth/access_token":
            form = dict(x.split("=") for x in request.content.decode().split("&"))
            assert form["grant_type"] == "client_credentials"
            issued.append(f"tok{len(issued)}")
            return httpx.Response(
                200, json={"access_token": issued[-1], "scope": "read_orders", "expires_in": 86399}
            )
        if request.headers["X-Shopify-Access-Token"] == "tok0":
            return httpx.Response(401, json={"errors": "expired"})
        return httpx.Response(200, json={"data": {"ok": 1}, "extensions": cost(1000)})

    client = make_client(handler, [], client_id="cid", client_secret="sec")
    assert client.execute("{ ok }") == {"ok": 1}
    assert issued == ["tok0", "tok1"]


def test_graphql_errors_are_raised_with_their_message() -> None:
    error = {
        "message": "Field 'foo' doesn't exist on type 'Order'",
        "extensions": {"code": "undefinedField"},
    }
    body = {"errors": [error], "extensions": cost(1000)}
    with pytest.raises(ShopifyQueryError, match="foo") as info:
        make_client(lambda r: httpx.Response(200, json=body), []).execute("{ foo }")
    assert info.value.codes == {"undefinedField"}


def test_missing_credentials_name_the_variables() -> None:
    with pytest.raises(ShopifyAuthError, match="WORKBENCH_SHOPIFY_TOKEN"):
        TokenProvider()


def test_plain_http_to_remote_shop_refused() -> None:
    with pytest.raises(ValueError, match="loopback"):
        ShopifyClient("http://shop.example.com", TokenProvider(token="x"), api_version="2026-10")
