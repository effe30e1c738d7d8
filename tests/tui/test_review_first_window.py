"""The Review list shows its first window before the full key list is read (the first screen at
100,000 rows); moves beyond the window and jumps must still land on the right row. The window
is shrunk to one row here so that every move crosses it."""

from __future__ import annotations

import pytest

from tests.tui.tab_pilot import SIZE, current_label, main_screen, press, run_command, settle
from workbench.services.workspace import Workspace
from workbench.store.engine import Store
from workbench.tui.app import WorkbenchApp
from workbench.tui.screens import main as main_module
from workbench.tui.widgets.activity_list import ActivityList


@pytest.fixture(autouse=True)
def one_row_window(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(main_module, "FIRST_WINDOW", 1)


async def test_the_list_counts_everything_and_moves_past_the_window(small_store: Store) -> None:
    app = WorkbenchApp(Workspace(small_store))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        assert screen.workspace.queue.complete
        assert app.screen.query_one(ActivityList).row_count == 4
        assert current_label(app) == "Payout 77"
        await pilot.press("j")
        assert current_label(app) == "#1002 Refund"
        await pilot.press("G")
        assert current_label(app) == "#1001 Order"
        assert "4 to review" in str(app.sub_title)


async def test_a_jump_beyond_the_window_lands_once_the_full_list_is_read(
    small_store: Store,
) -> None:
    app = WorkbenchApp(Workspace(small_store))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "slash", *"kind:payout", "enter")
        assert app.screen.query_one(ActivityList).row_count == 1
        # Clearing the filter reloads only the first row at once; #1001 is the last row.
        await run_command(pilot, "1001")
        assert not main_screen(app).view.active
        assert current_label(app) == "#1001 Order"
