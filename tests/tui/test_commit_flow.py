"""`c` commits with a confirmation and a progress bar; the History tab shows the batch and
undoes it. Against the in-process QBO emulator of a sandbox company."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Button, Static

from tests.commit.books import Books, make_books, refuse_date
from tests.tui.tab_pilot import press, settle
from workbench.domain.proposals import ProposalState
from workbench.services.workspace import Workspace
from workbench.tui.app import WorkbenchApp
from workbench.tui.screens.commit import CommitScreen
from workbench.tui.screens.confirm import ConfirmScreen
from workbench.tui.screens.main import MainScreen
from workbench.tui.tabs.history import HistoryTab
from workbench.tui.widgets.nav_table import NavTable

SIZE = (140, 40)


@pytest.fixture
def books(tmp_path: Path) -> Iterator[Books]:
    found = make_books(f"sqlite:///{tmp_path / 'tui-commit.db'}", orders=30, seed=4)
    yield found
    found.close()


def app_for(books: Books, *, connected: bool = True) -> WorkbenchApp:
    workspace = Workspace(books.store, qbo=books.sandbox.qbo_client if connected else None)
    return WorkbenchApp(workspace, user="ada")


async def test_c_asks_then_posts_everything_approved_and_shows_the_summary(
    books: Books,
) -> None:
    app = app_for(books)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        screen = app.screen
        assert isinstance(screen, CommitScreen)
        body = str(screen.query_one("#commit-body", Static).render())
        assert f"{len(books.approved)} approved entries" in body
        assert books.posted_keys().total() == 0  # nothing before the answer
        await press(pilot, "y")
        await pilot.pause()
        status = str(screen.query_one("#commit-status", Static).render())
        assert f"{len(books.approved)} posted, 0 failed" in status
        assert books.approved_posted() == dict.fromkeys(books.approved, 1)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert books.states()[ProposalState.POSTED] == len(books.approved)


async def test_n_at_the_confirmation_posts_nothing(books: Books) -> None:
    app = app_for(books)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        assert isinstance(app.screen, CommitScreen)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    assert books.posted_keys().total() == 0
    assert books.states()[ProposalState.APPROVED] == len(books.approved)


async def test_without_quickbooks_the_commit_says_to_connect_first(books: Books) -> None:
    app = app_for(books, connected=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        assert isinstance(app.screen, CommitScreen)
        await pilot.press("y")
        await pilot.pause()
        status = str(app.screen.query_one("#commit-status", Static).render())
        assert "not connected" in status
    assert books.posted_keys().total() == 0


async def test_failures_are_listed_with_quickbooks_message(books: Books) -> None:
    victim = books.approved[0]
    refuse_date(books, victim)
    app = app_for(books)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        await press(pilot, "y")
        await pilot.pause()
        screen = app.screen
        assert screen.has_class("-failures")
        assert isinstance(screen, CommitScreen) and screen.report is not None
        assert [key for key, _m in screen.report.failed] == [victim]
        assert screen.query_one("#commit-failures").display
        shown = app.export_screenshot()
        assert victim.removeprefix("shopify:") in shown
        assert "TxnDate" in shown or "date" in shown.lower()
        assert str(screen.query_one("#commit-cancel", Button).label) == "Close (esc)"


async def test_history_tab_lists_the_batch_and_undoes_it_after_confirmation(
    books: Books,
) -> None:
    app = app_for(books)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        await press(pilot, "y")
        await pilot.press("escape")
        await pilot.pause()
        await press(pilot, "5")
        history = app.screen.query_one(HistoryTab)
        batches = history.query_one("#batches-list", NavTable)
        entries = history.query_one("#entries-list", NavTable)
        assert batches.row_count == 1
        assert entries.row_count >= len(books.approved)
        await pilot.press("U")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "y")
        await pilot.pause()
        await settle(pilot)
    assert sum(books.approved_posted().values()) == 0
    assert books.states()[ProposalState.POSTED] == 0
