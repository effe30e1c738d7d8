"""Driving the workbench app in tests: let its workers finish, find its main screen."""

from __future__ import annotations

import contextlib
from typing import Any

from textual.app import App
from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from workbench.tui.screens.main import MainScreen

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
