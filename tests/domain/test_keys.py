"""Proposal keys: deterministic, versioned, recognised only as exact tokens."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.domain.proposals import SourceType, keys_in_text, parse_key, proposal_key


def test_key_from_gid() -> None:
    assert proposal_key(SourceType.ORDER, "gid://shopify/Order/1001") == "shopify:order:1001:v1"


@given(st.sampled_from(list(SourceType)), st.integers(min_value=1, max_value=10**15))
def test_round_trip(source: SourceType, number: int) -> None:
    key = proposal_key(source, f"gid://shopify/X/{number}")
    assert parse_key(key) == (source, str(number), 1)
    assert keys_in_text(f"Posted by workbench ({key}).") == [(source, str(number), 1)]


@pytest.mark.parametrize(
    "memo",
    [
        "shopify:order:100:v1",  # a different order whose id starts with 10
        "xshopify:order:10:v1",
        "shopify:order:10:v12",
        "shopify:order:10:v1:extra",
        "SHOPIFY TRANSFER 10",
    ],
)
def test_never_a_substring_match(memo: str) -> None:
    assert (SourceType.ORDER, "10", 1) not in keys_in_text(memo)


def test_bad_key_is_explained() -> None:
    with pytest.raises(ValueError, match="expected shopify:order"):
        parse_key("order-10")


def test_csv_only_records_have_keys_too() -> None:
    key = proposal_key(SourceType.REFUND, "gid://shopify/Refund/csv-5002")
    assert key == "shopify:refund:csv-5002:v1"
    assert parse_key(key) == (SourceType.REFUND, "csv-5002", 1)
    assert keys_in_text(f"note {key}.") == [(SourceType.REFUND, "csv-5002", 1)]
    assert keys_in_text("shopify:refund:csv-5002-x:v1") != [(SourceType.REFUND, "csv-5002", 1)]
