"""The decisions the Orders export forces on us, where it says less than the API.

Each function here fills one gap in the export the same way every time (deterministic ids,
nothing random, nothing dated "now"), so re-importing a file changes nothing and every guess is
visible: the synthetic records carry ``csv-`` ids and say what they are. See ``csv_orders`` for
the list of gaps and why each answer was chosen.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from datetime import date, datetime
from decimal import ROUND_DOWN, Decimal

from workbench.domain.money import minor_digits
from workbench.domain.records import LineItem, Refund, ShippingLine, Transaction
from workbench.shopify.csv_common import utc

ZERO = Decimal(0)
HUNDRED = Decimal(100)
FINANCIAL_STATUSES = frozenset(
    {"paid", "partially_paid", "partially_refunded", "refunded", "pending", "authorized",
     "voided", "expired", "unpaid"}
)  # fmt: skip
MONEY_TAKEN = frozenset({"paid", "partially_paid", "partially_refunded", "refunded"})
TEST_GATEWAY = "bogus"
# Labels the admin shows → the names the API's paymentGatewayNames uses, so that clearing
# accounts mapped per gateway serve CSV and API orders alike. Other labels (manual payment
# methods such as "Cash on Delivery (COD)") are the API's names already.
_GATEWAY_ALIASES = {
    "shopify payments": "shopify_payments",
    "gift card": "gift_card",
    "paypal express checkout": "paypal",
    "(for testing) bogus gateway": TEST_GATEWAY,
}
_RATE = re.compile(r"\s*\(?\s*(\d+(?:\.\d+)?)\s*%\s*\)?")
_GIFT_CARD = re.compile(r"gift\s*card", re.IGNORECASE)


def gateway_name(text: str) -> str:
    """The API's gateway name for an export's payment method label, where we know it."""
    cleaned = text.strip()
    return _GATEWAY_ALIASES.get(cleaned.casefold(), cleaned)


@functools.lru_cache(maxsize=4096)
def split_tax_name(name: str) -> tuple[str, Decimal]:
    """``"NY State Tax 4%"`` → ``("NY State Tax", Decimal("0.04"))``; no rate → 0.

    The API gives the title without the rate and the rate as a fraction; tax codes are mapped
    by rate, so it must be exact (Decimal from the digits, never via float).
    """
    matches = list(_RATE.finditer(name))
    if not matches:
        return name.strip(), ZERO
    last = matches[-1]
    title = " ".join(f"{name[: last.start()]} {name[last.end() :]}".split()) or name.strip()
    return title, Decimal(last.group(1)) / HUNDRED


def looks_like_gift_card(title: str, taxable: bool, requires_shipping: bool) -> bool:
    """The export has no gift-card flag; Shopify's gift cards ship nothing and carry no tax."""
    return not requires_shipping and not taxable and bool(_GIFT_CARD.search(title))


def received(status: str | None, total: Decimal, outstanding: Decimal | None) -> Decimal:
    """What the customer paid, as the API's totalReceived: Total − Outstanding Balance.

    Without that column (older exports) a paid status means the Total; a partially paid one
    cannot be read, so nothing is claimed as received and the order goes to review unpaid.
    """
    if status not in MONEY_TAKEN:
        return ZERO
    if outstanding is None:
        return total if status != "partially_paid" else ZERO
    return max(min(total - outstanding, total), ZERO)


def spread_discount(
    lines: tuple[LineItem, ...],
    shipping: tuple[ShippingLine, ...],
    discount: Decimal,
    currency: str,
) -> tuple[tuple[LineItem, ...], tuple[ShippingLine, ...]]:
    """Allocate the part of ``Discount Amount`` not already on the lines, as the API would.

    Posting takes an order's discount from its lines' allocations (as the API reports them), so
    an order-level discount that the export leaves off the lines is spread over them in
    proportion to their value, to the cent, the remainder cents going to the first lines.
    Gift cards sold are never discounted. With nothing to spread over, it lands on shipping
    (a free-shipping code is the usual reason).
    """
    rest = discount - sum((li.discount for li in lines), ZERO)
    if rest <= 0:
        return lines, shipping
    eligible = [i for i, li in enumerate(lines) if li.original_total > 0 and not li.is_gift_card]
    weight = sum((lines[i].original_total for i in eligible), ZERO)
    if weight <= 0:
        if not shipping:
            return lines, shipping
        first = shipping[0]
        return lines, (dataclasses.replace(first, discount=first.discount + rest), *shipping[1:])
    unit = Decimal(1).scaleb(-minor_digits(currency))
    shares = {
        i: (rest * lines[i].original_total / weight).quantize(unit, rounding=ROUND_DOWN)
        for i in eligible
    }
    left = rest - sum(shares.values(), ZERO)
    for i in eligible:
        if left <= 0:
            break
        step = min(unit, left)
        shares[i] += step
        left -= step
    spread = tuple(
        dataclasses.replace(li, discount=li.discount + shares[i]) if i in shares else li
        for i, li in enumerate(lines)
    )
    return spread, shipping


def synthetic_sale(
    legacy: str, order_id: str, gateway: str, paid: Decimal, at: datetime, test: bool
) -> Transaction:
    """One SUCCESS SALE for everything received; per-gateway splits are not in the export."""
    return Transaction(
        id=f"gid://shopify/OrderTransaction/csv-{legacy}-sale", order_id=order_id,
        refund_id=None, kind="SALE", status="SUCCESS", gateway=gateway, amount=paid, fee=ZERO,
        processed_at=utc(at), test=test,
    )  # fmt: skip


def synthetic_refund(
    legacy: str,
    order_id: str,
    gateway: str,
    refunded: Decimal,
    at: datetime,
    day: date,
    test: bool,
) -> Refund:
    """One unitemised refund of ``Refunded Amount``, dated at the latest known instant.

    It has no lines: which goods, shipping and tax were refunded is not exported, and inventing
    a split would post wrong income and tax. Posting flags it for review instead.
    """
    refund_id = f"gid://shopify/Refund/csv-{legacy}"
    return Refund(
        id=refund_id, order_id=order_id, created_at=utc(at), local_date=day,
        note="Refunded Amount from the Orders export (CSV): not itemised; dated at the order's "
             "latest known date",
        total=refunded,
        transactions=(
            Transaction(
                id=f"gid://shopify/OrderTransaction/csv-{legacy}-refund", order_id=order_id,
                refund_id=refund_id, kind="REFUND", status="SUCCESS", gateway=gateway,
                amount=refunded, fee=ZERO, processed_at=utc(at), test=test,
            ),
        ),
    )  # fmt: skip
