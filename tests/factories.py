"""Small hand-built Shopify GraphQL nodes for tests that must not depend on the generator."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

JSON = dict[str, Any]


def money(amount: str | Decimal, currency: str = "USD") -> JSON:
    value = {"amount": str(amount), "currencyCode": currency}
    return {"shopMoney": value, "presentmentMoney": dict(value)}


def order_node(
    number: int,
    *,
    processed_at: str = "2026-11-02T15:00:00Z",
    total: str = "129.00",
    customer: str | None = "Siobhan O'Brien",
    test: bool = False,
    cancelled: bool = False,
    lines: list[tuple[str, str, int, str]] | None = None,
    refund: str | None = None,
) -> JSON:
    """An order paid in full through Shopify Payments; ``lines`` = (sku, title, qty, price)."""
    gid = f"gid://shopify/Order/{number}"
    items = lines or [("HD-BLK-M", "Hoodie", 2, "45.00"), ("MUG-12OZ", "Mug", 1, "39.00")]
    received = "0" if cancelled else total
    refunds = []
    if refund:
        refunds.append(
            {
                "id": f"gid://shopify/Refund/{number}",
                "createdAt": "2026-11-03T10:00:00Z",
                "note": "damaged",
                "totalRefundedSet": money(refund),
                "refundLineItems": [],
                "refundShippingLines": [],
                "orderAdjustments": [],
                "transactions": [
                    {
                        "id": f"gid://shopify/OrderTransaction/{number}9",
                        "kind": "REFUND", "status": "SUCCESS", "gateway": "shopify_payments",
                        "amountSet": money(refund), "processedAt": "2026-11-03T10:00:00Z",
                        "test": test, "fees": [],
                    }
                ],
            }
        )  # fmt: skip
    return {
        "id": gid,
        "legacyResourceId": str(number),
        "name": f"#{number}",
        "number": number,
        "createdAt": processed_at,
        "processedAt": processed_at,
        "updatedAt": processed_at,
        "cancelledAt": "2026-11-02T16:00:00Z" if cancelled else None,
        "currencyCode": "USD",
        "test": test,
        "taxesIncluded": False,
        "edited": False,
        "sourceName": "web",
        "tags": [],
        "email": "buyer@example.com",
        "customer": {"id": "gid://shopify/Customer/1", "displayName": customer}
        if customer
        else None,
        "displayFinancialStatus": "VOIDED" if cancelled else "PAID",
        "subtotalPriceSet": money(total),
        "totalDiscountsSet": money("0"),
        "totalShippingPriceSet": money("0"),
        "totalTaxSet": money("0"),
        "totalTipReceivedSet": money("0"),
        "totalPriceSet": money(total),
        "totalReceivedSet": money(received),
        "totalRefundedSet": money(refund or "0"),
        "paymentGatewayNames": ["shopify_payments"],
        "taxLines": [],
        "lineItems": [
            {
                "id": f"gid://shopify/LineItem/{number}{i}",
                "title": title,
                "variantTitle": None,
                "sku": sku,
                "quantity": qty,
                "isGiftCard": False,
                "taxable": True,
                "originalUnitPriceSet": money(price),
                "originalTotalSet": money(Decimal(price) * qty),
                "discountAllocations": [],
                "taxLines": [],
                "variant": {"id": f"gid://shopify/ProductVariant/{sku}", "title": None, "sku": sku},
            }
            for i, (sku, title, qty, price) in enumerate(items)
        ],
        "shippingLines": [],
        "refunds": refunds,
        "transactions": [
            {
                "id": f"gid://shopify/OrderTransaction/{number}1",
                "kind": "SALE",
                "status": "SUCCESS",
                "gateway": "shopify_payments",
                "amountSet": money(received),
                "processedAt": processed_at,
                "test": test,
                "fees": [{"amount": {"amount": "4.04", "currencyCode": "USD"}}],
            }
        ],
    }


def payout_node(
    number: int, net: str, issued_at: str = "2026-11-04T12:00:00Z", status: str = "PAID"
) -> JSON:
    return {
        "id": f"gid://shopify/ShopifyPaymentsPayout/{number}",
        "legacyResourceId": str(number),
        "issuedAt": issued_at,
        "status": status,
        "net": {"amount": net, "currencyCode": "USD"},
        "transactionType": "DEPOSIT",
        "summary": {},
    }


def balance_node(
    number: int, type_: str, amount: str, fee: str, payout: int | None, order: int | None
) -> JSON:
    net = Decimal(amount) - Decimal(fee)
    payout_ref = (
        {"id": f"gid://shopify/ShopifyPaymentsPayout/{payout}", "status": "PAID"}
        if payout
        else {"id": None, "status": "PENDING"}
    )
    order_ref = {"id": f"gid://shopify/Order/{order}", "name": f"#{order}"} if order else None
    return {
        "id": f"gid://shopify/ShopifyPaymentsBalanceTransaction/{number}",
        "type": type_, "test": False,
        "amount": {"amount": amount, "currencyCode": "USD"},
        "fee": {"amount": fee, "currencyCode": "USD"},
        "net": {"amount": str(net), "currencyCode": "USD"},
        "transactionDate": "2026-11-02T15:00:00Z",
        "associatedPayout": payout_ref,
        "associatedOrder": order_ref,
    }  # fmt: skip
