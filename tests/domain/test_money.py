"""Money: exact, currency-safe, half-up rounding, floats refused."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.domain.money import Money, MoneyError, format_amount, round_money, to_decimal

cents = st.integers(min_value=-(10**12), max_value=10**12).map(lambda n: Decimal(n).scaleb(-2))


def test_float_is_refused() -> None:
    with pytest.raises(MoneyError, match="float"):
        to_decimal(0.1)
    with pytest.raises(MoneyError):
        Money.of(1.5, "USD")
    with pytest.raises(MoneyError):
        Money.of("1", "USD") * 1.1  # type: ignore[operator]


@pytest.mark.parametrize("text", ["abc", "", "1.2.3", "NaN", "Infinity"])
def test_garbage_is_refused(text: str) -> None:
    with pytest.raises(MoneyError):
        to_decimal(text)


def test_shopify_unpadded_strings_read_exactly() -> None:
    assert to_decimal("2000.0") == Decimal("2000.00")
    assert to_decimal("41.9") == Decimal("41.90")
    assert to_decimal("1,234.5") == Decimal("1234.50")


def test_currencies_never_mix() -> None:
    with pytest.raises(MoneyError, match=r"USD.*CAD"):
        Money.of("1", "USD") + Money.of("1", "CAD")


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [("0.005", "USD", "0.01"), ("0.004", "USD", "0.00"), ("-0.005", "USD", "-0.01"),
     ("2.5", "JPY", "3"), ("1.0005", "KWD", "1.001")],
)  # fmt: skip
def test_rounding_is_half_up_to_the_minor_unit(amount: str, currency: str, expected: str) -> None:
    rounded = round_money(Decimal(amount), currency)
    assert rounded == Decimal(expected)
    assert str(rounded) == expected


def test_format_amount() -> None:
    assert format_amount(Decimal("1234567.5")) == "1,234,567.50"
    assert format_amount(Decimal("-3")) == "-3.00"


@given(st.lists(cents, min_size=1, max_size=50))
def test_addition_is_exact_and_order_free(amounts: list[Decimal]) -> None:
    forward = sum((Money(a, "USD") for a in amounts), Money.zero("USD"))
    backward = sum((Money(a, "USD") for a in reversed(amounts)), Money.zero("USD"))
    assert forward == backward
    assert forward.amount == sum(amounts, Decimal(0))
    assert (forward - forward).is_zero()
