"""Reading proposals back for display: one proposal beside its Shopify source."""

from __future__ import annotations

from typing import Any

from workbench.store.engine import Store
from workbench.store.tables import OrderRow, PayoutRow, ProposalRow, RefundRow


def _source_label(session: Any, row: ProposalRow) -> str:
    if row.source_type == "order":
        order = session.get(OrderRow, row.source_id)
        return f"Shopify order {order.name}" if order else row.source_id
    if row.source_type == "refund":
        refund = session.get(RefundRow, row.source_id)
        order = session.get(OrderRow, refund.order_id) if refund else None
        return f"Shopify refund on {order.name}" if order else row.source_id
    payout = session.get(PayoutRow, row.source_id)
    return (
        f"Shopify payout {payout.legacy_id} ({payout.status.lower()})" if payout else row.source_id
    )


def load_proposal(store: Store, key: str) -> dict[str, Any] | None:
    with store.session() as session:
        row = session.get(ProposalRow, key)
        if row is None:
            return None
        return {
            "key": row.key,
            "entity_type": row.entity_type,
            "state": row.state,
            "txn_date": row.txn_date.isoformat(),
            "doc_number": row.doc_number,
            "total": row.total,
            "currency": row.currency,
            "source": {
                "type": row.source_type,
                "id": row.source_id,
                "label": _source_label(session, row),
            },
            "lines": row.lines,
            "tieouts": row.tieouts,
            "flags": row.flags,
            "body": row.body,
        }
