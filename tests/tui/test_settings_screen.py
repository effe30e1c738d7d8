"""The connect / settings screen, driven with Pilot as a user would: type, save, read the file."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, Static

from tests.qbo.qbo_support import API_URL, Env, make_env
from tests.tui.tab_pilot import press, settle
from workbench.services.settings_edit import SettingsEditor
from workbench.tui.screens.settings import SettingsScreen

SIZE = (140, 40)
TCSS = Path(__file__).resolve().parents[2] / "workbench" / "tui" / "app.tcss"
SECRET = "shpat_d3adbeefcafe"


class Host(App[None]):
    CSS_PATH = TCSS

    def __init__(self, screen: SettingsScreen) -> None:
        super().__init__()
        self.settings_screen = screen
        self.results: list[bool | None] = []

    def on_mount(self) -> None:
        self.push_screen(self.settings_screen, callback=self.results.append)


async def type_into(pilot: Pilot[Any], field: str, text: str, *, keys: bool = False) -> None:
    """Fill a field; ``keys`` types it key by key (slow: Pilot waits for idle after each)."""
    target = pilot.app.screen.query_one(f"#set-{field}", Input)
    target.focus()
    target.value = ""
    await pilot.pause()
    if keys:
        await pilot.press(*text)
    else:
        target.value = text
        await pilot.pause()


def visible_text(app: App[Any]) -> str:
    """The whole screen as the terminal would show it (SVG text, entities undone)."""
    svg = app.export_screenshot()
    return svg.replace("&#160;", " ").replace("&amp;", "&")


def config(home: Path) -> dict[str, Any]:
    with (home / "config.toml").open("rb") as handle:
        return tomllib.load(handle)


async def test_fill_save_and_read_back(isolated_home: Path) -> None:
    app = Host(SettingsScreen(first_run=True))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Welcome" in visible_text(app)
        await type_into(pilot, "shopify_shop_url", "https://fernwood.myshopify.com", keys=True)
        await type_into(pilot, "shopify_token", SECRET, keys=True)
        await type_into(pilot, "doc_number_template", "S-{number}")
        await type_into(pilot, "auto_sync_minutes", "15")
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        # Typed, the secret shows as bullets only.
        assert SECRET not in visible_text(app)
        assert "•" * len(SECRET) in visible_text(app)
        await press(pilot, "ctrl+s")
        data = config(isolated_home)
        assert data["shopify_shop_url"] == "https://fernwood.myshopify.com"
        assert data["shopify_token"] == SECRET
        assert data["doc_number_template"] == "S-{number}"
        assert data["auto_sync_minutes"] == 15
        # After saving, the secret input is empty again and only says that one is set.
        token = screen.query_one("#set-shopify_token", Input)
        assert token.value == ""
        assert "set; type to replace" in token.placeholder
        assert SECRET not in visible_text(app)
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [True]


async def test_a_bad_url_is_refused_with_the_message_on_its_field(isolated_home: Path) -> None:
    app = Host(SettingsScreen())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_into(pilot, "shopify_shop_url", "http://fernwood.myshopify.com")
        await type_into(pilot, "shopify_token", SECRET)
        await press(pilot, "ctrl+s")
        error = app.screen.query_one("#err-shopify_shop_url", Static)
        assert error.display
        assert "plain http:// is refused" in str(error.content)
        assert "plain http:// is refused" in visible_text(app)
        assert app.focused is app.screen.query_one("#set-shopify_shop_url")
        assert not (isolated_home / "config.toml").exists()
        # Fixing the field clears the message and saves.
        await type_into(pilot, "shopify_shop_url", "https://fernwood.myshopify.com")
        await press(pilot, "ctrl+s")
        assert not error.display
        assert config(isolated_home)["shopify_shop_url"] == "https://fernwood.myshopify.com"
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [True]


async def test_client_credentials_replace_the_token_fields(isolated_home: Path) -> None:
    app = Host(SettingsScreen())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert not screen.query_one("#row-shopify_client_id").display
        await pilot.click("#auth-client")
        await pilot.pause()
        assert screen.query_one("#row-shopify_client_id").display
        assert not screen.query_one("#row-shopify_token").display
        await type_into(pilot, "shopify_shop_url", "https://fernwood.myshopify.com")
        await type_into(pilot, "shopify_client_id", "abc123")
        await press(pilot, "ctrl+s")
        assert "client secret" in str(
            screen.query_one("#err-shopify_client_secret", Static).content
        )
        await type_into(pilot, "shopify_client_secret", "s3cr3t-value")
        await press(pilot, "ctrl+s")
        assert "s3cr3t-value" not in visible_text(app)
    data = config(isolated_home)
    assert data["shopify_client_id"] == "abc123"
    assert data["shopify_client_secret"] == "s3cr3t-value"


async def test_a_value_from_the_environment_is_locked_and_explained(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKBENCH_SHOPIFY_TOKEN", "shpat_env_only_secret")
    app = Host(SettingsScreen())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        token = app.screen.query_one("#set-shopify_token", Input)
        assert token.disabled
        text = visible_text(app)
        assert "set by WORKBENCH_SHOPIFY_TOKEN" in text
        assert "shpat_env_only_secret" not in text


@pytest.fixture
def qbo_env(tmp_path: Path) -> Iterator[Env]:
    environment = make_env(tmp_path)
    yield environment
    environment.close()


async def test_connect_quickbooks_shows_the_address_and_the_company(
    qbo_env: Env, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKBENCH_QBO_API_URL", API_URL)
    opened: list[str] = []

    def browser(url: str) -> bool:
        opened.append(url)
        with httpx.Client(transport=qbo_env.transport) as intuit:
            consent = intuit.get(url, follow_redirects=False)
        httpx.get(consent.headers["location"], timeout=5)
        return True

    editor = SettingsEditor(
        transport=qbo_env.transport, open_browser=browser, consent_timeout=10,
        wall_clock=qbo_env.clock,
    )  # fmt: skip
    app = Host(SettingsScreen(editor))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        status = app.screen.query_one("#qbo-status", Static)
        assert "not connected" in str(status.content)
        await type_into(pilot, "qbo_client_id", qbo_env.company.client_id)
        await type_into(pilot, "qbo_client_secret", qbo_env.company.client_secret)
        app.screen.query_one("#qbo-connect").focus()
        await press(pilot, "enter")
        await settle(pilot)
        assert opened and "connect/oauth2" in opened[0]
        assert qbo_env.company.realm_id in str(status.content)
        assert status.has_class("-connected")
        assert qbo_env.company.client_secret not in visible_text(app)
    assert config(isolated_home)["qbo_client_id"] == qbo_env.company.client_id
