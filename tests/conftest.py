"""Shared test fixtures: isolation of settings and data, and the public sample payloads."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from workbench.sandbox.serve import Endpoints


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


PG_URL = os.environ.get("WORKBENCH_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _pg_unreachable_reason() -> str | None:
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a hard dependency
        return "psycopg is not installed"
    try:
        psycopg.connect(PG_URL, connect_timeout=3).close()
    except Exception as exc:
        return f"no PostgreSQL server reachable at {PG_URL}: {str(exc).strip()[:120]}"
    return None


@pytest.fixture(scope="session")
def pg_reason() -> str | None:
    return _pg_unreachable_reason()


@pytest.fixture
def pg_url(pg_reason: str | None) -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped after the test."""
    if pg_reason:
        pytest.skip(pg_reason)
    import uuid

    import psycopg

    schema = f"wb_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each store test runs once on SQLite (a file, WAL) and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def served() -> Iterator[Endpoints]:
    """Both emulators served on loopback (80 orders, no rate limits), as `workbench sandbox
    serve` runs them."""
    from workbench.sandbox.serve import serve

    ready: list[Endpoints] = []
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(
            serve(host="127.0.0.1", shopify_port=0, qbo_port=0, orders=80, seed=3,
                  ready=ready.append, stop=stop, limits=False)
        )  # fmt: skip

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    for _ in range(400):
        if ready:
            break
        thread.join(0.05)
    assert ready, "the emulators did not start"
    yield ready[0]
    loop.call_soon_threadsafe(stop.set)
    thread.join(10)
