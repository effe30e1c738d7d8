"""Proposals for a synced store: one per postable record, stable, and careful with decisions."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from workbench.domain.proposals import ProposalState
from workbench.services.proposals import load_proposal
from workbench.services.propose import propose_all
from workbench.services.sandbox_session import Sandbox, fill_store, start_sandbox
from workbench.store.engine import Store, open_store
from workbench.store.tables import OrderRow, ProposalRow


@pytest.fixture
def synced(tmp_path: Path) -> Iterator[tuple[Store, Sandbox]]:
    store = open_store(f"sqlite:///{tmp_path / 'p.db'}")
    sandbox = start_sandbox(orders=90, seed=5, end=date(2026, 11, 20))
    fill_store(store, sandbox)
    yield store, sandbox
    sandbox.close()
    store.close()


def proposals(store: Store) -> dict[str, ProposalRow]:
    with store.session() as session:
        return {p.key: p for p in session.scalars(select(ProposalRow))}


def test_one_proposal_per_postable_record(synced: tuple[Store, Sandbox]) -> None:
    store, sandbox = synced
    report = propose_all(store)
    built = proposals(store)
    data = sandbox.data.store
    paid = [
        o for o in data.orders
        if not o["test"] and any(
            t["status"] == "SUCCESS" and t["kind"] in ("SALE", "CAPTURE") for t in o["transactions"]
        )
    ]  # fmt: skip
    refunds = [r for o in data.orders if not o["test"] for r in o["refunds"]]
    by_type = {
        kind: [p for p in built.values() if p.source_type == kind]
        for kind in ("order", "refund", "payout")
    }
    assert len(by_type["order"]) == len(paid)
    assert len(by_type["refund"]) == len(refunds)
    assert len(by_type["payout"]) == len(data.payouts)
    assert report.built + report.unchanged == len(built)
    # Without any mapping decided yet, nothing is clean: every proposal says what is missing.
    assert all(p.state == ProposalState.NEEDS_ATTENTION for p in built.values())
    assert all(p.flags for p in built.values())
    # Tie-outs hold even before mapping: the amounts come from Shopify alone.
    assert all(p.tieout_ok for p in built.values()), [
        p.key for p in built.values() if not p.tieout_ok
    ]


def test_rebuilding_unchanged_data_changes_nothing(synced: tuple[Store, Sandbox]) -> None:
    store, _ = synced
    propose_all(store)
    before = {k: (p.source_hash, p.built_at) for k, p in proposals(store).items()}
    again = propose_all(store)
    assert again.built == 0 and again.unchanged == len(before)
    assert {k: (p.source_hash, p.built_at) for k, p in proposals(store).items()} == before


def _edit_first_paid_order(store: Store) -> str:
    with store.session() as session:
        row = session.scalars(
            select(OrderRow).where(OrderRow.test.is_(False), OrderRow.financial_status == "PAID")  # type: ignore[attr-defined]
        ).first()
        assert row is not None
        raw = copy.deepcopy(row.raw)
        raw["customer"] = {"id": "gid://shopify/Customer/1", "displayName": "Renamed Buyer"}
        raw["note"] = "edited"
        line = raw["lineItems"]["nodes"][0]
        line["title"] = line["title"] + " (edited)"
        row.raw = raw
        session.add(row)
        return f"shopify:order:{row.legacy_id}:v1"


def _set_state(store: Store, key: str, state: ProposalState) -> None:
    with store.session() as session:
        row = session.get(ProposalRow, key)
        assert row is not None
        row.state = state.value
        session.add(row)


def test_an_approval_of_a_changed_entry_is_withdrawn(synced: tuple[Store, Sandbox]) -> None:
    store, _ = synced
    propose_all(store)
    key = _edit_first_paid_order(store)
    _set_state(store, key, ProposalState.APPROVED)
    report = propose_all(store)
    row = proposals(store)[key]
    assert report.approvals_withdrawn == 1
    assert row.state == ProposalState.NEEDS_ATTENTION
    assert any(f["code"] == "stale" for f in row.flags)


def test_a_posted_entry_is_never_rebuilt_silently(synced: tuple[Store, Sandbox]) -> None:
    store, _ = synced
    propose_all(store)
    key = _edit_first_paid_order(store)
    _set_state(store, key, ProposalState.POSTED)
    body_before = proposals(store)[key].body
    report = propose_all(store)
    row = proposals(store)[key]
    assert report.changed_after_posting == 1
    assert row.state == ProposalState.POSTED and row.body == body_before
    assert any(f["code"] == "changed_after_posting" for f in row.flags)


def test_show_puts_the_proposal_beside_its_source(synced: tuple[Store, Sandbox]) -> None:
    store, _ = synced
    propose_all(store)
    key = next(k for k, p in proposals(store).items() if p.source_type == "payout")
    shown = load_proposal(store, key)
    assert shown is not None
    assert shown["source"]["label"].startswith("Shopify payout")
    assert shown["tieouts"] and all(t["ok"] for t in shown["tieouts"])
    assert sum(line["amount"] for line in shown["lines"]) == shown["total"]


def test_worker_processes_build_exactly_what_this_process_builds(
    synced: tuple[Store, Sandbox], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, sandbox = synced
    propose_all(store, workers=1)
    inline = {
        k: (p.body, p.lines, p.flags, p.tieouts, p.source_hash) for k, p in proposals(store).items()
    }
    other = open_store(f"sqlite:///{tmp_path / 'parallel.db'}")
    try:
        fill_store(other, sandbox)  # which proposes once, in this process (few orders)
        with other.session() as session:
            session.execute(delete(ProposalRow))
        monkeypatch.setattr("workbench.services.propose_build.PARALLEL_FROM", 10)
        report = propose_all(other, workers=2)
        parallel = {
            k: (p.body, p.lines, p.flags, p.tieouts, p.source_hash)
            for k, p in proposals(other).items()
        }
    finally:
        other.close()
    assert report.built == len(inline)
    assert parallel == inline


def test_proposals_are_written_and_recognised_on_both_backends(db_url: str) -> None:
    """Bulk upserts with pre-encoded JSON, and the input hashes, on SQLite and PostgreSQL."""
    store = open_store(db_url)
    sandbox = start_sandbox(orders=40, seed=9, end=date(2026, 11, 20))
    try:
        fill_store(store, sandbox)
        with store.session() as session:
            session.execute(delete(ProposalRow))
        first = propose_all(store, workers=1)
        stored = proposals(store)
        assert first.built == len(stored) > 0
        row = next(p for p in stored.values() if p.entity_type == "SalesReceipt")
        amounts = [line["Amount"] for line in row.body["SalesReceipt"]["Line"]]
        assert amounts and all(isinstance(a, Decimal) for a in amounts)
        assert [line["amount"] for line in row.lines] == amounts
        again = propose_all(store, workers=1)
        assert again.built == 0 and again.unchanged == len(stored)
        key = _edit_first_paid_order(store)
        _set_state(store, key, ProposalState.APPROVED)
        edited = propose_all(store, workers=1)
        assert edited.built == 1 and edited.approvals_withdrawn == 1
        assert proposals(store)[key].state == ProposalState.NEEDS_ATTENTION
    finally:
        sandbox.close()
        store.close()
