"""Benchmark: a first Shopify sync of a large store, end to end, into a fresh SQLite store.

Run: python tests/bench/bench_sync.py [--orders 20000] [--mode both|inprocess|loopback]
                                      [--baseline] [--runs N]

The shop is generated (not timed), then ``sync_shopify`` runs as a user's first sync would:
it counts the orders, chooses the bulk export, reads every order with its lines, refunds and
transactions, then the payouts and balance transactions, through the real client and store.

Two placements of the emulator (throttling off):
- ``inprocess``: the emulator in this process behind the in-process ASGI transport. The
  generator alone peaks near 700 MB for 20,000 orders, so this process's peak RSS says little
  about the sync: the increase sampled during the sync is printed beside it.
- ``loopback``: the generator and the emulator in a child process served by uvicorn on
  127.0.0.1, the sync in this process, over a real socket. This process's peak RSS is then the
  sync's own footprint (imports included).

``--baseline`` also times the paged sync (``bulk=False``) of the same shop in the same run and
prints the ratio; ``--runs`` repeats the sync (a fresh store each time) against the same shop.
Wall seconds and this process's CPU seconds are both printed: on a shared machine the CPU
figure is the steadier one (in-process, it includes the emulator's work). Not part of the test
suite.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

END = date(2026, 11, 20)
PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE / 2**20


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class RssSampler:
    """The highest resident set size seen while a block runs (ru_maxrss is lifetime-wide)."""

    def __init__(self) -> None:
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_mb())
            self._stop.wait(0.01)

    def __enter__(self) -> RssSampler:
        self.peak = rss_mb()
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mb())


def timed_sync(make_client: Callable[[], Any], *, bulk: bool | None) -> tuple[Any, float, float]:
    """Sync into a fresh SQLite store; returns (result, seconds, peak RSS during the sync).

    The CPU seconds the sync took in this process are left on ``result.cpu_seconds``."""
    from workbench.services.shopify_sync import sync_shopify
    from workbench.store.engine import open_store

    with tempfile.TemporaryDirectory() as folder:
        store = open_store(f"sqlite:///{folder}/bench.db")
        try:
            with make_client() as client, RssSampler() as sampler:
                started, cpu = time.perf_counter(), time.process_time()
                result = sync_shopify(store, client, bulk=bulk)
                seconds = time.perf_counter() - started
                result.cpu_seconds = time.process_time() - cpu
        finally:
            store.close()
    return result, seconds, sampler.peak


def describe(label: str, result: Any, seconds: float) -> str:
    how = "bulk export" if result.bulk else "paged"
    return (
        f"{label}: {result.orders:,} orders ({how}), {result.payouts:,} payouts, "
        f"{result.balance_transactions:,} balance transactions, {result.disputes:,} disputes in "
        f"{seconds:.2f} s wall, {result.cpu_seconds:.2f} s CPU ({result.requests:,} requests) "
        f"-> {result.orders / seconds:,.0f} orders/s"
    )


def generate_shop(orders: int, seed: int) -> Any:
    from workbench.sandbox.generator import generate

    started = time.perf_counter()
    data = generate(seed=seed, orders=orders, end=END)
    # The shop is millions of long-lived dicts: without this every collection rescans them.
    gc.collect()
    gc.freeze()
    print(
        f"generated {orders:,} orders in {time.perf_counter() - started:.2f} s "
        f"(peak RSS so far {peak_mb():,.0f} MB)",
        file=sys.stderr if "--serve" in sys.argv else sys.stdout,
        flush=True,
    )
    return data


def in_process(orders: int, seed: int, baseline: bool, runs: int) -> None:
    from workbench.sandbox.shopify_emulator import ShopifyEmulator, create_app
    from workbench.sandbox.transport import SyncASGITransport
    from workbench.shopify.client import ShopifyClient, TokenProvider

    data = generate_shop(orders, seed)
    emulator = ShopifyEmulator(data.store, throttle=False, bulk_immediate=True)
    transport = SyncASGITransport(create_app(emulator))

    def client() -> ShopifyClient:
        return ShopifyClient(
            "https://bench.myshopify.com",
            TokenProvider(token=data.store.access_token),
            api_version="2026-10",
            transport=transport,
        )

    try:
        for _ in range(runs):
            before = rss_mb()
            result, seconds, peak = timed_sync(client, bulk=None)
            print(describe("in-process", result, seconds))
            print(
                f"  RSS before the sync {before:,.0f} MB, peak during it {peak:,.0f} MB "
                f"(+{peak - before:,.0f} MB); process peak {peak_mb():,.0f} MB "
                "(generator included)"
            )
        if baseline:
            paged, paged_seconds, _ = timed_sync(client, bulk=False)
            print(describe("in-process baseline", paged, paged_seconds))
            print(f"  bulk is {paged_seconds / seconds:.1f}x faster than paging")
    finally:
        transport.close()


def serve(orders: int, seed: int) -> None:
    """Child process: generate, serve on a loopback port, print it, run until terminated."""
    import uvicorn

    from workbench.sandbox.shopify_emulator import ShopifyEmulator, create_app

    data = generate_shop(orders, seed)
    emulator = ShopifyEmulator(data.store, throttle=False, bulk_immediate=True)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # Accepted connections inherit this; without it every response waits ~40 ms for a
    # delayed ACK (headers and body go out as two writes).
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(create_app(emulator), log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    print(f"READY {sock.getsockname()[1]} {data.store.access_token}", flush=True)
    server.run(sockets=[sock])


def loopback(orders: int, seed: int, baseline: bool, runs: int) -> None:
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve", "--orders", str(orders), "--seed", str(seed)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline().split()
        if not line or line[0] != "READY":
            raise SystemExit("the emulator process did not start")
        port, token = int(line[1]), line[2]
        from workbench.shopify.client import ShopifyClient, TokenProvider

        def client() -> ShopifyClient:
            return ShopifyClient(
                f"http://127.0.0.1:{port}", TokenProvider(token=token), api_version="2026-10"
            )

        for _ in range(runs):
            before = rss_mb()
            result, seconds, peak = timed_sync(client, bulk=None)
            print(describe("loopback", result, seconds))
            print(
                f"  syncing process: RSS before {before:,.0f} MB, peak during the sync "
                f"{peak:,.0f} MB, process peak (ru_maxrss) {peak_mb():,.0f} MB; the shop and "
                "the emulator live in the child process"
            )
        if baseline:
            paged, paged_seconds, _ = timed_sync(client, bulk=False)
            print(describe("loopback baseline", paged, paged_seconds))
            print(f"  bulk is {paged_seconds / seconds:.1f}x faster than paging")
    finally:
        child.terminate()
        child.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--mode", choices=["both", "inprocess", "loopback"], default="both")
    parser.add_argument("--baseline", action="store_true", help="also time the paged sync")
    parser.add_argument("--runs", type=int, default=1, help="syncs per placement")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.orders, args.seed)
        return
    if args.mode in {"both", "loopback"}:
        loopback(args.orders, args.seed, args.baseline, args.runs)
    if args.mode in {"both", "inprocess"}:
        in_process(args.orders, args.seed, args.baseline, args.runs)


if __name__ == "__main__":
    main()
