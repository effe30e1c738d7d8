"""The GraphQL documents we send. Field names are Shopify's own; the emulator validates them."""

from __future__ import annotations

MONEY_BAG = "shopMoney { amount currencyCode } presentmentMoney { amount currencyCode }"
TAX_LINES = f"taxLines {{ title rate ratePercentage channelLiable priceSet {{ {MONEY_BAG} }} }}"
ALLOCATIONS = (
    f"discountAllocations {{ allocatedAmountSet {{ {MONEY_BAG} }} "
    "discountApplication { index } }"
)
TRANSACTION_FIELDS = f"""
  id kind status gateway formattedGateway processedAt createdAt test paymentId
  amountSet {{ {MONEY_BAG} }}
  parentTransaction {{ id }}
  fees {{ id type rate rateName flatFeeName
          amount {{ amount currencyCode }} flatFee {{ amount currencyCode }}
          taxAmount {{ amount currencyCode }} }}
"""

SHOP_QUERY = """
query Shop {
  shop { id name email myshopifyDomain currencyCode ianaTimezone taxesIncluded
         primaryDomain { host url } }
}
"""

ORDER_FIELDS = f"""
  id legacyResourceId name number createdAt processedAt updatedAt cancelledAt cancelReason
  closedAt currencyCode presentmentCurrencyCode test taxesIncluded taxExempt edited sourceName
  tags email note displayFinancialStatus displayFulfillmentStatus paymentGatewayNames
  discountCodes
  customer {{ id displayName firstName lastName email }}
  subtotalPriceSet {{ {MONEY_BAG} }} totalDiscountsSet {{ {MONEY_BAG} }}
  totalShippingPriceSet {{ {MONEY_BAG} }} totalTaxSet {{ {MONEY_BAG} }}
  totalPriceSet {{ {MONEY_BAG} }} totalTipReceivedSet {{ {MONEY_BAG} }}
  currentSubtotalPriceSet {{ {MONEY_BAG} }} currentTotalDiscountsSet {{ {MONEY_BAG} }}
  currentTotalTaxSet {{ {MONEY_BAG} }} currentTotalPriceSet {{ {MONEY_BAG} }}
  totalReceivedSet {{ {MONEY_BAG} }} totalRefundedSet {{ {MONEY_BAG} }}
  totalRefundedShippingSet {{ {MONEY_BAG} }} netPaymentSet {{ {MONEY_BAG} }}
  totalOutstandingSet {{ {MONEY_BAG} }}
  {TAX_LINES}
  lineItems(first: 50) {{ nodes {{
    id name title variantTitle sku vendor quantity currentQuantity isGiftCard taxable
    requiresShipping
    originalUnitPriceSet {{ {MONEY_BAG} }} originalTotalSet {{ {MONEY_BAG} }}
    discountedTotalSet {{ {MONEY_BAG} }} totalDiscountSet {{ {MONEY_BAG} }}
    {ALLOCATIONS} {TAX_LINES}
    product {{ id title }} variant {{ id title sku }}
  }} }}
  shippingLines(first: 5) {{ nodes {{
    id title code source isRemoved
    originalPriceSet {{ {MONEY_BAG} }} discountedPriceSet {{ {MONEY_BAG} }}
    {ALLOCATIONS} {TAX_LINES}
  }} }}
  refunds {{
    id createdAt updatedAt note totalRefundedSet {{ {MONEY_BAG} }}
    refundLineItems(first: 50) {{ nodes {{
      quantity restockType lineItem {{ id sku name }}
      priceSet {{ {MONEY_BAG} }} subtotalSet {{ {MONEY_BAG} }} totalTaxSet {{ {MONEY_BAG} }}
    }} }}
    refundShippingLines(first: 5) {{ nodes {{
      shippingLine {{ id title }}
      subtotalAmountSet {{ {MONEY_BAG} }} taxAmountSet {{ {MONEY_BAG} }}
    }} }}
    orderAdjustments(first: 10) {{ nodes {{
      id reason amountSet {{ {MONEY_BAG} }} taxAmountSet {{ {MONEY_BAG} }}
    }} }}
    transactions(first: 10) {{ nodes {{ {TRANSACTION_FIELDS} }} }}
  }}
  transactions {{ {TRANSACTION_FIELDS} }}
"""

ORDERS_QUERY = f"""
query Orders($first: Int!, $after: String, $query: String) {{
  orders(first: $first, after: $after, sortKey: UPDATED_AT, query: $query) {{
    pageInfo {{ hasNextPage endCursor }}
    nodes {{ {ORDER_FIELDS} }}
  }}
}}
"""

MONEY_V2 = "amount currencyCode"
PAYOUTS_QUERY = f"""
query Payouts($first: Int!, $after: String, $query: String) {{
  shopifyPaymentsAccount {{
    payouts(first: $first, after: $after, sortKey: ISSUED_AT, query: $query) {{
      pageInfo {{ hasNextPage endCursor }}
      nodes {{
        id legacyResourceId issuedAt status transactionType externalTraceId
        net {{ {MONEY_V2} }}
        summary {{
          chargesGross {{ {MONEY_V2} }} chargesFee {{ {MONEY_V2} }}
          refundsFeeGross {{ {MONEY_V2} }} refundsFee {{ {MONEY_V2} }}
          adjustmentsGross {{ {MONEY_V2} }} adjustmentsFee {{ {MONEY_V2} }}
          reservedFundsGross {{ {MONEY_V2} }} reservedFundsFee {{ {MONEY_V2} }}
          retriedPayoutsGross {{ {MONEY_V2} }} retriedPayoutsFee {{ {MONEY_V2} }}
          advanceGross {{ {MONEY_V2} }} advanceFees {{ {MONEY_V2} }}
        }}
      }}
    }}
  }}
}}
"""

BALANCE_TRANSACTIONS_QUERY = f"""
query BalanceTransactions($first: Int!, $after: String, $query: String) {{
  shopifyPaymentsAccount {{
    balanceTransactions(first: $first, after: $after, query: $query) {{
      pageInfo {{ hasNextPage endCursor }}
      nodes {{
        id type test transactionDate sourceId sourceType sourceOrderTransactionId
        adjustmentReason
        amount {{ {MONEY_V2} }} fee {{ {MONEY_V2} }} net {{ {MONEY_V2} }}
        associatedOrder {{ id name }}
        associatedPayout {{ id status }}
      }}
    }}
  }}
}}
"""
