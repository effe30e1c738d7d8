"""The settings screen's service: what it reads, what it refuses, what it writes and how."""

from __future__ import annotations

import stat
import tomllib
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest

from tests.qbo.qbo_support import API_URL, Env, make_env
from workbench.config import load_settings
from workbench.services.settings_edit import SettingsEditor, SettingsInvalid

SECRET = "shpat_0123456789abcdef"


def saved(home: Path) -> dict[str, object]:
    with (home / "config.toml").open("rb") as handle:
        return tomllib.load(handle)


def test_a_new_file_holds_the_form_and_is_private(isolated_home: Path) -> None:
    editor = SettingsEditor()
    assert editor.needs_setup()
    editor.save(
        {
            "shopify_shop_url": "https://fernwood.myshopify.com/",
            "workflow": "invoices_and_payments",
            "customer_mode": "per_order",
            "doc_number_template": "S-{number}",
            "sync_start_date": "2026-01-01",
            "auto_sync_minutes": "15",
        },
        {"shopify_token": SECRET},
        shopify_auth="token",
    )
    path = isolated_home / "config.toml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = saved(isolated_home)
    assert data["sync_start_date"] == date(2026, 1, 1)  # a TOML date, not a string
    assert data["auto_sync_minutes"] == 15
    settings = load_settings()
    assert settings.shopify_shop_url == "https://fernwood.myshopify.com"
    assert settings.shopify_token is not None
    assert settings.shopify_token.get_secret_value() == SECRET
    assert settings.workflow.value == "invoices_and_payments"
    assert settings.customer_mode.value == "per_order"
    assert settings.doc_number_template == "S-{number}"
    assert not editor.needs_setup()
    assert list(isolated_home.glob(".config.*")) == []  # no temp file left behind


def test_the_form_never_carries_a_secret_back(isolated_home: Path) -> None:
    editor = SettingsEditor()
    editor.save(
        {"shopify_shop_url": "https://fernwood.myshopify.com"},
        {"shopify_token": SECRET},
        shopify_auth="token",
    )
    form = editor.read()
    assert "shopify_token" in form.secrets_set
    assert SECRET not in repr(form)
    assert SECRET not in " ".join(form.values.values())
    assert form.values["shopify_shop_url"] == "https://fernwood.myshopify.com"


def test_an_empty_secret_keeps_the_stored_one(isolated_home: Path) -> None:
    editor = SettingsEditor()
    editor.save(
        {"shopify_shop_url": "https://fernwood.myshopify.com"},
        {"shopify_token": SECRET},
        shopify_auth="token",
    )
    editor.save({"auto_sync_minutes": "0"}, {"shopify_token": ""}, shopify_auth="token")
    assert saved(isolated_home)["shopify_token"] == SECRET
    assert saved(isolated_home)["auto_sync_minutes"] == 0


def test_a_plain_http_shop_url_is_refused_on_its_field(isolated_home: Path) -> None:
    editor = SettingsEditor()
    with pytest.raises(SettingsInvalid) as caught:
        editor.save(
            {"shopify_shop_url": "http://fernwood.myshopify.com"},
            {"shopify_token": SECRET},
            shopify_auth="token",
        )
    assert set(caught.value.errors) == {"shopify_shop_url"}
    assert "plain http:// is refused" in caught.value.errors["shopify_shop_url"]
    assert not (isolated_home / "config.toml").exists()


def test_every_bad_field_is_named_and_nothing_is_written(isolated_home: Path) -> None:
    editor = SettingsEditor()
    editor.save({"auto_sync_minutes": "30"}, {}, shopify_auth="token")
    before = (isolated_home / "config.toml").read_bytes()
    with pytest.raises(SettingsInvalid) as caught:
        editor.save(
            {
                "sync_start_date": "1 Jan 2026",
                "auto_sync_minutes": "-5",
                "doc_number_template": "{order}",
                "workflow": "cash",
            },
            {},
            shopify_auth="token",
        )
    errors = caught.value.errors
    assert "YYYY-MM-DD" in errors["sync_start_date"]
    assert "whole number" in errors["auto_sync_minutes"]
    assert "{name}" in errors["doc_number_template"]
    assert "workflow" in errors
    assert (isolated_home / "config.toml").read_bytes() == before


def test_client_credentials_need_both_parts_and_replace_a_token(isolated_home: Path) -> None:
    editor = SettingsEditor()
    editor.save(
        {"shopify_shop_url": "https://fernwood.myshopify.com"},
        {"shopify_token": SECRET},
        shopify_auth="token",
    )
    with pytest.raises(SettingsInvalid) as caught:
        editor.save({"shopify_client_id": "abc"}, {}, shopify_auth="client")
    assert set(caught.value.errors) == {"shopify_client_secret"}
    editor.save(
        {"shopify_client_id": "abc"}, {"shopify_client_secret": "s3"}, shopify_auth="client"
    )
    data = saved(isolated_home)
    assert "shopify_token" not in data
    assert data["shopify_client_id"] == "abc"
    assert editor.read().shopify_auth == "client"


def test_values_from_the_environment_are_shown_but_never_written(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKBENCH_SHOPIFY_SHOP_URL", "https://from-env.myshopify.com")
    monkeypatch.setenv("WORKBENCH_SHOPIFY_TOKEN", "shpat_from_env")
    editor = SettingsEditor()
    form = editor.read()
    assert form.from_env["shopify_shop_url"] == "WORKBENCH_SHOPIFY_SHOP_URL"
    assert form.values["shopify_shop_url"] == "https://from-env.myshopify.com"
    assert "shopify_token" in form.secrets_set
    editor.save(
        {"shopify_shop_url": "https://typed.myshopify.com", "auto_sync_minutes": "5"},
        {"shopify_token": "shpat_typed"},
        shopify_auth="token",
    )
    data = saved(isolated_home)
    assert "shopify_shop_url" not in data
    assert "shopify_token" not in data
    assert "shpat_from_env" not in (isolated_home / "config.toml").read_text()


def test_other_keys_of_the_file_survive_a_save(isolated_home: Path) -> None:
    isolated_home.mkdir(parents=True)
    (isolated_home / "config.toml").write_text('db = "sqlite:///x.db"\nuser = "ann"\n')
    SettingsEditor().save({"auto_sync_minutes": "10"}, {}, shopify_auth="token")
    assert saved(isolated_home) == {"db": "sqlite:///x.db", "user": "ann", "auto_sync_minutes": 10}


@pytest.fixture
def qbo_env(tmp_path: Path) -> Iterator[Env]:
    environment = make_env(tmp_path)
    yield environment
    environment.close()


def test_connecting_quickbooks_stores_the_connection(
    qbo_env: Env, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKBENCH_QBO_API_URL", API_URL)

    def browser(url: str) -> bool:
        with httpx.Client(transport=qbo_env.transport) as intuit:
            consent = intuit.get(url, follow_redirects=False)
        httpx.get(consent.headers["location"], timeout=5)  # real socket to the listener
        return True

    editor = SettingsEditor(
        transport=qbo_env.transport, open_browser=browser, consent_timeout=10,
        wall_clock=qbo_env.clock,
    )  # fmt: skip
    assert not editor.connection().connected
    editor.save(
        {"qbo_client_id": qbo_env.company.client_id},
        {"qbo_client_secret": qbo_env.company.client_secret},
        shopify_auth="token",
    )
    shown: list[str] = []
    result = editor.connect(shown.append)
    assert result.connected
    assert any("connect/oauth2" in line for line in shown)
    state = editor.connection()
    assert state.connected
    assert qbo_env.company.realm_id in state.text
    checked = editor.check()
    assert checked.connected, checked.lines
