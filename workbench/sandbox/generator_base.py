"""Shared helpers for the sandbox generator: money, wire formats, clocks and identifiers.

Everything the two vendors print (Shopify's unpadded decimal strings, GIDs, UTC timestamps;
QBO's offset timestamps) is produced here once, so the generator modules cannot drift apart
on a format detail that a downstream parser would trip over.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from workbench.sandbox.dataset import JSON

SHOP_TZ = ZoneInfo("America/New_York")
UTC = dt.UTC
CURRENCY = "USD"
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
FEE_RATE = Decimal("0.029")
FEE_FLAT = Decimal("0.30")
CHARGEBACK_FEE = Decimal("15.00")


def q2(value: Decimal) -> Decimal:
    """Round half-up to the cent, the way Shopify rounds every tax and fee it reports."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def money_str(value: Decimal) -> str:
    """Shopify's decimal string: no padding ("2000.0", "41.9", "12.35"), never "-0.0"."""
    if not value:
        return "0.0"
    text = f"{value:.2f}"
    if text.endswith("00"):
        return text[:-1]
    if text.endswith("0"):
        return text[:-1]
    return text


def money_v2(value: Decimal) -> JSON:
    return {"amount": money_str(value), "currencyCode": CURRENCY}


def money_bag(value: Decimal) -> JSON:
    """A MoneyBag whose presentment currency is the shop currency (a single-currency shop)."""
    text = money_str(value)
    return {
        "shopMoney": {"amount": text, "currencyCode": CURRENCY},
        "presentmentMoney": {"amount": text, "currencyCode": CURRENCY},
    }


def processing_fee(amount: Decimal) -> Decimal:
    """Shopify Payments' online rate: 2.9 % + 30¢, rounded half-up per charge."""
    return q2(amount * FEE_RATE + FEE_FLAT)


def gid(kind: str, number: int) -> str:
    return f"gid://shopify/{kind}/{number}"


def gid_number(value: str) -> str:
    """The legacy numeric id Shopify prints beside a GID."""
    return value.rsplit("/", 1)[1]


class Ids:
    """Per-type id sequences with realistic, type-specific magnitudes.

    Deterministic without consuming the random stream, so adding a new kind of object never
    shifts every later random choice.
    """

    _BASES = {
        "Order": 5_612_300_000_000,
        "LineItem": 13_904_100_000_000,
        "ShippingLine": 4_630_200_000_000,
        "OrderTransaction": 6_841_500_000_000,
        "Refund": 921_340_000_000,
        "RefundLineItem": 512_880_000_000,
        "OrderAdjustment": 281_600_000_000,
        "TransactionFee": 3_120_700_000_000,
        "Customer": 7_204_800_000_000,
        "Product": 8_013_400_000_000,
        "ProductVariant": 44_615_900_000_000,
        "ShopifyPaymentsPayout": 118_420_000_000,
        "ShopifyPaymentsBalanceTransaction": 2_508_310_000_000,
        "ShopifyPaymentsDispute": 96_340_000_000,
        "ShopifyPaymentsCharge": 3_402_150_000_000,
        "Adjustment": 210_070_000_000,
    }

    def __init__(self) -> None:
        self._next: dict[str, int] = {}

    def number(self, kind: str) -> int:
        current = self._next.get(kind)
        if current is None:
            current = self._BASES.get(kind, 1_000_000_000)
        self._next[kind] = current + 7
        return current

    def gid(self, kind: str) -> str:
        return gid(kind, self.number(kind))


def utc_str(ts: int) -> str:
    """Shopify DateTime: UTC with a Z, second precision."""
    return dt.datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def local_date(ts: int) -> dt.date:
    """The shop-local calendar date of an instant: the date a bookkeeper books it on."""
    return dt.datetime.fromtimestamp(ts, SHOP_TZ).date()


def local_ts(day: dt.date, seconds: int) -> int:
    """The instant that is ``seconds`` after local midnight of ``day`` in the shop's zone."""
    hour, rest = divmod(seconds, 3600)
    minute, second = divmod(rest, 60)
    moment = dt.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=SHOP_TZ)
    return int(moment.timestamp())


def qbo_time(ts: int) -> str:
    """QBO MetaData time: company-local with a numeric offset and no milliseconds."""
    text = dt.datetime.fromtimestamp(ts, SHOP_TZ).strftime("%Y-%m-%dT%H:%M:%S%z")
    return f"{text[:-2]}:{text[-2:]}"


def qbo_meta(ts: int) -> JSON:
    stamp = qbo_time(ts)
    return {"CreateTime": stamp, "LastUpdatedTime": stamp}
