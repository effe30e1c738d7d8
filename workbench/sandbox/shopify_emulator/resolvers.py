"""Field resolvers: the fields whose value is not simply the same key of the node dict.

Connections are built here from the plain lists the generator stores (``lineItems`` is a list in
the data and a ``LineItemConnection`` on the wire), top-level connections page over the sorted
indexes, and a few references the generator keeps short (``refundLineItems[].lineItem`` holds
only ``{id sku name}``) are resolved to the full node so any field Shopify offers can be asked.
Every resolver takes ``(parent, args, ctx, path)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from workbench.sandbox.dataset import JSON
from workbench.sandbox.shopify_emulator.executor import (
    ExecContext,
    FieldError,
    PathLink,
    Resolver,
    TypeResolver,
    path_of,
)
from workbench.sandbox.shopify_emulator.paging import (
    INVALID_CURSOR,
    PageArgs,
    PagingError,
    Seek,
    cursor_text,
    decode_cursor,
    edges_of,
    encode_cursor,
    keyset_page,
    list_page,
    page_args,
)
from workbench.sandbox.shopify_emulator.search import (
    FieldSpec,
    Predicate,
    Search,
    SearchSyntaxError,
    compile_search,
    shop_zone,
)
from workbench.sandbox.shopify_emulator.search_fields import (
    DISPUTE_FIELDS,
    ORDER_FIELDS,
    PAYOUT_FIELDS,
    _balance_fields,
    _order_text,
)
from workbench.sandbox.shopify_emulator.state import Collection, Record, ShopifyEmulator
from workbench.sandbox.shopify_emulator.wire import decimal_out, gid_type, legacy_id

NODE_TYPES = {
    "Order",
    "LineItem",
    "Refund",
    "OrderTransaction",
    "OrderAdjustment",
    "RefundShippingLine",
    "ShopifyPaymentsPayout",
    "ShopifyPaymentsBalanceTransaction",
    "ShopifyPaymentsDispute",
    "BulkOperation",
}


def _emulator(ctx: ExecContext) -> ShopifyEmulator:
    emulator: ShopifyEmulator = ctx.emulator
    return emulator


def _paging(args: Mapping[str, Any], ctx: ExecContext) -> PageArgs:
    try:
        return page_args(args, bulk=ctx.bulk is not None)
    except PagingError as exc:
        raise FieldError(str(exc)) from exc


def _nested(items: Any, args: dict[str, Any], ctx: ExecContext) -> dict[str, Any]:
    """A connection over a list stored in the node (an order's line items, ...)."""
    paging = _paging(args, ctx)
    try:
        connection = list_page(items or (), paging)
    except PagingError as exc:
        raise FieldError(str(exc)) from exc
    ctx.cost += 2
    return connection


def _list_field(key: str) -> Resolver:
    """A plain list with Shopify's ``first:`` truncation (``refunds(first:)``)."""

    def resolve(obj: JSON, args: dict[str, Any], ctx: ExecContext, link: PathLink) -> Any:
        items = obj.get(key) or []
        first = args.get("first")
        return items if first is None else items[: max(0, first)]

    return resolve


def _connection_field(key: str) -> Resolver:
    def resolve(obj: JSON, args: dict[str, Any], ctx: ExecContext, link: PathLink) -> Any:
        return _nested(obj.get(key), args, ctx)

    return resolve


def _shipping_lines(obj: JSON, args: dict[str, Any], ctx: ExecContext, link: PathLink) -> Any:
    lines = obj.get("shippingLines") or []
    if not args.get("includeRemovals"):
        lines = [line for line in lines if not line.get("isRemoved")]
    return _nested(lines, args, ctx)


def _legacy_resource_id(obj: JSON, args: dict[str, Any], ctx: ExecContext, link: PathLink) -> Any:
    value = obj.get("legacyResourceId")
    if value is not None:
        return value
    return str(legacy_id(obj.get("id")))


def _order_of(obj: JSON, ctx: ExecContext) -> JSON | None:
    return _emulator(ctx).owner_of(obj.get("id")) or ctx.order


def _parent_order(obj: JSON, args: dict[str, Any], ctx: ExecContext, link: PathLink) -> Any:
    return _order_of(obj, ctx)


def _full_child(key: str) -> Resolver:
    """Follow a short reference (``{id sku name}``) to the full node of the same order."""

    def resolve(obj: JSON, args: dict[str, Any], ctx: ExecContext, link: PathLink) -> Any:
        ref = obj.get(key)
        if not isinstance(ref, dict):
            return ref
        full = _emulator(ctx).child(ref.get("id"))
        if full is None and ctx.order is not None and key == "shippingLine":
            for line in ctx.order.get("shippingLines") or ():
                if line.get("id") == ref.get("id") or line.get("title") == ref.get("title"):
                    return line
        return full if full is not None else ref

    return resolve


def _refund_processed_at(obj: JSON, args: dict[str, Any], ctx: ExecContext, link: PathLink) -> Any:
    """Newer API versions have ``Refund.processedAt``; older data has only ``createdAt``."""
    return obj.get("processedAt") or obj.get("createdAt") or obj.get("updatedAt")


def _restocked(obj: JSON, args: dict[str, Any], ctx: ExecContext, link: PathLink) -> Any:
    if "restocked" in obj:
        return obj["restocked"]
    return obj.get("restockType") not in (None, "NO_RESTOCK")


def _allocations(obj: JSON, args: dict[str, Any], ctx: ExecContext, link: PathLink) -> Any:
    """Allocations whose ``discountApplication`` is the order's full application.

    The generator stores only ``{index}`` there (as Shopify's bulk exports do); the API resolves
    the reference, so a query may ask for ``code`` or ``value`` through it.
    """
    allocations = obj.get("discountAllocations")
    if not allocations:
        return allocations
    order = ctx.order or _emulator(ctx).owner_of(obj.get("id"))
    applications = (order or {}).get("discountApplications") or []
    by_index = {app.get("index"): app for app in applications}
    out = []
    for allocation in allocations:
        ref = allocation.get("discountApplication")
        if isinstance(ref, dict) and set(ref) <= {"index"} and ref.get("index") in by_index:
            allocation = {**allocation, "discountApplication": by_index[ref["index"]]}
        out.append(allocation)
    return out


def _cursor_field(key: str) -> Resolver:
    def resolve(obj: JSON, args: dict[str, Any], ctx: ExecContext, link: PathLink) -> Any:
        return cursor_text(obj.get(key))

    return resolve


def _edges(obj: JSON, args: dict[str, Any], ctx: ExecContext, link: PathLink) -> Any:
    return edges_of(obj.get("edges"))


# --- root fields -------------------------------------------------------------------------------


def _shop(obj: Any, args: dict[str, Any], ctx: ExecContext, link: PathLink) -> Any:
    return _emulator(ctx).store.shop


def _order(obj: Any, args: dict[str, Any], ctx: ExecContext, link: PathLink) -> Any:
    return _emulator(ctx).order(args["id"])


def _lookup(emulator: ShopifyEmulator, gid: str, ctx: ExecContext) -> JSON | None:
    kind = gid_type(gid)
    if kind not in NODE_TYPES:
        return None
    if kind == "Order":
        return emulator.order(gid)
    if kind == "ShopifyPaymentsPayout":
        return emulator.payouts.get(gid)
    if kind == "ShopifyPaymentsBalanceTransaction":
        return emulator.balance_transactions.get(gid)
    if kind == "ShopifyPaymentsDispute":
        return emulator.disputes.get(gid)
    if kind == "BulkOperation":
        operation = emulator.bulk.get(gid)
        return None if operation is None else emulator.bulk.node(operation)
    found = emulator.children.get(gid)
    if found is None:
        return None
    ctx.order = found[1]
    return found[0]


def _node(obj: Any, args: dict[str, Any], ctx: ExecContext, link: PathLink) -> Any:
    return _lookup(_emulator(ctx), args["id"], ctx)


def _nodes(obj: Any, args: dict[str, Any], ctx: ExecContext, link: PathLink) -> Any:
    emulator = _emulator(ctx)
    ids = args["ids"]
    if len(ids) > 250:
        raise FieldError("The maximum number of ids is 250.")
    return [_lookup(emulator, gid, ctx) for gid in ids]


def _payments_account(obj: Any, args: dict[str, Any], ctx: ExecContext, link: PathLink) -> Any:
    shop = _emulator(ctx).store.shop
    return {
        "id": "gid://shopify/ShopifyPaymentsAccount/1",
        "activated": True,
        "defaultCurrency": shop.get("currencyCode", "USD"),
    }


def _balance(obj: Any, args: dict[str, Any], ctx: ExecContext, link: PathLink) -> Any:
    """Funds not yet in a payout: the net of every PENDING balance transaction, per currency."""
    emulator = _emulator(ctx)
    totals: dict[str, Decimal] = {}
    for record in emulator.balance_transactions.by_gid.values():
        node = record.node
        if (node.get("associatedPayout") or {}).get("status") != "PENDING" or node.get("test"):
            continue
        net = node.get("net") or {}
        currency = str(net.get("currencyCode") or (node.get("amount") or {}).get("currencyCode"))
        try:
            amount = Decimal(str(net.get("amount", "0")))
        except InvalidOperation:
            continue
        totals[currency] = totals.get(currency, Decimal(0)) + amount
    if not totals:
        totals[emulator.store.shop.get("currencyCode", "USD")] = Decimal(0)
    return [
        {"amount": decimal_out(amount), "currencyCode": code} for code, amount in totals.items()
    ]


def _dispute_order(obj: JSON, args: dict[str, Any], ctx: ExecContext, link: PathLink) -> Any:
    ref = obj.get("order")
    if not isinstance(ref, dict):
        return None
    return _emulator(ctx).order(ref.get("id", ""))


def _adjustments_orders(obj: JSON, args: dict[str, Any], ctx: ExecContext, link: PathLink) -> Any:
    return obj.get("adjustmentsOrders") or []


# --- top-level connections -----------------------------------------------------------------------


def _keyset_connection(
    ctx: ExecContext,
    link: PathLink,
    args: dict[str, Any],
    collection: Collection,
    sort_name: str,
    time_field: str | None,
    fields: Mapping[str, FieldSpec],
    *,
    default: Callable[[str], Predicate] | None = None,
    extra: Predicate | None = None,
    flip: bool = False,
) -> dict[str, Any]:
    paging = _paging(args, ctx)
    if flip:
        paging = PageArgs(
            paging.first, paging.after, paging.last, paging.before, not paging.reverse
        )
    search = _search(ctx, link, args.get("query"), fields, default)
    predicate = search.predicate
    if extra is not None:
        inner = predicate
        predicate = extra if inner is None else (lambda r: extra(r) and inner(r))
    seek = _seek(search, time_field)
    spec = collection.sorts[sort_name]

    def cursor_key(text: str) -> tuple[Any, int]:
        last_id, last_value = decode_cursor(text)
        try:
            return spec.from_text(last_value), last_id
        except (ValueError, InvalidOperation) as exc:
            raise PagingError(INVALID_CURSOR) from exc

    def cursor_of(record: Record) -> str:
        return encode_cursor(record.id, spec.to_text(spec.value(record)))

    index = collection.index(sort_name)
    if ctx.bulk is not None:
        # A bulk run reads the whole connection: take its snapshot once, then serve windows.
        if ctx.bulk.records is None:
            every = PageArgs(len(index), None, None, None, paging.reverse)
            page = keyset_page(
                index, every, cursor_key=cursor_key, cursor_of=cursor_of,
                matches=predicate, seek=seek,
            )  # fmt: skip
            ctx.bulk.records = page.items
        return ctx.bulk.page(cursor_of).connection(_record_node)
    try:
        page = keyset_page(
            index,
            paging,
            cursor_key=cursor_key,
            cursor_of=cursor_of,
            matches=predicate,
            seek=seek,
        )
    except PagingError as exc:
        raise FieldError(str(exc)) from exc
    ctx.cost += 2
    return page.connection(_record_node)


def _search(
    ctx: ExecContext,
    link: PathLink,
    query: str | None,
    fields: Mapping[str, FieldSpec],
    default: Callable[[str], Predicate] | None,
) -> Search:
    emulator = _emulator(ctx)
    try:
        search = compile_search(
            query, fields, zone=shop_zone(emulator.store.shop.get("ianaTimezone")), default=default
        )
    except SearchSyntaxError as exc:
        raise FieldError(f"Invalid search query: {exc}") from exc
    if search.warnings:
        ctx.extras.setdefault("search", []).append(
            {"path": path_of(link), "query": query, "warnings": search.warnings}
        )
    return search


def _seek(search: Search, time_field: str | None) -> Seek | None:
    bounds = search.bounds.get(time_field) if time_field else None
    if bounds is None:
        return None
    return Seek(
        None if bounds.lo is None else (bounds.lo, bounds.lo_inclusive),
        None if bounds.hi is None else (bounds.hi, bounds.hi_inclusive),
    )


def _record_node(record: Record) -> JSON:
    return record.node


ORDER_SORT_FIELDS = {
    "PROCESSED_AT": "processed_at",
    "UPDATED_AT": "updated_at",
    "CREATED_AT": "created_at",
}


def _orders(obj: Any, args: dict[str, Any], ctx: ExecContext, link: PathLink) -> Any:
    sort = args.get("sortKey") or "PROCESSED_AT"
    return _keyset_connection(
        ctx,
        link,
        args,
        _emulator(ctx).orders,
        sort,
        ORDER_SORT_FIELDS.get(sort),
        ORDER_FIELDS,
        default=_order_text,
    )


def _orders_count(obj: Any, args: dict[str, Any], ctx: ExecContext, link: PathLink) -> Any:
    """``ordersCount``: matching orders up to ``limit`` (default 10,000; null for no limit)."""
    limit = args.get("limit")
    search = _search(ctx, link, args.get("query"), ORDER_FIELDS, _order_text)
    # Seek on whichever time field the search bounds, as the paged connection does.
    sort = next((k for k, f in ORDER_SORT_FIELDS.items() if f in search.bounds), "PROCESSED_AT")
    orders = _emulator(ctx).orders
    index = orders.index(sort)
    wanted = len(index) if limit is None else max(0, limit)
    page = keyset_page(
        index,
        PageArgs(wanted, None, None, None, False),
        cursor_key=lambda _: (0, 0),
        cursor_of=lambda _: "",
        matches=search.predicate,
        seek=_seek(search, ORDER_SORT_FIELDS[sort]),
    )
    return {"count": len(page.items), "precision": "AT_LEAST" if page.has_next else "EXACT"}


def _payouts(obj: Any, args: dict[str, Any], ctx: ExecContext, link: PathLink) -> Any:
    sort = args.get("sortKey") or "ISSUED_AT"
    direction = args.get("transactionType")
    extra = None if direction is None else (lambda r: r.node.get("transactionType") == direction)
    time_field = "issued_at" if sort == "ISSUED_AT" else None
    emulator = _emulator(ctx)
    return _keyset_connection(
        ctx, link, args, emulator.payouts, sort, time_field, PAYOUT_FIELDS, extra=extra
    )


def _balance_transactions(obj: Any, args: dict[str, Any], ctx: ExecContext, link: PathLink) -> Any:
    sort = args.get("sortKey") or "PROCESSED_AT"
    extra = (lambda r: r.node.get("type") != "TRANSFER") if args.get("hideTransfers") else None
    time_field = "processed_at" if sort == "PROCESSED_AT" else None
    emulator = _emulator(ctx)
    fields = _balance_fields(emulator)
    return _keyset_connection(
        ctx, link, args, emulator.balance_transactions, sort, time_field, fields, extra=extra
    )


def _disputes(obj: Any, args: dict[str, Any], ctx: ExecContext, link: PathLink) -> Any:
    # Shopify lists disputes newest first (its example lists ids in descending order).
    emulator = _emulator(ctx)
    return _keyset_connection(
        ctx,
        link,
        args,
        emulator.disputes,
        "INITIATED_AT",
        "initiated_at",
        DISPUTE_FIELDS,
        flip=True,
    )


# --- abstract types ----------------------------------------------------------------------------


def _node_type(obj: Any, ctx: ExecContext) -> str | None:
    explicit = obj.get("__typename")
    if isinstance(explicit, str):
        return explicit
    gid = obj.get("id")
    return gid_type(gid) if isinstance(gid, str) else None


def _discount_type(obj: Any, ctx: ExecContext) -> str | None:
    explicit = obj.get("__typename")
    if isinstance(explicit, str):
        return explicit
    if "code" in obj:
        return "DiscountCodeApplication"
    if "description" in obj:
        return "ManualDiscountApplication"
    return "AutomaticDiscountApplication"


def _pricing_type(obj: Any, ctx: ExecContext) -> str | None:
    explicit = obj.get("__typename")
    if isinstance(explicit, str):
        return explicit
    return "PricingPercentageValue" if "percentage" in obj else "MoneyV2"


TYPE_RESOLVERS: dict[str, TypeResolver] = {
    "Node": _node_type,
    "DiscountApplication": _discount_type,
    "PricingValue": _pricing_type,
}


def build_resolvers(type_names: list[str]) -> dict[tuple[str, str], Resolver]:
    """The resolver table, keyed by ``(type name, field name)``."""
    table: dict[tuple[str, str], Resolver] = {
        ("QueryRoot", "shop"): _shop,
        ("QueryRoot", "order"): _order,
        ("QueryRoot", "orders"): _orders,
        ("QueryRoot", "ordersCount"): _orders_count,
        ("QueryRoot", "node"): _node,
        ("QueryRoot", "nodes"): _nodes,
        ("QueryRoot", "shopifyPaymentsAccount"): _payments_account,
        ("Order", "legacyResourceId"): _legacy_resource_id,
        ("Order", "lineItems"): _connection_field("lineItems"),
        ("Order", "shippingLines"): _shipping_lines,
        ("Order", "discountApplications"): _connection_field("discountApplications"),
        ("Order", "refunds"): _list_field("refunds"),
        ("Order", "transactions"): _list_field("transactions"),
        ("LineItem", "taxLines"): _list_field("taxLines"),
        ("LineItem", "discountAllocations"): _allocations,
        ("ShippingLine", "discountAllocations"): _allocations,
        ("Refund", "legacyResourceId"): _legacy_resource_id,
        ("Refund", "order"): _parent_order,
        ("Refund", "processedAt"): _refund_processed_at,
        ("Refund", "refundLineItems"): _connection_field("refundLineItems"),
        ("Refund", "refundShippingLines"): _connection_field("refundShippingLines"),
        ("Refund", "orderAdjustments"): _connection_field("orderAdjustments"),
        ("Refund", "transactions"): _connection_field("transactions"),
        ("RefundLineItem", "lineItem"): _full_child("lineItem"),
        ("RefundLineItem", "restocked"): _restocked,
        ("RefundShippingLine", "shippingLine"): _full_child("shippingLine"),
        ("OrderTransaction", "order"): _parent_order,
        ("OrderTransaction", "parentTransaction"): _full_child("parentTransaction"),
        ("ShopifyPaymentsAccount", "balance"): _balance,
        ("ShopifyPaymentsAccount", "payouts"): _payouts,
        ("ShopifyPaymentsAccount", "balanceTransactions"): _balance_transactions,
        ("ShopifyPaymentsAccount", "disputes"): _disputes,
        ("ShopifyPaymentsPayout", "legacyResourceId"): _legacy_resource_id,
        ("ShopifyPaymentsDispute", "legacyResourceId"): _legacy_resource_id,
        ("ShopifyPaymentsDispute", "order"): _dispute_order,
        ("ShopifyPaymentsBalanceTransaction", "adjustmentsOrders"): _adjustments_orders,
    }
    table[("PageInfo", "startCursor")] = _cursor_field("startCursor")
    table[("PageInfo", "endCursor")] = _cursor_field("endCursor")
    for name in type_names:
        if name.endswith("Edge"):
            table[(name, "cursor")] = _cursor_field("cursor")
        elif name.endswith("Connection"):
            table[(name, "edges")] = _edges
    return table
