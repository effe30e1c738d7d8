"""First use, as a bookkeeper meets it: `workbench` with no settings opens the welcome screen;
the shop typed there and saved is used at once (the empty store is synced when the screen
closes), with no restart. Against the Shopify emulator on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.tui.tab_pilot import SIZE, main_screen, press, settle
from tests.tui.test_settings_screen import type_into
from workbench.cli.run_app import configured_app
from workbench.config import load_settings
from workbench.sandbox.serve import Endpoints
from workbench.store.engine import Store, open_store
from workbench.tui.screens.settings import SettingsScreen
from workbench.tui.widgets.activity_list import ActivityList


@pytest.fixture
def new_store(tmp_path: Path) -> Iterator[Store]:
    store = open_store(f"sqlite:///{tmp_path / 'new.db'}")
    yield store
    store.close()


async def save_shop(pilot: Pilot[Any], url: str, token: str) -> None:
    """On the welcome screen: type the shop and its token, save."""
    assert isinstance(pilot.app.screen, SettingsScreen)
    await type_into(pilot, "shopify_shop_url", url)
    await type_into(pilot, "shopify_token", token)
    await press(pilot, "ctrl+s")


async def test_the_shop_saved_on_the_welcome_screen_is_synced_without_a_restart(
    served: Endpoints, new_store: Store
) -> None:
    app = configured_app(load_settings(), new_store)
    assert app.first_run and not app.workspace.can_sync
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_into(pilot, "auto_sync_minutes", "30")
        await save_shop(pilot, served.shopify_url, served.shopify_token)
        await press(pilot, "escape")
        screen = main_screen(app)
        assert app.workspace.can_sync
        assert app.workspace.settings is not None
        assert app.workspace.settings.shopify_shop_url == served.shopify_url
        # The emulator's 80 orders are in the store and in the list, with refunds and payouts
        # beside them; the automatic sync runs every 30 minutes from now on.
        assert not app.workspace.is_empty()
        assert screen.query_one(ActivityList).row_count >= 80
        assert screen.auto_sync_minutes == 30 and screen.next_sync_at is not None
        assert screen.check_action("sync", ()) is True


async def test_a_setting_that_cannot_be_used_is_reported_and_the_app_goes_on(
    new_store: Store, isolated_home: Path
) -> None:
    app = configured_app(load_settings(), new_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await save_shop(pilot, "https://fernwood.myshopify.com", "shpat_typed")
        # The file is edited behind the screen's back before it closes: it no longer reads,
        # so the saved settings cannot be put to use.
        (isolated_home / "config.toml").write_text("shopify_shop_url = [", encoding="utf-8")
        await press(pilot, "escape")
        main_screen(app)
        assert not app.workspace.can_sync  # still the settings it started with
        messages = [n.message for n in app._notifications]
        assert any(m.startswith("Saved, but not in use:") for m in messages)
        assert any("not valid TOML" in m for m in messages)
