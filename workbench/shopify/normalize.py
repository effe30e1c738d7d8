"""GraphQL payloads → normalised records.

Connections arrive as ``{"edges": [{"node": …}]}``, ``{"nodes": […]}`` or (from bulk JSONL
re-attachment) plain lists; all three read the same. Money is always taken from ``shopMoney``:
the books are kept in the shop's currency, the presentment currency is for display only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from workbench.domain.money import to_decimal
from workbench.domain.records import (
    BalanceTransaction,
    Dispute,
    LineItem,
    Order,
    Payout,
    Refund,
    RefundLine,
    ShippingLine,
    Shop,
    TaxLine,
    Transaction,
)

JSON = Mapping[str, Any]
ZERO = Decimal(0)


class NormalizeError(ValueError):
    """A payload lacks something we cannot do without; names the record and the field."""


def items(value: Any) -> list[Any]:
    """The elements of a connection or list, whatever its shape."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    if "edges" in value:
        return [edge["node"] for edge in value["edges"]]
    if "nodes" in value:
        return list(value["nodes"])
    raise NormalizeError(f"expected a connection or a list, got keys {sorted(value)}")


def instant(value: str | None) -> datetime | None:
    if value is None:
        return None
    parsed = datetime.fromisoformat(value)  # reads a trailing "Z" since Python 3.11
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def required_instant(value: str | None, what: str) -> datetime:
    parsed = instant(value)
    if parsed is None:
        raise NormalizeError(f"{what} is missing")
    return parsed


def local_date(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date()


# An order repeats the same few amounts ("0.0", a price, its tax) across a dozen MoneyBags, and
# a shop repeats them across orders; Decimals are immutable, so each spelling is read once.
_AMOUNTS: dict[str, Decimal] = {}
_RATES: dict[float, Decimal] = {}
_CACHE_LIMIT = 50_000


def amount(value: Any) -> Decimal:
    """A money amount as Shopify spells it (a decimal string); anything else is checked by
    ``to_decimal``, which refuses floats and garbage."""
    if type(value) is not str:
        return to_decimal(value)
    found = _AMOUNTS.get(value)
    if found is None:
        found = to_decimal(value)
        if len(_AMOUNTS) < _CACHE_LIMIT:
            _AMOUNTS[value] = found
    return found


def _rate(value: Any) -> Decimal:
    """A tax rate, a JSON number (a float once decoded): exact through its shortest repr."""
    if type(value) is not float or not value:
        return Decimal(str(value or 0))
    found = _RATES.get(value)
    if found is None:
        found = Decimal(str(value))
        if len(_RATES) < _CACHE_LIMIT:
            _RATES[value] = found
    return found


def money_v2(value: JSON | None) -> Decimal:
    if not value:
        return ZERO
    return amount(value["amount"])


def shop_money(value: JSON | None) -> Decimal:
    """Amount of a MoneyBag in the shop currency (a MoneyV2 is accepted too)."""
    if not value:
        return ZERO
    money = value.get("shopMoney", value)
    return amount(money["amount"]) if money else ZERO


def tax_lines(values: Any) -> tuple[TaxLine, ...]:
    return tuple(
        TaxLine(
            title=str(t.get("title") or "Tax"),
            rate=_rate(t.get("rate")),
            amount=shop_money(t.get("priceSet")),
        )
        for t in items(values)
    )


def shop_from_graphql(node: JSON) -> Shop:
    return Shop(
        id=node["id"],
        name=node.get("name") or node["myshopifyDomain"],
        domain=node["myshopifyDomain"],
        currency=node["currencyCode"],
        timezone=node["ianaTimezone"],
        taxes_included=bool(node.get("taxesIncluded")),
    )


def _discount(allocations: Any) -> Decimal:
    return sum((shop_money(a.get("allocatedAmountSet")) for a in items(allocations)), ZERO)


def _line_item(node: JSON, order_id: str, position: int) -> LineItem:
    variant = node.get("variant") or {}
    product = node.get("product") or {}
    sku = node.get("sku") or variant.get("sku") or None
    discount = _discount(node.get("discountAllocations"))
    if not discount and node.get("totalDiscountSet"):
        discount = shop_money(node["totalDiscountSet"])
    quantity = int(node.get("quantity") or 0)
    unit_price = shop_money(node.get("originalUnitPriceSet"))
    original_total = (
        shop_money(node["originalTotalSet"])
        if node.get("originalTotalSet")
        else unit_price * quantity
    )
    return LineItem(
        id=node.get("id") or f"{order_id}#line{position}",
        order_id=order_id,
        position=position,
        sku=sku,
        title=node.get("title") or node.get("name") or "",
        variant_title=node.get("variantTitle") or variant.get("title") or None,
        variant_id=variant.get("id"),
        product_id=product.get("id"),
        vendor=node.get("vendor"),
        quantity=quantity,
        unit_price=unit_price,
        original_total=original_total,
        discount=discount,
        is_gift_card=bool(node.get("isGiftCard")),
        taxable=bool(node.get("taxable", True)),
        tax_lines=tax_lines(node.get("taxLines")),
    )


def _shipping_line(node: JSON) -> ShippingLine:
    return ShippingLine(
        id=node.get("id") or node.get("title") or "shipping",
        title=node.get("title") or "Shipping",
        price=shop_money(node.get("originalPriceSet")),
        discount=_discount(node.get("discountAllocations")),
        tax_lines=tax_lines(node.get("taxLines")),
    )


def _fee(node: JSON) -> Decimal:
    return sum((money_v2(f.get("amount")) for f in node.get("fees") or []), ZERO)


def _transaction(node: JSON, order_id: str, refund_id: str | None) -> Transaction:
    parent = node.get("parentTransaction") or {}
    processed = instant(node.get("processedAt")) or required_instant(
        node.get("createdAt"), f"transaction {node.get('id')} processedAt"
    )
    return Transaction(
        id=node["id"],
        order_id=order_id,
        refund_id=refund_id,
        kind=str(node.get("kind") or "UNKNOWN"),
        status=str(node.get("status") or "UNKNOWN"),
        gateway=str(node.get("gateway") or "unknown"),
        amount=shop_money(node.get("amountSet")),
        fee=_fee(node),
        processed_at=processed,
        test=bool(node.get("test")),
        parent_id=parent.get("id"),
    )


def _refund(node: JSON, order_id: str, tz: ZoneInfo) -> Refund:
    created = required_instant(node.get("createdAt"), f"refund {node.get('id')} createdAt")
    lines = tuple(
        RefundLine(
            line_item_id=(r.get("lineItem") or {}).get("id", ""),
            quantity=int(r.get("quantity") or 0),
            subtotal=shop_money(r.get("subtotalSet")),
            tax=shop_money(r.get("totalTaxSet")),
        )
        for r in items(node.get("refundLineItems"))
    )
    shipping_lines = items(node.get("refundShippingLines"))
    adjustments = items(node.get("orderAdjustments"))
    return Refund(
        id=node["id"],
        order_id=order_id,
        created_at=created,
        local_date=local_date(created, tz),
        note=node.get("note"),
        total=shop_money(node.get("totalRefundedSet")),
        lines=lines,
        shipping=sum((shop_money(s.get("subtotalAmountSet")) for s in shipping_lines), ZERO),
        shipping_tax=sum((shop_money(s.get("taxAmountSet")) for s in shipping_lines), ZERO),
        adjustments=sum((shop_money(a.get("amountSet")) for a in adjustments), ZERO),
        transactions=tuple(
            _transaction(t, order_id, node["id"]) for t in items(node.get("transactions"))
        ),
    )


def _customer_name(node: JSON) -> str | None:
    customer = node.get("customer")
    if not customer:
        return None
    name = customer.get("displayName")
    if name:
        return str(name)
    parts = [customer.get("firstName"), customer.get("lastName")]
    return " ".join(p for p in parts if p) or None


def order_from_graphql(node: JSON, tz: ZoneInfo) -> Order:
    order_id = node["id"]
    processed = required_instant(
        node.get("processedAt") or node.get("createdAt"), f"order {order_id} processedAt"
    )
    created = instant(node.get("createdAt")) or processed
    updated = instant(node.get("updatedAt")) or created
    refunds = tuple(_refund(r, order_id, tz) for r in items(node.get("refunds")))
    refund_tx_ids = {t.id for r in refunds for t in r.transactions}
    transactions = tuple(
        _transaction(t, order_id, None)
        for t in items(node.get("transactions"))
        if t["id"] not in refund_tx_ids
    )
    gateways = tuple(node.get("paymentGatewayNames") or ())
    return Order(
        id=order_id,
        name=node.get("name") or f"#{node.get('number', '')}",
        number=int(node.get("number") or 0),
        created_at=created,
        processed_at=processed,
        updated_at=updated,
        local_date=local_date(processed, tz),
        currency=node.get("currencyCode") or _currency_of(node),
        test=bool(node.get("test")),
        cancelled_at=instant(node.get("cancelledAt")),
        financial_status=node.get("displayFinancialStatus"),
        source_name=node.get("sourceName"),
        customer_name=_customer_name(node),
        email=node.get("email"),
        subtotal=shop_money(node.get("subtotalPriceSet")),
        total_discounts=shop_money(node.get("totalDiscountsSet")),
        total_shipping=shop_money(node.get("totalShippingPriceSet")),
        total_tax=shop_money(node.get("totalTaxSet")),
        total_tip=shop_money(node.get("totalTipReceivedSet")),
        total_price=shop_money(node.get("totalPriceSet")),
        total_received=shop_money(node.get("totalReceivedSet")),
        total_refunded=shop_money(node.get("totalRefundedSet")),
        taxes_included=bool(node.get("taxesIncluded")),
        edited=bool(node.get("edited")),
        gateways=gateways,
        line_items=tuple(
            _line_item(li, order_id, i) for i, li in enumerate(items(node.get("lineItems")))
        ),
        shipping_lines=tuple(_shipping_line(s) for s in items(node.get("shippingLines"))),
        tax_lines=tax_lines(node.get("taxLines")),
        transactions=transactions,
        refunds=refunds,
        tags=tuple(node.get("tags") or ()),
    )


def _currency_of(node: JSON) -> str:
    total = node.get("totalPriceSet") or {}
    shop = total.get("shopMoney") or {}
    currency = shop.get("currencyCode")
    if not currency:
        raise NormalizeError(f"order {node.get('id')} has no currencyCode")
    return str(currency)


def payout_from_graphql(node: JSON, tz: ZoneInfo) -> Payout:
    issued = required_instant(node.get("issuedAt"), f"payout {node.get('id')} issuedAt")
    net = node.get("net") or {}
    summary = {k: money_v2(v) for k, v in (node.get("summary") or {}).items() if v}
    return Payout(
        id=node["id"],
        legacy_id=str(node.get("legacyResourceId") or node["id"].rsplit("/", 1)[-1]),
        issued_at=issued,
        local_date=local_date(issued, tz),
        status=str(node.get("status") or "UNKNOWN"),
        net=money_v2(net),
        currency=str(net.get("currencyCode") or ""),
        transaction_type=str(node.get("transactionType") or "DEPOSIT"),
        summary=summary,
    )


def balance_transaction_from_graphql(node: JSON, tz: ZoneInfo) -> BalanceTransaction:
    # Older API versions call it processedAt; a partial selection may have neither, and then
    # the row takes its payout's date downstream rather than being dropped.
    moment = instant(node.get("transactionDate") or node.get("processedAt"))
    payout = node.get("associatedPayout") or {}
    order = node.get("associatedOrder") or {}
    amount = node.get("amount") or {}
    return BalanceTransaction(
        id=node["id"],
        type=str(node.get("type") or "UNKNOWN"),
        test=bool(node.get("test")),
        amount=money_v2(amount),
        fee=money_v2(node.get("fee")),
        net=money_v2(node.get("net")),
        currency=str(amount.get("currencyCode") or ""),
        transaction_date=moment,
        local_date=local_date(moment, tz) if moment else None,
        payout_id=payout.get("id"),
        payout_status=payout.get("status"),
        source_id=_str_or_none(node.get("sourceId")),
        source_type=node.get("sourceType"),
        source_order_transaction_id=_str_or_none(node.get("sourceOrderTransactionId")),
        order_id=order.get("id"),
        order_name=order.get("name"),
        adjustment_reason=node.get("adjustmentReason"),
    )


def _day(value: str | None, tz: ZoneInfo) -> date | None:
    """A dispute's deadline or finalisation: the schema says Date, Shopify's own example sends
    a DateTime with an offset; either becomes the shop's calendar day."""
    if not value:
        return None
    if len(value) == 10:
        return date.fromisoformat(value)
    moment = instant(value)
    assert moment is not None
    return local_date(moment, tz)


def dispute_from_graphql(node: JSON, tz: ZoneInfo) -> Dispute:
    initiated = required_instant(node.get("initiatedAt"), f"dispute {node.get('id')} initiatedAt")
    amount_bag = node.get("amount") or {}
    reason = node.get("reasonDetails") or {}
    order = node.get("order") or {}
    return Dispute(
        id=node["id"],
        legacy_id=str(node.get("legacyResourceId") or node["id"].rsplit("/", 1)[-1]),
        type=str(node.get("type") or "UNKNOWN"),
        status=str(node.get("status") or "UNKNOWN"),
        amount=money_v2(amount_bag),
        currency=str(amount_bag.get("currencyCode") or ""),
        initiated_at=initiated,
        local_date=local_date(initiated, tz),
        reason=reason.get("reason"),
        network_reason_code=_str_or_none(reason.get("networkReasonCode")),
        evidence_due_by=_day(node.get("evidenceDueBy"), tz),
        evidence_sent_on=_day(node.get("evidenceSentOn"), tz),
        finalized_on=_day(node.get("finalizedOn"), tz),
        order_id=order.get("id"),
        order_name=order.get("name"),
    )


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def all_orders(nodes: Iterable[JSON], tz: ZoneInfo) -> list[Order]:
    return [order_from_graphql(n, tz) for n in nodes]
