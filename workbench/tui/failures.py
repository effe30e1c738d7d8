"""Failed workers become notifications, never tracebacks.

``Worker.StateChanged`` does not bubble, so every node that starts workers mixes this in. List
it *after* the Textual base class: Textual derives CSS type names from the first base only, so a
mixin listed first would hide the base's default styles.
"""

from __future__ import annotations

from textual import on
from textual.dom import DOMNode
from textual.worker import Worker, WorkerState


def describe_failure(error: BaseException) -> str:
    text = str(error).strip()
    return text if text else type(error).__name__


class ReportsWorkerFailures(DOMNode):
    @on(Worker.StateChanged)
    def _report_failed_worker(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.app.notify(
                describe_failure(event.worker.error),
                title=f"{event.worker.group or 'work'} failed",
                severity="error",
                timeout=10,
            )
