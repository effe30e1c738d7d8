"""`s` and the automatic sync: Shopify (then QuickBooks, then proposals) in a worker, with
progress that replaces itself in the status bar and a list that fills while the sync runs.

A mixin of the main screen, listed after the Textual base class (see ``failures.py``); the
screen provides the parts declared below and sets the state in its ``__init__``.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.dom import DOMNode
from textual.timer import Timer
from textual.widgets import ProgressBar, Static
from textual.worker import get_current_worker

from workbench.services.progress import Progress, SyncCancelled
from workbench.services.workspace import Workspace
from workbench.tui.messages import SyncFinished, SyncProgressed

RELOAD_EVERY = 0.5  # seconds between list reloads while a sync lands records


class SyncsTheStore(DOMNode):
    workspace: Workspace
    syncing: bool
    mapping: bool
    auto_sync_minutes: int
    next_sync_at: datetime | None
    _auto_timer: Timer | None
    _last_reload: float

    if TYPE_CHECKING:

        def _show_title(self) -> None: ...

        def _show_progress(self, text: str) -> None: ...

        def _hide_progress(self) -> None: ...

        def load_queue(self) -> Any: ...

    def _start_auto_sync(self) -> None:
        if self._auto_timer is not None:
            self._auto_timer.stop()
            self._auto_timer, self.next_sync_at = None, None
        if self.auto_sync_minutes > 0 and self.workspace.can_sync:
            interval = self.auto_sync_minutes * 60
            self._auto_timer = self.set_interval(interval, self.auto_sync_due, name="auto-sync")
            self.next_sync_at = datetime.now() + timedelta(seconds=interval)

    def settings_applied(self, auto_sync_minutes: int) -> None:
        """Newly saved settings are in use: the automatic sync's clock starts again, and a
        store still empty (the first start, just set up) is synced at once."""
        self.auto_sync_minutes = auto_sync_minutes
        self._start_auto_sync()
        self.refresh_bindings()
        self._show_title()
        if self.workspace.can_sync and self.workspace.is_empty():
            self.action_sync()

    def auto_sync_due(self) -> None:
        """The auto-sync timer fired: sync unless a sync (or a mapping) is already running."""
        self.next_sync_at = datetime.now() + timedelta(minutes=self.auto_sync_minutes)
        if not self.syncing and not self.mapping and self.workspace.can_sync:
            self.action_sync()
        self._show_title()

    def action_sync(self) -> None:
        if self.syncing or self.mapping or not self.workspace.can_sync:
            return
        self.syncing = True
        self._show_progress("Syncing…")
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
        self._hide_progress()
        if self._auto_timer is not None:
            # The next automatic sync counts from the end of this one, whoever started it.
            self._auto_timer.reset()
            self.next_sync_at = datetime.now() + timedelta(minutes=self.auto_sync_minutes)
        self.load_queue()

    @on(SyncProgressed)
    def _sync_progressed(self, message: SyncProgressed) -> None:
        # Show what has landed so far, at most twice a second, so a first sync fills the list
        # while it runs instead of at its end.
        now = time.monotonic()
        if self.syncing and now - self._last_reload >= RELOAD_EVERY:
            self._last_reload = now
            self.load_queue()
        self.query_one("#sync-text", Static).update(message.text)
        self.query_one("#sync-bar", ProgressBar).update(total=message.total, progress=message.done)

    @on(SyncFinished)
    def _sync_finished(self, message: SyncFinished) -> None:
        self.app.notify(message.summary, title="Sync complete")
