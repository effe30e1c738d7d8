"""Matching quality on labelled data (issue 6): top-1 ≥ 97 % of matchable variants, no wrong
auto-accept, and no variant without an item ever auto-accepted.

Labels come from how the data was built (tests/domain/matching_dataset.py, and the sandbox
generator's own ``item_truth``), never from the matcher. The figures are in the assertion
messages; ``python tests/bench/bench_matching_quality.py`` prints them for more seeds.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass

import pytest

from tests.domain.matching_dataset import HABITS, Dataset, build
from workbench.domain.matching import Item, MatchResult, Product, match_products
from workbench.sandbox.catalog import build_catalog
from workbench.sandbox.generator import generate
from workbench.sandbox.generator_base import Ids

TOP1_BAR = 0.97


@dataclass
class Figures:
    matchable: int = 0
    top1: int = 0
    no_item: int = 0
    wrong_auto: int = 0
    no_item_auto: int = 0
    decided: int = 0
    total: int = 0

    @property
    def accuracy(self) -> float:
        return self.top1 / max(1, self.matchable)

    def __str__(self) -> str:
        return (
            f"top-1 {self.accuracy:.2%} ({self.top1}/{self.matchable} matchable), "
            f"wrong auto-accepts {self.wrong_auto}, no-item variants auto-accepted "
            f"{self.no_item_auto} (of {self.no_item}), decided without asking "
            f"{self.decided}/{self.total}"
        )


def score(results: list[MatchResult], truth: dict[str, str | None]) -> tuple[Figures, list[str]]:
    figures = Figures(total=len(results))
    wrong: list[str] = []
    for result in results:
        right = truth[result.key]
        first = result.item_id or (result.candidates[0].item_id if result.candidates else None)
        figures.decided += result.item_id is not None
        if right is None:
            figures.no_item += 1
            if result.item_id is not None:
                figures.no_item_auto += 1
                wrong.append(
                    f"{result.product_title} / {result.variant_title} -> {result.item_name}"
                )
            continue
        figures.matchable += 1
        figures.top1 += first == right
        if result.item_id is not None and result.item_id != right:
            figures.wrong_auto += 1
            wrong.append(f"{result.product_title} / {result.variant_title} -> {result.item_name}")
    return figures, wrong


@pytest.fixture(scope="module", params=[11, 12, 13])
def dataset(request: pytest.FixtureRequest) -> Dataset:
    return build(seed=request.param, products=300)


def test_the_labelled_set_is_big_and_varied(dataset: Dataset) -> None:
    habits = Counter(case.habit for case in dataset.cases)
    no_item = sum(1 for case in dataset.cases if case.truth is None)
    assert len(dataset.cases) >= 1000, f"only {len(dataset.cases)} variants"
    assert len(dataset.items) >= 1000, f"only {len(dataset.items)} items"
    assert {habit for habit, _ in HABITS} - {"missing", "one_item", "renamed"} <= set(habits)
    assert no_item >= 100, f"only {no_item} variants without an item"
    inactive = sum(1 for item in dataset.items if not item.active)
    parents = {item.parent_id for item in dataset.items if item.parent_id}
    assert inactive and parents, "the books need retired items and Parent:Child sub-items"


def test_quality_on_the_labelled_set(dataset: Dataset) -> None:
    results = match_products([case.product for case in dataset.cases], dataset.items)
    figures, wrong = score(results, dataset.truth)
    assert figures.wrong_auto == 0 and figures.no_item_auto == 0, f"{figures}; {wrong[:5]}"
    assert figures.accuracy >= TOP1_BAR, str(figures)


def _sandbox(seed: int, orders: int) -> tuple[list[Product], list[Item], dict[str, str | None]]:
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
    assert {p.key for p in products} == set(data.item_truth), "catalogue and truth disagree"
    return products, items, dict(data.item_truth)


@pytest.mark.parametrize("seed", [7, 8])
def test_quality_on_the_sandbox_item_truth(seed: int) -> None:
    products, items, truth = _sandbox(seed, orders=10_000)
    figures, wrong = score(match_products(products, items), truth)
    assert figures.matchable >= 50 and figures.no_item >= 5, str(figures)
    assert figures.wrong_auto == 0 and figures.no_item_auto == 0, f"{figures}; {wrong[:5]}"
    assert figures.accuracy >= TOP1_BAR, str(figures)
