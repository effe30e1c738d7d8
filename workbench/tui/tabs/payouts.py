"""The Payouts tab."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from workbench.services.workspace import Workspace


class PayoutsTab(Vertical):
    def __init__(self, workspace: Workspace, *, user: str, id: str | None = None) -> None:
        super().__init__(id=id)
        self.workspace = workspace
        self.user = user

    def compose(self) -> ComposeResult:
        yield Static("Payouts: not built yet.", classes="placeholder")
