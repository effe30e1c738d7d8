"""Benchmark: 20,000 Shopify variants × 20,000 QBO items → top-5 suggestions for all.

Run: python tests/bench/bench_matching.py [--variants 20000] [--items 20000] [--runs 3]
         [--baseline-queries 500]

The data is the labelled generator of tests/domain/matching_dataset.py at catalogue scale
(~4,000 products: 24 product lines × 27 materials × 46 kinds of product, every habit of real
books, decoys and variants without items), cut to exactly ``--variants`` variants and
``--items`` items. Not 20k copies of one string: ~3,000 distinct titles, ~20k distinct item
names, and title words each shared by hundreds of items, as in a large real catalogue.

Printed: the wall time of ``match_products`` (item index built inside the call, every stage
included: alias, exact SKU, exact name, fuzzy with vetoes, claims), each run in a fresh
process so that no cache is warm, and the best and median;
the time naive ``process.cdist(queries, choices, scorer=fuzz.token_set_ratio, workers=-1)``
takes on the first ``--baseline-queries`` variants against all items, scaled linearly to
all variants; and the ratio. The naive run only scores (no top-5 extraction, no vetoes).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from rapidfuzz import fuzz, process, utils

from tests.domain.matching_dataset import build
from workbench.domain.matching import Item, MatchState, Product, match_products


def catalogue(variants: int, items: int, seed: int) -> tuple[list[Product], list[Item]]:
    """Grow the labelled generator until it has enough of both, then cut to size."""
    products = max(100, variants // 5)
    while True:
        data = build(seed, products)
        if len(data.cases) >= variants and len(data.items) >= items:
            return [case.product for case in data.cases[:variants]], data.items[:items]
        products = int(products * 1.15) + 10


def naive_seconds(products: list[Product], items: list[Item], queries: int) -> tuple[float, int]:
    """cdist with token_set_ratio over every pair, on a subset of the queries."""
    subset = products[:queries]
    texts = [f"{p.product_title} - {p.variant_title}" if p.variant_title else p.product_title
             for p in subset]  # fmt: skip
    choices = [item.fully_qualified_name or item.name for item in items]
    started = time.perf_counter()
    process.cdist(
        texts, choices, scorer=fuzz.token_set_ratio, processor=utils.default_process, workers=-1
    )
    return time.perf_counter() - started, len(subset)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=20_000)
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline-queries", type=int, default=500)
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--one", action="store_true", help="one run, JSON out (internal)")
    args = parser.parse_args()
    products, items = catalogue(args.variants, args.items, args.seed)
    titles = len({p.product_title for p in products})
    if not args.one:
        print(
            f"{len(products):,} variants ({titles:,} titles) x {len(items):,} items; "
            f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f} before the runs"
        )
    if args.one:
        started, cpu = time.perf_counter(), time.process_time()
        results = match_products(products, items)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        states = {state.value: 0 for state in MatchState}
        for result in results:
            states[result.state.value] += 1
        states["with candidates"] = sum(1 for r in results if r.candidates)
        print(json.dumps({"seconds": elapsed, "cpu": cpu, "states": states}))
        return
    times = []
    report: dict[str, int] = {}
    for run in range(args.runs):
        # A fresh process per run: the caches start cold, as on a bookkeeper's first sync.
        command = [sys.executable, __file__, "--one", *sys.argv[1:]]
        out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        measured = json.loads(out.strip().splitlines()[-1])
        times.append(measured["seconds"])
        report = measured["states"]
        print(
            f"  run {run + 1} (fresh process): match_products {times[-1]:.2f} s "
            f"(CPU {measured['cpu']:.2f} s)"
        )
    print("  outcome: " + ", ".join(f"{k} {v:,}" for k, v in report.items()) + " (top-5 each)")
    best = min(times)
    print(f"matching: best {best:.2f} s, median {statistics.median(times):.2f} s")
    seconds, queries = naive_seconds(products, items, args.baseline_queries)
    scaled = seconds * len(products) / queries
    print(
        f"naive cdist token_set_ratio workers=-1: {seconds:.2f} s for the first {queries:,} "
        f"variants x {len(items):,} items, scaled x{len(products) / queries:.0f} to "
        f"{len(products):,} variants: {scaled:.1f} s"
    )
    print(f"ratio naive / matching (best): {scaled / best:.0f}x")


if __name__ == "__main__":
    main()
