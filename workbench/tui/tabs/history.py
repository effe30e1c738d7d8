"""The History tab: every commit batch, what each of its entries became in QuickBooks (Id, or
QBO's message and hint), the audit log, and undo of a batch after a confirmation.

Undo talks to QuickBooks, so it runs in a worker and reports entry by entry what QBO refused
(a deposited receipt, 6540); the rest of the batch is still undone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from workbench.services import history
from workbench.services.history import BatchEntry, BatchSummary
from workbench.services.undo import UndoReport, undo
from workbench.services.workspace import Workspace
from workbench.tui.failures import ReportsWorkerFailures
from workbench.tui.screens.confirm import ConfirmScreen
from workbench.tui.widgets.nav_table import NavTable

AUDIT_ROWS = 200
STATE_STYLE = {
    "finished": "green", "interrupted": "yellow", "running": "cyan",
    "posted": "green", "failed": "bold red", "blocked": "red", "undone": "dim",
    "cancelled": "dim", "intent": "cyan", "sending": "cyan",
}  # fmt: skip


def _money(value: Any) -> Text:
    return Text(f"{value:,.2f}", justify="right")


class HistoryTab(Vertical, ReportsWorkerFailures):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("U", "undo", "Undo batch", id="history.undo"),
        Binding("r", "reload", "Refresh", id="history.reload"),
    ]

    class Loaded(Message):
        def __init__(self, batches: list[BatchSummary], audit: list[dict[str, Any]]) -> None:
            super().__init__()
            self.batches = batches
            self.audit = audit

    class EntriesLoaded(Message):
        def __init__(self, batch_id: str, entries: list[BatchEntry]) -> None:
            super().__init__()
            self.batch_id = batch_id
            self.entries = entries

    class Undone(Message):
        def __init__(self, report: UndoReport) -> None:
            super().__init__()
            self.report = report

    def __init__(self, workspace: Workspace, *, user: str, id: str | None = None) -> None:
        super().__init__(id=id)
        self.workspace = workspace
        self.user = user
        self.batches: list[BatchSummary] = []
        self.entries: list[BatchEntry] = []
        self.undoing = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="history-top"):
            with Vertical(id="history-batches"):
                yield Static("Commit batches", id="batches-title", classes="pane-title")
                yield NavTable(id="batches-list")
            with Vertical(id="history-audit"):
                yield Static("Audit log (newest first)", classes="pane-title")
                yield DataTable(id="audit-list", cursor_type="row", zebra_stripes=False)
        yield Static("Entries", id="entries-title", classes="pane-title")
        yield NavTable(id="entries-list")
        yield Static("", id="entry-message")

    def on_mount(self) -> None:
        batches = self.query_one("#batches-list", NavTable)
        for label, width in (("Started", 16), ("By", 8), ("State", 11), ("Posted", 6),
                             ("Failed", 6), ("Total", 12)):  # fmt: skip
            batches.add_column(label, width=width)
        entries = self.query_one("#entries-list", NavTable)
        for label, width in (("State", 9), ("Entry", 32), ("QuickBooks", 20), ("Amount", 11),
                             ("QuickBooks said", 52)):  # fmt: skip
            entries.add_column(label, width=width)
        audit = self.query_one("#audit-list", DataTable)
        for label, width in (("When", 11), ("Who", 8), ("What", 12), ("Subject", 22)):
            audit.add_column(label, width=width)

    def on_show(self, _event: events.Show) -> None:
        self.load()
        self.query_one("#batches-list", NavTable).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "undo":
            batch = self._current()
            if batch is None or batch.state == "running" or not batch.posted:
                return False
            return None if self.undoing or not self.workspace.can_post else True
        return True

    def _current(self) -> BatchSummary | None:
        table = self.query_one("#batches-list", NavTable)
        row = table.current_row
        return self.batches[row] if row is not None and row < len(self.batches) else None

    # -- loading ----------------------------------------------------------------------------

    def action_reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="history")
    def load(self) -> None:
        store = self.workspace.store
        audit = list(history.audit_rows(store, newest=AUDIT_ROWS))
        self.post_message(self.Loaded(history.batches(store), audit))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.batches = message.batches
        table = self.query_one("#batches-list", NavTable)
        keep = table.cursor_row if table.row_count else 0
        table.clear()
        for b in message.batches:
            table.add_row(
                b.started_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                b.reviewer,
                Text("undone", style="dim")
                if b.undone_at
                else Text(b.state, style=STATE_STYLE.get(b.state, "")),
                Text(str(b.posted), justify="right"),
                Text(str(b.failed), justify="right", style="bold red" if b.failed else ""),
                _money(b.total),
            )
        self.query_one("#batches-title", Static).update(
            f"Commit batches ({len(message.batches)})" if message.batches
            else "Commit batches: none yet (press c on the Review tab to commit)"
        )  # fmt: skip
        if message.batches:
            # Filling and moving the table announce the highlighted row: its entries load then.
            table.move_cursor(row=min(keep, len(message.batches) - 1))
        audit = self.query_one("#audit-list", DataTable)
        audit.clear()
        for row in message.audit:
            when = datetime.fromisoformat(row["at"]).astimezone().strftime("%m-%d %H:%M")
            subject = row["subject"].removeprefix("shopify:")
            audit.add_row(when, row["actor"], row["action"], subject)
        self.refresh_bindings()

    @on(DataTable.RowHighlighted, "#batches-list")
    def _batch_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if 0 <= event.cursor_row < len(self.batches):
            self.load_entries(self.batches[event.cursor_row].id)
        self.refresh_bindings()

    @work(thread=True, exclusive=True, exit_on_error=False, group="history-entries")
    def load_entries(self, batch_id: str) -> None:
        found = history.entries(self.workspace.store, batch_id)
        self.post_message(self.EntriesLoaded(batch_id, found))

    @on(EntriesLoaded)
    def _entries_loaded(self, message: EntriesLoaded) -> None:
        current = self._current()
        if current is None or current.id != message.batch_id:
            return
        table = self.query_one("#entries-list", NavTable)
        table.clear()
        self.entries = message.entries
        self._show_message(0)
        for e in message.entries:
            table.add_row(
                Text(e.state, style=STATE_STYLE.get(e.state, "")),
                f"{e.proposal_key.removeprefix('shopify:').removesuffix(':v1')} {e.part}",
                f"{e.entity} {e.qbo_id}" if e.qbo_id else "",
                _money(e.amount) if not e.part.startswith("Payment:") else Text(""),
                Text(e.message or "", style="red" if e.message else ""),
            )
        self.query_one("#entries-title", Static).update(
            f"Entries of batch {message.batch_id} ({len(message.entries)})"
        )

    @on(DataTable.RowHighlighted, "#entries-list")
    def _entry_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_message(event.cursor_row)

    def _show_message(self, index: int) -> None:
        """The whole of QBO's answer for the highlighted entry (the column shows its start)."""
        entry = self.entries[index] if 0 <= index < len(self.entries) else None
        text = Text("")
        if entry is not None and entry.message:
            text = Text.assemble(("QuickBooks said: ", "bold"), (entry.message, "red"))
        self.query_one("#entry-message", Static).update(text)

    # -- undo -------------------------------------------------------------------------------

    def action_undo(self) -> None:
        batch = self._current()
        if batch is None or self.undoing:
            return
        if not self.workspace.can_post:
            self.notify(self.workspace.post_refusal(), severity="warning", markup=False)
            return
        body = (
            f"Delete from QuickBooks the {batch.posted} entries batch {batch.id} posted "
            f"({batch.total:,.2f}), newest first? Entries QuickBooks has linked or reconciled "
            "are refused and stay posted; the others go back to review."
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self.undoing = True
                self.refresh_bindings()
                self.run_undo(batch.id)

        self.app.push_screen(ConfirmScreen("Undo this commit?", body, yes="Undo"), answered)

    @work(thread=True, exclusive=True, exit_on_error=False, group="undo")
    def run_undo(self, batch_id: str) -> None:
        try:
            factory = self.workspace.qbo
            assert factory is not None
            with factory() as client:
                report = undo(self.workspace.store, client, batch_id, reviewer=self.user)
        finally:
            self.app.call_from_thread(self._undo_ended)
        self.post_message(self.Undone(report))

    def _undo_ended(self) -> None:
        self.undoing = False
        self.refresh_bindings()

    @on(Undone)
    def _undone(self, message: Undone) -> None:
        report = message.report
        for what, reason in report.refused:
            self.notify(f"{what}: {reason}", title="Not undone", severity="warning", timeout=15)
        self.notify(report.describe(), title="Undo finished")
        self.load()
