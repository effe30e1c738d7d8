"""The built-in sandbox: a generated store and company behind the two emulators, in-process.

``workbench demo`` and the integration tests use exactly the production clients against it;
only the transport differs (an in-process ASGI bridge instead of the network).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

import httpx

from workbench.config import DEFAULT_SHOPIFY_API_VERSION
from workbench.qbo.client import QboClient
from workbench.qbo.limits import RealmLimiter
from workbench.sandbox.dataset import SandboxData
from workbench.sandbox.generator import generate
from workbench.sandbox.qbo_emulator import QboEmulator
from workbench.sandbox.qbo_emulator import create_app as create_qbo_app
from workbench.sandbox.shopify_emulator import ShopifyEmulator
from workbench.sandbox.shopify_emulator import create_app as create_shopify_app
from workbench.sandbox.transport import SyncASGITransport
from workbench.services.progress import ProgressCallback, ignore_progress
from workbench.services.propose import propose_all
from workbench.services.qbo_sync import QboSyncResult, sync_qbo
from workbench.services.role_mappings import accept_roles, create_for_role, role_table
from workbench.services.shopify_sync import SyncResult, sync_shopify
from workbench.services.sync_all import FullSyncResult, sync_all
from workbench.services.workspace import Workspace
from workbench.shopify.client import ShopifyClient, TokenProvider
from workbench.store.engine import Store

QBO_SANDBOX_BASE = "https://sandbox-quickbooks.api.intuit.com"


class SandboxTokens:
    """Access tokens minted by the QBO emulator itself: the sandbox needs no OAuth consent."""

    def __init__(self, emulator: QboEmulator, realm_id: str) -> None:
        self._emulator = emulator
        self._realm_id = realm_id
        self._token = emulator.issue_access_token(realm_id)

    @property
    def realm_id(self) -> str:
        return self._realm_id

    def access_token(self) -> str:
        return self._token

    def after_unauthorized(self, rejected: str) -> str:
        self._token = self._emulator.issue_access_token(self._realm_id)
        return self._token


@dataclass
class Sandbox:
    data: SandboxData
    shopify: ShopifyEmulator
    qbo: QboEmulator
    shopify_transport: httpx.BaseTransport
    qbo_transport: httpx.BaseTransport
    _closers: list[SyncASGITransport] = field(default_factory=list)

    @property
    def shop_url(self) -> str:
        return f"https://{self.data.store.shop['myshopifyDomain']}"

    @property
    def company_name(self) -> str:
        return str(self.data.company.company_info.get("CompanyName", "Sandbox company"))

    def shopify_client(self, api_version: str = DEFAULT_SHOPIFY_API_VERSION) -> ShopifyClient:
        return ShopifyClient(
            self.shop_url,
            TokenProvider(token=self.data.store.access_token),
            api_version=api_version,
            transport=self.shopify_transport,
        )

    def qbo_client(self) -> QboClient:
        realm = self.data.company.realm_id
        # Pace like QBO only when the emulator throttles like QBO; otherwise pacing would only
        # slow the demo (and the tests) down.
        limiter = (
            None
            if self.qbo.limiter.enabled
            else RealmLimiter(per_second=100_000, per_minute=10_000_000, batch_per_minute=100_000)
        )
        return QboClient(
            QBO_SANDBOX_BASE, realm, SandboxTokens(self.qbo, realm), transport=self.qbo_transport,
            limiter=limiter,
        )  # fmt: skip

    def close(self) -> None:
        for transport in self._closers:
            transport.shutdown()


def start_sandbox(
    *, orders: int = 500, seed: int = 7, end: date | None = None, throttle: bool = False
) -> Sandbox:
    data = generate(seed=seed, orders=orders, end=end)
    shopify = ShopifyEmulator(data.store, throttle=throttle)
    qbo = QboEmulator([data.company], rate_limits=throttle)
    shopify_transport = SyncASGITransport(create_shopify_app(shopify))
    qbo_transport = SyncASGITransport(create_qbo_app(qbo))
    return Sandbox(
        data, shopify, qbo, shopify_transport, qbo_transport, [shopify_transport, qbo_transport]
    )


def fill_store(
    store: Store, sandbox: Sandbox, *, progress: ProgressCallback = ignore_progress
) -> FullSyncResult:
    """Sync the sandbox into the store through the real clients, as a user's first sync."""

    def shopify(report: ProgressCallback) -> SyncResult:
        with sandbox.shopify_client() as client:
            return sync_shopify(store, client, progress=report)

    def qbo(report: ProgressCallback) -> QboSyncResult:
        with sandbox.qbo_client() as client:
            return sync_qbo(store, client, progress=report)

    return sync_all(store, shopify, progress, sync_qbo=qbo)


DEMO_REVIEWER = "demo"


def prepare_demo_books(store: Store, sandbox: Sandbox) -> int:
    """What a bookkeeper does once when setting up: accept the confident role suggestions and
    create what the company lacks (a Shopify Payments clearing account, a reserve account,
    rounding and refund-adjustment items). Returns how many roles were decided."""
    accepted = accept_roles(store, min_score=90, reviewer=DEMO_REVIEWER)
    with store.session() as session:
        missing = [line.role for line in role_table(session) if line.state == "missing"]
    with sandbox.qbo_client() as client:
        for role in missing:
            create_for_role(store, client, role, name=None, kind=None, reviewer=DEMO_REVIEWER)
    return len(accepted) + len(missing)


def demo_sync(store: Store, sandbox: Sandbox, progress: ProgressCallback) -> FullSyncResult:
    """The demo's sync: the first one also sets the sandbox books up, then proposes again."""
    result = fill_store(store, sandbox, progress=progress)
    with store.session() as session:
        configured = any(line.state == "decided" for line in role_table(session))
    if not configured and prepare_demo_books(store, sandbox):
        result = replace(result, proposals=propose_all(store, progress=progress))
    return result


def demo_workspace(store: Store, sandbox: Sandbox) -> Workspace:
    """What the app works on in the demo: the sandbox's sync (with the one-time book setup) and
    its QuickBooks company for posting."""
    return Workspace(
        store,
        company_name=sandbox.company_name,
        sync=lambda progress: demo_sync(store, sandbox, progress),
        qbo=sandbox.qbo_client,
    )
