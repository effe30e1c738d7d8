"""The GraphQL documents we send. Field names are Shopify's own; the emulator validates them.

Shopify refuses any query whose *requested* cost exceeds 1,000 points, and a connection costs
``2 + first × node``, so nested connections are kept small and carry ``pageInfo``: whatever does
not fit in the first page of a nested connection is fetched afterwards with a ``node(id:)``
query, so a large order is never truncated. Money is read in the shop currency only (the books
are kept in it); the presentment amount is kept for the order total, for display.
"""

from __future__ import annotations

import json

SHOP_MONEY = "shopMoney { amount currencyCode }"
BOTH_MONIES = f"{SHOP_MONEY} presentmentMoney {{ amount currencyCode }}"
MONEY_V2 = "amount currencyCode"
PAGE_INFO = "pageInfo { hasNextPage endCursor }"
TAX_LINES = f"taxLines {{ title rate ratePercentage priceSet {{ {SHOP_MONEY} }} }}"
ALLOCATIONS = f"discountAllocations {{ allocatedAmountSet {{ {SHOP_MONEY} }} }}"

LINE_ITEM_FIELDS = f"""
  id name title variantTitle sku vendor quantity currentQuantity isGiftCard taxable
  requiresShipping
  originalUnitPriceSet {{ {SHOP_MONEY} }}
  {ALLOCATIONS} {TAX_LINES}
  product {{ id title }} variant {{ id title sku }}
"""

SHIPPING_LINE_FIELDS = f"""
  id title code source isRemoved
  originalPriceSet {{ {SHOP_MONEY} }}
  {ALLOCATIONS} {TAX_LINES}
"""

TRANSACTION_FIELDS = f"""
  id kind status gateway processedAt createdAt test paymentId
  amountSet {{ {SHOP_MONEY} }}
  parentTransaction {{ id }}
  fees {{ type rate amount {{ {MONEY_V2} }} }}
"""

REFUND_LINE_FIELDS = f"""
  quantity restockType lineItem {{ id }}
  subtotalSet {{ {SHOP_MONEY} }} totalTaxSet {{ {SHOP_MONEY} }}
"""
REFUND_SHIPPING_FIELDS = f"""
  subtotalAmountSet {{ {SHOP_MONEY} }} taxAmountSet {{ {SHOP_MONEY} }}
"""
ORDER_ADJUSTMENT_FIELDS = f"""
  id reason amountSet {{ {SHOP_MONEY} }} taxAmountSet {{ {SHOP_MONEY} }}
"""

# Nested connections of a paged order and of a refund: field → (node selection, first).
ORDER_CONNECTIONS = {
    "lineItems": (LINE_ITEM_FIELDS, 10),
    "shippingLines": (SHIPPING_LINE_FIELDS, 2),
}
REFUND_CONNECTIONS = {
    "refundLineItems": (REFUND_LINE_FIELDS, 10),
    "refundShippingLines": (REFUND_SHIPPING_FIELDS, 2),
    "orderAdjustments": (ORDER_ADJUSTMENT_FIELDS, 3),
    "transactions": (TRANSACTION_FIELDS, 5),
}
# How many nodes a follow-up page of one nested connection asks for.
FOLLOW_UP_FIRST = 25


def _connections(spec: dict[str, tuple[str, int]]) -> str:
    return "\n".join(
        f"{field}(first: {first}) {{ {PAGE_INFO} nodes {{ {fields} }} }}"
        for field, (fields, first) in spec.items()
    )


SHOP_QUERY = """
query Shop {
  shop { id name email myshopifyDomain currencyCode ianaTimezone taxesIncluded
         primaryDomain { host url } }
}
"""

ORDER_FIELDS = f"""
  id legacyResourceId name number createdAt processedAt updatedAt cancelledAt cancelReason
  closedAt currencyCode presentmentCurrencyCode test taxesIncluded taxExempt edited sourceName
  tags email note displayFinancialStatus paymentGatewayNames discountCodes
  customer {{ id displayName }}
  subtotalPriceSet {{ {SHOP_MONEY} }} totalDiscountsSet {{ {SHOP_MONEY} }}
  totalShippingPriceSet {{ {SHOP_MONEY} }} totalTaxSet {{ {SHOP_MONEY} }}
  totalPriceSet {{ {BOTH_MONIES} }} totalTipReceivedSet {{ {SHOP_MONEY} }}
  currentTotalPriceSet {{ {SHOP_MONEY} }}
  totalReceivedSet {{ {SHOP_MONEY} }} totalRefundedSet {{ {SHOP_MONEY} }}
  {TAX_LINES}
  {_connections(ORDER_CONNECTIONS)}
  refunds {{ id createdAt note totalRefundedSet {{ {SHOP_MONEY} }} }}
  transactions {{ {TRANSACTION_FIELDS} }}
"""

ORDERS_QUERY = f"""
query Orders($first: Int!, $after: String, $query: String) {{
  orders(first: $first, after: $after, sortKey: UPDATED_AT, query: $query) {{
    {PAGE_INFO}
    nodes {{ {ORDER_FIELDS} }}
  }}
}}
"""

REFUND_DETAILS_QUERY = f"""
query RefundDetails($ids: [ID!]!) {{
  nodes(ids: $ids) {{
    ... on Refund {{ id {_connections(REFUND_CONNECTIONS)} }}
  }}
}}
"""


def follow_up_query(type_name: str, field: str, fields: str) -> str:
    """The next page of one nested connection of one node (an order's lines, a refund's…)."""
    return f"""
query More($id: ID!, $first: Int!, $after: String) {{
  node(id: $id) {{
    ... on {type_name} {{
      {field}(first: $first, after: $after) {{ {PAGE_INFO} nodes {{ {fields} }} }}
    }}
  }}
}}
"""


PAYOUTS_QUERY = f"""
query Payouts($first: Int!, $after: String, $query: String) {{
  shopifyPaymentsAccount {{
    payouts(first: $first, after: $after, sortKey: ISSUED_AT, query: $query) {{
      {PAGE_INFO}
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
      {PAGE_INFO}
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

# Disputes change status for weeks after they open (UNDER_REVIEW → WON or LOST), and a shop has
# few of them, so every sync reads them all, newest first, as Shopify lists them.
DISPUTES_QUERY = f"""
query Disputes($first: Int!, $after: String) {{
  shopifyPaymentsAccount {{
    disputes(first: $first, after: $after) {{
      {PAGE_INFO}
      nodes {{
        id legacyResourceId type status initiatedAt evidenceDueBy evidenceSentOn finalizedOn
        amount {{ {MONEY_V2} }}
        reasonDetails {{ reason networkReasonCode }}
        order {{ id name }}
      }}
    }}
  }}
}}
"""

# --- bulk operations (reference/shopify.md §6) ---------------------------------------------------
#
# A bulk query selects connections through ``edges { node }`` and without ``first:``; nested
# connections arrive as rows of their own with ``__parentId``, and ``__typename`` says which
# connection a row belongs to. The order fields are the paged query's, with its connections
# rewritten that way, so a backfill reads exactly what the daily sync reads. Refund details are
# connections under the ``refunds`` list, which bulk refuses; they are fetched afterwards with
# REFUND_DETAILS_QUERY, as the paged sync does.

BULK_ORDER_CONNECTIONS = "\n".join(
    f"{field} {{ edges {{ node {{ __typename {fields} }} }} }}"
    for field, (fields, _) in ORDER_CONNECTIONS.items()
)
assert _connections(ORDER_CONNECTIONS) in ORDER_FIELDS
BULK_ORDER_FIELDS = ORDER_FIELDS.replace(_connections(ORDER_CONNECTIONS), BULK_ORDER_CONNECTIONS)
# Child row type → the order field it belongs to, for re-attaching rows by ``__parentId``.
BULK_ORDER_CHILDREN = {"LineItem": "lineItems", "ShippingLine": "shippingLines"}


def bulk_orders_query(search: str | None) -> str:
    """The inner query of an orders backfill, sorted like the paged sync (by ``updatedAt``)."""
    arguments = "sortKey: UPDATED_AT"
    if search:
        # A JSON string literal is a valid GraphQL string literal.
        arguments += f", query: {json.dumps(search)}"
    return f"{{ orders({arguments}) {{ edges {{ node {{ {BULK_ORDER_FIELDS} }} }} }} }}"


BULK_OPERATION_FIELDS = """
  id status errorCode createdAt completedAt objectCount rootObjectCount fileSize url
  partialDataUrl query
"""

BULK_RUN_QUERY = f"""
mutation BulkRunQuery($query: String!, $groupObjects: Boolean!) {{
  bulkOperationRunQuery(query: $query, groupObjects: $groupObjects) {{
    bulkOperation {{ {BULK_OPERATION_FIELDS} }}
    userErrors {{ field message code }}
  }}
}}
"""

BULK_CANCEL = f"""
mutation BulkCancel($id: ID!) {{
  bulkOperationCancel(id: $id) {{
    bulkOperation {{ {BULK_OPERATION_FIELDS} }}
    userErrors {{ field message }}
  }}
}}
"""

BULK_STATUS_QUERY = f"""
query BulkStatus($id: ID!) {{
  node(id: $id) {{ ... on BulkOperation {{ {BULK_OPERATION_FIELDS} }} }}
}}
"""

CURRENT_BULK_QUERY = f"""
query CurrentBulk {{
  currentBulkOperation(type: QUERY) {{ {BULK_OPERATION_FIELDS} }}
}}
"""

ORDERS_COUNT_QUERY = """
query OrdersCount($query: String, $limit: Int) {
  ordersCount(query: $query, limit: $limit) { count precision }
}
"""
