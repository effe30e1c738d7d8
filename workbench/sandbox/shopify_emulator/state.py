"""The emulator's mutable state: the store, its sorted indexes, tokens and cost buckets.

Records are indexed once (parsed timestamps, legacy ids) and each sort order is kept as a
sorted list updated by bisection, so paging is a seek and an edit is O(log n) plus a list
shift. The stored node dicts are served as they are: nothing is copied per request.
"""

from __future__ import annotations

import gc
import secrets
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from workbench.sandbox.dataset import JSON, ShopifyStore
from workbench.sandbox.shopify_emulator.bulk_ops import BulkOperations
from workbench.sandbox.shopify_emulator.cost import MAX_QUERY_COST, LeakyBucket
from workbench.sandbox.shopify_emulator.paging import SortedIndex
from workbench.sandbox.shopify_emulator.wire import (
    cursor_value_to_micros,
    legacy_id,
    micros_of,
    micros_to_cursor_value,
    micros_to_datetime,
)

DEFAULT_SCOPE = (
    "read_orders,read_all_orders,read_shopify_payments_payouts,read_shopify_payments_disputes"
)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector around bulk work that creates only acyclic objects.

    A sandbox shop is millions of small dicts; every collection the allocations trigger
    rescans all of them and frees nothing (refcounting frees the temporaries). Indexing 20,000
    generated orders takes 3 s with the collector running and 0.3 s without; serving a page
    has the same outliers. The generator pauses it for the same reason.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


@dataclass(slots=True)
class Record:
    """One node with what indexing and searching need, computed once per upsert."""

    node: JSON
    id: int
    times: dict[str, int]


@dataclass(frozen=True)
class SortSpec:
    """A sort key: the value to order by, and its text form inside cursors."""

    value: Callable[[Record], Any]
    to_text: Callable[[Any], str]
    from_text: Callable[[str], Any]


def _time_sort(field: str) -> SortSpec:
    return SortSpec(lambda r: r.times[field], micros_to_cursor_value, cursor_value_to_micros)


def _int_text(text: str) -> int:
    return int(text)


def _total_price(record: Record) -> Decimal:
    try:
        return Decimal(record.node["totalPriceSet"]["shopMoney"]["amount"])
    except (KeyError, TypeError, InvalidOperation):
        return Decimal(0)


ID_SORT = SortSpec(lambda r: r.id, str, _int_text)
ORDER_SORTS: dict[str, SortSpec] = {
    "PROCESSED_AT": _time_sort("processed_at"),
    "UPDATED_AT": _time_sort("updated_at"),
    "CREATED_AT": _time_sort("created_at"),
    "ID": ID_SORT,
    "ORDER_NUMBER": SortSpec(lambda r: int(r.node.get("number") or 0), str, _int_text),
    "TOTAL_PRICE": SortSpec(_total_price, str, Decimal),
}
PAYOUT_SORTS: dict[str, SortSpec] = {"ISSUED_AT": _time_sort("issued_at"), "ID": ID_SORT}
BALANCE_SORTS: dict[str, SortSpec] = {"PROCESSED_AT": _time_sort("processed_at"), "ID": ID_SORT}
DISPUTE_SORTS: dict[str, SortSpec] = {"INITIATED_AT": _time_sort("initiated_at")}


class Collection:
    """A top-level list (orders, payouts, ...) with sort indexes built on first use."""

    def __init__(self, sorts: Mapping[str, SortSpec], time_fields: Mapping[str, str]) -> None:
        self.sorts = dict(sorts)
        self.time_fields = dict(time_fields)  # search field -> node key, e.g. updated_at
        self.by_gid: dict[str, Record] = {}
        self._indexes: dict[str, SortedIndex[Record]] = {}
        self._keys: dict[str, dict[str, tuple[Any, int]]] = {}

    def _record(self, node: JSON) -> Record:
        gid = node.get("id")
        if not isinstance(gid, str):
            raise ValueError(f"node without a GID id: {node!r:.80}")
        times: dict[str, int] = {}
        for field, key in self.time_fields.items():
            value = node.get(key)
            times[field] = micros_of(value) if value is not None else 0
        return Record(node, legacy_id(gid), times)

    def upsert(self, node: JSON) -> tuple[Record, Record | None]:
        """Insert or replace by GID; returns the new record and the one it replaced."""
        record = self._record(node)
        gid: str = node["id"]
        old = self.by_gid.get(gid)
        self.by_gid[gid] = record
        for name, index in self._indexes.items():
            keys = self._keys[name]
            if old is not None:
                index.remove(keys[gid])
            key = (self.sorts[name].value(record), record.id)
            keys[gid] = key
            index.insert(key, record)
        return record, old

    def index(self, name: str) -> SortedIndex[Record]:
        found = self._indexes.get(name)
        if found is None:
            spec = self.sorts[name]
            keys = {gid: (spec.value(r), r.id) for gid, r in self.by_gid.items()}
            found = SortedIndex([(keys[gid], r) for gid, r in self.by_gid.items()])
            self._indexes[name] = found
            self._keys[name] = keys
        return found

    def get(self, gid: str) -> JSON | None:
        record = self.by_gid.get(gid)
        return None if record is None else record.node


@dataclass
class IssuedToken:
    token: str
    expires_at: float | None  # None: the store's static token, which never expires


class ShopifyEmulator:
    """A Shopify shop as the Admin GraphQL API shows it, with state tests can reach and edit.

    ``throttle=False`` keeps cost reporting but never refuses a query; ``max_query_cost`` is
    Shopify's 1000-point single-query cap (``None`` lifts it, for benchmarks that page full
    orders 250 at a time, which the real service would refuse).

    Bulk operations (``self.bulk``) start ``bulk_start_delay`` seconds after they are created
    and count ``bulk_objects_per_second`` on the injected clock; ``bulk_immediate`` completes
    each at its first poll. ``bulk_concurrency`` is how many bulk queries may run at once (one
    per app and shop before 2026-01, five since, per Shopify's guide).
    """

    def __init__(
        self,
        store: ShopifyStore,
        *,
        throttle: bool = True,
        restore_rate: float = 100.0,
        bucket_size: float = 2000.0,
        clock: Callable[[], float] = time.monotonic,
        token_ttl: int = 86400,
        max_query_cost: int | None = MAX_QUERY_COST,
        bulk_start_delay: float = 0.5,
        bulk_objects_per_second: float | None = 20_000.0,
        bulk_immediate: bool = False,
        bulk_concurrency: int = 1,
    ) -> None:
        self.store = store
        self.throttle = throttle
        self.restore_rate = restore_rate
        self.bucket_size = bucket_size
        self.clock = clock
        self.token_ttl = token_ttl
        self.max_query_cost = max_query_cost
        self.scope = DEFAULT_SCOPE
        self.bulk = BulkOperations(
            clock,
            start_delay=0.0 if bulk_immediate else bulk_start_delay,
            objects_per_second=None if bulk_immediate else bulk_objects_per_second,
            concurrency=bulk_concurrency,
        )
        self.orders = Collection(
            ORDER_SORTS,
            {"created_at": "createdAt", "updated_at": "updatedAt", "processed_at": "processedAt"},
        )
        self.payouts = Collection(PAYOUT_SORTS, {"issued_at": "issuedAt"})
        self.balance_transactions = Collection(BALANCE_SORTS, {"processed_at": "transactionDate"})
        self.disputes = Collection(DISPUTE_SORTS, {"initiated_at": "initiatedAt"})
        # Children of orders by GID -> (child node, owning order), for node(id) and lookups.
        self.children: dict[str, tuple[JSON, JSON]] = {}
        self._tokens: dict[str, IssuedToken] = {
            store.access_token: IssuedToken(store.access_token, None)
        }
        self._buckets: dict[str, LeakyBucket] = {}
        self._order_positions: dict[str, int] = {}
        with gc_paused():
            for position, order in enumerate(store.orders):
                self._order_positions[order["id"]] = position
                self._index_order(order)
            for payout in store.payouts:
                self.payouts.upsert(payout)
            for transaction in store.balance_transactions:
                self.balance_transactions.upsert(transaction)
            for dispute in store.disputes:
                self.disputes.upsert(dispute)

    # --- data -----------------------------------------------------------------------------------

    @staticmethod
    def _children_of(order: JSON) -> Iterable[JSON]:
        yield from order.get("lineItems") or ()
        yield from order.get("shippingLines") or ()
        yield from order.get("transactions") or ()
        for refund in order.get("refunds") or ():
            yield refund
            yield from refund.get("transactions") or ()
            yield from refund.get("orderAdjustments") or ()
            yield from refund.get("refundShippingLines") or ()

    def _index_order(self, order: JSON) -> None:
        record, old = self.orders.upsert(order)
        updated = micros_to_datetime(record.times["updated_at"])
        if self.bulk.not_before is None or updated > self.bulk.not_before:
            self.bulk.not_before = updated
        if old is not None:
            for child in self._children_of(old.node):
                gid = child.get("id")
                if isinstance(gid, str):
                    self.children.pop(gid, None)
        for child in self._children_of(order):
            gid = child.get("id")
            if isinstance(gid, str):
                self.children[gid] = (child, order)

    def upsert_order(self, order: JSON) -> None:
        """Add or replace an order (by GID) exactly as given, ``updatedAt`` included.

        Tests edit an order by passing a changed copy; the indexes follow, so the next
        ``updated_at`` sync sees it. Mutating a stored dict in place bypasses the indexes.
        """
        gid = order.get("id")
        if not isinstance(gid, str):
            raise ValueError("an order needs its GID in 'id'")
        position = self._order_positions.get(gid)
        if position is None:
            self._order_positions[gid] = len(self.store.orders)
            self.store.orders.append(order)
        else:
            self.store.orders[position] = order
        self._index_order(order)

    def _upsert_into(self, items: list[JSON], collection: Collection, node: JSON) -> None:
        gid = node.get("id")
        for position, existing in enumerate(items):
            if existing.get("id") == gid:
                items[position] = node
                break
        else:
            items.append(node)
        collection.upsert(node)

    def add_payout(self, payout: JSON) -> None:
        """Add or replace a ShopifyPaymentsPayout node."""
        self._upsert_into(self.store.payouts, self.payouts, payout)

    def add_balance_transaction(self, transaction: JSON) -> None:
        """Add or replace a ShopifyPaymentsBalanceTransaction node (any ``type``, even unknown)."""
        self._upsert_into(self.store.balance_transactions, self.balance_transactions, transaction)

    def add_dispute(self, dispute: JSON) -> None:
        """Add or replace a ShopifyPaymentsDispute node."""
        self._upsert_into(self.store.disputes, self.disputes, dispute)

    def order(self, gid: str) -> JSON | None:
        return self.orders.get(gid)

    def owner_of(self, gid: Any) -> JSON | None:
        """The order a line item, refund, transaction or adjustment belongs to."""
        found = self.children.get(gid) if isinstance(gid, str) else None
        return None if found is None else found[1]

    def child(self, gid: Any) -> JSON | None:
        found = self.children.get(gid) if isinstance(gid, str) else None
        return None if found is None else found[0]

    # --- authentication -------------------------------------------------------------------------

    def issue_token(self, client_id: str, client_secret: str) -> IssuedToken | None:
        """The client-credentials grant: a fresh token for the store's own app, or None."""
        if not (
            secrets.compare_digest(client_id, self.store.client_id)
            and secrets.compare_digest(client_secret, self.store.client_secret)
        ):
            return None
        issued = IssuedToken(f"shpat_{secrets.token_hex(16)}", self.clock() + self.token_ttl)
        self._tokens[issued.token] = issued
        return issued

    def token_valid(self, token: str | None) -> bool:
        if not token:
            return False
        issued = self._tokens.get(token)
        if issued is None:
            return False
        if issued.expires_at is not None and self.clock() >= issued.expires_at:
            del self._tokens[token]
            return False
        return True

    def bucket(self, token: str) -> LeakyBucket:
        """The cost bucket of one token (Shopify keeps one per app and store)."""
        found = self._buckets.get(token)
        if found is None:
            found = LeakyBucket(self.bucket_size, self.restore_rate, self.clock)
            self._buckets[token] = found
        return found
