"""What the app works on: one store, its review queue, and the facts the header shows.

The TUI talks only to this object (and the services it exposes), never to SQL or HTTP.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlmodel import col

from workbench.config import Settings
from workbench.errors import WorkbenchError
from workbench.services import review
from workbench.services.activity import (
    ActivityDetail,
    ActivityRow,
    ReviewQueue,
    proposal_key_for,
)
from workbench.services.progress import ProgressCallback, ignore_progress
from workbench.services.review import CleanSummary, DecisionReport
from workbench.store.engine import Store
from workbench.store.tables import QboEntityRow, ShopRow, SyncCheckpointRow

if TYPE_CHECKING:
    # Types only: the HTTP client and the sync are loaded by whoever builds the workspace, and
    # the matcher behind `m` (rapidfuzz, the item index) when `m` is first pressed; none of
    # them by the app's first screen.
    from workbench.qbo.client import QboClient
    from workbench.services.item_search import ItemChoice, Search
    from workbench.services.line_mapping import MappingReport, ProductLine
    from workbench.services.sync_all import FullSyncResult


@dataclass(frozen=True)
class Summary:
    shop: str
    company: str
    awaiting: int
    last_sync: str | None
    in_view: int = 0


class Workspace:
    def __init__(
        self,
        store: Store,
        *,
        company_name: str | None = None,
        sync: Callable[[ProgressCallback], FullSyncResult] | None = None,
        qbo: Callable[[], QboClient] | None = None,
        qbo_connected: Callable[[], bool] | None = None,
        settings: Settings | None = None,
    ) -> None:
        self.store = store
        # How proposals are built (workflow, customer mode…) when a mapping made here rebuilds
        # them; None builds them with the defaults, as `workbench propose` without a config.
        self.settings = settings
        # Opens a client for the connected company (the caller closes it); None when
        # QuickBooks is not connected, so posting and item creation are unavailable.
        # ``qbo_connected``, when given, says whether the factory has a company yet; it is asked
        # only when posting is considered (the profile's answer reads the keyring, once).
        self.qbo = qbo
        self._qbo_connected = qbo_connected
        # Why QuickBooks cannot be used although a connection was set up (e.g. the keyring
        # cannot be read), as the last ``can_post`` found it; shown instead of "not connected".
        self.qbo_problem: str | None = None
        self.queue = ReviewQueue(store)
        self._company_name = company_name
        self._sync = sync

    def reconfigure(
        self,
        settings: Settings,
        *,
        sync: Callable[[ProgressCallback], FullSyncResult] | None,
        qbo: Callable[[], QboClient] | None,
        qbo_connected: Callable[[], bool] | None = None,
    ) -> None:
        """Use settings saved while the app runs: how proposals are built, the sync and the
        QuickBooks company. The store stays the one opened at start."""
        self.settings = settings
        self._sync = sync
        self.qbo, self._qbo_connected = qbo, qbo_connected
        self.qbo_problem = None

    @property
    def can_post(self) -> bool:
        if self.qbo is None:
            return False
        if self._qbo_connected is None:
            return True
        try:
            return self._qbo_connected()
        except WorkbenchError as exc:
            self.qbo_problem = str(exc)
            return False

    def post_refusal(self) -> str:
        """Why posting is unavailable, in words for the screen."""
        if self.qbo_problem:
            return f"QuickBooks cannot be used: {self.qbo_problem}"
        return "QuickBooks is not connected: connect it in the settings first."

    @property
    def can_sync(self) -> bool:
        return self._sync is not None

    def sync(self, progress: ProgressCallback = ignore_progress) -> FullSyncResult:
        """Run the configured sync (blocking; the app calls it from a worker thread)."""
        if self._sync is None:
            raise RuntimeError("no shop is configured to sync from: see `workbench config show`")
        return self._sync(progress)

    def decide_records(
        self, records: Sequence[tuple[str, str]], decision: str, reviewer: str
    ) -> DecisionReport:
        """The same decision for several (kind, id) records: the selection."""
        keys = [proposal_key_for(kind, record_id) for kind, record_id in records]
        return review.decide(self.store, keys, decision, reviewer=reviewer)

    def clean_in_view(self) -> CleanSummary:
        """What `A` would approve: the clean proposals among the rows the filter shows."""
        return review.clean_where(self.store, self.queue.proposal_keys_query())

    def approve_clean(self, keys: Sequence[str], reviewer: str) -> DecisionReport:
        """Approve those of ``keys`` still clean (the confirmation's list, re-checked)."""
        return review.approve_clean_among(self.store, keys, reviewer=reviewer)

    def product_lines(self, row: ActivityRow) -> list[ProductLine]:
        """The product lines `m` can map: only orders carry them."""
        from workbench.services import line_mapping

        return line_mapping.product_lines(self.store, row.id) if row.kind == "order" else []

    def item_suggestions(self, product_key: str) -> list[ItemChoice]:
        from workbench.services import line_mapping

        return line_mapping.suggestions_for(self.store, product_key)

    def item_search(self) -> Search:
        from workbench.services.item_search import item_search

        return item_search(self.store)

    def map_product(
        self,
        product_key: str,
        item_id: str,
        reviewer: str,
        progress: ProgressCallback = ignore_progress,
    ) -> MappingReport:
        """Map a product to an item and rebuild every proposal it affects (blocking)."""
        from workbench.services import line_mapping

        return line_mapping.map_product(
            self.store, product_key, item_id, reviewer=reviewer, settings=self.settings,
            progress=progress,
        )  # fmt: skip

    def find_orders(self, text: str, limit: int = 10) -> list[tuple[str, str]]:
        """(order id, name) of reviewable orders whose name holds ``text``: the palette's jump."""
        return self.queue.find_orders(text, limit)

    def is_empty(self) -> bool:
        with self.store.session() as session:
            return session.scalars(select(ShopRow)).first() is None

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
            # Without a filter the view is everything: no need to count it again in SQL.
            awaiting=self.queue.total() if self.queue.view.active else len(self.queue),
            in_view=len(self.queue),
            last_sync=last.astimezone().strftime("%H:%M") if last else None,
        )
