"""Resolvers of the bulk operation fields: the two mutations, ``currentBulkOperation`` and the
download links (served as paths by the registry, made absolute with the request's base URL so
the same link works in-process and on loopback)."""

from __future__ import annotations

from typing import Any

from workbench.sandbox.shopify_emulator.bulk_query import BulkQueryInvalid
from workbench.sandbox.shopify_emulator.executor import ExecContext, PathLink, Resolver
from workbench.sandbox.shopify_emulator.state import ShopifyEmulator

BUSY = "A bulk query operation for this app and shop is already in progress: {}."


def _emulator(ctx: ExecContext) -> ShopifyEmulator:
    emulator: ShopifyEmulator = ctx.emulator
    return emulator


def _run_query(obj: Any, args: dict[str, Any], ctx: ExecContext, link: PathLink) -> Any:
    bulk = _emulator(ctx).bulk
    if bulk.runner is None:
        raise RuntimeError("bulk operations need the emulator's Engine")
    try:
        plan = bulk.runner.plan(args["query"])
    except BulkQueryInvalid as exc:
        errors = [{"field": ["query"], "message": m, "code": "INVALID"} for m in exc.messages]
        return {"bulkOperation": None, "userErrors": errors}
    active = bulk.active()
    if len(active) >= bulk.concurrency:
        error = {
            "field": None,
            "message": BUSY.format(active[0].id),
            "code": "OPERATION_IN_PROGRESS",
        }
        return {"bulkOperation": None, "userErrors": [error]}
    operation = bulk.create(args["query"], bool(args.get("groupObjects")), plan)
    return {"bulkOperation": bulk.node(operation), "userErrors": []}


def _cancel(obj: Any, args: dict[str, Any], ctx: ExecContext, link: PathLink) -> Any:
    bulk = _emulator(ctx).bulk
    operation, problem = bulk.cancel(args["id"])
    node = None if operation is None else bulk.node(operation)
    errors = [] if problem is None else [{"field": ["id"], "message": problem}]
    return {"bulkOperation": node, "userErrors": errors}


def _current(obj: Any, args: dict[str, Any], ctx: ExecContext, link: PathLink) -> Any:
    if args.get("type", "QUERY") != "QUERY":
        return None  # the sandbox has no bulk mutations
    bulk = _emulator(ctx).bulk
    operation = bulk.current()
    return None if operation is None else bulk.node(operation)


def _absolute(key: str) -> Resolver:
    def resolve(obj: Any, args: dict[str, Any], ctx: ExecContext, link: PathLink) -> Any:
        path = obj.get(key)
        if path is None:
            return None
        base = ctx.extras.get("base_url") or (
            f"https://{_emulator(ctx).store.shop.get('myshopifyDomain', 'shop.myshopify.com')}"
        )
        return f"{str(base).rstrip('/')}{path}"

    return resolve


BULK_RESOLVERS: dict[tuple[str, str], Resolver] = {
    ("Mutation", "bulkOperationRunQuery"): _run_query,
    ("Mutation", "bulkOperationCancel"): _cancel,
    ("QueryRoot", "currentBulkOperation"): _current,
    ("BulkOperation", "url"): _absolute("url"),
    ("BulkOperation", "partialDataUrl"): _absolute("partialDataUrl"),
}
