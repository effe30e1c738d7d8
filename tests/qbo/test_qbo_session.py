"""Token refresh against the emulator, which rotates the refresh token on every refresh and
rejects the previous one at once: refresh before expiry, once on 401, and the rotated token
stored before anything uses the new access token, including across crashes."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from tests.qbo.qbo_support import Env, make_env
from workbench.qbo.errors import QboFault
from workbench.qbo.oauth import InvalidGrant
from workbench.qbo.session import REFRESH_MARGIN
from workbench.qbo.tokens import FileTokenStore, TokenSet, TokenStoreError


class SimulatedCrash(BaseException):
    """Stands for the process dying: nothing catches it, nothing after it runs."""


@pytest.fixture
def env(tmp_path: Path) -> Iterator[Env]:
    environment = make_env(tmp_path)
    yield environment
    environment.close()


def stored(env: Env) -> TokenSet:
    found = FileTokenStore(env.store.path).load()  # a fresh read, as a new process would
    assert found is not None
    return found


def refresh_works(env: Env, refresh_token: str) -> bool:
    """Whether the emulator still accepts a refresh token (this rotates it when it does)."""
    try:
        env.oauth().refresh(refresh_token)
    except InvalidGrant:
        return False
    return True


def test_first_call_refreshes_and_stores_the_rotated_token(env: Env) -> None:
    client = env.client()
    assert client.company_info()["CompanyName"] == "Sandbox Company_US_1"
    after = stored(env)
    assert after.refresh_token != env.company.refresh_token  # rotated
    assert after.access_token and after.access_expires_at == env.clock.now + 3600
    assert after.refresh_expires_at is not None and after.refresh_expires_at > env.clock.now
    assert env.emulator.oauth.refresh_count == 1
    assert not refresh_works(env, env.company.refresh_token)  # the old one died at once


def test_refreshes_before_expiry_not_after(env: Env) -> None:
    client = env.client()
    client.company_info()
    env.clock.advance(3600 - REFRESH_MARGIN - 10)
    client.company_info()
    assert env.emulator.oauth.refresh_count == 1  # still comfortably valid
    env.clock.advance(20)  # inside the margin: refresh before QBO would refuse it
    client.company_info()
    assert env.emulator.oauth.refresh_count == 2
    assert [r.url.path for r in env.transport.requests].count("/oauth2/v1/tokens/bearer") == 2
    assert len(env.transport.api_requests()) == 3  # no request was spent on a 401


def test_refreshes_once_on_401_and_retries(env: Env) -> None:
    client = env.client()
    client.company_info()
    # QBO forgets the access token (revoked, or a clock disagreement) while we think it valid.
    env.emulator.oauth._access.clear()
    assert client.company_info()["CompanyName"]
    assert env.emulator.oauth.refresh_count == 2
    api = env.transport.api_requests()
    assert len(api) == 3  # ok, 401, ok after the refresh


def test_a_second_401_is_a_fault_that_says_reconnect(env: Env) -> None:
    manager = env.manager()
    client = env.client(manager)
    client.company_info()
    env.emulator.oauth.access_token_ttl = 0  # every new access token is already dead
    env.emulator.oauth._access.clear()
    with pytest.raises(QboFault) as info:
        client.company_info()
    assert info.value.code == "3200" and info.value.status == 401
    assert "connect qbo" in str(info.value)
    token = stored(env).access_token
    assert token and token[:12] not in str(info.value)


def test_rotated_token_is_stored_before_the_new_access_token_is_used(env: Env) -> None:
    events: list[str] = []
    real_save = env.store.save

    def save(tokens: TokenSet) -> None:
        real_save(tokens)
        events.append("stored")

    env.store.save = save  # type: ignore[method-assign]

    def note(request: httpx.Request) -> None:
        events.append("token call" if "tokens/bearer" in request.url.path else "api call")

    env.transport.before.append(lambda r: note(r))  # type: ignore[func-returns-value]
    env.client().company_info()
    assert events == ["token call", "stored", "api call"]


def test_crash_right_after_the_refresh_is_stored_loses_nothing(env: Env) -> None:
    """The process dies after Intuit rotated the token and our store has it, but before the
    new access token is used. A new process starts from the store and carries on."""
    real_save = env.store.save

    def save_then_die(tokens: TokenSet) -> None:
        real_save(tokens)
        raise SimulatedCrash

    env.store.save = save_then_die  # type: ignore[method-assign]
    with pytest.raises(SimulatedCrash):
        env.client().company_info()
    assert env.transport.api_requests() == []  # the new access token was never used
    assert not refresh_works(env, env.company.refresh_token)  # Intuit did rotate
    # The next process: a fresh store object on the same file, a fresh client.
    env.store = FileTokenStore(env.store.path)
    survivor = stored(env)
    assert survivor.refresh_token != env.company.refresh_token
    assert env.client().company_info()["CompanyName"]  # the stored access token works
    env.clock.advance(3600)  # and so does the stored refresh token
    assert env.client().company_info()["CompanyName"]
    assert env.emulator.oauth.refresh_count == 2  # the crashed one and the one after expiry


def test_a_failed_store_write_blocks_use_and_is_retried_first(env: Env) -> None:
    """The write of the rotated token fails (disk full): nothing may use the new access token,
    the file keeps its last whole value, and the next call stores the pending pair first."""
    real_save = env.store.save
    failures = iter([True])

    def flaky(tokens: TokenSet) -> None:
        if next(failures, False):
            raise TokenStoreError("cannot save the QuickBooks connection: No space left")
        real_save(tokens)

    env.store.save = flaky  # type: ignore[method-assign]
    manager = env.manager()
    client = env.client(manager)
    with pytest.raises(TokenStoreError):
        client.company_info()
    assert env.transport.api_requests() == []
    assert stored(env).refresh_token == env.company.refresh_token  # old, whole, now dead
    assert client.company_info()["CompanyName"]  # retried the write, then used the token
    assert env.emulator.oauth.refresh_count == 1  # no second refresh was needed
    assert refresh_works(env, stored(env).refresh_token)


def test_another_process_rotated_the_token(env: Env) -> None:
    first = env.manager()
    second = env.manager()
    first.access_token()  # process 1 rotates and stores
    env.clock.advance(3600)
    # Process 2 still holds the seed in memory; its refresh gets invalid_grant, it re-reads
    # the store and carries on with process 1's token instead of failing.
    second._current = replace(stored(env), refresh_token=env.company.refresh_token)
    assert second.access_token()
    assert env.emulator.oauth.refresh_count == 2


def test_no_secret_reaches_logs_or_errors(env: Env, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client = env.client()
    client.company_info()
    env.emulator.oauth.access_token_ttl = 0
    env.emulator.oauth._access.clear()
    with pytest.raises(QboFault) as info:
        client.company_info()
    secrets = [env.company.refresh_token, stored(env).refresh_token, stored(env).access_token]
    texts = [caplog.text, str(info.value), repr(info.value), repr(client), repr(stored(env))]
    for secret in secrets:
        assert secret
        for text in texts:
            assert secret[:16] not in text
    assert "3200" in caplog.text  # the logs do say what happened
