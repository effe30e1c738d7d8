"""Settings: file, environment override, validation messages that name the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.config import (
    MASK,
    QBO_PRODUCTION_API_URL,
    ConfigError,
    is_loopback_host,
    load_settings,
    mask_url_password,
)


def write_config(home: Path, text: str) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(text, encoding="utf-8")


def test_defaults_live_under_workbench_home(isolated_home: Path) -> None:
    settings = load_settings()
    assert settings.config_file == isolated_home / "config.toml"
    assert settings.database_url == f"sqlite:///{isolated_home / 'workbench.db'}"
    assert settings.qbo_api_url == QBO_PRODUCTION_API_URL
    assert settings.user == "tester"


def test_environment_overrides_the_file(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_config(
        isolated_home,
        'shopify_shop_url = "https://from-file.myshopify.com"\nshopify_api_version = "2026-07"\n',
    )
    monkeypatch.setenv("WORKBENCH_SHOPIFY_SHOP_URL", "https://from-env.myshopify.com")
    settings = load_settings()
    assert settings.shopify_shop_url == "https://from-env.myshopify.com"
    assert settings.shopify_api_version == "2026-07"


@pytest.mark.parametrize(
    "name",
    [
        "WORKBENCH_HOME", "WORKBENCH_DB", "WORKBENCH_USER", "WORKBENCH_SHOPIFY_SHOP_URL",
        "WORKBENCH_SHOPIFY_TOKEN", "WORKBENCH_SHOPIFY_CLIENT_ID", "WORKBENCH_SHOPIFY_CLIENT_SECRET",
        "WORKBENCH_SHOPIFY_API_VERSION", "WORKBENCH_QBO_API_URL", "WORKBENCH_QBO_REALM_ID",
        "WORKBENCH_QBO_CLIENT_ID", "WORKBENCH_QBO_CLIENT_SECRET", "WORKBENCH_QBO_REFRESH_TOKEN",
        "WORKBENCH_QBO_TOKEN_URL",
    ],
)  # fmt: skip
def test_every_documented_variable_is_a_setting(name: str) -> None:
    assert name in load_settings().masked()


def test_plain_http_refused_for_remote_hosts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_QBO_API_URL", "http://quickbooks.example.com")
    with pytest.raises(ConfigError) as info:
        load_settings()
    message = str(info.value)
    assert "WORKBENCH_QBO_API_URL" in message
    assert "not a loopback address" in message


@pytest.mark.parametrize("url", ["http://127.0.0.1:8702", "http://localhost:9", "http://[::1]:80"])
def test_plain_http_allowed_on_loopback(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("WORKBENCH_QBO_API_URL", url)
    assert load_settings().qbo_api_url == url


def test_bad_api_version_names_variable_and_expected_form(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_SHOPIFY_API_VERSION", "latest")
    with pytest.raises(ConfigError, match=r"WORKBENCH_SHOPIFY_API_VERSION.*2026-10"):
        load_settings()


def test_bad_number_names_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_AUTO_SYNC_MINUTES", "hourly")
    with pytest.raises(ConfigError, match="WORKBENCH_AUTO_SYNC_MINUTES"):
        load_settings()


def test_broken_toml_names_the_file(isolated_home: Path) -> None:
    write_config(isolated_home, "shopify_shop_url = \n")
    with pytest.raises(ConfigError, match=r"config\.toml: not valid TOML"):
        load_settings()


def test_unknown_key_in_file_is_reported(isolated_home: Path) -> None:
    write_config(isolated_home, 'shopfiy_token = "x"\n')
    with pytest.raises(ConfigError, match=r"unknown setting.*shopfiy_token"):
        load_settings()


def test_secrets_are_masked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_SHOPIFY_TOKEN", "shpat_supersecret")
    monkeypatch.setenv("WORKBENCH_QBO_REFRESH_TOKEN", "AB11supersecret")
    monkeypatch.setenv("WORKBENCH_DB", "postgresql://bob:hunter2@db.example.com/books")
    settings = load_settings()
    shown = settings.masked()
    text = repr(shown) + repr(settings)
    assert "supersecret" not in text and "hunter2" not in text
    assert shown["WORKBENCH_SHOPIFY_TOKEN"] == MASK
    assert shown["WORKBENCH_DB"] == "postgresql://bob:***@db.example.com/books"
    assert settings.shopify_token is not None
    assert settings.shopify_token.get_secret_value() == "shpat_supersecret"


def test_loopback_detection() -> None:
    assert is_loopback_host("127.0.0.2")
    assert is_loopback_host("::1")
    assert not is_loopback_host("10.0.0.1")
    assert not is_loopback_host("127.example.com")
    assert mask_url_password("sqlite:///x.db") == "sqlite:///x.db"
