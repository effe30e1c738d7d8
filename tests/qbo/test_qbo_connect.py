"""`workbench connect qbo`: the authorization-code flow end to end, driven like a browser.

The "browser" follows the emulator's /connect/oauth2 answer, a 302 to our one-shot loopback
listener, over a real socket; the flow then verifies state, exchanges the code and stores the
tokens, and the stored connection works.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.qbo.qbo_support import API_URL, Env, make_env
from workbench.config import Settings, load_settings
from workbench.qbo.connect import connect, open_client
from workbench.qbo.errors import QboAuthError, QboConfigError
from workbench.qbo.tokens import FileTokenStore


@pytest.fixture
def env(tmp_path: Path) -> Iterator[Env]:
    environment = make_env(tmp_path)
    yield environment
    environment.close()


@pytest.fixture
def settings(env: Env, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("WORKBENCH_QBO_CLIENT_ID", env.company.client_id)
    monkeypatch.setenv("WORKBENCH_QBO_CLIENT_SECRET", env.company.client_secret)
    monkeypatch.setenv("WORKBENCH_QBO_API_URL", API_URL)
    return load_settings()


def browser(env: Env, tamper: Callable[[str], str] = lambda url: url) -> Callable[[str], bool]:
    """Open the consent page on the emulator and follow its redirect to the listener."""

    def open_url(url: str) -> bool:
        with httpx.Client(transport=env.transport) as intuit:
            consent = intuit.get(tamper(url), follow_redirects=False)
        assert consent.status_code == 302, consent.text
        redirect = consent.headers["location"]
        assert redirect.startswith("http://127.0.0.1:")
        landing = httpx.get(redirect, timeout=5)  # a real socket to the loopback listener
        assert landing.status_code == 200
        return True

    return open_url


def test_consent_flow_end_to_end(env: Env, settings: Settings) -> None:
    shown: list[str] = []
    tokens = connect(
        settings, transport=env.transport, open_browser=browser(env), echo=shown.append,
        wall_clock=env.clock, timeout=10,
    )  # fmt: skip
    assert tokens.realm_id == env.company.realm_id
    url = next(line.strip() for line in shown if "connect/oauth2" in line)
    query = parse_qs(urlsplit(url).query)
    assert query["scope"] == ["com.intuit.quickbooks.accounting"]
    assert query["response_type"] == ["code"]
    assert query["redirect_uri"][0].startswith("http://127.0.0.1:")
    assert query["redirect_uri"][0].endswith("/callback")
    assert len(query["state"][0]) >= 20
    # The code exchange used Basic auth and a form body.
    exchange = next(r for r in env.transport.requests if r.url.path.endswith("tokens/bearer"))
    assert exchange.headers["authorization"].startswith("Basic ")
    assert exchange.headers["content-type"] == "application/x-www-form-urlencoded"
    assert b"grant_type=authorization_code" in exchange.content
    # Stored under the data folder, owner-only, and it works.
    store = FileTokenStore(settings.data_dir / "qbo-tokens.json")
    assert store.load() == tokens
    assert (store.path.stat().st_mode & 0o777) == 0o600
    client = open_client(
        settings, transport=env.transport, wall_clock=env.clock, clock=env.clock, sleep=env.sleep
    )
    with client:
        assert client.company_info()["CompanyName"] == "Sandbox Company_US_1"
    assert env.emulator.oauth.refresh_count == 0  # the access token from the exchange was used
    assert all(tokens.refresh_token not in line for line in shown)


def test_a_forged_state_is_refused(env: Env, settings: Settings) -> None:
    def forge(url: str) -> str:
        return url.replace("state=", "state=forged", 1)

    with pytest.raises(QboAuthError, match="state"):
        connect(
            settings, transport=env.transport, open_browser=browser(env, forge),
            echo=lambda _: None, timeout=10,
        )  # fmt: skip
    assert not (settings.data_dir / "qbo-tokens.json").exists()
    assert not any(r.url.path.endswith("tokens/bearer") for r in env.transport.requests)


def test_a_refused_consent_says_so(env: Env, settings: Settings) -> None:
    def other_company(url: str) -> str:
        return url + "&realmId=not-this-app"  # the emulator answers error=access_denied

    with pytest.raises(QboAuthError, match="access_denied"):
        connect(
            settings, transport=env.transport, open_browser=browser(env, other_company),
            echo=lambda _: None, timeout=10,
        )  # fmt: skip


def test_no_browser_prints_the_address_and_times_out(env: Env, settings: Settings) -> None:
    shown: list[str] = []
    with pytest.raises(QboAuthError, match="no answer from the browser"):
        connect(settings, transport=env.transport, open_browser=None, echo=shown.append,
                timeout=0.3)  # fmt: skip
    assert any("appcenter.intuit.com/connect/oauth2?" in line for line in shown)


def test_missing_app_credentials_name_the_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(QboConfigError) as info:
        connect(load_settings(), open_browser=None, echo=lambda _: None, timeout=1)
    assert "WORKBENCH_QBO_CLIENT_ID" in str(info.value)
    assert "WORKBENCH_QBO_CLIENT_SECRET" in str(info.value)
