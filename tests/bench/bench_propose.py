"""Benchmark: building proposals for every stored order (issue 5's figure).

Run: python tests/bench/bench_propose.py [--orders 5000]
Fills a fresh SQLite store from the in-process sandbox (bulk sync, QBO reference data, the
demo's role setup), then times a full `propose_all` from nothing and a second, unchanged run.
Prints orders/s; the target is 100,000 orders in 30 s (≥ 3,333 orders/s).
"""

from __future__ import annotations

import argparse
import gc
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import delete

from workbench.services.propose import propose_all
from workbench.services.qbo_sync import sync_qbo
from workbench.services.sandbox_session import prepare_demo_books, start_sandbox
from workbench.services.shopify_sync import sync_shopify
from workbench.store.engine import open_store
from workbench.store.tables import ProposalRow


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=5000)
    args = parser.parse_args()
    sandbox = start_sandbox(orders=args.orders, seed=7, end=date(2026, 11, 20))
    gc.collect()
    gc.freeze()
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(f"sqlite:///{Path(folder) / 'bench.db'}")
        with sandbox.shopify_client() as client:
            sync_shopify(store, client, bulk=True)
        with sandbox.qbo_client() as client:
            sync_qbo(store, client)
        prepare_demo_books(store, sandbox)
        with store.session() as session:
            session.execute(delete(ProposalRow))
        started = time.perf_counter()
        report = propose_all(store)
        first = time.perf_counter() - started
        started = time.perf_counter()
        again = propose_all(store)
        second = time.perf_counter() - started
        store.close()
    sandbox.close()
    print(
        f"{args.orders:,} orders: {report.built:,} proposals built in {first:.2f} s "
        f"({args.orders / first:,.0f} orders/s); unchanged rebuild {second:.2f} s "
        f"({again.unchanged:,} unchanged)"
    )


if __name__ == "__main__":
    main()
