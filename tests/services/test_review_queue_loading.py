"""The review queue's two-step load: the first window and the count at once, the full key list
behind it. Whatever has been read so far, the list must show the same rows in the same order as
a full read, on SQLite and on PostgreSQL, and a slow full read must never overwrite a newer
view."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.factories import order_node
from tests.tui.conftest import TZ, fill_small_store
from workbench.services.activity import ReviewQueue
from workbench.services.review_filter import SortOrder, parse_filter
from workbench.shopify.normalize import order_from_graphql
from workbench.store import shopify_repo
from workbench.store.engine import Store, open_store


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    opened = open_store(db_url)
    fill_small_store(opened)
    yield opened
    opened.close()


def full_list(store: Store, sort: SortOrder, text: str = "") -> list[tuple[str, str]]:
    queue = ReviewQueue(store)
    queue.view, queue.sort = parse_filter(text), sort
    queue.reload()
    return list(queue.keys)


def row_keys(queue: ReviewQueue, start: int, stop: int) -> list[tuple[str, str]]:
    return [(row.kind, row.id) for row in queue.rows(start, stop)]


def add_order(store: Store, number: int, processed_at: str) -> None:
    node = order_node(number, processed_at=processed_at)
    with store.session() as session:
        shopify_repo.save_orders(session, [order_from_graphql(node, TZ)], [node], "api")


@pytest.mark.parametrize("sort", list(SortOrder))
def test_the_head_and_windows_beyond_it_match_a_full_read(store: Store, sort: SortOrder) -> None:
    expected = full_list(store, sort)
    assert len(expected) == 4  # the payout, the refund and the two reviewable orders
    queue = ReviewQueue(store)
    queue.sort = sort
    assert queue.reload_head(2) == 4
    assert not queue.complete and len(queue) == 4
    assert row_keys(queue, 0, 2) == expected[:2]
    # Beyond the head a window is read by offset, in the same order.
    assert row_keys(queue, 1, 4) == expected[1:4]
    assert row_keys(queue, 3, 10) == expected[3:]
    assert queue.load_rest() is False  # nothing changed: no repaint needed
    assert queue.complete and queue.keys == expected


def test_a_filtered_head_counts_only_the_view(store: Store) -> None:
    expected = full_list(store, SortOrder.NEWEST, "kind:order")
    queue = ReviewQueue(store)
    queue.view = parse_filter("kind:order")
    assert queue.reload_head(1) == len(expected) == 2
    assert row_keys(queue, 0, 5) == expected


def test_a_head_holding_everything_is_complete_at_once(store: Store) -> None:
    queue = ReviewQueue(store)
    assert queue.reload_head(50) == 4
    assert queue.complete
    assert queue.load_rest() is False


def test_rows_that_moved_before_the_full_read_ask_for_a_repaint(store: Store) -> None:
    queue = ReviewQueue(store)
    assert queue.reload_head(2) == 4
    head = row_keys(queue, 0, 2)
    add_order(store, 1010, "2026-11-09T15:00:00Z")  # newer than everything: lands first
    assert queue.load_rest() is True
    assert len(queue) == 5
    assert queue.keys[0] == ("order", "gid://shopify/Order/1010")
    assert queue.keys[1:3] == head


def test_position_reads_the_full_list_when_only_the_head_is_loaded(store: Store) -> None:
    expected = full_list(store, SortOrder.NEWEST)
    queue = ReviewQueue(store)
    queue.reload_head(1)
    assert queue.position(*expected[3]) == 3
    assert queue.complete


def test_a_slow_full_read_never_overwrites_a_newer_view(store: Store) -> None:
    """The screen's worker reads the full list while the bookkeeper types a filter: the
    filtered view started later and must win."""
    queue = ReviewQueue(store)
    queue.reload_head(1)
    read_all = queue._read_all

    def filter_typed_meanwhile() -> list[tuple[str, str]]:
        everything = read_all()
        queue.view = parse_filter("kind:refund")
        queue.reload_head(1)
        return everything

    queue._read_all = filter_typed_meanwhile  # type: ignore[method-assign]
    assert queue.load_rest() is False
    assert len(queue) == 1
    assert [kind for kind, _ in queue.keys] == ["refund"]
