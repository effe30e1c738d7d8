"""App-level facts that workers report; only message handlers change what the screen shows."""

from __future__ import annotations

from textual.message import Message

from workbench.services.activity import ActivityDetail
from workbench.services.workspace import Summary


class QueueLoaded(Message):
    def __init__(self, count: int, summary: Summary) -> None:
        super().__init__()
        self.count = count
        self.summary = summary


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
