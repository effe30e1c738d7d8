"""Where the connection is kept: 0600 file written atomically, or the OS keyring; seeding."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail, null

from workbench.qbo.errors import QboConfigError
from workbench.qbo.tokens import (
    FileTokenStore,
    KeyringTokenStore,
    TokenSet,
    TokenStoreError,
    keyring_available,
    open_token_store,
    seed,
)

REFRESH = "RT1-very-secret-refresh"
ACCESS = "eyJ-very-secret-access"


def tokens(refresh: str = REFRESH) -> TokenSet:
    return TokenSet(
        realm_id="4620816365",
        api_url="https://sandbox-quickbooks.api.intuit.com",
        refresh_token=refresh,
        refresh_expires_at=2_000_000_000.0,
        access_token=ACCESS,
        access_expires_at=1_900_000_000.0,
    )


class MemoryKeyring(KeyringBackend):
    """A real keyring backend that keeps entries in a dict (no desktop session in CI)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> MemoryKeyring:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_file_store_round_trip_with_mode_0600(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path / "data" / "qbo-tokens.json")
    assert store.load() is None
    store.save(tokens())
    mode = stat.S_IMODE(store.path.stat().st_mode)
    assert mode == 0o600
    assert store.load() == tokens()
    store.save(tokens("RT1-next"))
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    loaded = store.load()
    assert loaded is not None and loaded.refresh_token == "RT1-next"
    assert [p.name for p in store.path.parent.iterdir()] == ["qbo-tokens.json"]


def test_a_failed_write_leaves_the_previous_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = FileTokenStore(tmp_path / "qbo-tokens.json")
    store.save(tokens("RT1-old"))

    def disk_full(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(TokenStoreError, match="No space left"):
        store.save(tokens("RT1-new"))
    monkeypatch.undo()
    loaded = store.load()
    assert loaded is not None and loaded.refresh_token == "RT1-old"
    assert [p.name for p in tmp_path.iterdir()] == ["qbo-tokens.json"]  # no temp file left


def test_a_damaged_file_says_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "qbo-tokens.json"
    path.write_text('{"version": 1, "realm_id": "1"')
    with pytest.raises(TokenStoreError, match="connect qbo"):
        FileTokenStore(path).load()


def test_reprs_never_show_tokens(tmp_path: Path) -> None:
    text = repr(tokens()) + str(tokens())
    assert REFRESH not in text and ACCESS not in text
    assert "4620816365" in text


def test_keyring_store_keeps_one_entry_per_data_folder(
    memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    assert keyring_available()
    first = open_token_store(tmp_path / "a")
    second = open_token_store(tmp_path / "b")
    assert isinstance(first, KeyringTokenStore)
    first.save(tokens())
    assert first.load() == tokens()
    assert second.load() is None
    assert len(memory_keyring.entries) == 1
    assert not (tmp_path / "a").exists()  # nothing written to disk
    first.clear()
    assert first.load() is None


@pytest.mark.parametrize("backend", [null.Keyring(), fail.Keyring()])
def test_null_and_fail_keyrings_fall_back_to_the_file(
    backend: KeyringBackend, tmp_path: Path
) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        assert not keyring_available()
        store = open_token_store(tmp_path)
    finally:
        keyring.set_keyring(previous)
    assert isinstance(store, FileTokenStore) and store.path == tmp_path / "qbo-tokens.json"


def test_seed_writes_once_and_then_the_stored_token_wins(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path / "qbo-tokens.json")
    seeded = seed(store, refresh_token="RT1-seed", realm_id="42", api_url="https://x.example")
    assert seeded is not None and seeded.refresh_token == "RT1-seed"
    # A refresh rotated it; the variable still holds the (now dead) seed.
    assert store.load() == seeded
    store.save(seeded.rotated(
        refresh_token="RT1-rotated", refresh_expires_in=100, access_token="a",
        access_expires_in=10, hard_expires_in=None, now=0,
    ))  # fmt: skip
    again = seed(store, refresh_token="RT1-seed", realm_id="42", api_url="https://x.example")
    assert again is not None and again.refresh_token == "RT1-rotated"
    # Someone consented again elsewhere and exported a new token: it replaces the stored one.
    fresh = seed(store, refresh_token="RT1-new-consent", realm_id="42", api_url="https://x")
    assert fresh is not None and fresh.refresh_token == "RT1-new-consent"
    assert "RT1-new-consent" not in store.path.read_text().replace(
        '"refresh_token": "RT1-new-consent"', ""
    )  # only as the token itself, never as a fingerprint


def test_seed_without_a_company_names_the_variable(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path / "qbo-tokens.json")
    with pytest.raises(QboConfigError, match="WORKBENCH_QBO_REALM_ID"):
        seed(store, refresh_token="RT1-seed", realm_id=None, api_url="https://x.example")
    assert seed(store, refresh_token=None, realm_id=None, api_url="https://x") is None
