"""Exactly once against the QBO emulator served on loopback: kill -9 at random points, injected
faults and throttling, and two committers at once on PostgreSQL."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import col

from tests.commit.books import Books, make_books
from tests.commit.loopback import Served, serve_qbo
from workbench.domain.proposals import ProposalState
from workbench.qbo.client import QboClient
from workbench.qbo.limits import RealmLimiter, RetryPolicy
from workbench.sandbox.qbo_emulator.faultplan import FaultPlan
from workbench.sandbox.qbo_emulator.limits import RateLimiter
from workbench.services.commit import commit
from workbench.services.sandbox_session import SandboxTokens
from workbench.store.engine import open_store
from workbench.store.tables import OutboxRow

KILLS = 5


def assert_exactly_once(books: Books) -> None:
    assert books.approved_posted() == dict.fromkeys(books.approved, 1)
    assert books.states()[ProposalState.POSTED] == len(books.approved)
    assert books.states()[ProposalState.APPROVED] == 0


def committer_env(books: Books, served: Served, db_url: str) -> dict[str, str]:
    company = books.sandbox.data.company
    return {
        **os.environ,
        "WORKBENCH_DB": db_url,
        "WORKBENCH_QBO_API_URL": served.url,
        "WORKBENCH_QBO_TOKEN_URL": f"{served.url}/oauth2/v1/tokens/bearer",
        "WORKBENCH_QBO_REALM_ID": company.realm_id,
        "WORKBENCH_QBO_CLIENT_ID": company.client_id,
        "WORKBENCH_QBO_CLIENT_SECRET": company.client_secret,
        "WORKBENCH_QBO_REFRESH_TOKEN": books.sandbox.qbo.issue_refresh_token(company.realm_id),
        "WORKBENCH_USER": "night-shift",
    }


@pytest.fixture
def big_books(tmp_path: Path) -> Iterator[tuple[Books, str]]:
    url = f"sqlite:///{tmp_path / 'big.db'}"
    books = make_books(url, orders=480, seed=5)
    assert len(books.approved) >= 300, len(books.approved)
    yield books, url
    books.close()


def test_kill_9_at_random_points_posts_every_entry_exactly_once(
    big_books: tuple[Books, str],
) -> None:
    books, url = big_books
    served = serve_qbo(books.sandbox.qbo)
    env = committer_env(books, served, url)
    command = [sys.executable, "-m", "workbench", "commit", "--yes", "--batch-size", "10"]
    rng = random.Random(20261126)
    emulator = books.sandbox.qbo
    before = len(emulator.applied_writes)
    kills = 0
    try:
        for _ in range(KILLS):
            target = len(emulator.applied_writes) + rng.randint(5, 50)
            process = subprocess.Popen(
                command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
            deadline = time.monotonic() + 60
            while process.poll() is None and len(emulator.applied_writes) < target:
                assert time.monotonic() < deadline, "the committer made no progress"
                time.sleep(0.002)
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                kills += 1
            process.communicate(timeout=30)
        final = subprocess.run(command, env=env, capture_output=True, text=True, timeout=180)
        assert final.returncode == 0, final.stderr
    finally:
        served.stop()
    assert kills == KILLS
    assert_exactly_once(books)
    # Nothing was applied twice: one create per object, and as many as the outbox posted.
    with books.store.session() as session:
        posted_rows = list(
            session.scalars(select(OutboxRow).where(col(OutboxRow.state) == "posted"))
        )
    creates = [w for w in emulator.applied_writes[before:] if w.operation == "create"]
    assert len(creates) == len({(w.entity, w.obj_id) for w in creates}) == len(posted_rows)


def scaled_client(books: Books, served: Served, *, scale: float, generous: bool) -> QboClient:
    """A client whose clock runs ``scale`` times faster (a 60 s throttle wait lasts 60/scale s).

    ``generous`` gives it limits far above QBO's so the emulator's throttle answers 429.
    """
    started = time.monotonic()

    def clock() -> float:
        return started + (time.monotonic() - started) * scale

    def sleep(seconds: float) -> None:
        time.sleep(seconds / scale)

    limiter = (
        RealmLimiter(clock=clock, sleep=sleep, per_second=1000, per_minute=100_000,
                     batch_per_minute=10_000)
        if generous else RealmLimiter(clock=clock, sleep=sleep)
    )  # fmt: skip
    return QboClient(
        served.url, books.realm, SandboxTokens(books.sandbox.qbo, books.realm),
        clock=clock, sleep=sleep, limiter=limiter,
        retry=RetryPolicy(base=0.01, cap=0.05, rng=random.Random(7)),
    )  # fmt: skip


def test_faults_and_throttling_on_loopback_still_post_exactly_once(tmp_path: Path) -> None:
    books = make_books(f"sqlite:///{tmp_path / 'faults.db'}", orders=120, seed=9)
    emulator = books.sandbox.qbo
    emulator.fault_plan = FaultPlan(seed=3, p_500=0.025, p_503=0.025, p_lost=0.02)
    # QBO's limits, with a "minute" of three seconds; the client ignores them and must back off.
    emulator.limiter = RateLimiter(time.monotonic, time_scale=20.0)
    served = serve_qbo(emulator)
    try:
        with scaled_client(books, served, scale=60.0, generous=True) as client:
            report = commit(books.store, client, reviewer="ada", batch_size=1)
            throttled = client.throttled
    finally:
        served.stop()
    assert not report.failed
    assert emulator.fault_plan.injected["lost"] >= 1
    assert emulator.fault_plan.injected["500"] + emulator.fault_plan.injected["503"] >= 1
    assert throttled >= 1 and emulator.limiter.throttled >= 1
    assert_exactly_once(books)
    books.close()


def test_two_committers_on_postgresql_post_every_entry_exactly_once(pg_url: str) -> None:
    books = make_books(pg_url, orders=150, seed=13)
    served = serve_qbo(books.sandbox.qbo)
    reports = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    stores = {name: open_store(pg_url) for name in ("ada", "grace")}

    def run(name: str) -> None:
        try:
            with scaled_client(books, served, scale=1.0, generous=False) as client:
                barrier.wait(timeout=30)
                reports.append(commit(stores[name], client, reviewer=name, batch_size=4))
        except BaseException as exc:  # reported below; a thread cannot fail the test itself
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=run, args=(n,)) for n in stores]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=90)
    finally:
        served.stop()
        for store in stores.values():
            store.close()
    assert not errors, errors
    assert_exactly_once(books)
    first, second = reports
    assert sorted(first.posted + second.posted) == sorted(books.approved)
    assert first.posted and second.posted, "both committers should have claimed work"
    books.close()
