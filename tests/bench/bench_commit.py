"""Benchmark: commit throughput against the QBO emulator with QBO's limits (issue 8's figure).

Run: python tests/bench/bench_commit.py [--entries 6000] [--scale 4] [--batch-size 30]

QBO allows 40 batch calls a minute per company, 30 entries each: a ceiling of 1,200 entries a
minute. Waiting real minutes would make the benchmark slow, so time is scaled: the emulator's
windows and the client's clock and sleeps all run ``--scale`` times faster (a "minute" lasts
60/scale seconds), and figures are reported in scaled minutes. The emulator runs on loopback
with its rate limiter on; a 429 would show in the figures (the target is none in steady state).

The store holds real approved proposals of a sandbox company, cloned under new keys and
DocNumbers until there are ``--entries`` of them (each clone is a complete, valid SalesReceipt).
Target: ≥ 90 % of the ceiling (≥ 1,080 entries per minute).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import select
from sqlmodel import col

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.commit.books import make_books
from tests.commit.loopback import serve_qbo
from workbench.domain.proposals import ProposalState
from workbench.qbo.client import QboClient
from workbench.qbo.limits import RealmLimiter
from workbench.sandbox.qbo_emulator.limits import RateLimiter
from workbench.services.commit import commit
from workbench.services.progress import Progress
from workbench.services.sandbox_session import SandboxTokens
from workbench.store.engine import Store
from workbench.store.shopify_repo import upsert_rows
from workbench.store.tables import ProposalRow

CEILING = 40 * 30


def clone_to(store: Store, entries: int) -> int:
    """Approved single-receipt proposals cloned under new keys until there are ``entries``."""
    with store.session() as session:
        seeds = [
            r for r in session.scalars(
                select(ProposalRow).where(
                    col(ProposalRow.state) == ProposalState.APPROVED.value,
                    col(ProposalRow.entity_type) == "SalesReceipt",
                )
            )
        ]  # fmt: skip
        count = len(seeds)
        clones = []
        n = 0
        while count < entries:
            seed = seeds[n % len(seeds)]
            n += 1
            key = seed.key.replace(":v1", "")
            key = f"{key}{n:05d}:v1"
            body = dict(seed.body["SalesReceipt"])
            body["DocNumber"] = f"C{n}-{body['DocNumber']}"[:21]
            body["PrivateNote"] = str(body["PrivateNote"]).replace(seed.key, key)
            row = {c.name: getattr(seed, c.name) for c in ProposalRow.__table__.columns}  # type: ignore[attr-defined]
            row.update(key=key, source_id=f"{seed.source_id}{n:05d}", doc_number=body["DocNumber"],
                       body={"SalesReceipt": body})  # fmt: skip
            clones.append(row)
            count += 1
        for start in range(0, len(clones), 1000):
            upsert_rows(session, ProposalRow, clones[start : start + 1000])
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=6000)
    parser.add_argument("--scale", type=float, default=4.0)
    parser.add_argument("--batch-size", type=int, default=30)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        t0 = time.perf_counter()
        books = make_books(f"sqlite:///{Path(folder) / 'bench.db'}", orders=300, seed=21)
        total = clone_to(books.store, args.entries)
        print(f"store ready: {total:,} approved entries ({time.perf_counter() - t0:.1f} s)")

        emulator = books.sandbox.qbo
        emulator.limiter = RateLimiter(time.monotonic, time_scale=args.scale)
        served = serve_qbo(emulator)
        started = time.monotonic()

        def clock() -> float:
            return started + (time.monotonic() - started) * args.scale

        def sleep(seconds: float) -> None:
            time.sleep(seconds / args.scale)

        marks: list[tuple[float, int]] = []

        def progress(p: Progress) -> None:
            marks.append((clock(), p.done))

        client = QboClient(
            served.url, books.realm, SandboxTokens(emulator, books.realm),
            clock=clock, sleep=sleep, limiter=RealmLimiter(clock=clock, sleep=sleep),
        )  # fmt: skip
        try:
            with client:
                t_start = clock()
                report = commit(books.store, client, reviewer="bench",
                                batch_size=args.batch_size, progress=progress)  # fmt: skip
                t_end = clock()
        finally:
            served.stop()
            books.close()

    minutes = (t_end - t_start) / 60
    rate = len(report.posted) / minutes
    # Steady state: QBO's window starts empty, so the first 40 calls go out at once; after
    # that calls are paced. The sustained rate is measured between call 41 and the first call
    # of the last full window (call 40·m + 1): whole windows only, no burst at either end.
    times = [t for t, _done in marks]
    windows = (len(times) - 1) // 40
    if windows >= 2:
        span = times[40 * windows] - times[40]
        steady_rate = 40 * (windows - 1) * args.batch_size / (span / 60)
    else:
        steady_rate = float("nan")
        print("too few calls for a steady-state figure: use --entries ≥ 3 × 1,200")
    print(f"posted {len(report.posted):,} entries, {len(report.failed)} failed, "
          f"{report.calls} batch calls in {minutes:.2f} scaled minutes "
          f"({(t_end - t_start) / args.scale:.1f} s real at scale {args.scale:g})")  # fmt: skip
    print(f"throughput: {rate:,.0f} entries/min overall, {steady_rate:,.0f} entries/min "
          f"sustained; ceiling {CEILING:,}/min → {steady_rate / CEILING:.1%} of it")  # fmt: skip
    refused = emulator.limiter.throttled
    print(f"429 answers: client saw {client.throttled}, emulator refused {refused}")


if __name__ == "__main__":
    main()
