"""Building the real clients from the settings: the only place that reads credentials."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from workbench.config import Settings
from workbench.errors import WorkbenchError
from workbench.qbo.client import QboClient
from workbench.qbo.connect import open_client, stored_connection
from workbench.services.progress import ProgressCallback
from workbench.services.qbo_sync import QboSyncResult, sync_qbo
from workbench.services.shopify_sync import SyncResult, sync_shopify
from workbench.services.sync_all import FullSyncResult, sync_all
from workbench.shopify.client import ShopifyClient, TokenProvider
from workbench.store.engine import Store


def shopify_client(settings: Settings) -> ShopifyClient:
    if not settings.shopify_configured or settings.shopify_shop_url is None:
        raise WorkbenchError(
            "Shopify is not configured: set WORKBENCH_SHOPIFY_SHOP_URL and either "
            "WORKBENCH_SHOPIFY_TOKEN or WORKBENCH_SHOPIFY_CLIENT_ID/_SECRET"
        )
    token = settings.shopify_token.get_secret_value() if settings.shopify_token else None
    secret = (
        settings.shopify_client_secret.get_secret_value()
        if settings.shopify_client_secret
        else None
    )
    auth = TokenProvider(token=token, client_id=settings.shopify_client_id, client_secret=secret)
    return ShopifyClient(settings.shopify_shop_url, auth, api_version=settings.shopify_api_version)


def shopify_sync_runner(
    settings: Settings,
    store: Store,
    *,
    since: date | None = None,
    full: bool = False,
    bulk: bool | None = None,
) -> Callable[[ProgressCallback], SyncResult] | None:
    """A sync bound to the configured shop, or None when no shop is configured."""
    if not settings.shopify_configured:
        return None

    def run(progress: ProgressCallback) -> SyncResult:
        with shopify_client(settings) as client:
            return sync_shopify(
                store, client, since=since or settings.sync_start_date, full=full, bulk=bulk,
                progress=progress,
            )  # fmt: skip

    return run


def full_sync_runner(
    settings: Settings, store: Store
) -> Callable[[ProgressCallback], FullSyncResult] | None:
    """Shopify, then (when connected) QuickBooks, then proposals: what ``s`` does in the app."""
    shopify = shopify_sync_runner(settings, store)
    if shopify is None:
        return None
    qbo = qbo_sync_runner(settings, store)
    return lambda progress: sync_all(store, shopify, progress, settings, sync_qbo=qbo)


def qbo_sync_runner(
    settings: Settings, store: Store
) -> Callable[[ProgressCallback], QboSyncResult] | None:
    """QuickBooks reference data for the connected company, or None when not connected."""
    if stored_connection(settings) is None:
        return None

    def run(progress: ProgressCallback) -> QboSyncResult:
        with open_client(settings) as client:
            return sync_qbo(store, client, progress=progress)

    return run


def qbo_client_factory(settings: Settings) -> Callable[[], QboClient] | None:
    """Opens a client for the connected company (the caller closes it), or None if not
    connected: what the app uses to create items and post approved entries."""
    if stored_connection(settings) is None:
        return None
    return lambda: open_client(settings)
