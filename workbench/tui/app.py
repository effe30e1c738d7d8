"""The Textual application: screens, global keys, and the guarantee of no tracebacks."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from workbench.errors import WorkbenchError
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
        Binding("f2", "settings", "Settings", id="app.settings"),
    ]

    def __init__(
        self,
        workspace: Workspace,
        *,
        sync_on_start: bool = False,
        user: str = "reviewer",
        auto_sync_minutes: int | None = None,
        first_run: bool = False,
        apply_settings: Callable[[], str] | None = None,
    ) -> None:
        super().__init__()
        self.first_run = first_run
        # Puts settings saved in the settings screen to use and says what changed; without it
        # (tests, the demo) a saved change waits for a restart.
        self.apply_settings = apply_settings
        self.workspace = workspace
        self.sync_on_start = sync_on_start
        self.user = user
        # None: the configured setting (WORKBENCH_AUTO_SYNC_MINUTES) when the workspace has
        # settings, else off; 0 is always off.
        if auto_sync_minutes is None:
            settings = workspace.settings
            auto_sync_minutes = settings.auto_sync_minutes if settings is not None else 0
        self.auto_sync_minutes = auto_sync_minutes

    def on_mount(self) -> None:
        self.push_screen(
            MainScreen(
                self.workspace, sync_on_start=self.sync_on_start, user=self.user,
                auto_sync_minutes=self.auto_sync_minutes,
            )
        )  # fmt: skip
        if self.first_run:
            from workbench.tui.screens.settings import SettingsScreen

            self.push_screen(SettingsScreen(first_run=True), self._settings_closed)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The demo runs on the sandbox: its settings screen would edit the real config file.
        if action == "settings":
            return self.workspace.settings is not None
        return True

    def action_settings(self) -> None:
        # Imported here: the settings screen brings the OAuth flow and its HTTP client, which
        # the first screen does not need.
        from workbench.tui.screens.settings import SettingsScreen

        if isinstance(self.screen, SettingsScreen) or self.workspace.settings is None:
            return

        self.push_screen(SettingsScreen(), self._settings_closed)

    def _settings_closed(self, saved: bool | None) -> None:
        if not saved:
            return
        if self.apply_settings is None:
            self.notify("Saved. Restart workbench to use the new settings.", timeout=8)
            return
        try:
            message = self.apply_settings()
        except WorkbenchError as exc:
            self.notify(f"Saved, but not in use: {exc}", title="Settings", severity="error",
                        timeout=15, markup=False)  # fmt: skip
            return
        self.notify(message, title="Settings", timeout=8, markup=False)
        settings = self.workspace.settings
        self.auto_sync_minutes = settings.auto_sync_minutes if settings is not None else 0
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                screen.settings_applied(self.auto_sync_minutes)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())
