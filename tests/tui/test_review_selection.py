"""Selecting rows with space and deciding them together; `A` approves the clean rows in view
after a confirmation that states the count and the total."""

from __future__ import annotations

from tests.tui.tab_pilot import main_screen, press, settle
from workbench.domain.proposals import ProposalState
from workbench.services.workspace import Workspace
from workbench.store.engine import Store
from workbench.store.tables import ProposalRow
from workbench.tui.app import WorkbenchApp
from workbench.tui.screens.confirm import ConfirmScreen
from workbench.tui.widgets.activity_list import SELECTED, ActivityList, format_row

# The list, newest first: payout 77, refund on #1002 (its tie-out fails), #1002, #1001.
PAYOUT, REFUND = "shopify:payout:77:v1", "shopify:refund:1002:v1"
ORDER_1002, ORDER_1001 = "shopify:order:1002:v1", "shopify:order:1001:v1"


def states(store: Store) -> dict[str, str]:
    with store.session() as session:
        return {
            key: row.state
            for key in (PAYOUT, REFUND, ORDER_1002, ORDER_1001)
            if (row := session.get(ProposalRow, key)) is not None
        }


async def test_space_marks_rows_and_a_approves_only_the_selection(small_store: Store) -> None:
    app = WorkbenchApp(Workspace(small_store), user="ana")
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await settle(pilot)
        activity = app.screen.query_one(ActivityList)
        await pilot.press("j", "j", "space", "space")  # selects #1002 and #1001, moving down
        await settle(pilot)
        assert activity.selected == {
            ("order", "gid://shopify/Order/1002"),
            ("order", "gid://shopify/Order/1001"),
        }
        assert "2 selected" in app.sub_title
        row = activity.row_at(2)
        assert row is not None
        assert format_row(row, 60, selected=True).startswith(SELECTED)
        assert not format_row(row, 60).startswith(SELECTED)
        await pilot.press("g")  # the cursor on the payout does not change what `a` acts on
        await press(pilot, "a")
        assert states(small_store) == {
            PAYOUT: ProposalState.PENDING,
            REFUND: ProposalState.NEEDS_ATTENTION,
            ORDER_1002: ProposalState.APPROVED,
            ORDER_1001: ProposalState.APPROVED,
        }
        assert activity.selected == set()  # a decision consumes the selection
        await press(pilot, "j", "j", "space", "space", "u")
        assert states(small_store)[ORDER_1002] == ProposalState.PENDING
        assert states(small_store)[ORDER_1001] == ProposalState.PENDING


async def test_space_twice_unselects_and_x_rejects_the_current_row(small_store: Store) -> None:
    app = WorkbenchApp(Workspace(small_store))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        activity = app.screen.query_one(ActivityList)
        await pilot.press("space", "k", "space")  # select, back up, unselect (moves down)
        assert activity.selected == set()
        assert activity.cursor == 1
        await pilot.press("k", "x")  # nothing selected: the current row, the payout
        await settle(pilot)
        assert states(small_store)[PAYOUT] == ProposalState.REJECTED
        assert states(small_store)[ORDER_1001] == ProposalState.PENDING


async def test_escape_drops_the_selection(small_store: Store) -> None:
    app = WorkbenchApp(Workspace(small_store))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("space", "space")
        assert len(app.screen.query_one(ActivityList).selected) == 2
        await pilot.press("escape")
        assert app.screen.query_one(ActivityList).selected == set()


async def test_shift_a_asks_with_count_and_total_then_approves_the_clean_rows(
    small_store: Store,
) -> None:
    app = WorkbenchApp(Workspace(small_store), user="ana")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "A")
        modal = app.screen
        assert isinstance(modal, ConfirmScreen)
        # Clean: the payout (204.92) and both orders (129.00 each); the refund is flagged.
        assert "Approve 3 clean entries?" in modal.title_text
        assert "462.92 USD" in modal.body
        await press(pilot, "y")
        assert states(small_store) == {
            PAYOUT: ProposalState.APPROVED,
            REFUND: ProposalState.NEEDS_ATTENTION,
            ORDER_1002: ProposalState.APPROVED,
            ORDER_1001: ProposalState.APPROVED,
        }


async def test_shift_a_respects_the_filter_and_n_approves_nothing(small_store: Store) -> None:
    app = WorkbenchApp(Workspace(small_store))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await press(pilot, "slash", *"kind:order", "enter")
        await press(pilot, "A")
        modal = app.screen
        assert isinstance(modal, ConfirmScreen)
        assert "Approve 2 clean entries?" in modal.title_text
        assert "258.00 USD" in modal.body and "matching the filter" in modal.body
        await press(pilot, "n")
        assert app.screen is screen
        assert set(states(small_store).values()) == {
            ProposalState.PENDING,
            ProposalState.NEEDS_ATTENTION,
        }
        await press(pilot, "A")
        await press(pilot, "y")
        assert states(small_store)[ORDER_1001] == ProposalState.APPROVED
        assert states(small_store)[PAYOUT] == ProposalState.PENDING  # outside the filter
