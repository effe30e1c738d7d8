"""Matching quality on labelled data: top-1 accuracy, wrong auto-accepts, coverage.

Run: python tests/bench/bench_matching_quality.py [--seeds 11 12 13] [--products 300]
         [--sandbox-seeds 7 8] [--sandbox-orders 20000] [--misses]

Two sources of labels, both from how the data was built, never from the matcher:
tests/domain/matching_dataset.py (habits of real books, decoys, variants with no item) and the
sandbox generator's ``item_truth`` (the demo shop and its QBO company).

Figures: *top-1* = share of matchable variants (truth is an item) whose decided item, or first
candidate, is the right one; *wrong auto* = alias/exact/auto decisions naming a wrong item,
and those for variants that have no item at all; *coverage* = share of all variants decided
without asking (exact or auto) and share with at least one candidate.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.domain.matching_dataset import build
from workbench.domain.matching import Item, MatchResult, Product, match_products


def sandbox_cases(
    seed: int, orders: int
) -> tuple[list[Product], list[Item], dict[str, str | None]]:
    """The sandbox shop's variants and QBO items, with the generator's own truth."""
    from workbench.sandbox.catalog import build_catalog
    from workbench.sandbox.generator import generate
    from workbench.sandbox.generator_base import Ids

    data = generate(seed, orders)
    catalog = build_catalog(random.Random(f"catalog:{seed}"), Ids(), orders // 250)
    items = [
        Item(
            raw["Id"],
            raw["Name"],
            raw["FullyQualifiedName"],
            raw.get("Sku"),
            raw["Active"],
            (raw.get("ParentRef") or {}).get("value"),
            raw["Type"],
        )
        for raw in data.company.entities["Item"]
    ]
    products = [Product(v.gid, v.sku, v.product_title, v.title, v.vendor) for v in catalog.variants]
    missing = [p.key for p in products if p.key not in data.item_truth]
    if missing:
        raise SystemExit(f"sandbox catalogue and item_truth disagree on {len(missing)} variants")
    return products, items, dict(data.item_truth)


def evaluate(
    label: str,
    products: list[Product],
    items: list[Item],
    truth: dict[str, str | None],
    habits: dict[str, str],
    show_misses: bool,
) -> Counter[str]:
    gc.collect()
    gc.freeze()  # the sandbox leaves a large heap; keep the collector out of the timing
    started = time.perf_counter()
    results = match_products(products, items)
    elapsed = time.perf_counter() - started
    names = {item.id: item.fully_qualified_name or item.name for item in items}
    tally: Counter[str] = Counter()
    per_habit: dict[str, Counter[str]] = defaultdict(Counter)
    for result in results:
        right = truth[result.key]
        habit = habits.get(result.key, "sandbox")
        tally[result.state.value] += 1
        first = result.item_id or (result.candidates[0].item_id if result.candidates else None)
        if result.candidates or result.item_id:
            tally["offered"] += 1
        if right is None:
            tally["no_item"] += 1
            if result.item_id is not None:
                tally["wrong_auto_no_item"] += 1
                print(f"  WRONG (no item) {_show(result)} -> {result.item_name}")
            continue
        tally["matchable"] += 1
        per_habit[habit]["matchable"] += 1
        if first == right:
            tally["top1"] += 1
            per_habit[habit]["top1"] += 1
        elif show_misses:
            print(f"  miss [{habit}] {_show(result)}: want {names[right]!r}, {_got(result)}")
        if result.item_id is not None and result.item_id != right:
            tally["wrong_auto"] += 1
            print(f"  WRONG {_show(result)} -> {result.item_name}, want {names[right]!r}")
    total = len(results)
    decided = tally["alias"] + tally["exact"] + tally["auto"]
    print(
        f"{label}: {total} variants ({tally['matchable']} matchable, {tally['no_item']} with no "
        f"item) x {len(items)} items in {elapsed:.2f} s\n"
        f"  top-1 accuracy {tally['top1'] / max(1, tally['matchable']):.2%} "
        f"({tally['top1']}/{tally['matchable']}); wrong auto-accepts {tally['wrong_auto']}; "
        f"variants without an item auto-accepted {tally['wrong_auto_no_item']}\n"
        f"  coverage: decided {decided / total:.1%} (exact {tally['exact']}, auto "
        f"{tally['auto']}), with a candidate {tally['offered'] / total:.1%}, suggested "
        f"{tally['suggested']}, unmatched {tally['unmatched']}"
    )
    if len(per_habit) > 1:
        print(
            "  by habit: "
            + ", ".join(f"{h} {c['top1']}/{c['matchable']}" for h, c in sorted(per_habit.items()))
        )
    gc.unfreeze()
    return tally


def _show(result: MatchResult) -> str:
    variant = f" / {result.variant_title}" if result.variant_title else ""
    return f"{result.product_title}{variant} [{result.sku}]"


def _got(result: MatchResult) -> str:
    shown = ", ".join(f"{c.item_name!r} {c.score:g}" for c in result.candidates[:3])
    return f"got {result.state.value} {shown or '-'} ({result.reason})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="*", default=[11, 12, 13])
    parser.add_argument("--products", type=int, default=300)
    parser.add_argument("--sandbox-seeds", type=int, nargs="*", default=[7, 8])
    parser.add_argument("--sandbox-orders", type=int, default=20_000)
    parser.add_argument("--misses", action="store_true", help="print every top-1 miss")
    args = parser.parse_args()
    totals: Counter[str] = Counter()
    for seed in args.seeds:
        data = build(seed, args.products)
        products = [case.product for case in data.cases]
        habits = {case.product.key: case.habit for case in data.cases}
        totals += evaluate(
            f"dataset seed {seed}", products, data.items, data.truth, habits, args.misses
        )
    for seed in args.sandbox_seeds:
        products, items, truth = sandbox_cases(seed, args.sandbox_orders)
        totals += evaluate(f"sandbox seed {seed}", products, items, truth, {}, args.misses)
    print(
        f"ALL: top-1 {totals['top1'] / max(1, totals['matchable']):.2%} of "
        f"{totals['matchable']} matchable; wrong auto-accepts {totals['wrong_auto']}; "
        f"no-item variants auto-accepted {totals['wrong_auto_no_item']}"
    )


if __name__ == "__main__":
    main()
