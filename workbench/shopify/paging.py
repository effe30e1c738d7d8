"""Reading whole connections within Shopify's per-query cost cap.

A page that would cost more than Shopify allows is refused with MAX_COST_EXCEEDED and the
requested cost; the page size is then scaled down to fit and the same page asked again. Orders
are completed before they are handed on: nested connections that did not fit their first page
are followed to the end, and refund details are fetched in batches, so what reaches the store is
always the whole order.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from workbench.shopify import queries
from workbench.shopify.client import ShopifyClient, ShopifyQueryError

JSON = dict[str, Any]
MAX_COST = 1000


@dataclass
class Page:
    nodes: list[JSON]
    end_cursor: str | None
    has_next: bool


def _shrink(first: int, error: ShopifyQueryError) -> int:
    requested, limit = 0, MAX_COST
    for item in error.errors:
        extensions = item.get("extensions") or {}
        if extensions.get("code") == "MAX_COST_EXCEEDED":
            requested = int(extensions.get("cost") or 0)
            limit = int(extensions.get("maxCost") or MAX_COST)
    if requested <= 0 or first <= 1:
        raise error
    # Cost grows linearly with ``first``; keep a margin for the fixed part of the query.
    return max(1, min(first - 1, int(first * limit * 0.95 / requested)))


def pages(
    client: ShopifyClient,
    query: str,
    path: tuple[str, ...],
    *,
    first: int,
    after: str | None = None,
    variables: JSON | None = None,
) -> Iterator[Page]:
    """Every page of a top-level connection, from ``after`` on."""
    while True:
        try:
            data = client.execute(query, {**(variables or {}), "first": first, "after": after})
        except ShopifyQueryError as error:
            if "MAX_COST_EXCEEDED" not in error.codes:
                raise
            first = _shrink(first, error)
            continue
        connection: Any = data
        for key in path:
            connection = connection[key]
        info = connection["pageInfo"]
        page = Page(connection["nodes"], info.get("endCursor"), bool(info["hasNextPage"]))
        yield page
        if not page.has_next:
            return
        after = page.end_cursor


def complete_connection(
    client: ShopifyClient, owner: JSON, type_name: str, field: str, fields: str
) -> None:
    """Follow one nested connection of ``owner`` to its end, in place."""
    connection = owner.get(field)
    if not isinstance(connection, dict) or "pageInfo" not in connection:
        return
    query = queries.follow_up_query(type_name, field, fields)
    while connection["pageInfo"].get("hasNextPage"):
        data = client.execute(
            query,
            {
                "id": owner["id"],
                "first": queries.FOLLOW_UP_FIRST,
                "after": connection["pageInfo"]["endCursor"],
            },
        )
        more = (data.get("node") or {}).get(field)
        if not more:
            raise ShopifyQueryError(
                f"Shopify stopped returning {field} of {owner['id']} half-way", []
            )
        connection["nodes"].extend(more["nodes"])
        connection["pageInfo"] = more["pageInfo"]


def complete_orders(client: ShopifyClient, orders: list[JSON], refund_batch: int = 6) -> None:
    """Make every order in a page whole: overflowing lines, and each refund's details."""
    for order in orders:
        for field, (fields, _) in queries.ORDER_CONNECTIONS.items():
            complete_connection(client, order, "Order", field, fields)
    refunds = [refund for order in orders for refund in order.get("refunds") or []]
    start = 0
    while start < len(refunds):
        batch = refunds[start : start + refund_batch]
        try:
            data = client.execute(queries.REFUND_DETAILS_QUERY, {"ids": [r["id"] for r in batch]})
        except ShopifyQueryError as error:
            if "MAX_COST_EXCEEDED" not in error.codes:
                raise
            refund_batch = _shrink(len(batch), error)
            continue
        start += len(batch)
        details = {d["id"]: d for d in data.get("nodes") or [] if d}
        for refund in batch:
            detail = details.get(refund["id"])
            if detail is None:
                raise ShopifyQueryError(f"Shopify returned no details for {refund['id']}", [])
            for field, (fields, _) in queries.REFUND_CONNECTIONS.items():
                complete_connection(client, detail, "Refund", field, fields)
            refund.update(detail)
