"""Properties of the matcher: results depend on the set of products and items, never on the
order they arrive in, and every result keeps its own promises."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.domain.matching_dataset import Dataset, build
from workbench.domain.matching import MatchSettings, MatchState, match_products

_BOOKS: dict[int, Dataset] = {}


def books(seed: int) -> Dataset:
    """Small labelled catalogues (≈15 products each), built once per seed."""
    if seed not in _BOOKS:
        _BOOKS[seed] = build(seed=seed, products=15)
    return _BOOKS[seed]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 30), shuffle=st.randoms(use_true_random=False))
def test_results_do_not_depend_on_input_order(seed: int, shuffle: random.Random) -> None:
    data = books(seed)
    products = [case.product for case in data.cases]
    aliases = {products[0].key: data.items[-1].id}
    first = {r.key: r for r in match_products(products, data.items, aliases)}
    products_shuffled = products[:]
    items_shuffled = data.items[:]
    shuffle.shuffle(products_shuffled)
    shuffle.shuffle(items_shuffled)
    again = {r.key: r for r in match_products(products_shuffled, items_shuffled, aliases)}
    assert again == first


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 30),
    auto=st.floats(80, 100),
    margin=st.floats(0, 20),
    floor=st.floats(0, 79),
    suggestions=st.integers(1, 8),
)
def test_every_result_keeps_the_thresholds(
    seed: int, auto: float, margin: float, floor: float, suggestions: int
) -> None:
    data = books(seed)
    chosen = MatchSettings(auto_accept=auto, margin=margin, floor=floor, suggestions=suggestions)
    active = {item.id for item in data.items if item.active}
    for result in match_products([c.product for c in data.cases], data.items, settings=chosen):
        assert len(result.candidates) <= suggestions
        assert all(c.item_id in active for c in result.candidates)
        assert all(
            c.score >= floor for c in result.candidates if result.state is not MatchState.ALIAS
        )
        scores = [c.score for c in result.candidates]
        assert scores == sorted(scores, reverse=True)
        if result.state is MatchState.AUTO:
            assert result.score >= auto and result.item_id == result.candidates[0].item_id
            runner = result.candidates[1].score if len(result.candidates) > 1 else 0.0
            assert result.score - runner >= margin
        if result.state in (MatchState.SUGGESTED, MatchState.UNMATCHED):
            assert result.item_id is None
        if result.state is MatchState.UNMATCHED:
            assert result.candidates == ()
        assert result.reason
