"""The main screen: Shopify activity on the left, the selected record on the right."""

from __future__ import annotations

import time
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, ProgressBar, Static, TabbedContent, TabPane
from textual.worker import get_current_worker

from workbench.services.activity import ActivityRow
from workbench.services.progress import Progress, SyncCancelled
from workbench.services.workspace import Workspace
from workbench.tui.failures import ReportsWorkerFailures
from workbench.tui.messages import (
    DecisionMade,
    DetailLoaded,
    QueueLoaded,
    SyncFinished,
    SyncProgressed,
)
from workbench.tui.tabs.history import HistoryTab
from workbench.tui.tabs.mappings import MappingsTab
from workbench.tui.tabs.payouts import PayoutsTab
from workbench.tui.tabs.skus import UnmatchedSkusTab
from workbench.tui.widgets.activity_list import ActivityList
from workbench.tui.widgets.detail_panel import DetailPanel

RELOAD_EVERY = 0.5
# Tab ids in key order: `1`–`5` switch to them.
TABS = ("review", "payouts", "skus", "mappings", "history")


class MainScreen(Screen[None], ReportsWorkerFailures):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "decide('approve')", "Approve", id="review.approve"),
        Binding("x", "decide('reject')", "Reject", id="review.reject"),
        Binding("u", "decide('unapprove')", "Undo approval", id="review.unapprove"),
        Binding("s", "sync", "Sync", id="review.sync"),
        *[
            Binding(str(n), f"show_tab('{tab}')", tab.title(), show=False, id=f"tab.{tab}")
            for n, tab in enumerate(TABS, start=1)
        ],
    ]

    def __init__(
        self, workspace: Workspace, *, sync_on_start: bool = False, user: str = "reviewer"
    ) -> None:
        super().__init__()
        self.workspace = workspace
        self.app_user = user
        self.sync_on_start = sync_on_start
        self.syncing = False
        self._last_reload = 0.0

    def compose(self) -> ComposeResult:
        yield Header()
        user = self.app_user
        with TabbedContent(id="tabs", initial="review"):
            with TabPane("1 Review", id="review"), Horizontal(id="review-panes"):
                with Vertical(id="left"):
                    yield Static("Shopify", classes="pane-title")
                    yield ActivityList(self.workspace.queue, id="activity")
                with Vertical(id="right"):
                    yield Static("Proposed QuickBooks entry", classes="pane-title")
                    yield DetailPanel(id="detail")
            with TabPane("2 Payouts", id="payouts"):
                yield PayoutsTab(self.workspace, user=user, id="payouts-tab")
            with TabPane("3 Unmatched SKUs", id="skus"):
                yield UnmatchedSkusTab(self.workspace, user=user, id="skus-tab")
            with TabPane("4 Mappings", id="mappings"):
                yield MappingsTab(self.workspace, user=user, id="mappings-tab")
            with TabPane("5 History", id="history"):
                yield HistoryTab(self.workspace, user=user, id="history-tab")
        with Horizontal(id="sync-status"):
            yield Static("", id="sync-text")
            yield ProgressBar(id="sync-bar", show_eta=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(ActivityList).focus()
        self.load_queue()
        if self.sync_on_start and self.workspace.can_sync:
            self.action_sync()

    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        if tab == "review":
            self.query_one(ActivityList).focus()
        self.refresh_bindings()

    @property
    def active_tab(self) -> str:
        return self.query_one(TabbedContent).active

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "decide":
            if self.active_tab != "review":
                return False
            detail = self.query_one(DetailPanel).detail
            return detail is not None and detail.proposal is not None
        if action == "sync":
            if not self.workspace.can_sync:
                return False
            return None if self.syncing else True
        return True

    def action_decide(self, decision: str) -> None:
        activity = self.query_one(ActivityList)
        row = activity.row_at(activity.cursor)
        if row is not None:
            self.run_decision(row, decision)

    @work(thread=True, exclusive=True, exit_on_error=False, group="review")
    def run_decision(self, row: ActivityRow, decision: str) -> None:
        report = self.workspace.decide(row, decision, self.app_user)
        self.post_message(DecisionMade(decision, report.changed, report.refused))

    @on(DecisionMade)
    def _decision_made(self, message: DecisionMade) -> None:
        for _key, why in message.refused:
            done = {"approve": "approved", "reject": "rejected"}.get(message.decision, "undone")
            self.notify(f"Not {done}: {why}", severity="warning")
        if message.changed:
            self.load_queue()
            self.load_detail(self.query_one(ActivityList).cursor)

    def action_sync(self) -> None:
        if self.syncing or not self.workspace.can_sync:
            return
        self.syncing = True
        self.set_class(True, "-syncing")
        self.query_one("#sync-text", Static).update("Syncing…")
        self.query_one("#sync-bar", ProgressBar).update(total=None, progress=0)
        self.refresh_bindings()
        self.run_sync()

    @work(thread=True, exclusive=True, exit_on_error=False, group="sync")
    def run_sync(self) -> None:
        worker = get_current_worker()

        def report(progress: Progress) -> None:
            # Thread workers cannot be stopped from outside; the sync stops itself at the next
            # page once the worker is cancelled (the user quit, or a new sync replaced it).
            if worker.is_cancelled:
                raise SyncCancelled("sync cancelled")
            self.post_message(SyncProgressed(progress.describe(), progress.done, progress.total))

        try:
            result = self.workspace.sync(report)
        finally:
            self.app.call_from_thread(self._sync_ended)
        self.post_message(SyncFinished(result.describe()))

    def _sync_ended(self) -> None:
        self.syncing = False
        self.set_class(False, "-syncing")
        self.refresh_bindings()
        self.load_queue()

    @on(SyncProgressed)
    def _sync_progressed(self, message: SyncProgressed) -> None:
        # Show what has landed so far, at most twice a second, so a first sync fills the list
        # while it runs instead of at its end.
        now = time.monotonic()
        if now - self._last_reload >= RELOAD_EVERY:
            self._last_reload = now
            self.load_queue()
        self.query_one("#sync-text", Static).update(message.text)
        self.query_one("#sync-bar", ProgressBar).update(total=message.total, progress=message.done)

    @on(SyncFinished)
    def _sync_finished(self, message: SyncFinished) -> None:
        self.query_one("#sync-text", Static).update("")
        self.notify(message.summary, title="Sync complete")

    @work(thread=True, exclusive=True, exit_on_error=False, group="queue")
    def load_queue(self) -> None:
        count = self.workspace.reload()
        self.post_message(QueueLoaded(count, self.workspace.summary()))

    @on(QueueLoaded)
    def _queue_loaded(self, message: QueueLoaded) -> None:
        summary = message.summary
        synced = f" · synced {summary.last_sync}" if summary.last_sync else ""
        self.app.sub_title = (
            f"{summary.shop} → {summary.company}{synced} · {message.count:,} to review"
        )
        self.query_one(ActivityList).reload()

    @on(ActivityList.Highlighted)
    def _highlighted(self, message: ActivityList.Highlighted) -> None:
        self.load_detail(message.index)

    @work(thread=True, exclusive=True, exit_on_error=False, group="detail")
    def load_detail(self, index: int) -> None:
        row = self.query_one(ActivityList).row_at(index)
        detail = self.workspace.detail(row) if row else None
        self.post_message(DetailLoaded(index, detail))

    @on(DetailLoaded)
    def _detail_loaded(self, message: DetailLoaded) -> None:
        if message.index == self.query_one(ActivityList).cursor:
            self.query_one(DetailPanel).show(message.detail)
            self.refresh_bindings()
