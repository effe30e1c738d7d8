"""`workbench connect qbo` and `workbench sync qbo` from the command line, over real HTTP: the
emulator is served on loopback and the "browser" follows its redirect to our listener."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.qbo.qbo_support import served
from tests.sandbox.qbo_emulator_support import sample_company
from workbench.cli import main
from workbench.qbo import connect as connect_module
from workbench.qbo.client import QboClient
from workbench.qbo.oauth import IntuitOAuth
from workbench.qbo.session import TokenManager
from workbench.qbo.tokens import FileTokenStore, TokenSet
from workbench.sandbox.qbo_emulator import QboEmulator
from workbench.store.engine import open_store
from workbench.store.qbo_repo import counts


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def emulator() -> QboEmulator:
    return QboEmulator([sample_company()], rate_limits=False)


@pytest.fixture
def base_url(emulator: QboEmulator) -> Iterator[str]:
    with served(emulator) as url:
        yield url


def real_browser(url: str) -> bool:
    consent = httpx.get(url, follow_redirects=False, timeout=5)
    assert consent.status_code == 302, consent.text
    landing = httpx.get(consent.headers["location"], timeout=5)
    return landing.status_code == 200


def test_commands_that_cannot_run_say_what_to_set(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = run(capsys, "sync", "qbo")
    assert code == 1 and err.count("\n") == 1
    assert "WORKBENCH_QBO_CLIENT_ID" in err and "WORKBENCH_QBO_CLIENT_SECRET" in err
    monkeypatch.setenv("WORKBENCH_QBO_CLIENT_ID", "app")
    monkeypatch.setenv("WORKBENCH_QBO_CLIENT_SECRET", "secret")
    code, _, err = run(capsys, "sync", "qbo")
    assert code == 1
    assert "workbench connect qbo" in err and "WORKBENCH_QBO_REFRESH_TOKEN" in err
    code, out, err = run(capsys, "connect", "qbo", "--status")
    assert code == 1 and err.startswith("workbench: Not connected")
    assert "WORKBENCH_QBO_REFRESH_TOKEN" in err and "Stored in" in out
    monkeypatch.setenv("WORKBENCH_QBO_AUTHORIZE_URL", "http://appcenter.example.com/connect")
    code, _, err = run(capsys, "connect", "qbo")
    assert code == 1 and "WORKBENCH_QBO_AUTHORIZE_URL" in err and "not a loopback" in err


def test_connect_status_and_sync_over_loopback(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    emulator: QboEmulator,
    base_url: str,
    isolated_home: Path,
) -> None:
    company = sample_company()
    monkeypatch.setenv("WORKBENCH_QBO_API_URL", base_url)
    monkeypatch.setenv("WORKBENCH_QBO_TOKEN_URL", f"{base_url}/oauth2/v1/tokens/bearer")
    monkeypatch.setenv("WORKBENCH_QBO_AUTHORIZE_URL", f"{base_url}/connect/oauth2")
    monkeypatch.setenv("WORKBENCH_QBO_CLIENT_ID", company.client_id)
    monkeypatch.setenv("WORKBENCH_QBO_CLIENT_SECRET", company.client_secret)
    monkeypatch.setattr(connect_module, "_open_browser", real_browser)

    code, out, err = run(capsys, "connect", "qbo", "--port", "0", "--timeout", "20")
    assert code == 0, err
    assert f"Connected company {company.realm_id}" in out
    stored = FileTokenStore(isolated_home / "qbo-tokens.json").load()
    assert stored is not None and stored.realm_id == company.realm_id

    code, out, err = run(capsys, "connect", "qbo", "--status")
    assert code == 0, err + out
    assert "Connected to Sandbox Company_US_1" in out
    assert "expires on" in out

    code, out, err = run(capsys, "sync", "qbo", "--days", "30")
    assert code == 0, err
    assert "Sandbox Company_US_1 (US, USD" in out
    store = open_store(f"sqlite:///{isolated_home / 'workbench.db'}")
    try:
        with store.session() as session:
            cached = counts(session, company.realm_id)
    finally:
        store.close()
    assert cached["Item"] == len(emulator.entities(company.realm_id, "Item"))
    assert cached["CompanyInfo"] == 1

    latest = FileTokenStore(isolated_home / "qbo-tokens.json").load()
    assert latest is not None and latest.access_token
    for text in (out, err):
        assert latest.refresh_token not in text and latest.access_token not in text


def test_a_dropped_connection_over_loopback_is_resolved_by_requestid(
    emulator: QboEmulator, base_url: str, tmp_path: Path
) -> None:
    company = sample_company()
    store = FileTokenStore(tmp_path / "qbo-tokens.json")
    store.save(TokenSet(company.realm_id, base_url, refresh_token=company.refresh_token))
    oauth = IntuitOAuth(
        client_id=company.client_id,
        client_secret=company.client_secret,
        token_url=f"{base_url}/oauth2/v1/tokens/bearer",
        authorize_url=f"{base_url}/connect/oauth2",
    )
    manager = TokenManager(store, oauth)
    with QboClient(base_url, company.realm_id, manager, sleep=lambda _: None) as client:
        emulator.fault_plan.force("lost")
        created = client.create("Customer", {"DisplayName": "Across a socket"}, request_id="r-1")
    assert emulator.fault_plan.injected["lost"] == 1
    assert emulator.applied_count(request_id="r-1") == 1
    names = [c["DisplayName"] for c in emulator.entities(company.realm_id, "Customer")]
    assert names.count("Across a socket") == 1
    assert created["DisplayName"] == "Across a socket"
