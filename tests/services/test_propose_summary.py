"""Summary per payout over a synced store: payouts become journal entries, the sales they
settle get no entry of their own, and nothing already posted is booked twice."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from workbench.config import Settings
from workbench.domain.posting.context import Workflow
from workbench.domain.proposals import ProposalState
from workbench.services.propose import SUMMARY_LABEL, propose_all
from workbench.services.sandbox_session import Sandbox, fill_store, start_sandbox
from workbench.store.engine import Store, open_store
from workbench.store.tables import ProposalRow


@pytest.fixture
def synced(tmp_path: Path) -> Iterator[tuple[Store, Sandbox]]:
    store = open_store(f"sqlite:///{tmp_path / 'p.db'}")
    sandbox = start_sandbox(orders=90, seed=5, end=date(2026, 11, 20))
    fill_store(store, sandbox)
    yield store, sandbox
    sandbox.close()
    store.close()


def summary_settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path, workflow=Workflow.SUMMARY_PER_PAYOUT)


def proposals(store: Store) -> dict[str, ProposalRow]:
    with store.session() as session:
        return {p.key: p for p in session.scalars(select(ProposalRow))}


def paid_through(sandbox: Sandbox, gateway: str) -> set[str]:
    """Legacy ids of non-test orders a gateway was paid for, from the generator's data."""
    return {
        o["id"].rsplit("/", 1)[-1]
        for o in sandbox.data.store.orders
        if not o["test"]
        and any(
            t["gateway"] == gateway
            and t["status"] == "SUCCESS"
            and t["kind"] in ("SALE", "CAPTURE")
            for t in o["transactions"]
        )
    }


def balanced(row: ProposalRow) -> bool:
    sides = {"Debit": Decimal(0), "Credit": Decimal(0)}
    for line in row.body["JournalEntry"]["Line"]:
        sides[line["JournalEntryLineDetail"]["PostingType"]] += line["Amount"]
    return sides["Debit"] == sides["Credit"] > 0


def test_payouts_become_summaries_and_their_sales_get_no_entry_of_their_own(
    synced: tuple[Store, Sandbox], tmp_path: Path
) -> None:
    store, sandbox = synced
    propose_all(store)  # per order first, as a store switching workflow would have
    report = propose_all(store, summary_settings(tmp_path))
    built = proposals(store)
    payouts = [p for p in built.values() if p.source_type == "payout"]
    assert len(payouts) == len(sandbox.data.store.payouts)
    assert all(p.entity_type == "JournalEntry" and p.label == SUMMARY_LABEL for p in payouts)
    assert all(balanced(p) for p in payouts)
    assert all(p.tieout_ok for p in payouts), [p.tieouts for p in payouts if not p.tieout_ok]

    shopify_payments = paid_through(sandbox, "shopify_payments")
    order_ids = {p.source_id.rsplit("/", 1)[-1] for p in built.values() if p.source_type == "order"}
    assert shopify_payments and not (order_ids & shopify_payments)
    # Sales paid only through other gateways keep their own entries.
    others = paid_through(sandbox, "paypal") - shopify_payments
    assert others and others <= order_ids
    assert report.covered_by_summary >= len(shopify_payments) - report.awaiting_payout
    # The per-order entries built first were unposted: they are withdrawn, not left behind.
    assert report.withdrawn_for_summary > 0

    again = propose_all(store, summary_settings(tmp_path))
    assert again.built == 0 and again.withdrawn_for_summary == 0
    assert again.unchanged == len(built)


def test_a_sale_already_posted_alone_stays_and_is_left_out_of_its_summary(
    synced: tuple[Store, Sandbox], tmp_path: Path
) -> None:
    store, sandbox = synced
    propose_all(store)
    shopify_payments = paid_through(sandbox, "shopify_payments")
    key = next(
        k for k, p in sorted(proposals(store).items())
        if p.source_type == "order" and k.split(":")[2] in shopify_payments
    )  # fmt: skip
    with store.session() as session:
        row = session.get(ProposalRow, key)
        assert row is not None
        row.state = ProposalState.POSTED.value
        session.add(row)
    propose_all(store, summary_settings(tmp_path))
    built = proposals(store)
    assert built[key].state == ProposalState.POSTED
    notes = [
        p.body["JournalEntry"]["PrivateNote"] for p in built.values() if p.label == SUMMARY_LABEL
    ]
    assert sum("(1 posted separately)" in n for n in notes) == 1
