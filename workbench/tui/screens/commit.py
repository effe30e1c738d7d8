"""``c``: post every approved entry, after a confirmation that shows what will be posted.

The screen asks first (count and total; failed entries are retried and said so), then runs the
commit in a worker with a progress bar, and ends on the summary: posted, failed (each with
QuickBooks' message and hint), skipped. A commit that cannot go on (QuickBooks unreachable)
says so and what to do; nothing is lost and the next commit resumes.
"""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, ProgressBar, Static
from textual.worker import Worker, WorkerState

from workbench.services.commit import CommitReport, Pending, commit
from workbench.services.progress import Progress
from workbench.services.workspace import Workspace
from workbench.tui.failures import describe_failure


class CommitProgressed(Message):
    """A newer report replaces an older one still queued."""

    def __init__(self, done: int, total: int | None, text: str) -> None:
        super().__init__()
        self.done = done
        self.total = total
        self.text = text

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, CommitProgressed)


class CommitFinished(Message):
    def __init__(self, report: CommitReport) -> None:
        super().__init__()
        self.report = report


class CommitScreen(ModalScreen[CommitReport | None]):
    """Dismisses with the report of the commit, or None when the user did not commit."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "start", "Commit", id="commit.start"),
        Binding("n,escape", "close", "Close", id="commit.close"),
    ]

    def __init__(self, workspace: Workspace, pending: Pending, *, user: str) -> None:
        super().__init__()
        self.workspace = workspace
        self.pending = pending
        self.user = user
        self.running = False
        self.report: CommitReport | None = None

    def compose(self) -> ComposeResult:
        retry = (
            f"\n{self.pending.retries} of them failed before and will be tried again."
            if self.pending.retries else ""
        )  # fmt: skip
        with Vertical(id="commit-box"):
            yield Static("Post to QuickBooks", id="commit-title")
            yield Static(
                f"{self.pending.count:,} approved entries, total "
                f"{self.pending.total:,.2f}.{retry}\nEach is posted exactly once; an "
                "interrupted commit resumes where it stopped.",
                id="commit-body",
            )
            yield ProgressBar(id="commit-bar", total=None, show_eta=True)
            yield Static("", id="commit-status")
            with VerticalScroll(id="commit-failures"):
                yield Static("", id="commit-failure-list")
            with Horizontal(id="commit-buttons"):
                yield Button("Cancel (n)", id="commit-cancel")
                yield Button("Commit (y)", id="commit-go", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#commit-go", Button).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "start":
            return not self.running and self.report is None
        if action == "close":
            return not self.running
        return True

    @on(Button.Pressed, "#commit-go")
    def _go(self) -> None:
        self.action_start()

    @on(Button.Pressed, "#commit-cancel")
    def _cancel(self) -> None:
        self.action_close()

    def action_start(self) -> None:
        if self.running or self.report is not None:
            return
        if not self.workspace.can_post:
            self.query_one("#commit-status", Static).update(
                Text(self.workspace.post_refusal(), style="bold red")
            )
            return
        self.running = True
        self.set_class(True, "-running")
        self.query_one("#commit-go", Button).disabled = True
        self.query_one("#commit-cancel", Button).disabled = True
        self.query_one("#commit-status", Static).update("Posting…")
        self.refresh_bindings()
        self.run_commit()

    def action_close(self) -> None:
        if not self.running:
            self.dismiss(self.report)

    @work(thread=True, exclusive=True, exit_on_error=False, group="commit")
    def run_commit(self) -> None:
        factory = self.workspace.qbo
        assert factory is not None

        def report(progress: Progress) -> None:
            update = CommitProgressed(progress.done, progress.total, progress.describe())
            self.post_message(update)

        with factory() as client:
            result = commit(self.workspace.store, client, reviewer=self.user, progress=report)
        self.post_message(CommitFinished(result))

    @on(CommitProgressed)
    def _progressed(self, message: CommitProgressed) -> None:
        bar = self.query_one("#commit-bar", ProgressBar)
        bar.update(total=message.total, progress=message.done)
        self.query_one("#commit-status", Static).update(message.text)

    @on(CommitFinished)
    def _finished(self, message: CommitFinished) -> None:
        self.report = report = message.report
        self._ended()
        bar = self.query_one("#commit-bar", ProgressBar)
        bar.update(total=max(bar.total or 0, 1), progress=bar.total or 1)
        style = "bold red" if report.failed else "bold green"
        self.query_one("#commit-status", Static).update(
            Text(f"Batch {report.batch_id}: {report.describe()}", style=style)
        )
        if report.failed or report.skipped:
            table = Table(box=None, show_header=True, padding=(0, 1), expand=True)
            table.add_column("Entry", style="bold", no_wrap=True)
            table.add_column("QuickBooks said")
            for key, text in report.failed:
                table.add_row(key.removeprefix("shopify:"), Text(text, style="red"))
            for key, why in report.skipped:
                table.add_row(key.removeprefix("shopify:"), Text(f"skipped: {why}", style="dim"))
            self.query_one("#commit-failure-list", Static).update(table)
            self.set_class(True, "-failures")
        self.query_one("#commit-cancel", Button).label = "Close (esc)"

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self._ended()
            self.query_one("#commit-status", Static).update(
                Text(
                    f"The commit stopped: {describe_failure(event.worker.error)}", style="bold red"
                )
            )
            self.query_one("#commit-cancel", Button).label = "Close (esc)"

    def _ended(self) -> None:
        self.running = False
        self.set_class(False, "-running")
        cancel = self.query_one("#commit-cancel", Button)
        cancel.disabled = False
        cancel.focus()
        self.query_one("#commit-go", Button).display = False
        self.refresh_bindings()
