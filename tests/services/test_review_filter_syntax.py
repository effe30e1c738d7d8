"""The review filter language: what each part means, and mistakes named, not ignored."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from workbench.services.review_filter import FilterError, ReviewFilter, SortOrder, parse_filter


def test_the_example_from_the_help_reads_as_meant() -> None:
    view = parse_filter(
        "state:approved gateway:paypal date:2026-11-01..2026-11-30 flag:unmapped hoodie"
    )
    assert view == ReviewFilter(
        words=("hoodie",),
        states=("approved",),
        flags=("unmapped",),
        gateways=("paypal",),
        date_from=date(2026, 11, 1),
        date_to=date(2026, 11, 30),
    )


def test_values_lists_quotes_aliases_and_open_ranges() -> None:
    view = parse_filter(
        'is:attention,approved kind:refunds "O\'Brien S" amount:10.. date:..2026-02'
    )
    assert view.states == ("needs_attention", "approved")
    assert view.kinds == ("refund",)
    assert view.words == ("O'Brien S",)
    assert (view.amount_min, view.amount_max) == (Decimal(10), None)
    assert (view.date_from, view.date_to) == (None, date(2026, 2, 28))


def test_a_month_or_a_day_is_a_whole_range() -> None:
    assert parse_filter("date:2024-02").date_to == date(2024, 2, 29)
    day = parse_filter("date:2026-11-05")
    assert day.date_from == day.date_to == date(2026, 11, 5)


def test_describe_reads_back_to_the_same_filter() -> None:
    text = 'kind:order state:pending,none flag:any gateway:paypal date:2026-11 amount:5..9 "a b" c'
    view = parse_filter(text)
    assert parse_filter(view.describe()) == view
    assert not parse_filter("   ").active and view.active


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("state:aproved", "not a state"),
        ("flag:nope", "matches no flag"),
        ("kind:invoice", "not a kind"),
        ("date:2026-13-01", "not a date"),
        ("date:2026-11-30..2026-11-01", "ends before it starts"),
        ("amount:lots", "not an amount"),
        ("colour:red", "is not a filter"),
        ("state:", "needs a value"),
    ],
)
def test_mistakes_are_named(text: str, names: str) -> None:
    with pytest.raises(FilterError, match=names):
        parse_filter(text)


def test_sort_cycles_through_every_order() -> None:
    seen = [SortOrder.NEWEST]
    while (following := seen[-1].next()) is not SortOrder.NEWEST:
        seen.append(following)
    assert seen == [SortOrder.NEWEST, SortOrder.OLDEST, SortOrder.LARGEST, SortOrder.SMALLEST]
