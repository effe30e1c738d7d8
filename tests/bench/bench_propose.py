"""Benchmark: building proposals for every stored order (issue 5's figure).

Run: python tests/bench/bench_propose.py [--orders 100000] [--store PATH] [--profile]
Fills a SQLite store from the in-process sandbox (bulk sync, QBO reference data, the demo's
role setup), then times a full `propose_all` from nothing and a second, unchanged run.
Prints orders/s; the target is 100,000 orders in 30 s (≥ 3,333 orders/s).

Generating and syncing 100,000 orders takes several minutes, so ``--store PATH`` keeps the
filled store in a file and reuses it on the next run (proposals are deleted before timing).
``--profile`` prints the top of a cProfile of the first build.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import delete, func, select

from workbench.services.propose import propose_all
from workbench.services.qbo_sync import sync_qbo
from workbench.services.sandbox_session import prepare_demo_books, start_sandbox
from workbench.services.shopify_sync import sync_shopify
from workbench.store.engine import open_store
from workbench.store.tables import OrderRow, ProposalRow


def fill(path: Path, orders: int) -> None:
    """Sync a generated sandbox of ``orders`` orders into a new store at ``path``."""
    started = time.perf_counter()
    sandbox = start_sandbox(orders=orders, seed=7, end=date(2026, 11, 20))
    store = open_store(f"sqlite:///{path}")
    try:
        with sandbox.shopify_client() as client:
            sync_shopify(store, client, bulk=True)
        with sandbox.qbo_client() as client:
            sync_qbo(store, client)
        prepare_demo_books(store, sandbox)
    finally:
        store.close()
        sandbox.close()
    print(f"filled {path} with {orders:,} orders in {time.perf_counter() - started:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=5000)
    parser.add_argument("--store", type=Path, help="reuse (or create) the filled store here")
    parser.add_argument("--profile", action="store_true", help="cProfile the first build")
    parser.add_argument(
        "--workers", type=int, default=None, help="worker processes (default: one per core)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = args.store or Path(folder) / "bench.db"
        if not path.exists():
            partial = path.with_suffix(".partial")
            partial.unlink(missing_ok=True)
            fill(partial, args.orders)
            shutil.move(partial, path)
        store = open_store(f"sqlite:///{path}")
        with store.session() as session:
            session.execute(delete(ProposalRow))
            stored = session.scalar(select(func.count()).select_from(OrderRow)) or 0
        gc.collect()
        gc.freeze()
        profiler = cProfile.Profile() if args.profile else None
        started, cpu = time.perf_counter(), time.process_time()
        if profiler is not None:
            profiler.enable()
        report = propose_all(store, workers=args.workers)
        first, first_cpu = time.perf_counter() - started, time.process_time() - cpu
        if profiler is not None:
            profiler.disable()
        started, cpu = time.perf_counter(), time.process_time()
        again = propose_all(store, workers=args.workers)
        second, second_cpu = time.perf_counter() - started, time.process_time() - cpu
        store.close()
    if profiler is not None:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
    # CPU seconds of this process are printed too: on a shared machine they show what the
    # wall time would be on an idle one (they leave out worker processes, if any ran).
    print(
        f"{stored:,} orders: first build {report.built:,} proposals in {first:.2f} s "
        f"({stored / first:,.0f} orders/s; {first_cpu:.2f} s CPU here); unchanged rebuild "
        f"{second:.2f} s ({stored / second:,.0f} orders/s; {second_cpu:.2f} s CPU; "
        f"{again.unchanged:,} unchanged, {again.built:,} rebuilt)"
    )


if __name__ == "__main__":
    main()
