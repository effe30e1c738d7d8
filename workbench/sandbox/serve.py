"""``workbench sandbox serve``: both emulators over real HTTP on loopback.

Useful for trying the real clients by hand (``WORKBENCH_SHOPIFY_SHOP_URL=http://127.0.0.1:…``)
and for tests that must cross a real socket. Plain http is accepted by our settings only because
the host is a loopback address.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import uvicorn

from workbench.sandbox.generator import generate
from workbench.sandbox.qbo_emulator import QboEmulator
from workbench.sandbox.qbo_emulator import create_app as create_qbo_app
from workbench.sandbox.shopify_emulator import ShopifyEmulator
from workbench.sandbox.shopify_emulator import create_app as create_shopify_app


@dataclass(frozen=True)
class Endpoints:
    shopify_url: str
    qbo_url: str
    shopify_token: str
    qbo_realm_id: str
    qbo_client_id: str
    qbo_client_secret: str
    qbo_refresh_token: str

    def describe(self) -> str:
        return "\n".join(
            [
                f"Shopify Admin API emulator:   {self.shopify_url}",
                f"QuickBooks Online emulator:   {self.qbo_url}",
                "",
                "Point workbench at them with:",
                f"  export WORKBENCH_SHOPIFY_SHOP_URL={self.shopify_url}",
                f"  export WORKBENCH_SHOPIFY_TOKEN={self.shopify_token}",
                f"  export WORKBENCH_QBO_API_URL={self.qbo_url}",
                f"  export WORKBENCH_QBO_TOKEN_URL={self.qbo_url}/oauth2/v1/tokens/bearer",
                f"  export WORKBENCH_QBO_REALM_ID={self.qbo_realm_id}",
                f"  export WORKBENCH_QBO_CLIENT_ID={self.qbo_client_id}",
                f"  export WORKBENCH_QBO_CLIENT_SECRET={self.qbo_client_secret}",
                f"  export WORKBENCH_QBO_REFRESH_TOKEN={self.qbo_refresh_token}",
                "",
                "These credentials are the emulators' own; they open nothing real.",
            ]
        )


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _server(app: Any, host: str, port: int) -> uvicorn.Server:
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off")
    return uvicorn.Server(config)


async def serve(
    *,
    host: str,
    shopify_port: int,
    qbo_port: int,
    orders: int,
    seed: int,
    ready: Callable[[Endpoints], None],
    stop: asyncio.Event | None = None,
    limits: bool = True,
) -> None:
    data = generate(seed=seed, orders=orders)
    shopify_port = shopify_port or free_port(host)
    qbo_port = qbo_port or free_port(host)
    # With limits on, both emulators throttle as the real services do (Shopify's cost bucket,
    # QBO's per-minute limits); tests that only need the data turn them off.
    shopify_app = create_shopify_app(ShopifyEmulator(data.store, throttle=limits))
    qbo_app = create_qbo_app(QboEmulator([data.company], rate_limits=limits))
    shopify = _server(shopify_app, host, shopify_port)
    qbo = _server(qbo_app, host, qbo_port)
    tasks = [asyncio.create_task(shopify.serve()), asyncio.create_task(qbo.serve())]
    while not (shopify.started and qbo.started):
        if any(t.done() for t in tasks):
            for t in tasks:
                t.cancel()
            raise OSError(
                f"could not listen on {host}:{shopify_port} and {host}:{qbo_port}; "
                "choose other ports with --shopify-port / --qbo-port"
            )
        await asyncio.sleep(0.02)
    ready(
        Endpoints(
            shopify_url=f"http://{host}:{shopify_port}",
            qbo_url=f"http://{host}:{qbo_port}",
            shopify_token=data.store.access_token,
            qbo_realm_id=data.company.realm_id,
            qbo_client_id=data.company.client_id,
            qbo_client_secret=data.company.client_secret,
            qbo_refresh_token=data.company.refresh_token,
        )
    )
    waiters: list[asyncio.Future[Any]] = list(tasks)
    if stop is not None:
        waiters.append(asyncio.ensure_future(stop.wait()))
    try:
        # Ctrl+C reaches only one server's handler; when either stops, stop both.
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters[len(tasks) :]:
            waiter.cancel()
        shopify.should_exit = qbo.should_exit = True
        await asyncio.gather(*tasks, return_exceptions=True)


def serve_forever(
    *, host: str, shopify_port: int, qbo_port: int, orders: int, seed: int, limits: bool = True
) -> None:
    def announce(endpoints: Endpoints) -> None:
        print(endpoints.describe(), flush=True)
        print("\nPress Ctrl+C to stop.", flush=True)

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(
            serve(
                host=host, shopify_port=shopify_port, qbo_port=qbo_port, orders=orders,
                seed=seed, ready=announce, limits=limits,
            )
        )  # fmt: skip
