"""Driving the workbench app in tests: open it on a tab and let its workers finish."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

SIZE = (140, 40)


async def settle(pilot: Pilot[Any]) -> None:
    """Every worker done and every message they posted handled (twice: handlers start more)."""
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def press(pilot: Pilot[Any], *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)
