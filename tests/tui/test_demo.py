"""`workbench demo` as a new user meets it: the app opens, syncs the sandbox, shows data."""

from __future__ import annotations

from workbench.cli.run_app import demo_session
from workbench.tui.widgets.activity_list import ActivityList
from workbench.tui.widgets.detail_panel import DetailPanel


async def test_demo_opens_syncs_and_shows_the_sandbox_shop() -> None:
    with demo_session(orders=60, seed=7, db_url=None) as app:
        async with app.run_test(size=(140, 40), notifications=True) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            activity = app.screen.query_one(ActivityList)
            # 60 orders (a few of them test or cancelled-unpaid), their refunds and payouts.
            assert activity.row_count > 50
            assert app.screen.query_one(DetailPanel).detail is not None
            assert ".myshopify.com" in app.sub_title
            assert any("Synced 60 orders" in n.message for n in app._notifications)
            await pilot.press("j", "j")
            assert activity.cursor == 2
            await pilot.press("q")
