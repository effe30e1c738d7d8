"""The review queue: Shopify activity awaiting review, as windows the screen can show.

The screen must stay fast at 100,000 rows, so the queue holds only the ordered keys (a few MB
at that size) and reads the rows of the visible window by key; nothing renders or loads what is
not on screen.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from workbench.domain.proposals import SourceType, proposal_key
from workbench.services.review_filter import ReviewFilter, SortOrder
from workbench.services.review_view import (
    count_statement,
    keys_statement,
    orders_named_statement,
    proposal_keys_statement,
)
from workbench.store.engine import Store
from workbench.store.tables import (
    BalanceTransactionRow,
    LineItemRow,
    OrderRow,
    PayoutRow,
    ProposalRow,
    RefundRow,
    TransactionRow,
)

ORDER, REFUND, PAYOUT = "order", "refund", "payout"


@dataclass(frozen=True)
class ActivityRow:
    kind: str
    id: str
    local_date: date
    label: str
    counterparty: str
    amount: Decimal
    currency: str
    status: str
    marks: str = ""


@dataclass(frozen=True)
class DetailLine:
    description: str
    quantity: str
    amount: Decimal
    note: str = ""


@dataclass(frozen=True)
class ProposedEntry:
    """The QBO entry proposed for the record, as the review pane shows it."""

    key: str
    entity_type: str
    doc_number: str | None
    txn_date: date
    state: str
    total: Decimal
    lines: list[dict[str, Any]]
    tieouts: list[dict[str, Any]]
    flags: list[dict[str, Any]]
    deposit_to: str | None


@dataclass(frozen=True)
class ActivityDetail:
    row: ActivityRow
    title: str
    facts: list[tuple[str, str]]
    lines: list[DetailLine]
    total_label: str
    total: Decimal
    proposal: ProposedEntry | None = None


_MARKS = {"approved": "✓", "posted": "●", "linked": "⧉", "rejected": "✗", "failed": "!",
          "needs_attention": "!", "skipped": "-"}  # fmt: skip


def proposal_key_for(kind: str, record_id: str) -> str:
    return proposal_key(SourceType(kind), record_id)


def _entry(row: ProposalRow) -> ProposedEntry:
    header: Any = next(iter(row.body.values()), {}) if row.body else {}
    deposit = (header.get("DepositToAccountRef") or {}) if isinstance(header, dict) else {}
    return ProposedEntry(
        key=row.key, entity_type=row.entity_type, doc_number=row.doc_number,
        txn_date=row.txn_date, state=row.state, total=row.total, lines=row.lines,
        tieouts=row.tieouts, flags=row.flags,
        deposit_to=deposit.get("name") or deposit.get("value"),
    )  # fmt: skip


def count_reviewable(store: Store) -> int:
    """How many records the review queue holds, counted in SQL without loading their keys."""
    with store.session() as session:
        return int(session.scalar(count_statement(ReviewFilter())) or 0)


@dataclass(frozen=True)
class _Loaded:
    """What the queue has read of its view, swapped whole so a reader on another thread sees
    one load or the next, never a mix."""

    keys: list[tuple[str, str]]
    count: int
    complete: bool
    generation: int


class ReviewQueue:
    """Ordered keys of everything in view (newest first unless sorted otherwise), with row
    look-ups by window. ``view`` and ``sort`` take effect at the next :meth:`reload`.

    At 100,000 records reading and ordering every key takes ~0.3 s, which the first screen
    cannot afford; :meth:`reload_head` reads the first window and the count at once (indexed,
    milliseconds) and :meth:`load_rest` the full list behind it. Until then a window beyond
    the head is read by offset.
    """

    def __init__(self, store: Store) -> None:
        self._store = store
        self.view = ReviewFilter()
        self.sort = SortOrder.NEWEST
        self._loaded = _Loaded([], 0, True, 0)
        self._positions: tuple[_Loaded, dict[tuple[str, str], int]] | None = None
        self._lock = threading.Lock()

    @property
    def keys(self) -> list[tuple[str, str]]:
        """Every key in view, in order (read now if only the head was loaded)."""
        if not self._loaded.complete:
            self.load_rest()
        return self._loaded.keys

    @property
    def complete(self) -> bool:
        return self._loaded.complete

    def reload(self) -> int:
        """Read every key in view; returns how many there are."""
        generation = self._begin()
        keys = self._read_all()
        self._finish(generation, keys)
        return len(keys)

    def reload_head(self, window: int) -> int:
        """Read the first ``window`` keys and the count; returns the count."""
        generation = self._begin()
        view, sort = self.view, self.sort
        with self._store.session() as session:
            head = [(r.k, r.i) for r in session.execute(keys_statement(view, sort, limit=window))]
            count = (
                len(head) if len(head) < window
                else int(session.scalar(count_statement(view)) or 0)
            )  # fmt: skip
        self._finish(generation, head, count)
        return count

    def load_rest(self) -> bool:
        """Read the full list after :meth:`reload_head`; True when rows already shown moved
        (the data changed in between), so the screen must repaint. A newer reload wins: the
        list of an older one is dropped."""
        loaded = self._loaded
        if loaded.complete:
            return False
        keys = self._read_all()
        if not self._finish(loaded.generation, keys):
            return False
        return len(keys) != loaded.count or keys[: len(loaded.keys)] != loaded.keys

    def _begin(self) -> int:
        with self._lock:
            generation = self._loaded.generation + 1
            self._loaded = replace(self._loaded, generation=generation)
            return generation

    def _read_all(self) -> list[tuple[str, str]]:
        with self._store.session() as session:
            return [(r.k, r.i) for r in session.execute(keys_statement(self.view, self.sort))]

    def _finish(
        self, generation: int, keys: list[tuple[str, str]], count: int | None = None
    ) -> bool:
        """Keep what was read unless a newer reload began meanwhile; True when kept."""
        count = len(keys) if count is None else count
        with self._lock:
            if generation != self._loaded.generation:
                return False
            self._loaded = _Loaded(keys, count, count <= len(keys), generation)
            return True

    def __len__(self) -> int:
        return self._loaded.count

    def total(self) -> int:
        """Everything to review, whatever the filter."""
        return count_reviewable(self._store)

    def position(self, kind: str, record_id: str) -> int | None:
        """Where a record sits in the current view (None when the filter hides it)."""
        keys = self.keys
        loaded, cached = self._positions or (None, {})
        if loaded is not self._loaded:
            cached = {key: n for n, key in enumerate(keys)}
            self._positions = (self._loaded, cached)
        return cached.get((kind, record_id))

    def proposal_keys(self) -> list[str]:
        """The proposal key of every record in view that has one, read in SQL."""
        with self._store.session() as session:
            return list(session.scalars(proposal_keys_statement(self.view)))

    def proposal_keys_query(self) -> Any:
        """The same, as a SQL query to use inside another statement."""
        return proposal_keys_statement(self.view)

    def find_orders(self, text: str, limit: int = 10) -> list[tuple[str, str]]:
        """(order id, name) of reviewable orders whose name holds ``text``."""
        with self._store.session() as session:
            return [(i, n) for i, n in session.execute(orders_named_statement(text, limit))]

    def _window(self, start: int, stop: int) -> list[tuple[str, str]]:
        loaded = self._loaded
        if loaded.complete or stop <= len(loaded.keys):
            return loaded.keys[start:stop]
        statement = keys_statement(self.view, self.sort, limit=stop - start, offset=start)
        with self._store.session() as session:
            return [(r.k, r.i) for r in session.execute(statement)]

    def rows(self, start: int, stop: int) -> list[ActivityRow]:
        window = self._window(max(start, 0), max(stop, 0))
        wanted: dict[str, list[str]] = {ORDER: [], REFUND: [], PAYOUT: []}
        for kind, key in window:
            wanted[kind].append(key)
        found: dict[tuple[str, str], ActivityRow] = {}
        # Only the columns a list line shows: the stored payloads (``raw``) are most of a
        # record's bytes, and reading them made a page of 200 rows cost ~100 ms.
        with self._store.session() as session:
            if wanted[ORDER]:
                orders = select(*_ORDER_LINE).where(col(OrderRow.id).in_(wanted[ORDER]))
                for o in session.execute(orders):
                    found[(ORDER, o.id)] = _order_row(o)
            if wanted[REFUND]:
                refunds = (
                    select(*_REFUND_LINE)
                    .join(OrderRow, col(RefundRow.order_id) == col(OrderRow.id))
                    .where(col(RefundRow.id).in_(wanted[REFUND]))
                )
                for r in session.execute(refunds):
                    found[(REFUND, r.id)] = _refund_row(r)
            if wanted[PAYOUT]:
                payouts = select(*_PAYOUT_LINE).where(col(PayoutRow.id).in_(wanted[PAYOUT]))
                for p in session.execute(payouts):
                    found[(PAYOUT, p.id)] = _payout_row(p)
            keys = {proposal_key_for(kind, key): (kind, key) for kind, key in window}
            states = session.execute(
                select(col(ProposalRow.key), col(ProposalRow.state)).where(
                    col(ProposalRow.key).in_(list(keys))
                )
            )
            for key, state in states:
                record = keys[key]
                if record in found and state in _MARKS:
                    found[record] = replace(found[record], marks=_MARKS[state], status=state)
        return [found[k] for k in window if k in found]

    def detail(self, row: ActivityRow) -> ActivityDetail:
        with self._store.session() as session:
            if row.kind == ORDER:
                detail = _order_detail(session, row)
            elif row.kind == REFUND:
                detail = _refund_detail(session, row)
            else:
                detail = _payout_detail(session, row)
            proposal = session.get(ProposalRow, proposal_key_for(row.kind, row.id))
            return replace(detail, proposal=_entry(proposal) if proposal else None)


_ORDER_LINE = (
    col(OrderRow.id), col(OrderRow.local_date), col(OrderRow.name), col(OrderRow.customer_name),
    col(OrderRow.total_price), col(OrderRow.currency), col(OrderRow.financial_status),
    col(OrderRow.edited),
)  # fmt: skip
_REFUND_LINE = (
    col(RefundRow.id), col(RefundRow.local_date), col(RefundRow.total), col(OrderRow.name),
    col(OrderRow.customer_name), col(OrderRow.currency),
)  # fmt: skip
_PAYOUT_LINE = (
    col(PayoutRow.id), col(PayoutRow.local_date), col(PayoutRow.legacy_id), col(PayoutRow.net),
    col(PayoutRow.currency), col(PayoutRow.status),
)  # fmt: skip


def _order_row(o: Any) -> ActivityRow:
    """A list line from the ``_ORDER_LINE`` columns."""
    marks = "!" if o.edited else ""
    return ActivityRow(
        kind=ORDER, id=o.id, local_date=o.local_date, label=f"{o.name} Order",
        counterparty=o.customer_name or "Guest", amount=o.total_price, currency=o.currency,
        status=(o.financial_status or "").lower().replace("_", " "), marks=marks,
    )  # fmt: skip


def _refund_row(r: Any) -> ActivityRow:
    """A list line from the ``_REFUND_LINE`` columns (the order's name, customer, currency)."""
    return ActivityRow(
        kind=REFUND, id=r.id, local_date=r.local_date, label=f"{r.name} Refund",
        counterparty=r.customer_name or "Guest", amount=-r.total, currency=r.currency,
        status="refund",
    )  # fmt: skip


def _payout_row(p: Any) -> ActivityRow:
    """A list line from the ``_PAYOUT_LINE`` columns."""
    return ActivityRow(
        kind=PAYOUT, id=p.id, local_date=p.local_date, label=f"Payout {p.legacy_id}",
        counterparty="Shopify Payments", amount=p.net, currency=p.currency,
        status=p.status.lower(), marks="" if p.status == "PAID" else "…",
    )  # fmt: skip


def _order_detail(session: Any, row: ActivityRow) -> ActivityDetail:
    order = session.get(OrderRow, row.id)
    items: Sequence[LineItemRow] = session.scalars(
        select(LineItemRow).where(LineItemRow.order_id == row.id).order_by(LineItemRow.position)  # type: ignore[arg-type]
    ).all()
    payments: Sequence[TransactionRow] = session.scalars(
        select(TransactionRow).where(
            TransactionRow.order_id == row.id,  # type: ignore[arg-type]
            TransactionRow.refund_id.is_(None),  # type: ignore[union-attr]
        )
    ).all()
    lines = [
        DetailLine(
            description=f"{li.title}" + (f" - {li.variant_title}" if li.variant_title else ""),
            quantity=f"{li.quantity} × {li.unit_price:,.2f}",
            amount=li.original_total - li.discount,
            note=(li.sku or "no SKU") + (" · gift card" if li.is_gift_card else ""),
        )
        for li in items
    ]
    if order.total_shipping:
        lines.append(DetailLine("Shipping", "", order.total_shipping))
    if order.total_tax:
        lines.append(DetailLine("Tax", "", order.total_tax))
    if order.total_tip:
        lines.append(DetailLine("Tip", "", order.total_tip))
    for t in payments:
        if t.kind in {"SALE", "CAPTURE"}:
            fee = f" · fee {t.fee:,.2f}" if t.fee else ""
            lines.append(DetailLine(f"Paid via {t.gateway}", t.status.lower(), t.amount, fee))
    facts = [
        ("Date", order.local_date.isoformat()),
        ("Customer", order.customer_name or "Guest"),
        ("Source", order.source_name or ""),
        ("Status", (order.financial_status or "").lower()),
        ("Gateways", order.gateways or "none"),
        ("Discounts", f"{order.total_discounts:,.2f}"),
    ]
    if order.edited:
        facts.append(("Note", "edited after it was placed"))
    return ActivityDetail(row, f"Order {order.name}", facts, lines, "Total", order.total_price)


def _refund_detail(session: Any, row: ActivityRow) -> ActivityDetail:
    refund = session.get(RefundRow, row.id)
    order = session.get(OrderRow, refund.order_id)
    transactions: Sequence[TransactionRow] = session.scalars(
        select(TransactionRow).where(TransactionRow.refund_id == row.id)  # type: ignore[arg-type]
    ).all()
    lines = [
        DetailLine(f"Refunded via {t.gateway}", t.status.lower(), -t.amount) for t in transactions
    ]
    facts = [
        ("Date", refund.local_date.isoformat()),
        ("Order", order.name),
        ("Customer", order.customer_name or "Guest"),
        ("Note", refund.note or ""),
    ]
    return ActivityDetail(row, f"Refund on {order.name}", facts, lines, "Refunded", -refund.total)


def _payout_detail(session: Any, row: ActivityRow) -> ActivityDetail:
    payout = session.get(PayoutRow, row.id)
    balance: Sequence[BalanceTransactionRow] = session.scalars(
        select(BalanceTransactionRow)
        .where(BalanceTransactionRow.payout_id == row.id)  # type: ignore[arg-type]
        .order_by(BalanceTransactionRow.transaction_date)  # type: ignore[arg-type]
    ).all()
    grouped: dict[str, tuple[int, Decimal, Decimal]] = {}
    for b in balance:
        if b.type == "TRANSFER":
            continue
        count, amount, fee = grouped.get(b.type, (0, Decimal(0), Decimal(0)))
        grouped[b.type] = (count + 1, amount + b.amount, fee + b.fee)
    lines = []
    for kind, (count, amount, fee) in sorted(grouped.items()):
        name = kind.replace("_", " ").lower()
        lines.append(DetailLine(name.capitalize(), f"{count} rows", amount))
        if fee:
            lines.append(DetailLine(f"Fees on {name}", "", -fee))
    facts = [
        ("Date", payout.local_date.isoformat()),
        ("Status", payout.status.lower()),
        ("Type", payout.transaction_type.lower()),
        ("Balance rows", str(len(balance))),
    ]
    return ActivityDetail(row, f"Payout {payout.legacy_id}", facts, lines, "Net", payout.net)
