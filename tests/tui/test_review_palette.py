"""The command palette: jump to an order by name, filters by name, commit only when the screen
can commit."""

from __future__ import annotations

from typing import Any

from tests.tui.tab_pilot import current_label, main_screen, press, run_command, settle
from workbench.services.workspace import Workspace
from workbench.store.engine import Store
from workbench.tui.app import WorkbenchApp
from workbench.tui.commands import commands
from workbench.tui.screens.main import MainScreen
from workbench.tui.widgets.activity_list import ActivityList


async def test_palette_jumps_to_an_order_by_name(small_store: Store) -> None:
    app = WorkbenchApp(Workspace(small_store))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        assert current_label(app) == "Payout 77"
        await run_command(pilot, "#1001")
        assert isinstance(app.screen, MainScreen)
        assert current_label(app) == "#1001 Order"


async def test_jumping_to_an_order_the_filter_hides_clears_the_filter(small_store: Store) -> None:
    app = WorkbenchApp(Workspace(small_store))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "slash", *"kind:payout", "enter")
        assert app.screen.query_one(ActivityList).row_count == 1
        await pilot.press("2")  # from another tab, too
        await run_command(pilot, "1002")
        screen = main_screen(app)
        assert screen.active_tab == "review"
        assert not screen.view.active
        assert current_label(app) == "#1002 Order"


async def test_palette_filters_by_name(small_store: Store) -> None:
    app = WorkbenchApp(Workspace(small_store))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await run_command(pilot, "show needs attention")
        screen = main_screen(app)
        assert screen.view.states == ("needs_attention",)
        assert current_label(app) == "#1002 Refund"
        assert app.screen.query_one(ActivityList).row_count == 1


async def test_commit_is_offered_only_when_quickbooks_is_connected(small_store: Store) -> None:
    app = WorkbenchApp(Workspace(small_store))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        offered = [c.text for c in commands(main_screen(app))]
        assert "Commit approved entries" not in offered
        assert "Go to Payouts" in offered and "Show approved" in offered
        assert "Sync now" not in offered  # no shop configured

    def no_client() -> Any:
        raise AssertionError("the palette must not open a client")

    connected = WorkbenchApp(Workspace(small_store, qbo=no_client))
    async with connected.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        offered = [c.text for c in commands(main_screen(connected))]
        assert "Commit approved entries" in offered
