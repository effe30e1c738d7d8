"""Money as Decimal with its currency: exact arithmetic, cents rounding, no float anywhere.

A float that sneaks into an amount is how connectors end up a cent off, so construction from a
float is refused outright rather than converted.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0")

# ISO 4217 currencies whose minor unit is not the cent.
_MINOR_DIGITS = {
    "JPY": 0,
    "KRW": 0,
    "VND": 0,
    "CLP": 0,
    "ISK": 0,
    "BHD": 3,
    "KWD": 3,
    "OMR": 3,
    "JOD": 3,
    "TND": 3,
}


class MoneyError(ValueError):
    """An amount could not be read, or two currencies were mixed."""


def to_decimal(value: object) -> Decimal:
    """Read a money amount from text, int or Decimal; refuse floats and garbage."""
    if isinstance(value, bool | float):
        raise MoneyError(f"refusing float amount {value!r}: pass a string or Decimal")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip().replace(",", ""))
        except InvalidOperation:
            raise MoneyError(f"not an amount: {value!r}") from None
    else:
        raise MoneyError(f"not an amount: {value!r}")
    if not result.is_finite():
        raise MoneyError(f"not a finite amount: {value!r}")
    return result


def minor_digits(currency: str) -> int:
    return _MINOR_DIGITS.get(currency.upper(), 2)


def round_money(amount: Decimal, currency: str = "USD") -> Decimal:
    """Round half-up to the currency's minor unit, as shops and QuickBooks print amounts."""
    return amount.quantize(Decimal(1).scaleb(-minor_digits(currency)), rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in one currency. Arithmetic across currencies is an error, never a guess."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", to_decimal(self.amount))
        if len(self.currency) != 3 or not self.currency.isalpha():
            raise MoneyError(f"not an ISO 4217 currency code: {self.currency!r}")
        object.__setattr__(self, "currency", self.currency.upper())

    @classmethod
    def of(cls, amount: object, currency: str) -> Money:
        return cls(to_decimal(amount), currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(ZERO, currency)

    def _same(self, other: Money) -> None:
        if self.currency != other.currency:
            raise MoneyError(f"cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __mul__(self, factor: int | Decimal) -> Money:
        if isinstance(factor, float):
            raise MoneyError("refusing to multiply money by a float")
        return Money(self.amount * factor, self.currency)

    __rmul__ = __mul__

    def rounded(self) -> Money:
        return Money(round_money(self.amount, self.currency), self.currency)

    def is_zero(self) -> bool:
        return self.amount == 0

    def __str__(self) -> str:
        return f"{format_amount(self.amount, self.currency)} {self.currency}"


def format_amount(amount: Decimal, currency: str = "USD") -> str:
    """Thousands separators and the currency's minor digits: how a bookkeeper reads numbers."""
    digits = minor_digits(currency)
    return f"{round_money(amount, currency):,.{digits}f}"


def sum_amounts(amounts: list[Decimal] | tuple[Decimal, ...]) -> Decimal:
    return sum(amounts, ZERO)
