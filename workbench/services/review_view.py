"""The SQL behind the review list: which Shopify records are in view, in what order.

One branch per kind of record (orders, refunds, payouts), each filtered on its own table's
indexed columns before the branches are joined, so a filter narrows the work instead of
being applied to a materialised union of everything. The review state and flags live on the
proposal; it is joined only when the filter asks about them (or the caller wants the keys).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, and_, cast, func, literal, not_, or_, select, union_all
from sqlalchemy.sql.elements import ColumnElement

from workbench.services.review_filter import (
    ANY_FLAG,
    NO_PROPOSAL,
    ReviewFilter,
    SortOrder,
    money_word,
)
from workbench.store.tables import LineItemRow, OrderRow, PayoutRow, ProposalRow, RefundRow

ORDER, REFUND, PAYOUT = "order", "refund", "payout"
PAYOUT_COUNTERPARTY = "Shopify Payments"
PAYOUT_GATEWAY = "shopify_payments"


@dataclass(frozen=True)
class _Columns:
    """What one branch calls date, instant, name, customer, amount and gateway."""

    d: Any
    t: Any
    i: Any
    n: Any
    c: Any
    a: Any
    g: Any
    order_id: Any = None  # the order whose lines a word may name (none for payouts)


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _sells(order_id: Any, word: str) -> ColumnElement[bool]:
    """The order has a line whose title, variant or SKU holds ``word``. Correlated, so each
    order checks its own few lines through the order_id index (a refund branch then reads
    only the lines of refunded orders, not every line in the store)."""
    li = LineItemRow.__table__.c  # type: ignore[attr-defined]
    pattern = _like(word)
    return (
        select(li.id)
        .where(
            li.order_id == order_id,
            or_(
                li.title.ilike(pattern, escape="\\"),
                li.variant_title.ilike(pattern, escape="\\"),
                li.sku.ilike(pattern, escape="\\"),
            ),
        )
        .exists()
    )


def _word(cols: _Columns, word: str) -> ColumnElement[bool]:
    word = word.lower()
    options: list[ColumnElement[bool]] = [
        cols.n.ilike(_like(word), escape="\\"),
        cols.c.ilike(_like(word), escape="\\"),
    ]
    # Products are named in words: "#1001" or "45.00" never needs the order lines read.
    if cols.order_id is not None and any(ch.isalpha() for ch in word):
        options.append(_sells(cols.order_id, word))
    amount = money_word(word)
    if amount is not None:
        # The list shows refunds negative; "45" should find a refund of 45.00 too.
        options += [cols.a == amount, cols.a == -amount]
    return or_(*options)


def _flag(flags_text: Any, flag: str) -> ColumnElement[bool]:
    if flag == ANY_FLAG:
        return and_(flags_text.is_not(None), flags_text != "[]")
    # Flags are stored as compact JSON; a prefix of the code matches (unmapped → unmapped_*).
    return or_(
        flags_text.like(_like(f'"code":"{flag}'), escape="\\"),
        flags_text.like(_like(f'"code": "{flag}'), escape="\\"),
    )


def _conditions(cols: _Columns, view: ReviewFilter) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = [_word(cols, w) for w in view.words]
    if view.gateways:
        found.append(or_(*(cols.g.ilike(_like(g), escape="\\") for g in view.gateways)))
    if view.date_from is not None:
        found.append(cols.d >= view.date_from)
    if view.date_to is not None:
        found.append(cols.d <= view.date_to)
    if view.amount_min is not None:
        found.append(cols.a >= view.amount_min)
    if view.amount_max is not None:
        found.append(cols.a <= view.amount_max)
    return found


def _proposal_conditions(view: ReviewFilter) -> list[ColumnElement[bool]]:
    p = ProposalRow.__table__.c  # type: ignore[attr-defined]
    found: list[ColumnElement[bool]] = []
    if view.states:
        states = [s for s in view.states if s != NO_PROPOSAL]
        options: list[ColumnElement[bool]] = [p.state.in_(states)] if states else []
        if NO_PROPOSAL in view.states:
            options.append(p.key.is_(None))
        found.append(or_(*options))
    if view.flags:
        text = cast(p.flags, String)
        found.append(or_(*(_flag(text, f) for f in view.flags)))
    return found


def _branch(kind: str, view: ReviewFilter, *, with_key: bool) -> Any:
    o = OrderRow.__table__  # type: ignore[attr-defined]
    r = RefundRow.__table__  # type: ignore[attr-defined]
    py = PayoutRow.__table__  # type: ignore[attr-defined]
    if kind == ORDER:
        cols = _Columns(o.c.local_date, o.c.processed_at, o.c.id, o.c.name, o.c.customer_name,
                        o.c.total_price, o.c.gateways, o.c.id)  # fmt: skip
        source: Any = o
        base = [
            o.c.test.is_(False),
            or_(o.c.cancelled_at.is_(None), o.c.total_received != 0),
        ]
    elif kind == REFUND:
        cols = _Columns(r.c.local_date, r.c.created_at, r.c.id, o.c.name, o.c.customer_name,
                        -r.c.total, o.c.gateways, o.c.id)  # fmt: skip
        source = r.join(o, r.c.order_id == o.c.id)
        base = [o.c.test.is_(False)]
    else:
        cols = _Columns(py.c.local_date, py.c.issued_at, py.c.id,
                        literal("Payout ", String) + py.c.legacy_id,
                        literal(PAYOUT_COUNTERPARTY, String), py.c.net,
                        literal(PAYOUT_GATEWAY, String))  # fmt: skip
        source = py
        base = []
    proposal_filter = _proposal_conditions(view)
    p = ProposalRow.__table__  # type: ignore[attr-defined]
    if with_key or proposal_filter:
        # Join by source id (unique: Shopify gids name their type). The kind is checked too, but
        # as an expression no index serves: given a bare column, SQLite picks the few-valued
        # source_type index and scans every proposal of the kind for each row (O(n²)).
        on = and_(p.c.source_id == cols.i, (p.c.source_type + "") == kind)
        source = source.join(p, on) if with_key else source.outerjoin(p, on)
    columns = [
        cols.d.label("d"), cols.t.label("t"), literal(kind, String).label("k"),
        cols.i.label("i"), cols.a.label("a"),
    ]  # fmt: skip
    if with_key:
        columns.append(p.c.key.label("key"))
    where = base + _conditions(cols, view) + proposal_filter
    return select(*columns).select_from(source).where(*where)


def _branches(view: ReviewFilter, *, with_key: bool = False) -> list[Any]:
    kinds = view.kinds or (ORDER, REFUND, PAYOUT)
    return [_branch(kind, view, with_key=with_key) for kind in (ORDER, REFUND, PAYOUT)
            if kind in kinds]  # fmt: skip


def _union(view: ReviewFilter, *, with_key: bool = False) -> Any:
    return union_all(*_branches(view, with_key=with_key)).subquery("review")


def _order_by(u: Any, sort: SortOrder) -> list[Any]:
    # The id only breaks exact ties, so the order is total and stable between reloads.
    newest = [u.d.desc(), u.t.desc(), u.k, u.i.desc()]
    if sort is SortOrder.OLDEST:
        return [u.d, u.t, u.k, u.i]
    if sort is SortOrder.LARGEST:
        return [u.a.desc(), *newest]
    if sort is SortOrder.SMALLEST:
        return [u.a, *newest]
    return newest


def keys_statement(
    view: ReviewFilter, sort: SortOrder, *, limit: int | None = None, offset: int = 0
) -> Any:
    """Every record in view in list order, as rows with ``k`` (kind) and ``i`` (id); with
    ``limit``, only that window of them.

    The ORDER BY sits on the compound query itself, not on a subquery around it: each branch
    then reads its review index (``ix_shopify_*_review``) in order and the database merges
    them, so in date order a window near the top costs milliseconds at 100,000 rows where a
    sorted subquery costs a full sort (an amount order still sorts; no index holds amounts
    first).
    """
    compound = union_all(*_branches(view))
    statement = compound.order_by(*_order_by(compound.selected_columns, sort))
    if limit is not None:
        statement = statement.limit(limit).offset(offset)
    return statement


def count_statement(view: ReviewFilter) -> Any:
    return select(func.count()).select_from(_union(view))


def proposal_keys_statement(view: ReviewFilter) -> Any:
    """The proposal key of every record in view that has one."""
    u = _union(view, with_key=True)
    return select(u.c.key)


def orders_named_statement(text: str, limit: int) -> Any:
    """Reviewable orders whose name holds ``text`` (``1001`` finds ``#1001``), exact first."""
    o = OrderRow.__table__.c  # type: ignore[attr-defined]
    wanted = text.strip()
    exact = wanted if wanted.startswith("#") else f"#{wanted}"
    return (
        select(o.id, o.name)
        .where(
            o.test.is_(False),
            or_(o.cancelled_at.is_(None), o.total_received != 0),
            o.name.ilike(_like(wanted), escape="\\"),
        )
        .order_by(not_(o.name == exact), o.number.desc())
        .limit(limit)
    )
