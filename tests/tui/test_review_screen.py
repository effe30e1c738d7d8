"""The review screen driven with the keyboard, as a bookkeeper would."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from rich.console import Console

from workbench.services.activity import ActivityDetail, ActivityRow
from workbench.services.workspace import Workspace
from workbench.store.engine import Store
from workbench.tui.app import WorkbenchApp
from workbench.tui.screens.help import HelpScreen
from workbench.tui.screens.main import MainScreen
from workbench.tui.widgets.activity_list import ActivityList
from workbench.tui.widgets.detail_panel import DetailPanel, render_detail


def detail_text(app: WorkbenchApp) -> str:
    """What the right-hand pane shows, as plain text."""
    panel = app.screen.query_one(DetailPanel)
    if panel.detail is None:
        return ""
    console = Console(width=70, record=True, file=io.StringIO())
    console.print(render_detail(panel.detail))
    return console.export_text()


async def test_lists_what_needs_review_newest_first(small_store: Store) -> None:
    app = WorkbenchApp(Workspace(small_store))
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        activity = app.screen.query_one(ActivityList)
        rows = [activity.row_at(i) for i in range(activity.row_count)]
        kinds = [(r.kind, r.label) for r in rows if r]
        # Test order 1003 and cancelled-unpaid 1004 are stored but never offered for review.
        assert kinds == [
            ("payout", "Payout 77"),
            ("refund", "#1002 Refund"),
            ("order", "#1002 Order"),
            ("order", "#1001 Order"),
        ]
        assert rows[0] is not None and rows[0].amount == Decimal("204.92")
        assert "to review" in app.sub_title and "4" in app.sub_title


async def test_moving_shows_the_selected_record(small_store: Store) -> None:
    app = WorkbenchApp(Workspace(small_store))
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Payout 77" in detail_text(app)
        await pilot.press("j", "j", "j")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.query_one(ActivityList).cursor == 3
        text = detail_text(app)
        assert "Order #1001" in text and "Zoë Kowalski" in text and "HD-BLK-M" in text
        await pilot.press("k")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Order #1002" in detail_text(app)
        await pilot.press("G")
        assert app.screen.query_one(ActivityList).cursor == 3
        await pilot.press("g")
        assert app.screen.query_one(ActivityList).cursor == 0


async def test_help_opens_and_closes(small_store: Store) -> None:
    app = WorkbenchApp(Workspace(small_store))
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_q_quits(small_store: Store) -> None:
    app = WorkbenchApp(Workspace(small_store))
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_a_failing_worker_becomes_a_notification(
    small_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = Workspace(small_store)

    def broken(row: ActivityRow) -> ActivityDetail:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(workspace, "detail", broken)
    app = WorkbenchApp(workspace)
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("the database went away" in m for m in messages)
        assert app.is_running
        await pilot.press("j")
        assert app.screen.query_one(ActivityList).cursor == 1
