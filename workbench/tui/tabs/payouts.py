"""The Payouts tab: each payout beside the Deposit we propose, its tie-out, and the QuickBooks
records that may already be it, with the evidence. The bookkeeper links one (`l`), posts anyway
with a reason (`P`) or skips the payout (`K`); each decision is recorded and audited."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Static

from workbench.domain.money import format_amount
from workbench.services.duplicates import decide
from workbench.services.payout_review import (
    CandidateView,
    PayoutDetail,
    PayoutReview,
    PayoutSummary,
)
from workbench.services.workspace import Workspace
from workbench.tui.failures import ReportsWorkerFailures
from workbench.tui.screens.confirm import ConfirmScreen
from workbench.tui.screens.reason_prompt import ReasonPrompt
from workbench.tui.widgets.nav_table import NavTable
from workbench.tui.widgets.payout_detail import render_evidence, render_payout, state_label

MUTED = "dim"


class PayoutsTab(Vertical, ReportsWorkerFailures):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("l", "link", "Link candidate", id="payouts.link",
                tooltip="This QuickBooks record is the payout: post nothing"),
        Binding("P", "post_anyway", "Post anyway", id="payouts.post_anyway",
                tooltip="Not a duplicate: post it (asks why)"),
        Binding("K", "skip", "Skip payout", id="payouts.skip", tooltip="Never post this payout"),
        Binding("tab", "switch_table", "Candidates ⇄ payouts", show=False, id="payouts.switch"),
    ]  # fmt: skip

    class Loaded(Message):
        def __init__(self, rows: list[PayoutSummary], total: int) -> None:
            super().__init__()
            self.rows = rows
            self.total = total

    class DetailLoaded(Message):
        def __init__(self, key: str, detail: PayoutDetail) -> None:
            super().__init__()
            self.key = key
            self.detail = detail

    class Decided(Message):
        def __init__(self, key: str, text: str) -> None:
            super().__init__()
            self.key = key
            self.text = text

    def __init__(self, workspace: Workspace, *, user: str, id: str | None = None) -> None:
        super().__init__(id=id)
        self.workspace = workspace
        self.user = user
        self.review = PayoutReview(workspace.store)
        self.rows: list[PayoutSummary] = []
        self.detail: PayoutDetail | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="payouts-panes"):
            with Vertical(id="payouts-left"):
                yield Static("Payouts", id="payouts-title", classes="pane-title")
                yield NavTable(id="payouts-list")
            with Vertical(id="payouts-right"):
                yield Static("Payout", id="payout-heading", classes="pane-title")
                with VerticalScroll(id="payout-scroll"):
                    yield Static("", id="payout-detail")
                    yield Static("Possible duplicates in QuickBooks", classes="section-title")
                    yield NavTable(id="payout-candidates")
                    yield Static("", id="payout-evidence")

    def on_mount(self) -> None:
        table = self.query_one("#payouts-list", NavTable)
        table.add_column("Date", width=10)
        table.add_column("Payout", width=8)
        table.add_column("Status", width=9)
        table.add_column(Text("Net", justify="right"), width=11)
        table.add_column("Entry", width=15)
        table.add_column("Dup", width=6)
        candidates = self.query_one("#payout-candidates", NavTable)
        candidates.add_column("", width=1)
        candidates.add_column("Record", width=14)
        candidates.add_column("Date", width=10)
        candidates.add_column(Text("Amount", justify="right"), width=11)
        candidates.add_column(Text("Score", justify="right"), width=5)

    def on_show(self) -> None:
        # Loaded when shown, not at start: the app's first screen is the Review tab, and a sync
        # or commit since the last visit may have changed every payout.
        if self.screen.focused is None or self not in self.screen.focused.ancestors:
            self.query_one("#payouts-list", NavTable).focus()
        self.load()

    # Loading -------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="payouts")
    def load(self) -> None:
        rows = self.review.load()
        self.post_message(self.Loaded(rows, self.review.total))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        table = self.query_one("#payouts-list", NavTable)
        keep = self.selected.key if self.selected else None
        self.rows = message.rows
        table.clear()
        for row in self.rows:
            table.add_row(*self._cells(row), key=row.key)
        shown = f"{len(self.rows):,}" + (
            f" of {message.total:,}" if message.total > len(self.rows) else ""
        )
        self.query_one("#payouts-title", Static).update(f"Payouts · {shown}")
        if not self.rows:
            self.query_one("#payout-detail", Static).update(
                Text("No payouts stored yet: sync Shopify (s).", style=MUTED)
            )
            return
        index = next((i for i, r in enumerate(self.rows) if r.key == keep), 0)
        # Filling and moving the table announce the highlighted row, which loads its detail.
        table.move_cursor(row=index)

    def _cells(self, row: PayoutSummary) -> tuple[object, ...]:
        state = state_label(row)
        state_style = {"approved": "green", "needs attention": "yellow", "skipped": MUTED}.get(
            state, ""
        )
        dup = Text(f"{row.candidates} dup", style="bold yellow") if row.decidable else Text("")
        return (
            row.local_date.isoformat(),
            row.payout_id,
            Text(row.status, style=MUTED),
            Text(format_amount(row.net, row.currency), justify="right"),
            Text(state, style=state_style),
            dup,
        )

    @property
    def selected(self) -> PayoutSummary | None:
        table = self.query_one("#payouts-list", NavTable)
        index = table.current_row
        return self.rows[index] if index is not None and index < len(self.rows) else None

    @on(DataTable.RowHighlighted, "#payouts-list")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if 0 <= event.cursor_row < len(self.rows):
            self.load_detail(self.rows[event.cursor_row])

    @work(thread=True, exclusive=True, exit_on_error=False, group="payout-detail")
    def load_detail(self, summary: PayoutSummary) -> None:
        self.post_message(self.DetailLoaded(summary.key, self.review.detail(summary)))

    @on(DetailLoaded)
    def _detail_loaded(self, message: DetailLoaded) -> None:
        current = self.selected
        if current is None or current.key != message.key:
            return
        self.detail = detail = message.detail
        s = detail.summary
        self.query_one("#payout-heading", Static).update(
            f"Payout {s.payout_id} · proposed {detail.entity_type or 'entry'}"
        )
        self.query_one("#payout-detail", Static).update(render_payout(detail))
        candidates = self.query_one("#payout-candidates", NavTable)
        candidates.clear()
        for c in detail.candidates:
            candidates.add_row(
                Text("→" if c.chosen else "", style="bold"),
                c.target,
                c.txn_date.isoformat(),
                Text(format_amount(c.amount, s.currency), justify="right"),
                Text(str(c.score), justify="right", style="bold"),
                key=c.target,
            )
        candidates.display = bool(detail.candidates)
        self._show_evidence()
        self.refresh_bindings()

    @on(DataTable.RowHighlighted, "#payout-candidates")
    def _candidate_highlighted(self) -> None:
        self._show_evidence()

    def _show_evidence(self) -> None:
        notes = self.detail.notes if self.detail else []
        self.query_one("#payout-evidence", Static).update(render_evidence(self.candidate, notes))

    @property
    def candidate(self) -> CandidateView | None:
        if self.detail is None or not self.detail.candidates:
            return None
        index = self.query_one("#payout-candidates", NavTable).current_row or 0
        return self.detail.candidates[min(index, len(self.detail.candidates) - 1)]

    # Keys ----------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in {"link", "post_anyway", "skip"}:
            detail = self.detail
            return (
                detail is not None
                and detail.summary.decidable
                and self.selected is not None
                and detail.summary.key == self.selected.key
            )
        return True

    def action_switch_table(self) -> None:
        listing = self.query_one("#payouts-list", NavTable)
        candidates = self.query_one("#payout-candidates", NavTable)
        (listing if candidates.has_focus else candidates).focus()

    def action_link(self) -> None:
        candidate, detail = self.candidate, self.detail
        if candidate is None or detail is None or not detail.summary.decidable:
            return
        self.run_decision(detail.summary.key, "link", candidate.target, None)

    def action_post_anyway(self) -> None:
        detail = self.detail
        if detail is None or not detail.summary.decidable:
            return
        key = detail.summary.key
        count = len(detail.candidates)
        prompt = ReasonPrompt(
            f"Post payout {detail.summary.payout_id} anyway?",
            f"{count} QuickBooks record(s) look like this payout. Say why it is not one of "
            "them; the reason is kept in the audit log.",
            placeholder="e.g. the deposit on the 9th is a different transfer",
        )

        def chosen(reason: str | None) -> None:
            if reason:
                self.run_decision(key, "post_anyway", None, reason)

        self.app.push_screen(prompt, chosen)

    def action_skip(self) -> None:
        detail = self.detail
        if detail is None or not detail.summary.decidable:
            return
        key = detail.summary.key
        confirm = ConfirmScreen(
            f"Skip payout {detail.summary.payout_id}?",
            "Nothing will be posted for it. Choose this when QuickBooks already holds the "
            "deposit in a form the workbench cannot link.",
            yes="Skip",
            no="Keep",
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_decision(key, "skip", None, None)

        self.app.push_screen(confirm, answered)

    @work(thread=True, exclusive=True, exit_on_error=False, group="payout-decision")
    def run_decision(self, key: str, decision: str, target: str | None, reason: str | None) -> None:
        decide(
            self.workspace.store, key, decision, reviewer=self.user, target=target, reason=reason
        )
        words = {"link": f"linked to {target}", "skip": "skipped", "post_anyway": "will be posted"}
        self.post_message(self.Decided(key, words[decision]))

    @on(Decided)
    def _decided(self, message: Decided) -> None:
        payout = message.key.split(":")[2] if message.key.count(":") >= 2 else message.key
        self.app.notify(f"Payout {payout} {message.text}", title="Decision recorded")
        self.load()
