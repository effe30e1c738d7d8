"""App-level facts that workers report; only message handlers change what the screen shows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from workbench.services.activity import ActivityDetail, ActivityRow
    from workbench.services.commit import Pending
    from workbench.services.item_search import ItemChoice
    from workbench.services.line_mapping import MappingReport, ProductLine
    from workbench.services.review import CleanSummary
    from workbench.services.workspace import Summary


class QueueLoaded(Message):
    def __init__(self, count: int, summary: Summary) -> None:
        super().__init__()
        self.count = count
        self.summary = summary


class QueueCompleted(Message):
    """The full key list arrived behind the first window; ``moved`` when rows already shown
    changed place (the store changed in between)."""

    def __init__(self, moved: bool) -> None:
        super().__init__()
        self.moved = moved


class DetailLoaded(Message):
    def __init__(self, index: int, detail: ActivityDetail | None) -> None:
        super().__init__()
        self.index = index
        self.detail = detail


class SyncProgressed(Message):
    """A newer progress report replaces an older one still waiting in the queue."""

    def __init__(self, text: str, done: int, total: int | None) -> None:
        super().__init__()
        self.text = text
        self.done = done
        self.total = total

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, SyncProgressed)


class SyncFinished(Message):
    def __init__(self, summary: str) -> None:
        super().__init__()
        self.summary = summary


class DecisionMade(Message):
    def __init__(self, decision: str, changed: list[str], refused: list[tuple[str, str]]) -> None:
        super().__init__()
        self.decision = decision
        self.changed = changed
        self.refused = refused


class CleanCounted(Message):
    """What `A` would approve in the current view, for its confirmation."""

    def __init__(self, clean: CleanSummary) -> None:
        super().__init__()
        self.clean = clean


class LinesLoaded(Message):
    """The product lines of the row `m` was pressed on."""

    def __init__(self, row: ActivityRow, lines: list[ProductLine]) -> None:
        super().__init__()
        self.row = row
        self.lines = lines


class SuggestionsLoaded(Message):
    def __init__(self, line: ProductLine, suggestions: list[ItemChoice]) -> None:
        super().__init__()
        self.line = line
        self.suggestions = suggestions


class MappingDone(Message):
    def __init__(self, line: ProductLine, report: MappingReport) -> None:
        super().__init__()
        self.line = line
        self.report = report


class CommitPending(Message):
    """What `c` would post, read before the confirmation opens."""

    def __init__(self, pending: Pending) -> None:
        super().__init__()
        self.pending = pending
