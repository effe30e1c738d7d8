"""The Textual application: screens, global keys, and the guarantee of no tracebacks."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from workbench.services.workspace import Workspace
from workbench.tui.failures import ReportsWorkerFailures
from workbench.tui.screens.help import HelpScreen
from workbench.tui.screens.main import MainScreen


class WorkbenchApp(App[None], ReportsWorkerFailures):
    CSS_PATH = "app.tcss"
    TITLE = "workbench"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Help", key_display="?", id="app.help"),
    ]

    def __init__(
        self, workspace: Workspace, *, sync_on_start: bool = False, user: str = "reviewer"
    ) -> None:
        super().__init__()
        self.workspace = workspace
        self.sync_on_start = sync_on_start
        self.user = user

    def on_mount(self) -> None:
        self.push_screen(
            MainScreen(self.workspace, sync_on_start=self.sync_on_start, user=self.user)
        )

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())
