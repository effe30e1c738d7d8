"""``workbench status``: how much is synced and where every proposal stands."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlmodel import col

from workbench.domain.duplicates import DuplicateKind
from workbench.domain.proposals import ProposalState
from workbench.services.activity import count_reviewable
from workbench.services.duplicates import find_duplicates
from workbench.services.item_mappings import match_all
from workbench.store import shopify_repo
from workbench.store.engine import Store
from workbench.store.tables import ProposalRow, ShopRow, SyncCheckpointRow


def status(store: Store) -> dict[str, Any]:
    with store.session() as session:
        counts = shopify_repo.shopify_counts(session)
        by_state = {state.value: 0 for state in ProposalState}
        for state, n in session.execute(
            select(col(ProposalRow.state), func.count()).group_by(col(ProposalRow.state))
        ):
            by_state[str(state)] = int(n)
        shop = session.scalars(select(ShopRow)).first()
        checkpoints = {
            c.source: c.updated_at.isoformat() for c in session.scalars(select(SyncCheckpointRow))
        }
        duplicates = find_duplicates(session)
        unmatched = sum(1 for m in match_all(session) if m.item_id is None)
    awaiting = count_reviewable(store)
    decided = sum(
        n
        for state, n in by_state.items()
        if state not in {ProposalState.PENDING, ProposalState.NEEDS_ATTENTION}
    )
    return {
        "shop": shop.domain if shop else None,
        "orders": counts.orders,
        "test_orders": counts.test_orders,
        "refunds": counts.refunds,
        "payouts": counts.payouts,
        "balance_transactions": counts.balance_transactions,
        "unknown_balance_types": counts.unknown_balance_types,
        "disputes": counts.disputes,
        "awaiting_review": max(awaiting - decided, 0),
        **by_state,
        "unmatched_skus": unmatched,
        "duplicate_payouts": sum(1 for f in duplicates if f.kind is DuplicateKind.DUPLICATE_PAYOUT),
        "already_posted": sum(1 for f in duplicates if f.kind is DuplicateKind.ALREADY_POSTED),
        "possibly_posted_by_another_tool": sum(
            1 for f in duplicates if f.kind is DuplicateKind.POSSIBLY_POSTED_ELSEWHERE
        ),
        "last_sync": checkpoints,
    }
