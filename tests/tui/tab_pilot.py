"""Driving the workbench app in tests: let its workers finish, find its main screen."""

from __future__ import annotations

import contextlib
from typing import Any

from textual.app import App
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from workbench.tui.screens.main import MainScreen
from workbench.tui.widgets.activity_list import ActivityList

SIZE = (140, 40)


async def settle(pilot: Pilot[Any]) -> None:
    """Every worker done and every message they posted handled (three rounds: handlers start
    more work). An exclusive worker replaced by a newer one is not a failure."""
    for _ in range(3):
        await pilot.pause()
        with contextlib.suppress(WorkerCancelled):
            await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def press(pilot: Pilot[Any], *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


def main_screen(app: App[Any]) -> MainScreen:
    screen = app.screen
    assert isinstance(screen, MainScreen)
    return screen


async def run_command(pilot: Pilot[Any], text: str) -> None:
    """Open the command palette, type ``text`` and take the first hit."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert isinstance(pilot.app.screen, CommandPalette)
    await pilot.press(*text)
    # The palette gathers hits in its own worker; wait for them before choosing.
    for _ in range(20):
        await pilot.pause(0.05)
        await pilot.app.screen.workers.wait_for_complete()
    await pilot.press("enter")
    await settle(pilot)


def current_label(app: App[Any]) -> str | None:
    """The label of the Review list's row under the cursor."""
    activity = app.screen.query_one(ActivityList)
    row = activity.row_at(activity.cursor)
    return row.label if row else None
