"""The main screen: Shopify activity on the left, the selected record on the right, four more
tabs behind `2`–`5`. Everything slow (queue reads, decisions, sync, mapping) runs in workers that
post messages; only the handlers here change what is shown."""

from __future__ import annotations

import gc
from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from importlib import import_module
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, ProgressBar, Static, TabbedContent, TabPane
from textual.worker import get_current_worker

from workbench.domain.money import format_amount
from workbench.services.activity import ActivityRow
from workbench.services.review_filter import ReviewFilter, SortOrder
from workbench.services.workspace import Summary, Workspace
from workbench.tui.commands import ReviewCommands
from workbench.tui.failures import ReportsWorkerFailures
from workbench.tui.messages import (
    CleanCounted,
    CommitPending,
    DecisionMade,
    DetailLoaded,
    QueueCompleted,
    QueueLoaded,
)
from workbench.tui.screens.confirm import ConfirmScreen
from workbench.tui.screens.line_mapping_flow import MapsProductLines
from workbench.tui.screens.sync_flow import SyncsTheStore
from workbench.tui.widgets.activity_list import PAGE, ActivityList
from workbench.tui.widgets.detail_panel import DetailPanel
from workbench.tui.widgets.filter_bar import FilterBar

if TYPE_CHECKING:
    from workbench.services.commit import CommitReport

FIRST_WINDOW = PAGE  # rows read before the first screen shows: the list's first page
# The other tabs are built the first time they are shown: their modules (and the services
# behind them) are not needed for the first screen, which must be up in well under a second.
LAZY_TABS = {
    "payouts": ("workbench.tui.tabs.payouts", "PayoutsTab"),
    "skus": ("workbench.tui.tabs.skus", "UnmatchedSkusTab"),
    "mappings": ("workbench.tui.tabs.mappings", "MappingsTab"),
    "history": ("workbench.tui.tabs.history", "HistoryTab"),
}
# Tab ids in key order: `1`–`5` switch to them.
TABS = ("review", "payouts", "skus", "mappings", "history")
TAB_NAMES = {
    "review": "Review", "payouts": "Payouts", "skus": "Unmatched SKUs",
    "mappings": "Mappings", "history": "History",
}  # fmt: skip
# Which review states each decision applies to (the footer offers only those).
DECIDABLE = {
    "approve": {"pending", "needs_attention"},
    "reject": {"pending", "needs_attention", "approved", "failed"},
    "unapprove": {"approved", "rejected", "failed"},
}
# Review-tab actions: hidden from the footer (and refused) on the other tabs.
REVIEW_ACTIONS = {"decide", "toggle_select", "approve_clean", "map_line", "filter", "sort"}


def _totals(totals: Mapping[str, Decimal]) -> str:
    return " + ".join(f"{format_amount(v, c)} {c}" for c, v in sorted(totals.items())) or "0"


class MainScreen(Screen[None], ReportsWorkerFailures, MapsProductLines, SyncsTheStore):
    COMMANDS = {ReviewCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_select", "Select", id="review.select"),
        Binding("a", "decide('approve')", "Approve", id="review.approve"),
        Binding("A", "approve_clean", "Approve clean", id="review.approve_clean"),
        Binding("x", "decide('reject')", "Reject", id="review.reject"),
        Binding("u", "decide('unapprove')", "Undo", id="review.unapprove"),
        Binding("m", "map_line", "Map line", id="review.map"),
        Binding("c", "commit", "Commit", id="review.commit"),
        Binding("s", "sync", "Sync", id="review.sync"),
        Binding("slash", "filter", "Filter", key_display="/", id="review.filter"),
        Binding("o", "sort", "Sort", id="review.sort"),
        Binding("escape", "clear", "Clear", id="review.clear"),
        *[
            Binding(str(n), f"show_tab('{tab}')", TAB_NAMES[tab], show=False, id=f"tab.{tab}")
            for n, tab in enumerate(TABS, start=1)
        ],
    ]

    def __init__(
        self,
        workspace: Workspace,
        *,
        sync_on_start: bool = False,
        user: str = "reviewer",
        auto_sync_minutes: int = 0,
    ) -> None:
        super().__init__()
        self.workspace = workspace
        self.app_user = user
        self.sync_on_start = sync_on_start
        self.syncing = False
        self.mapping = False
        self.auto_sync_minutes = auto_sync_minutes
        self.next_sync_at: datetime | None = None
        self._auto_timer: Timer | None = None
        self._last_reload = 0.0
        self._summary: Summary | None = None
        self._jump_to: tuple[str, str] | None = None
        self._footer_keys: tuple[str | None, str | None] = (None, None)
        self._built_tabs: set[str] = set()
        self._had_selection = False

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(id="tabs", initial="review"):
            with TabPane("1 Review", id="review"), Horizontal(id="review-panes"):
                with Vertical(id="left"):
                    yield Static("Shopify", id="list-title", classes="pane-title")
                    yield FilterBar(id="filter-bar")
                    yield ActivityList(self.workspace.queue, id="activity")
                with Vertical(id="right"):
                    yield Static("Proposed QuickBooks entry", classes="pane-title")
                    yield DetailPanel(id="detail")
            for n, tab in enumerate(TABS[1:], start=2):
                yield TabPane(f"{n} {TAB_NAMES[tab]}", id=tab)
        with Horizontal(id="sync-status"):
            yield Static("", id="sync-text")
            yield ProgressBar(id="sync-bar", show_eta=False)
        yield Footer()

    def on_mount(self) -> None:
        self.activity.focus()
        self.load_queue()
        self._start_auto_sync()
        if self.sync_on_start and self.workspace.can_sync:
            self.action_sync()

    # Parts ---------------------------------------------------------------------------------

    @property
    def activity(self) -> ActivityList:
        return self.query_one(ActivityList)

    @property
    def filter_bar(self) -> FilterBar:
        return self.query_one(FilterBar)

    @property
    def active_tab(self) -> str:
        return self.query_one(TabbedContent).active

    @property
    def view(self) -> ReviewFilter:
        return self.workspace.queue.view

    @property
    def current_row(self) -> ActivityRow | None:
        return self.activity.row_at(self.activity.cursor)

    # Keys ----------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in REVIEW_ACTIONS and self.active_tab != "review":
            return False
        if action == "decide":
            if self.activity.selected:
                return True
            detail = self.query_one(DetailPanel).detail
            if detail is None or detail.proposal is None:
                return False
            decision = str(parameters[0]) if parameters else ""
            return detail.proposal.state in DECIDABLE.get(decision, set())
        if action == "toggle_select":
            return self.activity.row_count > 0
        if action == "approve_clean":
            return self.activity.row_count > 0
        if action == "map_line":
            row = self.current_row
            if row is None or row.kind != "order":
                return False
            return None if self.syncing or self.mapping else True
        if action == "sync":
            if not self.workspace.can_sync:
                return False
            return None if self.syncing or self.mapping else True
        if action == "commit":
            return None if self.syncing or self.mapping else True
        if action == "clear":
            return self.active_tab == "review" and (
                self.view.active or bool(self.activity.selected) or self.filter_bar.is_open
            )
        return True

    def _build_tab(self, tab: str) -> None:
        """Mount a tab's widget the first time it is shown."""
        if tab not in LAZY_TABS or tab in self._built_tabs:
            return
        self._built_tabs.add(tab)
        module, name = LAZY_TABS[tab]
        widget_class = getattr(import_module(module), name)
        pane = self.query_one(f"TabPane#{tab}", TabPane)
        pane.mount(widget_class(self.workspace, user=self.app_user, id=f"{tab}-tab"))

    def action_show_tab(self, tab: str) -> None:
        self._build_tab(tab)
        self.query_one(TabbedContent).active = tab
        if tab == "review":
            self.activity.focus()
        else:
            # Focus left in the pane just hidden would wander to a widget there, and a
            # TabbedContent follows focus back to that pane: move it into the new one now.
            pane = self.query_one(f"TabPane#{tab}", TabPane)
            focused = self.focused
            if focused is None or pane not in focused.ancestors:
                first = next((w for w in pane.query("*") if w.focusable), None)
                self.set_focus(first)
        self.refresh_bindings()

    def on_review(self, action: Callable[[], object]) -> None:
        """Run a Review-tab action from elsewhere (the palette): show the tab first."""
        self.action_show_tab("review")
        action()

    @on(TabbedContent.TabActivated)
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        # Clicking a tab with the mouse shows it without action_show_tab.
        if event.pane.id is not None:
            self._build_tab(event.pane.id)
        self.refresh_bindings()

    # Filter and sort -----------------------------------------------------------------------

    def action_filter(self) -> None:
        self.filter_bar.open()
        self.refresh_bindings()

    @on(FilterBar.Applied)
    def _filter_applied(self, message: FilterBar.Applied) -> None:
        self.apply_view(message.view)

    def apply_view(self, view: ReviewFilter) -> None:
        """Show only what ``view`` matches (the selection is dropped: it may be hidden now)."""
        queue = self.workspace.queue
        queue.view = view
        self.query_one(DetailPanel).empty_text = (
            "Nothing matches the filter. Esc clears it." if view.active else DetailPanel.EMPTY
        )
        self.filter_bar.show(view)
        self.activity.clear_selection()
        self.activity.cursor = 0
        self.activity.focus()
        self.load_queue()
        self.refresh_bindings()

    def show_filter(self, view: ReviewFilter) -> None:
        self.action_show_tab("review")
        self.apply_view(view)

    def action_sort(self) -> None:
        self.sort_by(self.workspace.queue.sort.next())

    def sort_by(self, order: SortOrder) -> None:
        self.action_show_tab("review")
        self.workspace.queue.sort = order
        self.activity.cursor = 0
        self.load_queue()

    def action_clear(self) -> None:
        """Escape: close the filter line, else drop the filter, else drop the selection."""
        if self.filter_bar.is_open and not self.view.active:
            self.filter_bar.close()
            self.filter_bar.input.value = ""
            self.activity.focus()
        elif self.view.active or self.filter_bar.is_open:
            self.filter_bar.close()
            self.apply_view(ReviewFilter())
        else:
            self.activity.clear_selection()
        self.refresh_bindings()

    # Selection and decisions ---------------------------------------------------------------

    def action_toggle_select(self) -> None:
        activity = self.activity
        activity.toggle_selection(activity.cursor)
        activity.action_cursor_down()

    @on(ActivityList.SelectionChanged)
    def _selection_changed(self, message: ActivityList.SelectionChanged) -> None:
        self._show_title()
        # The keys that apply change only when the selection empties or starts (check_action
        # reads whether there is one); rebuilding the footer on every space costs a repaint.
        if bool(message.count) != self._had_selection:
            self._had_selection = bool(message.count)
            self.refresh_bindings()

    def action_decide(self, decision: str) -> None:
        activity = self.activity
        if activity.selected:
            records = sorted(activity.selected)
        else:
            row = self.current_row
            if row is None:
                return
            records = [(row.kind, row.id)]
        self.run_decision(records, decision)

    @work(thread=True, exclusive=True, exit_on_error=False, group="review")
    def run_decision(self, records: list[tuple[str, str]], decision: str) -> None:
        report = self.workspace.decide_records(records, decision, self.app_user)
        self.post_message(DecisionMade(decision, report.changed, report.refused))

    @on(DecisionMade)
    def _decision_made(self, message: DecisionMade) -> None:
        done = {"approve": "approved", "reject": "rejected"}.get(message.decision, "undone")
        if len(message.refused) > 3:
            _key, why = message.refused[0]
            self.notify(
                f"{len(message.refused)} not {done}, e.g. because {why}", severity="warning"
            )
        else:
            for _key, why in message.refused:
                self.notify(f"Not {done}: {why}", severity="warning")
        if len(message.changed) > 1:
            self.notify(f"{len(message.changed):,} entries {done}", timeout=3)
        self.activity.clear_selection()
        if message.changed:
            self.load_queue()  # its reload announces the row, which loads the detail

    def action_approve_clean(self) -> None:
        self.count_clean()

    @work(thread=True, exclusive=True, exit_on_error=False, group="review")
    def count_clean(self) -> None:
        self.post_message(CleanCounted(self.workspace.clean_in_view()))

    @on(CleanCounted)
    def _clean_counted(self, message: CleanCounted) -> None:
        clean = message.clean
        if not clean.count:
            self.notify("No clean entries in view: each has a flag, a failed tie-out or "
                        "an unmapped line, or is already decided.", severity="warning")  # fmt: skip
            return
        where = "matching the filter" if self.view.active else "in the list"
        body = (
            f"{clean.count:,} clean entries {where}, totalling "
            f"{_totals(clean.totals)}, will be approved. Flagged, unmapped or "
            "untied entries are left for you to read."
        )
        keys = list(clean.keys)

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_approve_clean(keys)

        self.app.push_screen(
            ConfirmScreen(f"Approve {clean.count:,} clean entries?", body, yes="Approve"),
            answered,
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="review")
    def run_approve_clean(self, keys: list[str]) -> None:
        report = self.workspace.approve_clean(keys, self.app_user)
        self.post_message(DecisionMade("approve", report.changed, report.refused))

    # Commit --------------------------------------------------------------------------------

    def action_commit(self) -> None:
        if not (self.syncing or self.mapping):
            self.load_pending()

    @work(thread=True, exclusive=True, exit_on_error=False, group="commit")
    def load_pending(self) -> None:
        from workbench.services.commit import pending

        self.post_message(CommitPending(pending(self.workspace.store)))

    @on(CommitPending)
    def _commit_pending(self, message: CommitPending) -> None:
        if message.pending.count == 0:
            self.notify("Nothing is approved yet: approve entries with a (or A for every clean "
                        "one), then commit.", severity="warning")  # fmt: skip
            return
        from workbench.tui.screens.commit import CommitScreen

        self.app.push_screen(
            CommitScreen(self.workspace, message.pending, user=self.app_user), self._committed
        )

    def _committed(self, report: CommitReport | None) -> None:
        if report is None:
            return
        self.load_queue()  # its reload announces the row, which loads the detail
        if "history" in self._built_tabs:
            from workbench.tui.tabs.history import HistoryTab

            self.query_one(HistoryTab).load()

    # Jumping (the command palette) ---------------------------------------------------------

    def jump_to(self, kind: str, record_id: str) -> None:
        """Put the cursor on a record; drop the filter first if it hides the record."""
        self.action_show_tab("review")
        self._jump_to = (kind, record_id)
        # While only the first window is loaded, the full list is on its way (the queue
        # worker's QueueCompleted lands the cursor); finding the row now would read it again on
        # the screen's thread.
        if self.workspace.queue.complete:
            self._jump()

    # The status bar (sync and mapping progress) -------------------------------------------

    def _show_progress(self, text: str) -> None:
        self.set_class(True, "-syncing")
        self.query_one("#sync-text", Static).update(text)
        self.query_one("#sync-bar", ProgressBar).update(total=None, progress=0)
        self.refresh_bindings()

    def _hide_progress(self) -> None:
        self.set_class(False, "-syncing")
        self.query_one("#sync-text", Static).update("")
        self.refresh_bindings()

    # The list and the detail ---------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="queue")
    def load_queue(self) -> None:
        # The first window shows at once; the full key list (for far moves, jumps and
        # positions) follows in the same worker, and a repaint only if rows already shown moved.
        queue = self.workspace.queue
        count = queue.reload_head(FIRST_WINDOW)
        self.post_message(QueueLoaded(count, self.workspace.summary()))
        if queue.complete:
            return
        moved = queue.load_rest()
        if not get_current_worker().is_cancelled:
            self.post_message(QueueCompleted(moved))

    @on(QueueLoaded)
    def _queue_loaded(self, message: QueueLoaded) -> None:
        if self._summary is None:
            # Everything loaded so far (modules, the app, its widgets) lives as long as the
            # app: keep it out of the collector's full scans, which otherwise stall a cursor
            # move for ~200 ms every few dozen keys.
            gc.freeze()
        self._summary = message.summary
        if self.workspace.queue.complete:
            self._jump()
        self.activity.reload()
        self._show_title()
        self.refresh_bindings()

    @on(QueueCompleted)
    def _queue_completed(self, message: QueueCompleted) -> None:
        if message.moved:
            self.activity.reload()
        self._jump()

    def _jump(self) -> None:
        """Put the cursor on the record a jump asked for, once the full list is known; drop
        the filter first if it hides the record (the reload then lands it)."""
        if self._jump_to is None:
            return
        position = self.workspace.queue.position(*self._jump_to)
        if position is None and self.view.active:
            self.apply_view(ReviewFilter())
            return
        self._jump_to = None
        if position is not None:
            self.activity.move_to(position)

    def _show_title(self) -> None:
        summary = self._summary
        if summary is None:
            return
        parts = [f"{summary.shop} → {summary.company}"]
        if summary.last_sync:
            parts.append(f"synced {summary.last_sync}")
        if self.next_sync_at is not None:
            parts.append(f"next {self.next_sync_at:%H:%M}")
        if self.view.active:
            parts.append(f"{summary.in_view:,} of {summary.awaiting:,} to review in view")
        else:
            parts.append(f"{summary.awaiting:,} to review")
        selected = len(self.activity.selected)
        if selected:
            parts.append(f"{selected:,} selected")
        self.app.sub_title = " · ".join(parts)
        queue = self.workspace.queue
        shown = f"{summary.in_view:,} of {summary.awaiting:,}" if self.view.active else (
            f"{summary.in_view:,}"
        )  # fmt: skip
        self.query_one("#list-title", Static).update(
            f"Shopify · {shown} · {queue.sort.label}"
            + (f" · {selected:,} selected" if selected else "")
        )

    @on(ActivityList.Highlighted)
    def _highlighted(self, message: ActivityList.Highlighted) -> None:
        # The footer follows when the detail arrives (_detail_loaded), not on every keypress.
        self.load_detail(message.index)

    @work(thread=True, exclusive=True, exit_on_error=False, group="detail")
    def load_detail(self, index: int) -> None:
        row = self.activity.row_at(index)
        detail = self.workspace.detail(row) if row else None
        self.post_message(DetailLoaded(index, detail))

    @on(DetailLoaded)
    def _detail_loaded(self, message: DetailLoaded) -> None:
        if message.index == self.activity.cursor:
            self.query_one(DetailPanel).show(message.detail)
            # The footer is rebuilt (and the screen laid out again) on every refresh, which
            # made each cursor move cost a full repaint: refresh only when the keys that
            # apply change, i.e. when the row's kind or its proposal's state does.
            detail = message.detail
            proposal = detail.proposal if detail is not None else None
            row = self.current_row
            keys = (row.kind if row else None, proposal.state if proposal else None)
            if keys != self._footer_keys:
                self._footer_keys = keys
                self.refresh_bindings()
