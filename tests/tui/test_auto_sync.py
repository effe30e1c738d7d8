"""The automatic sync: a timer runs the same sync as `s` every N minutes (the setting), and the
header says when the next one is due."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from tests.tui.tab_pilot import main_screen, settle
from workbench.config import Settings
from workbench.services.progress import ProgressCallback
from workbench.services.workspace import Workspace
from workbench.store.engine import Store
from workbench.tui.app import WorkbenchApp


class Result:
    def describe(self) -> str:
        return "Synced 0 orders"


class CountingSync:
    def __init__(self) -> None:
        self.calls = 0
        self.release = threading.Event()
        self.release.set()

    def __call__(self, progress: ProgressCallback) -> Any:
        self.calls += 1
        self.release.wait(5)
        return Result()


async def test_the_timer_runs_the_sync_and_the_header_shows_the_next(small_store: Store) -> None:
    sync = CountingSync()
    app = WorkbenchApp(Workspace(small_store, sync=sync), auto_sync_minutes=30)
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        assert sync.calls == 0
        due = screen.next_sync_at
        assert due is not None
        assert timedelta(minutes=29) < due - datetime.now() <= timedelta(minutes=30)
        assert f"next {due:%H:%M}" in app.sub_title
        screen.auto_sync_due()  # what the timer calls every 30 minutes
        await settle(pilot)
        assert sync.calls == 1
        assert any("Synced 0 orders" in n.message for n in app._notifications)
        assert screen.next_sync_at is not None and screen.next_sync_at >= due
        assert f"next {screen.next_sync_at:%H:%M}" in app.sub_title


async def test_a_due_sync_never_overlaps_a_running_one(small_store: Store) -> None:
    sync = CountingSync()
    sync.release.clear()
    app = WorkbenchApp(Workspace(small_store, sync=sync), auto_sync_minutes=30)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        screen = main_screen(app)
        await pilot.press("s")
        await pilot.pause()
        assert screen.syncing
        screen.auto_sync_due()
        sync.release.set()
        await settle(pilot)
        assert sync.calls == 1


async def test_zero_minutes_or_no_shop_means_no_timer(small_store: Store) -> None:
    app = WorkbenchApp(Workspace(small_store, sync=CountingSync()), auto_sync_minutes=0)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        assert main_screen(app).next_sync_at is None
        assert "next" not in app.sub_title
    app = WorkbenchApp(Workspace(small_store), auto_sync_minutes=60)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        assert main_screen(app).next_sync_at is None


def test_the_interval_comes_from_the_setting(small_store: Store, tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, auto_sync_minutes=15)
    assert WorkbenchApp(Workspace(small_store, settings=settings)).auto_sync_minutes == 15
    assert WorkbenchApp(Workspace(small_store)).auto_sync_minutes == 0
    assert Settings(home=tmp_path).auto_sync_minutes == 60
