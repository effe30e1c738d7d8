"""The main screen: Shopify activity on the left, the selected record on the right."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from workbench.services.workspace import Workspace
from workbench.tui.failures import ReportsWorkerFailures
from workbench.tui.messages import DetailLoaded, QueueLoaded
from workbench.tui.widgets.activity_list import ActivityList
from workbench.tui.widgets.detail_panel import DetailPanel


class MainScreen(ReportsWorkerFailures, Screen[None]):
    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="review"):
            with Vertical(id="left"):
                yield Static("Shopify", classes="pane-title")
                yield ActivityList(self.workspace.queue, id="activity")
            with Vertical(id="right"):
                yield Static("Selected record", classes="pane-title")
                yield DetailPanel(id="detail")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(ActivityList).focus()
        self.load_queue()

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
