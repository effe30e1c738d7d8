"""Small hand-built nodes in the generator's shape, for tests and quick demos of the emulator.

The sandbox generator produces whole shops; these builders make one order, payout, balance
transaction or dispute at a time with every key the emulator's schema marks non-null, so a test
can state exactly the data it asserts on. Amounts add up (subtotal - discounts + shipping + tax
= total), but nothing here is a source of truth for accounting tests.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from workbench.sandbox.dataset import JSON, ShopifyStore
from workbench.sandbox.shopify_emulator.wire import decimal_out

ORDER_ID_BASE = 5_000_000_000


def money(amount: str | Decimal, currency: str = "USD") -> JSON:
    return {"amount": decimal_out(Decimal(amount)), "currencyCode": currency}


def money_bag(amount: str | Decimal, currency: str = "USD") -> JSON:
    return {"shopMoney": money(amount, currency), "presentmentMoney": money(amount, currency)}


def sample_shop() -> JSON:
    return {
        "id": "gid://shopify/Shop/1",
        "name": "Sandbox Goods",
        "email": "owner@sandbox-goods.example",
        "myshopifyDomain": "sandbox.myshopify.com",
        "primaryDomain": {"host": "sandbox-goods.example", "url": "https://sandbox-goods.example"},
        "currencyCode": "USD",
        "ianaTimezone": "America/New_York",
        "taxesIncluded": False,
    }


def _tax_line(amount: str, rate: float = 0.08) -> JSON:
    return {
        "title": "State tax",
        "rate": rate,
        "ratePercentage": rate * 100,
        "channelLiable": False,
        "priceSet": money_bag(amount),
    }


def _transaction(gid: int, kind: str, amount: str, when: str, *, test: bool = False) -> JSON:
    fee = (Decimal(amount) * Decimal("0.029") + Decimal("0.30")).quantize(Decimal("0.01"))
    return {
        "id": f"gid://shopify/OrderTransaction/{gid}",
        "kind": kind,
        "status": "SUCCESS",
        "gateway": "shopify_payments",
        "formattedGateway": "Shopify Payments",
        "amountSet": money_bag(amount),
        "processedAt": when,
        "createdAt": when,
        "test": test,
        "parentTransaction": None,
        "paymentId": f"pay_{gid}",
        "fees": []
        if kind == "REFUND"
        else [
            {
                "id": f"gid://shopify/TransactionFee/{gid}",
                "amount": money(fee),
                "flatFee": money("0.30"),
                "flatFeeName": None,
                "rate": "0.029",
                "rateName": "Online",
                "taxAmount": money("0"),
                "type": "payment_processing",
            }
        ],
    }


def sample_order(
    number: int,
    *,
    processed_at: str = "2026-11-02T15:00:00Z",
    created_at: str | None = None,
    updated_at: str | None = None,
    test: bool = False,
    financial_status: str = "PAID",
    fulfillment_status: str = "UNFULFILLED",
    source_name: str = "web",
    cancelled_at: str | None = None,
    closed_at: str | None = None,
    tags: list[str] | None = None,
    refunded: bool = False,
) -> JSON:
    """One complete Order node; ``number`` 1001 becomes "#1001" with legacy id 5000001001."""
    legacy = ORDER_ID_BASE + number
    base = number * 1000
    created = created_at or processed_at
    updated = updated_at or processed_at
    discount_application = {
        "__typename": "DiscountCodeApplication",
        "index": 0,
        "code": "WELCOME5",
        "allocationMethod": "ACROSS",
        "targetSelection": "ALL",
        "targetType": "LINE_ITEM",
        "value": {"__typename": "MoneyV2", "amount": "5.0", "currencyCode": "USD"},
    }
    line_items: list[JSON] = [
        {
            "id": f"gid://shopify/LineItem/{base + 1}",
            "name": "Hoodie - Black / M",
            "title": "Hoodie",
            "variantTitle": "Black / M",
            "sku": "HOOD-BLK-M",
            "vendor": "Sandbox Goods",
            "quantity": 2,
            "currentQuantity": 1 if refunded else 2,
            "isGiftCard": False,
            "taxable": True,
            "requiresShipping": True,
            "originalUnitPriceSet": money_bag("25.00"),
            "originalTotalSet": money_bag("50.00"),
            "discountedTotalSet": money_bag("45.00"),
            "discountedUnitPriceSet": money_bag("22.50"),
            "totalDiscountSet": money_bag("5.00"),
            "discountAllocations": [
                {"allocatedAmountSet": money_bag("5.00"), "discountApplication": {"index": 0}}
            ],
            "taxLines": [_tax_line("3.60")],
            "product": {"id": "gid://shopify/Product/11", "title": "Hoodie"},
            "variant": {
                "id": "gid://shopify/ProductVariant/111",
                "title": "Black / M",
                "sku": "HOOD-BLK-M",
            },
        },
        {
            "id": f"gid://shopify/LineItem/{base + 2}",
            "name": "Gift Card - $20",
            "title": "Gift Card",
            "variantTitle": "$20",
            "sku": None,
            "vendor": "Sandbox Goods",
            "quantity": 1,
            "currentQuantity": 1,
            "isGiftCard": True,
            "taxable": False,
            "requiresShipping": False,
            "originalUnitPriceSet": money_bag("20.00"),
            "originalTotalSet": money_bag("20.00"),
            "discountedTotalSet": money_bag("20.00"),
            "discountedUnitPriceSet": money_bag("20.00"),
            "totalDiscountSet": money_bag("0.00"),
            "discountAllocations": [],
            "taxLines": [],
            "product": None,
            "variant": None,
        },
    ]
    shipping_lines = [
        {
            "id": f"gid://shopify/ShippingLine/{base + 3}",
            "title": "Standard",
            "code": "STANDARD",
            "source": "shopify",
            "isRemoved": False,
            "originalPriceSet": money_bag("10.00"),
            "discountedPriceSet": money_bag("10.00"),
            "discountAllocations": [],
            "taxLines": [_tax_line("0.80")],
        }
    ]
    # 45.00 + 20.00 + 10.00 shipping + 4.40 tax = 79.40
    transactions = [_transaction(base + 4, "SALE", "79.40", processed_at, test=test)]
    refunds: list[JSON] = []
    refunded_total = "0"
    if refunded:
        refund_txn = _transaction(base + 6, "REFUND", "24.30", updated, test=test)
        refund_txn["parentTransaction"] = {"id": transactions[0]["id"]}
        refunds.append(
            {
                "id": f"gid://shopify/Refund/{base + 5}",
                "createdAt": updated,
                "updatedAt": updated,
                "note": "Wrong size",
                "totalRefundedSet": money_bag("24.30"),
                "refundLineItems": [
                    {
                        "lineItem": {
                            "id": line_items[0]["id"],
                            "sku": "HOOD-BLK-M",
                            "name": "Hoodie - Black / M",
                        },
                        "quantity": 1,
                        "restockType": "RETURN",
                        "priceSet": money_bag("22.50"),
                        "subtotalSet": money_bag("22.50"),
                        "totalTaxSet": money_bag("1.80"),
                    }
                ],
                "refundShippingLines": [],
                "orderAdjustments": [],
                "transactions": [refund_txn],
            }
        )
        refunded_total = "24.30"
    net = Decimal("79.40") - Decimal(refunded_total)
    return {
        "id": f"gid://shopify/Order/{legacy}",
        "legacyResourceId": str(legacy),
        "name": f"#{number}",
        "number": number,
        "createdAt": created,
        "processedAt": processed_at,
        "updatedAt": updated,
        "cancelledAt": cancelled_at,
        "cancelReason": "CUSTOMER" if cancelled_at else None,
        "closedAt": closed_at,
        "currencyCode": "USD",
        "presentmentCurrencyCode": "USD",
        "test": test,
        "taxesIncluded": False,
        "taxExempt": False,
        "edited": False,
        "sourceName": source_name,
        "tags": list(tags or []),
        "email": f"customer{number}@example.com",
        "note": None,
        "customer": {
            "id": f"gid://shopify/Customer/{900 + number}",
            "displayName": f"Customer {number}",
            "firstName": "Customer",
            "lastName": str(number),
            "email": f"customer{number}@example.com",
        },
        "displayFinancialStatus": "PARTIALLY_REFUNDED" if refunded else financial_status,
        "displayFulfillmentStatus": fulfillment_status,
        "subtotalPriceSet": money_bag("65.00"),
        "totalDiscountsSet": money_bag("5.00"),
        "totalShippingPriceSet": money_bag("10.00"),
        "totalTaxSet": money_bag("4.40"),
        "totalPriceSet": money_bag("79.40"),
        "totalTipReceivedSet": money_bag("0"),
        "currentSubtotalPriceSet": money_bag("42.50" if refunded else "65.00"),
        "currentTotalDiscountsSet": money_bag("5.00"),
        "currentTotalTaxSet": money_bag("2.60" if refunded else "4.40"),
        "currentTotalPriceSet": money_bag(net),
        "totalReceivedSet": money_bag("79.40"),
        "totalRefundedSet": money_bag(refunded_total),
        "totalRefundedShippingSet": money_bag("0"),
        "netPaymentSet": money_bag(net),
        "totalOutstandingSet": money_bag("0"),
        "paymentGatewayNames": ["shopify_payments"],
        "discountCodes": ["WELCOME5"],
        "taxLines": [_tax_line("4.40")],
        "lineItems": line_items,
        "shippingLines": shipping_lines,
        "discountApplications": [discount_application],
        "refunds": refunds,
        "transactions": transactions,
    }


def _summary(**amounts: str) -> JSON:
    names = [
        "chargesGross",
        "chargesFee",
        "refundsFeeGross",
        "refundsFee",
        "adjustmentsGross",
        "adjustmentsFee",
        "reservedFundsGross",
        "reservedFundsFee",
        "retriedPayoutsGross",
        "retriedPayoutsFee",
        "advanceGross",
        "advanceFees",
    ]
    return {name: money(amounts.get(name, "0")) for name in names}


def sample_payout(
    legacy: int,
    *,
    issued_at: str,
    net: str,
    status: str = "PAID",
    transaction_type: str = "DEPOSIT",
) -> JSON:
    return {
        "id": f"gid://shopify/ShopifyPaymentsPayout/{legacy}",
        "legacyResourceId": str(legacy),
        "issuedAt": issued_at,
        "status": status,
        "net": money(net),
        "transactionType": transaction_type,
        "externalTraceId": f"TRACE{legacy}",
        "summary": _summary(chargesGross=net),
    }


def sample_balance_transaction(
    legacy: int,
    *,
    type: str,
    amount: str,
    fee: str = "0",
    transaction_date: str,
    payout: JSON | None = None,
    order: JSON | None = None,
    test: bool = False,
) -> JSON:
    """A balance transaction; ``payout`` None means not yet paid out (``PENDING``)."""
    net = Decimal(amount) - Decimal(fee)
    source_type = "TRANSFER" if type.startswith("TRANSFER") else "CHARGE"
    return {
        "id": f"gid://shopify/ShopifyPaymentsBalanceTransaction/{legacy}",
        "type": type,
        "test": test,
        "amount": money(amount),
        "fee": money(fee),
        "net": money(net),
        "transactionDate": transaction_date,
        "sourceId": str(legacy + 7),
        "sourceType": source_type,
        "sourceOrderTransactionId": None if order is None else str(legacy + 9),
        "associatedOrder": None if order is None else {"id": order["id"], "name": order["name"]},
        "associatedPayout": {"id": None, "status": "PENDING"}
        if payout is None
        else {"id": payout["id"], "status": payout["status"]},
        "adjustmentReason": None,
    }


def sample_dispute(
    legacy: int, *, initiated_at: str, order: JSON | None = None, status: str = "NEEDS_RESPONSE"
) -> JSON:
    return {
        "id": f"gid://shopify/ShopifyPaymentsDispute/{legacy}",
        "type": "CHARGEBACK",
        "status": status,
        "amount": money("79.40"),
        "reasonDetails": {"reason": "FRAUDULENT", "networkReasonCode": "4837"},
        "initiatedAt": initiated_at,
        "evidenceDueBy": "2026-11-20",
        "evidenceSentOn": None,
        "finalizedOn": None,
        "order": None if order is None else {"id": order["id"], "name": order["name"]},
    }


def sample_store(**overrides: Any) -> ShopifyStore:
    """An empty shop (no orders yet) with the sandbox credentials."""
    return ShopifyStore(shop=sample_shop(), **overrides)
