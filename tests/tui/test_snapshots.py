"""SVG snapshots of the screens at a fixed size, from fixed data (no clock, no randomness)."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from tests.tui.tab_pilot import press, settle
from workbench.services.workspace import Workspace
from workbench.store.engine import Store
from workbench.tui.app import WorkbenchApp

SIZE = (140, 40)


def test_review_screen(snap_compare: Any, small_store: Store) -> None:
    app = WorkbenchApp(Workspace(small_store))
    assert snap_compare(app, terminal_size=SIZE, run_before=settle)


def test_review_screen_on_an_order(snap_compare: Any, small_store: Store) -> None:
    app = WorkbenchApp(Workspace(small_store))

    async def to_order(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await press(pilot, "j", "j", "j")

    assert snap_compare(app, terminal_size=SIZE, run_before=to_order)


def test_help(snap_compare: Any, small_store: Store) -> None:
    app = WorkbenchApp(Workspace(small_store))

    async def help_open(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=help_open)


def test_review_screen_filtered(snap_compare: Any, small_store: Store) -> None:
    """A filter in force (shown above the list, counted in the header) and one row selected."""
    app = WorkbenchApp(Workspace(small_store))

    async def filtered(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await press(pilot, "slash", *"kind:order state:pending", "enter")
        await press(pilot, "space")

    assert snap_compare(app, terminal_size=SIZE, run_before=filtered)
