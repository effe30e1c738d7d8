"""One sync as the bookkeeper means it: Shopify, then QuickBooks reference data (when
connected), then the proposals rebuilt from both."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from workbench.config import Settings
from workbench.services.progress import ProgressCallback
from workbench.services.propose import ProposeReport, propose_all
from workbench.services.qbo_sync import QboSyncResult
from workbench.services.shopify_sync import SyncResult
from workbench.store.engine import Store


@dataclass(frozen=True)
class FullSyncResult:
    shopify: SyncResult
    proposals: ProposeReport
    qbo: QboSyncResult | None = None

    def describe(self) -> str:
        text = (
            f"Synced {self.shopify.orders:,} orders, {self.shopify.payouts:,} payouts and "
            f"{self.shopify.balance_transactions:,} balance transactions"
        )
        if self.qbo is not None:
            text += f"; {sum(self.qbo.fetched.values()):,} QuickBooks records"
        return text + f"; {self.proposals.built:,} proposals built"


def sync_all(
    store: Store,
    sync_shopify: Callable[[ProgressCallback], SyncResult],
    progress: ProgressCallback,
    settings: Settings | None = None,
    sync_qbo: Callable[[ProgressCallback], QboSyncResult] | None = None,
) -> FullSyncResult:
    shopify = sync_shopify(progress)
    qbo = sync_qbo(progress) if sync_qbo is not None else None
    return FullSyncResult(shopify, propose_all(store, settings, progress=progress), qbo)
