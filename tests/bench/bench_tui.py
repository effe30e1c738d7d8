"""Benchmark: the review workbench with 100,000 pending orders (issue 9's performance figures).

Run: python tests/bench/bench_tui.py [--orders 100000] [--runs 3] [--store PATH] [--rebuild]
                                     [--moves 100] [--pages 40] [--profile] [--no-bytecode]

Building the store (once): the sandbox generator makes ``--orders`` orders (fixed seed, last day
2026-11-20); they are normalised and written with the store's bulk upserts (no HTTP: syncing
100,000 orders through the emulator takes minutes), QuickBooks reference data is synced from the
QBO emulator, the demo's role setup is applied and ``propose_all`` builds a proposal for every
order. The file is cached at ``--store`` (default: <tmp>/workbench-bench-tui-<orders>.db) and
reused until ``--rebuild``. Building 100,000 orders takes a few minutes and ~4 GB of memory
(the generator), in its own process.

Measuring (each run a fresh process, so cold imports count):
- first screen: the app is built the way ``workbench`` builds it (``import workbench.cli``,
  ``load_settings``, ``open_store``, ``configured_app``) on a profile of its own: the bench
  store, a shop that is never contacted, no QuickBooks connection, automatic sync off. Seconds
  from process start (the first line of this file) and from ``configured_app`` until the list
  shows rows on screen *and* a key press (``j``) has been answered on screen. An unreported
  first run compiles the modules and later runs reuse the bytecode, as every start after an
  installed copy's first does; ``--no-bytecode`` compiles them at every start instead;
- repaint: for ``j`` (one row) and ``pagedown`` (one page), the time from sending the key to
  the frame that shows the moved cursor (Textual paints at most 60 frames a second, so up to
  ~17 ms of every figure is frame pacing). The key is sent through the driver as a terminal
  would; Pilot's own ``press``/``pause`` sleep ≥ 60 ms per key to detect idleness, so their
  wall time says nothing about the app. "+detail" waits for the proposal pane to show the new
  row as well (read in a worker);
- peak RSS of the measuring process (``resource.getrusage``).
Targets: interactive ≤ 1.5 s, repaint median ≤ 50 ms, peak RSS ≤ 400 MB.
``--profile`` prints a cProfile of the start-up (App construction to interactive).
"""

from __future__ import annotations

import time

PROCESS_START = time.perf_counter()

import argparse  # noqa: E402
import asyncio  # noqa: E402
import contextlib  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from collections.abc import Callable  # noqa: E402
from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

SEED = 7
END = date(2026, 11, 20)
CHUNK = 2000


def default_store(orders: int) -> Path:
    return Path(tempfile.gettempdir()) / f"workbench-bench-tui-{orders}.db"


def build(path: Path, orders: int) -> None:
    """Fill a new store at ``path`` with ``orders`` pending orders and their proposals."""
    from zoneinfo import ZoneInfo

    from workbench.services.propose import propose_all
    from workbench.services.qbo_sync import sync_qbo
    from workbench.services.sandbox_session import prepare_demo_books, start_sandbox
    from workbench.shopify.normalize import (
        balance_transaction_from_graphql,
        order_from_graphql,
        payout_from_graphql,
        shop_from_graphql,
    )
    from workbench.store import shopify_repo
    from workbench.store.engine import open_store

    started = time.perf_counter()
    sandbox = start_sandbox(orders=orders, seed=SEED, end=END)
    data = sandbox.data.store
    print(f"  generated {len(data.orders):,} orders in {time.perf_counter() - started:.0f} s")
    store = open_store(f"sqlite:///{path}")
    try:
        tz = ZoneInfo(data.shop["ianaTimezone"])
        with store.session() as session:
            shopify_repo.save_shop(session, shop_from_graphql(data.shop), data.shop)
        for start in range(0, len(data.orders), CHUNK):
            nodes = data.orders[start : start + CHUNK]
            with store.session() as session:
                shopify_repo.save_orders(
                    session, [order_from_graphql(n, tz) for n in nodes], nodes, "api"
                )
        with store.session() as session:
            payouts = data.payouts
            shopify_repo.save_payouts(
                session, [payout_from_graphql(n, tz) for n in payouts], payouts
            )
        for start in range(0, len(data.balance_transactions), CHUNK):
            nodes = data.balance_transactions[start : start + CHUNK]
            with store.session() as session:
                shopify_repo.save_balance_transactions(
                    session, [balance_transaction_from_graphql(n, tz) for n in nodes], nodes
                )
        print(f"  stored Shopify records at {time.perf_counter() - started:.0f} s")
        with sandbox.qbo_client() as client:
            sync_qbo(store, client)
        prepare_demo_books(store, sandbox)
        report = propose_all(store)
        print(f"  {report.built:,} proposals at {time.perf_counter() - started:.0f} s")
    finally:
        store.close()
        sandbox.close()


# Measuring -----------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


class Frames:
    """Timestamps of every frame the app hands to its driver."""

    def __init__(self, app: Any) -> None:
        self.times: list[float] = []
        original = app._display

        def display(screen: Any, update: Any) -> None:
            original(screen, update)
            self.times.append(time.perf_counter())

        app._display = display

    async def after(self, moment: float, condition: Callable[[], bool], limit: float) -> float:
        """When the first frame later than ``condition`` turning true was shown."""
        seen: float | None = None
        deadline = time.perf_counter() + limit
        while time.perf_counter() < deadline:
            if seen is None and condition():
                seen = time.perf_counter()
            if seen is not None and self.times and self.times[-1] >= seen:
                return self.times[-1] - moment
            await asyncio.sleep(0.0005)
        raise TimeoutError("the screen did not update in time")


def send_key(app: Any, key: str) -> float:
    from textual import events

    moment = time.perf_counter()
    app._driver.send_message(events.Key(key, key if len(key) == 1 else None))
    return moment


async def quiet(app: Any) -> None:
    from textual.worker import WorkerCancelled

    with contextlib.suppress(WorkerCancelled):  # an exclusive worker replaced by a newer one
        await app.workers.wait_for_complete()
    await asyncio.sleep(0.03)


async def measure(store_path: Path, moves: int, pages: int, profile: bool) -> str:
    import cProfile
    import pstats

    import workbench.cli  # noqa: F401  (what `workbench` loads before it starts the app)
    from workbench.cli.run_app import configured_app
    from workbench.config import load_settings
    from workbench.store.engine import open_store
    from workbench.tui.widgets.activity_list import ActivityList

    settings = load_settings()
    store = open_store(settings.database_url)
    profiler = cProfile.Profile() if profile else None
    if profiler is not None:
        profiler.enable()
    constructed = time.perf_counter()
    app = configured_app(settings, store)
    frames = Frames(app)
    lines: list[str] = []
    async with app.run_test(size=(140, 40)):
        activity: ActivityList | None = None

        def rows_shown() -> bool:
            nonlocal activity
            found = app.screen.query(ActivityList)
            activity = found.first() if found else None
            return activity is not None and activity.row_count > 0

        await frames.after(constructed, rows_shown, limit=120)
        assert activity is not None
        listed = activity
        moment = send_key(app, "j")
        await frames.after(moment, lambda: listed.cursor == 1, limit=60)
        interactive = time.perf_counter()
        if profiler is not None:
            profiler.disable()
        lines.append(
            f"first screen interactive {interactive - PROCESS_START:.2f} s after process start "
            f"({interactive - constructed:.2f} s after configured_app began); "
            f"{listed.row_count:,} rows in the list"
        )
        await quiet(app)
        for key, count in (("j", moves), ("pagedown", pages)):
            screen_times: list[float] = []
            detail_times: list[float] = []
            for _ in range(count):
                before = listed.cursor
                moment = send_key(app, key)
                screen_times.append(
                    await frames.after(moment, lambda b=before: listed.cursor != b, limit=10)
                )
                detail_times.append(
                    await frames.after(moment, lambda: detail_matches(app, listed), limit=10)
                )
                await quiet(app)
            ms = [v * 1e3 for v in screen_times]
            dms = [v * 1e3 for v in detail_times]
            lines.append(
                f"{key:<8} x{count}: list repaint median {statistics.median(ms):.1f} ms, "
                f"p95 {percentile(ms, 0.95):.1f} ms, max {max(ms):.1f} ms; +detail median "
                f"{statistics.median(dms):.1f} ms, p95 {percentile(dms, 0.95):.1f} ms "
                f"(cursor at row {listed.cursor:,})"
            )
    store.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines.append(f"peak RSS {peak:.0f} MB")
    if profiler is not None:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
    return "\n".join(lines)


def detail_matches(app: Any, listed: Any) -> bool:
    """The proposal pane shows the row under the cursor."""
    from workbench.tui.widgets.detail_panel import DetailPanel

    found = app.screen.query(DetailPanel)
    if not found:
        return True
    detail = getattr(found.first(), "detail", None)
    row = listed.row_at(listed.cursor)
    return detail is not None and row is not None and getattr(detail, "row", None) == row


def profile_env(store_path: Path, home: Path, *, bytecode: bool) -> dict[str, str]:
    """A configured profile as `workbench` would read it: the bench store, a shop (never
    contacted: the store is not empty and automatic sync is off) and no QuickBooks connection,
    in a home folder of its own.

    With ``bytecode`` Python keeps compiled modules, as on any installed copy after its first
    start (in a cache folder of the bench's, not in the source tree), even where the
    environment sets PYTHONDONTWRITEBYTECODE, which would make every start compile the whole
    package again."""
    env = {
        **os.environ,
        "WORKBENCH_HOME": str(home),
        "WORKBENCH_DB": f"sqlite:///{store_path}",
        "WORKBENCH_SHOPIFY_SHOP_URL": "https://bench-shop.myshopify.com",
        "WORKBENCH_SHOPIFY_TOKEN": "shpat_bench",
        "WORKBENCH_AUTO_SYNC_MINUTES": "0",
    }
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "workbench-bench-pyc")
    return env


def run_once(path: Path, args: argparse.Namespace, *, bytecode: bool) -> str:
    with tempfile.TemporaryDirectory(prefix="workbench-bench-home-") as home:
        out = subprocess.run(
            [sys.executable, __file__, "--once", "--store", str(path), "--moves",
             str(args.moves), "--pages", str(args.pages)]
            + (["--profile"] if args.profile else []),
            capture_output=True, text=True, env=profile_env(path, Path(home), bytecode=bytecode),
        )  # fmt: skip
    if out.returncode != 0:
        print(out.stdout, out.stderr, sep="\n")
        raise SystemExit(out.returncode)
    return out.stdout.rstrip()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--store", type=Path, help="the cached store (built when missing)")
    parser.add_argument("--rebuild", action="store_true", help="build the store again")
    parser.add_argument("--moves", type=int, default=100, help="j presses timed")
    parser.add_argument("--pages", type=int, default=40, help="pagedown presses timed")
    parser.add_argument("--profile", action="store_true", help="cProfile the start-up")
    parser.add_argument(
        "--no-bytecode", action="store_true",
        help="compile every module at every start (no bytecode cache), as under "
        "PYTHONDONTWRITEBYTECODE",
    )  # fmt: skip
    parser.add_argument("--once", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--build", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    path = args.store or default_store(args.orders)
    if args.build:
        build(path, args.orders)
        return
    if args.once:
        print(asyncio.run(measure(path, args.moves, args.pages, args.profile)))
        return
    if args.rebuild or not path.exists():
        partial = path.with_suffix(".partial")
        for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
            leftover.unlink(missing_ok=True)
        print(f"building {path} with {args.orders:,} orders (cached for later runs)…")
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, __file__, "--build", "--orders", str(args.orders),
             "--store", str(partial)],
            check=True,
        )  # fmt: skip
        shutil.move(partial, path)
        print(f"built in {time.perf_counter() - started:.0f} s")
    bytecode = not args.no_bytecode
    if bytecode:
        # Unreported: fills the bytecode cache, as a first start after installing does.
        run_once(path, argparse.Namespace(moves=1, pages=1, profile=False), bytecode=True)
    for run in range(args.runs):
        print(f"run {run + 1}:\n{run_once(path, args, bytecode=bytecode)}")


if __name__ == "__main__":
    main()
