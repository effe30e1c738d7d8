"""Building the real clients from the settings: the only place that reads credentials.

The app asks for its runners at start-up but runs them later, so the clients and the syncs
(HTTP, GraphQL, the proposal builder) are imported when a runner runs, not before the first
screen.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from workbench.config import Settings
from workbench.errors import WorkbenchError
from workbench.qbo.tokens import stored_connection
from workbench.services.progress import ProgressCallback
from workbench.store.engine import Store

if TYPE_CHECKING:
    from workbench.qbo.client import QboClient
    from workbench.services.qbo_sync import QboSyncResult
    from workbench.services.shopify_sync import SyncResult
    from workbench.services.sync_all import FullSyncResult
    from workbench.shopify.client import ShopifyClient


def shopify_client(settings: Settings) -> ShopifyClient:
    from workbench.shopify.client import ShopifyClient, TokenProvider

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
        from workbench.services.shopify_sync import sync_shopify

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

    def run(progress: ProgressCallback) -> FullSyncResult:
        from workbench.services.sync_all import sync_all

        # Whether QuickBooks is connected is asked now, not when the app starts: reading the
        # keyring costs ~0.1 s, and a connection made in the settings screen then counts.
        qbo = qbo_sync_runner(settings, store)
        return sync_all(store, shopify, progress, settings, sync_qbo=qbo)

    return run


def qbo_sync_runner(
    settings: Settings, store: Store
) -> Callable[[ProgressCallback], QboSyncResult] | None:
    """QuickBooks reference data for the connected company, or None when not connected."""
    if stored_connection(settings) is None:
        return None

    def run(progress: ProgressCallback) -> QboSyncResult:
        from workbench.qbo.connect import open_client
        from workbench.services.qbo_sync import sync_qbo

        with open_client(settings) as client:
            return sync_qbo(store, client, progress=progress)

    return run


class QboAccess:
    """Opens a client for the connected company (the caller closes it): what the app uses to
    create items and post approved entries.

    Whether a company is connected is read from the token store on first ask, not when the
    app starts (loading the keyring costs ~0.1 s of the first screen).
    """

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    @functools.cached_property
    def _answer(self) -> bool | WorkbenchError:
        try:
            return stored_connection(self._settings) is not None
        except WorkbenchError as exc:  # an unreadable keyring, a token without its company
            return exc

    @property
    def connected(self) -> bool:
        """Raises the WorkbenchError that made the stored connection unreadable (each time)."""
        answer = self._answer
        if isinstance(answer, WorkbenchError):
            raise answer
        return answer

    def __call__(self) -> QboClient:
        from workbench.qbo.connect import open_client

        return open_client(self._settings)
