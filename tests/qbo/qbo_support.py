"""Shared pieces of the QBO client tests: an emulator wired to the real client, fake time, and
an emulator served over real HTTP on loopback.

One FakeClock drives everything that keeps time (the emulator's token lifetimes and rate
windows, our token expiry and rate buckets, and every sleep), so tests move time instead of
waiting for it.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from tests.clocks import FakeClock
from tests.sandbox.qbo_emulator_support import REALM, FakeWallClock, sample_company
from workbench.qbo.client import QboClient
from workbench.qbo.limits import RetryPolicy
from workbench.qbo.oauth import IntuitOAuth
from workbench.qbo.session import TokenManager
from workbench.qbo.tokens import FileTokenStore, TokenSet
from workbench.sandbox.dataset import QboCompany
from workbench.sandbox.qbo_emulator import QboEmulator, create_app
from workbench.sandbox.serve import free_port
from workbench.sandbox.transport import SyncASGITransport

API_URL = "https://sandbox-quickbooks.api.intuit.com"
TOKEN_URL = "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer"
AUTHORIZE_URL = "https://appcenter.intuit.com/connect/oauth2"

__all__ = ["API_URL", "AUTHORIZE_URL", "REALM", "TOKEN_URL", "Env", "make_env", "sample_company"]


class Recorder(httpx.BaseTransport):
    """Passes requests on and keeps them, so tests can read what the client sent."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.requests: list[httpx.Request] = []
        self.before: list[Callable[[httpx.Request], httpx.Response | None]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        for hook in list(self.before):
            answer = hook(request)
            if answer is not None:
                return answer
        return self.inner.handle_request(request)

    def api_requests(self) -> list[httpx.Request]:
        return [r for r in self.requests if "/v3/company/" in r.url.path]

    def close(self) -> None:
        """Clients close their transport; this one is shared, so only Env.close ends it."""


@dataclass
class Env:
    emulator: QboEmulator
    clock: FakeClock
    transport: Recorder
    store: FileTokenStore
    company: QboCompany
    slept: list[float] = field(default_factory=list)
    _clients: list[QboClient] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.clock.advance(seconds)

    def oauth(self) -> IntuitOAuth:
        return IntuitOAuth(
            client_id=self.company.client_id,
            client_secret=self.company.client_secret,
            token_url=TOKEN_URL,
            authorize_url=AUTHORIZE_URL,
            transport=self.transport,
            sleep=self.sleep,
        )

    def manager(self) -> TokenManager:
        return TokenManager(self.store, self.oauth(), clock=self.clock)

    def client(self, manager: TokenManager | None = None, **kwargs: Any) -> QboClient:
        kwargs.setdefault("retry", RetryPolicy(rng=random.Random(1)))
        client = QboClient(
            API_URL,
            self.company.realm_id,
            manager or self.manager(),
            transport=self.transport,
            clock=self.clock,
            sleep=self.sleep,
            **kwargs,
        )
        self._clients.append(client)
        return client

    def close(self) -> None:
        for client in self._clients:
            client.close()
        self.transport.inner.close()


def make_env(
    tmp_path: Path, company: QboCompany | None = None, *, rate_limits: bool = False
) -> Env:
    """An emulator with one company and a token file seeded with its refresh token."""
    clock = FakeClock()
    company = company or sample_company()
    emulator = QboEmulator(
        [company], clock=clock, wall_clock=FakeWallClock(clock), rate_limits=rate_limits
    )
    transport = Recorder(SyncASGITransport(create_app(emulator)))
    store = FileTokenStore(tmp_path / "tokens" / "qbo-tokens.json")
    store.save(
        TokenSet(realm_id=company.realm_id, api_url=API_URL, refresh_token=company.refresh_token)
    )
    return Env(emulator, clock, transport, store, company)


@contextmanager
def served(emulator: QboEmulator) -> Iterator[str]:
    """The emulator on a real socket (uvicorn in a thread); yields its base URL."""
    port = free_port()
    config = uvicorn.Config(
        create_app(emulator), host="127.0.0.1", port=port, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the emulator did not start on loopback")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
