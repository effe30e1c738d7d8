"""Shared test fixtures: isolation of settings and data, and the public sample payloads."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest


def _find_shared_fixtures() -> Path | None:
    env = os.environ.get("WORKBENCH_SHARED_FIXTURES")
    candidates = [Path(env)] if env else []
    repo = Path(__file__).resolve().parents[1]
    candidates += [repo.parent / "shared" / "fixtures", repo / "shared" / "fixtures"]
    for candidate in candidates:
        if (candidate / "qbo").is_dir() and (candidate / "shopify").is_dir():
            return candidate
    return None


@pytest.fixture(scope="session")
def shared_fixtures() -> Path:
    """The public sample payloads kept beside the repository in ../shared/fixtures."""
    found = _find_shared_fixtures()
    if found is None:
        pytest.skip(
            "public sample payloads not found: expected ../shared/fixtures beside the "
            "repository or WORKBENCH_SHARED_FIXTURES"
        )
    return found


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Keep every test away from the user's real config, data and keyring."""
    home = tmp_path / "wb-home"
    for name in list(os.environ):
        if name.startswith("WORKBENCH_") and name not in {
            "WORKBENCH_SHARED_FIXTURES",
            "WORKBENCH_TEST_PG_URL",
        }:
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("WORKBENCH_HOME", str(home))
    monkeypatch.setenv("WORKBENCH_USER", "tester")
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    yield home
