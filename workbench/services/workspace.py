"""What the app works on: one store, its review queue, and the facts the header shows.

The TUI talks only to this object (and the services it exposes), never to SQL or HTTP.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import col

from workbench.qbo.client import QboClient
from workbench.services import review
from workbench.services.activity import (
    ActivityDetail,
    ActivityRow,
    ReviewQueue,
    proposal_key_for,
)
from workbench.services.progress import ProgressCallback, ignore_progress
from workbench.services.review import DecisionReport
from workbench.services.sync_all import FullSyncResult
from workbench.store.engine import Store
from workbench.store.tables import QboEntityRow, ShopRow, SyncCheckpointRow


@dataclass(frozen=True)
class Summary:
    shop: str
    company: str
    awaiting: int
    last_sync: str | None


class Workspace:
    def __init__(
        self,
        store: Store,
        *,
        company_name: str | None = None,
        sync: Callable[[ProgressCallback], FullSyncResult] | None = None,
        qbo: Callable[[], QboClient] | None = None,
    ) -> None:
        self.store = store
        # Opens a client for the connected company (the caller closes it); None when
        # QuickBooks is not connected, so posting and item creation are unavailable.
        self.qbo = qbo
        self.queue = ReviewQueue(store)
        self._company_name = company_name
        self._sync = sync

    @property
    def can_post(self) -> bool:
        return self.qbo is not None

    @property
    def can_sync(self) -> bool:
        return self._sync is not None

    def sync(self, progress: ProgressCallback = ignore_progress) -> FullSyncResult:
        """Run the configured sync (blocking; the app calls it from a worker thread)."""
        if self._sync is None:
            raise RuntimeError("no shop is configured to sync from: see `workbench config show`")
        return self._sync(progress)

    def decide(self, row: ActivityRow, decision: str, reviewer: str) -> DecisionReport:
        """Approve, reject or unapprove the proposal of one review row."""
        key = proposal_key_for(row.kind, row.id)
        return review.decide(self.store, [key], decision, reviewer=reviewer)

    def is_empty(self) -> bool:
        with self.store.session() as session:
            return session.scalars(select(ShopRow)).first() is None

    def reload(self) -> int:
        return self.queue.reload()

    def detail(self, row: ActivityRow) -> ActivityDetail:
        return self.queue.detail(row)

    def summary(self) -> Summary:
        with self.store.session() as session:
            shop = session.scalars(select(ShopRow)).first()
            company = session.scalars(
                select(col(QboEntityRow.name)).where(col(QboEntityRow.entity_type) == "CompanyInfo")
            ).first()
            last = session.scalar(select(func.max(SyncCheckpointRow.updated_at)))
        return Summary(
            shop=shop.domain if shop else "no shop synced",
            company=company or self._company_name or "QuickBooks not connected",
            awaiting=len(self.queue),
            last_sync=last.astimezone().strftime("%H:%M") if last else None,
        )
