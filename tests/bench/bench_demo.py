"""Benchmark: how soon `workbench demo` is interactive, and how live it stays while it syncs.

Run: python tests/bench/bench_demo.py [--orders 500]
Each run is a fresh process (cold imports included). It prints the seconds from process start to
the first screen being mounted, the event-loop lag while the first sync runs in its worker
(median / p95 / max of a 10 ms timer), and when every row is listed. Not part of the suite.
"""

from __future__ import annotations

import time

PROCESS_START = time.perf_counter()

import argparse  # noqa: E402
import asyncio  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402


async def measure(orders: int) -> str:
    from workbench.cli.run_app import demo_session
    from workbench.tui.widgets.activity_list import ActivityList

    with demo_session(orders=orders, seed=7, db_url=None) as app:
        async with app.run_test(size=(140, 40)):
            mounted = time.perf_counter() - PROCESS_START
            screen = app.screen
            lags: list[float] = []
            while getattr(screen, "syncing", False) or not lags:
                before = time.perf_counter()
                await asyncio.sleep(0.01)
                lags.append(time.perf_counter() - before - 0.01)
            await app.workers.wait_for_complete()
            synced = time.perf_counter() - PROCESS_START
            rows = screen.query_one(ActivityList).row_count
    lags.sort()
    ms = [lags[len(lags) // 2] * 1e3, lags[int(len(lags) * 0.95)] * 1e3, lags[-1] * 1e3]
    return (
        f"first screen {mounted:.2f} s after process start; loop lag during sync "
        f"{ms[0]:.1f} / {ms[1]:.1f} / {ms[2]:.1f} ms (median / p95 / max); "
        f"{rows:,} rows listed at {synced:.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--once", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.once:
        print(asyncio.run(measure(args.orders)))
        return
    for run in range(args.runs):
        out = subprocess.run(
            [sys.executable, __file__, "--once", "--orders", str(args.orders)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        print(f"run {run + 1} ({args.orders} orders): {out.stdout.strip()}")


if __name__ == "__main__":
    main()
