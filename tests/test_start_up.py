"""What `workbench` does before its first screen: the app on the configured profile, built
without loading what only a sync, a post or `m` needs (the first screen has 1.5 s at 100,000
rows, and the HTTP client, the matcher and the keyring together cost about a third of it)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.tui.conftest import fill_small_store
from tests.tui.tab_pilot import SIZE, settle
from workbench.cli.run_app import configured_app
from workbench.config import Settings, load_settings
from workbench.qbo.tokens import TokenStoreError
from workbench.services import profile
from workbench.services.profile import QboAccess
from workbench.services.review import approve_clean
from workbench.store.engine import open_store
from workbench.tui.screens.commit import CommitScreen

# Loaded later, by the action that needs them.
DEFERRED = (
    "httpx",  # the Shopify and QuickBooks clients
    "graphql",  # the sandbox's GraphQL schema, never part of a configured start
    "keyring",  # whether QuickBooks is connected: asked when posting is first considered
    "rapidfuzz",  # the matcher behind `m` and the Unmatched SKUs tab
    "workbench.qbo.client",
    "workbench.services.sync_all",
    "workbench.services.propose",
    "workbench.services.line_mapping",
    "workbench.tui.screens.settings",
    "workbench.tui.screens.commit",
)

FIRST_SCREEN = f"""
import asyncio, json, sys
import workbench.cli
from workbench.cli.run_app import configured_app
from workbench.config import Settings, load_settings
from workbench.store.engine import open_store
from workbench.tui.widgets.activity_list import ActivityList

async def main():
    settings = load_settings()
    store = open_store(settings.database_url)
    app = configured_app(settings, store)
    async with app.run_test(size=(140, 40)) as pilot:
        for _ in range(500):
            found = app.screen.query(ActivityList)
            if found and found.first().row_count:
                break
            await pilot.pause(0.01)
        rows = found.first().row_count if found else 0
        loaded = sorted(m for m in {DEFERRED!r} if m in sys.modules)
    store.close()
    print(json.dumps({{"rows": rows, "loaded": loaded, "first_run": app.first_run}}))

asyncio.run(main())
"""


@pytest.fixture
def configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A profile with a shop and a store holding its records (so no sync starts)."""
    url = f"sqlite:///{tmp_path / 'books.db'}"
    store = open_store(url)
    fill_small_store(store)
    store.close()
    monkeypatch.setenv("WORKBENCH_DB", url)
    monkeypatch.setenv("WORKBENCH_SHOPIFY_SHOP_URL", "https://fernwood.myshopify.com")
    monkeypatch.setenv("WORKBENCH_SHOPIFY_TOKEN", "shpat_never_sent")
    monkeypatch.setenv("WORKBENCH_AUTO_SYNC_MINUTES", "0")
    return url


def test_the_first_screen_shows_rows_without_loading_what_it_does_not_use(
    configured: str,
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", FIRST_SCREEN], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["rows"] == 4
    assert found["first_run"] is False
    assert found["loaded"] == []


def test_the_configured_app_asks_about_quickbooks_only_when_posting_is_considered(
    configured: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[bool] = []
    real = profile.stored_connection

    def counted(settings: Settings) -> object:
        asked.append(True)
        return real(settings)

    monkeypatch.setattr(profile, "stored_connection", counted)
    settings = load_settings()
    store = open_store(settings.database_url)
    try:
        app = configured_app(settings, store)
        assert asked == []
        assert app.workspace.can_post is False  # nothing stored, no refresh token given
        assert app.workspace.can_post is False
        assert asked == [True]  # read once, the answer kept
    finally:
        store.close()


def test_quickbooks_access_follows_the_stored_connection(
    configured: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert QboAccess(load_settings()).connected is False
    monkeypatch.setenv("WORKBENCH_QBO_REFRESH_TOKEN", "AB11-refresh")
    monkeypatch.setenv("WORKBENCH_QBO_REALM_ID", "9130350000000000")
    assert QboAccess(load_settings()).connected is True


async def test_an_unreadable_keyring_is_reported_when_posting_not_at_start(
    configured: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Asked lazily, the connection's failure reaches the screen that needs it (it used to
    stop `workbench` before its first screen); the app keeps running."""
    reads: list[bool] = []

    def locked(settings: Settings) -> None:
        reads.append(True)
        raise TokenStoreError("cannot read the OS keyring: the collection is locked")

    monkeypatch.setattr(profile, "stored_connection", locked)
    settings = load_settings()
    store = open_store(settings.database_url)
    try:
        assert approve_clean(store, reviewer="ana").changed  # something to commit
        app = configured_app(settings, store)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert reads == []
            await pilot.press("c")
            await settle(pilot)
            assert isinstance(app.screen, CommitScreen)
            await pilot.press("y")
            await settle(pilot)
            status = str(app.screen.query_one("#commit-status").render())
            assert "QuickBooks cannot be used: cannot read the OS keyring" in status
            assert app.workspace.can_post is False
            assert reads == [True]  # read once, the answer kept
    finally:
        store.close()
