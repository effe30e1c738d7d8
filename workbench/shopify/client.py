"""Shopify Admin GraphQL client: authentication, cost-based pacing, retries, readable errors.

Shopify answers a throttled query with HTTP 200 and ``errors[].extensions.code == "THROTTLED"``,
so status codes alone say nothing; every response's ``extensions.cost.throttleStatus`` is read
and the next request waits until the bucket can pay for it, which keeps a long sync from ever
hitting the wall in the first place.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from workbench.config import check_url
from workbench.errors import WorkbenchError

TIMEOUT = httpx.Timeout(30.0, connect=10.0)
MAX_RETRIES = 6


class ShopifyError(WorkbenchError):
    """Shopify refused or failed; the message says what to do next."""


class ShopifyAuthError(ShopifyError):
    pass


class ShopifyQueryError(ShopifyError):
    def __init__(self, message: str, errors: list[Any]) -> None:
        super().__init__(message)
        self.errors = errors
        self.codes = {str((e.get("extensions") or {}).get("code")) for e in errors}


@dataclass
class ThrottleState:
    maximum: float = 1000.0
    available: float = 1000.0
    restore_rate: float = 50.0


class TokenProvider:
    """A static Admin API token, or client credentials exchanged for a renewable one."""

    def __init__(
        self,
        *,
        token: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not token and not (client_id and client_secret):
            raise ShopifyAuthError(
                "no Shopify credentials: set WORKBENCH_SHOPIFY_TOKEN, or "
                "WORKBENCH_SHOPIFY_CLIENT_ID and WORKBENCH_SHOPIFY_CLIENT_SECRET"
            )
        self._static = token
        self._client_id = client_id
        self._client_secret = client_secret
        self._clock = clock
        self._token: str | None = None
        self._expires_at = 0.0

    @property
    def renewable(self) -> bool:
        return self._static is None

    def invalidate(self) -> None:
        self._token = None

    def token(self, http: httpx.Client, shop_url: str) -> str:
        if self._static:
            return self._static
        # Renew five minutes early so a long sync never sends an expired token.
        if self._token is None or self._clock() >= self._expires_at - 300:
            response = http.post(
                f"{shop_url}/admin/oauth/access_token",
                data={
                    "grant_type": "client_credentials",
                    "client_id": self._client_id or "",
                    "client_secret": self._client_secret or "",
                },
            )
            if response.status_code != 200:
                raise ShopifyAuthError(
                    f"Shopify refused the client credentials (HTTP {response.status_code}): "
                    "check WORKBENCH_SHOPIFY_CLIENT_ID / _SECRET and that the app is installed"
                )
            body = response.json()
            self._token = str(body["access_token"])
            self._expires_at = self._clock() + float(body.get("expires_in") or 86400)
        return self._token


class ShopifyClient:
    """One shop's GraphQL endpoint. Synchronous: syncs run in worker threads."""

    def __init__(
        self,
        shop_url: str,
        auth: TokenProvider,
        *,
        api_version: str,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        max_retries: int = MAX_RETRIES,
    ) -> None:
        self.shop_url = check_url(shop_url, what="the Shopify shop URL")
        self.api_version = api_version
        self._auth = auth
        self._sleep = sleep
        self._max_retries = max_retries
        self._http = httpx.Client(transport=transport, timeout=TIMEOUT)
        self.throttle = ThrottleState()
        self.requests = 0
        self.served_version: str | None = None

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ShopifyClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @property
    def endpoint(self) -> str:
        return f"{self.shop_url}/admin/api/{self.api_version}/graphql.json"

    def _pace(self, expected_cost: float) -> None:
        state = self.throttle
        if state.available < expected_cost and state.restore_rate > 0:
            self._sleep((expected_cost - state.available) / state.restore_rate)
            state.available = expected_cost

    def _note_cost(self, extensions: Mapping[str, Any] | None) -> float:
        cost = (extensions or {}).get("cost") or {}
        status = cost.get("throttleStatus") or {}
        if status:
            self.throttle = ThrottleState(
                maximum=float(status.get("maximumAvailable", self.throttle.maximum)),
                available=float(status.get("currentlyAvailable", self.throttle.available)),
                restore_rate=float(status.get("restoreRate", self.throttle.restore_rate)),
            )
        return float(cost.get("requestedQueryCost") or 0)

    def _backoff(self, attempt: int) -> None:
        self._sleep(min(30.0, 0.5 * 2**attempt) * (0.5 + random.random() / 2))

    def execute(
        self, query: str, variables: Mapping[str, Any] | None = None, *, expected_cost: float = 0
    ) -> dict[str, Any]:
        """Run one query and return its ``data``; retries throttling, 5xx and timeouts."""
        payload = {"query": query, "variables": dict(variables or {})}
        renewed = False
        for attempt in range(self._max_retries + 1):
            self._pace(expected_cost)
            headers = {
                "X-Shopify-Access-Token": self._auth.token(self._http, self.shop_url),
                "Content-Type": "application/json",
                "Accept": "application/json",
            }
            try:
                response = self._http.post(self.endpoint, json=payload, headers=headers)
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                if attempt == self._max_retries:
                    raise ShopifyError(
                        f"Shopify did not answer ({type(exc).__name__}) after "
                        f"{attempt + 1} tries: check the network and the shop URL"
                    ) from None
                self._backoff(attempt)
                continue
            self.requests += 1
            self.served_version = response.headers.get("X-Shopify-API-Version")
            if response.status_code == 401:
                if self._auth.renewable and not renewed:
                    self._auth.invalidate()
                    renewed = True
                    continue
                raise ShopifyAuthError(
                    "Shopify rejected the access token (HTTP 401): check "
                    "WORKBENCH_SHOPIFY_TOKEN, or reinstall the app to get a new one"
                )
            if response.status_code in {429, 500, 502, 503, 504}:
                if attempt == self._max_retries:
                    raise ShopifyError(
                        f"Shopify kept failing (HTTP {response.status_code}); try again later"
                    )
                retry_after = response.headers.get("Retry-After")
                if retry_after and retry_after.replace(".", "", 1).isdigit():
                    self._sleep(float(retry_after))
                else:
                    self._backoff(attempt)
                continue
            if response.status_code != 200:
                raise ShopifyError(
                    f"Shopify answered HTTP {response.status_code} at {self.endpoint}: "
                    f"{response.text[:200]}"
                )
            body = response.json()
            cost = self._note_cost(body.get("extensions"))
            errors = body.get("errors") or []
            if errors:
                codes = {str((e.get("extensions") or {}).get("code")) for e in errors}
                if "THROTTLED" in codes and attempt < self._max_retries:
                    expected_cost = max(expected_cost, cost)
                    if expected_cost <= self.throttle.available:
                        self._backoff(attempt)
                    continue
                first = errors[0].get("message", "unknown error")
                raise ShopifyQueryError(f"Shopify refused the query: {first}", errors)
            data = body.get("data")
            if not isinstance(data, dict):
                raise ShopifyError("Shopify answered without data")
            return data
        raise ShopifyError("Shopify is throttling every request; try again in a minute")
