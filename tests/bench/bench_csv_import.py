"""Benchmark: import a 100,000-row Orders export into SQLite (target: ≤ 15 s on 2 cores).

Run: python tests/bench/bench_csv_import.py [--rows 100000] [--profile] [--runs N]

The file is written first, in its own process: a template of sandbox orders (discounts, taxes,
refunds, split tenders, tips), stamped with fresh ids and names until it has the rows asked for.
The import then runs in a fresh process, so that its peak RSS is the import's alone. Printed:
seconds, rows/s and orders/s for the first import, the same for a re-import of the unchanged
file (which must write nothing), and peak RSS. Wall and CPU seconds are both printed: on a
shared machine the CPU figure is the steadier one. Not part of the test suite.

``--profile`` prints the import's cProfile (per-thread CPU clock, so other processes on a
shared machine do not inflate it); ``--runs`` repeats the import, each in a fresh process and
store, to show the spread.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.csv_import.csv_files import ORDERS_HEADER  # noqa: E402
from tests.csv_import.orders_writer import order_rows  # noqa: E402

TZ = ZoneInfo("America/New_York")
TEMPLATE_ORDERS = 5_000


def write_file(path: Path, rows: int) -> tuple[int, int]:
    """A realistic export of at least ``rows`` rows; returns (rows, orders) written."""
    from workbench.sandbox.generator import generate

    template = generate(seed=7, orders=TEMPLATE_ORDERS, end=dt.date(2026, 11, 20)).store.orders
    blocks = [order_rows(node, TZ) for node in template]
    name_at, id_at = ORDERS_HEADER.index("Name"), ORDERS_HEADER.index("Id")
    written = orders = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(ORDERS_HEADER)
        copy = 0
        while written < rows:
            for node, block in zip(template, blocks, strict=True):
                name = f"#{int(node['number']) + copy * 1_000_000}"
                legacy = str(int(node["legacyResourceId"]) + copy * 10_000_000)
                for k, cells in enumerate(block):
                    out = list(cells)
                    out[name_at] = name
                    if k == 0:
                        out[id_at] = legacy
                    writer.writerow(out)
                written += len(block)
                orders += 1
                if written >= rows:
                    break
            copy += 1
    return written, orders


def run_import(path: Path, profile: bool) -> None:
    from workbench.services.csv_import import import_orders
    from workbench.store.engine import open_store

    for stale in path.parent.glob(path.with_suffix(".db").name + "*"):
        stale.unlink()
    store = open_store(f"sqlite:///{path.with_suffix('.db')}")
    try:
        if profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile(time.thread_time)
            profiler.enable()
        started, cpu = time.perf_counter(), time.process_time()
        first = import_orders(store, path)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        if profile:
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
        started = time.perf_counter()
        again = import_orders(store, path)
        again_seconds = time.perf_counter() - started
    finally:
        store.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert first.rows_skipped == 0, first.errors()[:5]
    assert again.unchanged == first.new and again.new == again.updated == 0
    print(
        f"first import: {first.rows:,} rows, "
        f"{first.new:,} orders in {seconds:.2f} s wall, {cpu:.2f} s CPU "
        f"({first.rows / seconds:,.0f} rows/s, {first.new / seconds:,.0f} orders/s)"
    )
    print(
        f"re-import (unchanged): {again.unchanged:,} orders in {again_seconds:.2f} s "
        f"({again.rows / again_seconds:,.0f} rows/s); warnings: {len(first.warnings):,} "
        "(tipped orders: the export has no tip column)"
    )
    print(f"peak RSS of the import process: {peak_mb:,.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--import-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.import_only:
        run_import(args.import_only, args.profile)
        return
    with tempfile.TemporaryDirectory(prefix="wb-bench-csv-") as folder:
        path = Path(folder) / "orders_export_1.csv"
        started = time.perf_counter()
        rows, orders = write_file(path, args.rows)
        size = path.stat().st_size / 1e6
        print(
            f"wrote {rows:,} rows ({orders:,} orders, {size:,.1f} MB) in "
            f"{time.perf_counter() - started:.1f} s"
        )
        command = [sys.executable, __file__, "--import-only", str(path)]
        if args.profile:
            command.append("--profile")
        for _ in range(args.runs):
            subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
