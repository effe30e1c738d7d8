"""The review queue's filters and sorts, run as SQL against a small store, and the clean-row
approval that `A` uses."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.tui.conftest import small_store  # noqa: F401  (the fixture)
from workbench.domain.proposals import ProposalState
from workbench.services.activity import ReviewQueue
from workbench.services.line_mapping import product_lines
from workbench.services.review import approve_clean_among, clean_among
from workbench.services.review_filter import SortOrder, parse_filter
from workbench.store.engine import Store
from workbench.store.tables import ProposalRow

PAYOUT, REFUND = ("payout", "77"), ("refund", "1002")
ORDER_1002, ORDER_1001 = ("order", "1002"), ("order", "1001")


def short(key: tuple[str, str]) -> tuple[str, str]:
    return key[0], key[1].rsplit("/", 1)[-1]


def view(store: Store, text: str, sort: SortOrder = SortOrder.NEWEST) -> list[tuple[str, str]]:
    queue = ReviewQueue(store)
    queue.view, queue.sort = parse_filter(text), sort
    queue.reload()
    return [short(k) for k in queue.keys]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", [PAYOUT, REFUND, ORDER_1002, ORDER_1001]),
        ("ZOË", [ORDER_1001]),  # customer, any case
        ("#1002", [REFUND, ORDER_1002]),  # the refund carries its order's name
        ("mug", [REFUND, ORDER_1002, ORDER_1001]),  # a product sold on the order
        ("hd-blk", [REFUND, ORDER_1002, ORDER_1001]),  # its SKU
        ("45", [REFUND]),  # a refund of 45.00 shows as -45.00 and is found either way
        ("204.92", [PAYOUT]),
        ("payout", [PAYOUT]),
        ("o'brien 129", [ORDER_1002]),  # every word must match
        ("100%", []),  # LIKE wildcards are taken literally
        ("state:needs_attention", [REFUND]),
        ("state:pending kind:order,payout", [PAYOUT, ORDER_1002, ORDER_1001]),
        ("state:none", []),
        ("flag:tieout", [REFUND]),
        ("flag:any", [REFUND]),
        ("flag:unmapped", []),
        ("gateway:shopify_pay", [PAYOUT, REFUND, ORDER_1002, ORDER_1001]),
        ("gateway:paypal", []),
        ("date:2026-11-02..2026-11-03", [REFUND, ORDER_1002]),
        ("date:..2026-11-01", [ORDER_1001]),
        ("amount:100..200", [ORDER_1002, ORDER_1001]),
        ("amount:..0", [REFUND]),
    ],
)
def test_filters(small_store: Store, text: str, expected: list[tuple[str, str]]) -> None:  # noqa: F811
    assert view(small_store, text) == expected


def test_sorts(small_store: Store) -> None:  # noqa: F811
    assert view(small_store, "", SortOrder.OLDEST) == [ORDER_1001, ORDER_1002, REFUND, PAYOUT]
    # Equal amounts (both orders 129.00) fall back to newest first.
    assert view(small_store, "", SortOrder.LARGEST) == [PAYOUT, ORDER_1002, ORDER_1001, REFUND]
    assert view(small_store, "", SortOrder.SMALLEST) == [REFUND, ORDER_1002, ORDER_1001, PAYOUT]


def test_positions_keys_and_order_search(small_store: Store) -> None:  # noqa: F811
    queue = ReviewQueue(small_store)
    queue.view = parse_filter("kind:order")
    queue.reload()
    assert queue.position("order", "gid://shopify/Order/1001") == 1
    assert queue.position("payout", "gid://shopify/ShopifyPaymentsPayout/77") is None
    assert sorted(queue.proposal_keys()) == ["shopify:order:1001:v1", "shopify:order:1002:v1"]
    assert queue.total() == 4 and len(queue) == 2
    # Test order #1003 and cancelled-unpaid #1004 are not reviewable, so not offered.
    assert [name for _id, name in queue.find_orders("100")] == ["#1002", "#1001"]
    assert [name for _id, name in queue.find_orders("#1001")] == ["#1001"]


def test_clean_among_counts_and_totals_then_approval_rechecks(small_store: Store) -> None:  # noqa: F811
    keys = [
        "shopify:payout:77:v1",
        "shopify:refund:1002:v1",  # its tie-out fails: never clean
        "shopify:order:1002:v1",
        "shopify:order:1001:v1",
    ]
    clean = clean_among(small_store, keys)
    assert sorted(clean.keys) == sorted([keys[0], keys[2], keys[3]])
    assert clean.totals == {"USD": Decimal("462.92")}
    with small_store.session() as session:
        row = session.get(ProposalRow, keys[3])
        assert row is not None
        row.flags = [{"code": "duplicate_candidate", "message": "maybe posted already"}]
        session.add(row)
    report = approve_clean_among(small_store, clean.keys, reviewer="ana")
    assert sorted(report.changed) == sorted([keys[0], keys[2]])
    with small_store.session() as session:
        states = {k: session.get(ProposalRow, k).state for k in keys}  # type: ignore[union-attr]
    assert states[keys[3]] == ProposalState.PENDING
    assert states[keys[2]] == ProposalState.APPROVED


def test_product_lines_say_what_each_line_maps_to(small_store: Store) -> None:  # noqa: F811
    lines = product_lines(small_store, "gid://shopify/Order/1001")
    assert [(line.sku, line.target_name, line.amount) for line in lines] == [
        ("HD-BLK-M", "Hoodie Black M", Decimal("90.00")),
        ("MUG-12OZ", "Mug 12oz", Decimal("39.00")),
    ]
