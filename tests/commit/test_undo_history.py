"""Undo of a batch (newest first, refusals entry by entry), history, audit export, status."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import col

from tests.commit.books import Books
from workbench.domain.proposals import ProposalState
from workbench.qbo.limits import RetryPolicy
from workbench.services import audit, history
from workbench.services.commit import commit
from workbench.services.status import status
from workbench.services.undo import undo
from workbench.store.tables import AuditRow, ProposalRow


def committed(books: Books) -> str:
    with books.sandbox.qbo_client() as client:
        client.retry = RetryPolicy(base=0.0, cap=0.0)
        report = commit(books.store, client, reviewer="ada")
    assert report.batch_id and not report.failed
    return report.batch_id


def test_undo_deletes_everything_the_batch_posted_and_sends_entries_back_to_review(
    books: Books,
) -> None:
    batch_id = committed(books)
    deletes_before = [w for w in books.sandbox.qbo.applied_writes if w.operation == "delete"]
    with books.sandbox.qbo_client() as client:
        report = undo(books.store, client, batch_id, reviewer="grace")
    assert not report.refused
    assert sum(books.approved_posted().values()) == 0
    assert not [p for p in books.objects("Payment") if "shopify:" in str(p.get("PrivateNote"))]
    deletes = [w for w in books.sandbox.qbo.applied_writes if w.operation == "delete"]
    deleted = [(w.entity, w.obj_id) for w in deletes[len(deletes_before) :]]
    # Newest first: an invoice goes only after its payments.
    invoice_at = next(i for i, (entity, _id) in enumerate(deleted) if entity == "Invoice")
    assert {e for e, _i in deleted[:invoice_at]} >= {"Payment"}
    assert all(books.state_of(k) in {ProposalState.PENDING, ProposalState.NEEDS_ATTENTION}
               for k in books.approved)  # fmt: skip
    (summary,) = history.batches(books.store)
    assert summary.undone_at is not None
    assert {e.state for e in history.entries(books.store, batch_id)} == {"undone"}
    with books.store.session() as session:
        undos = list(session.scalars(select(AuditRow).where(col(AuditRow.action) == "undo")))
    assert {a.subject for a in undos} == set(books.approved)
    assert {a.actor for a in undos} == {"grace"}


def test_undo_refuses_a_deposited_receipt_with_qbos_reason_and_undoes_the_rest(
    books: Books,
) -> None:
    batch_id = committed(books)
    receipts = [
        r for r in books.objects("SalesReceipt")
        if "shopify:order:" in str(r.get("PrivateNote"))
        and (r.get("DepositToAccountRef") or {}).get("name") == "Undeposited Funds"
    ]  # fmt: skip
    assert receipts, "the sandbox posts some receipts to Undeposited Funds"
    receipt = receipts[0]
    bank = next(a for a in books.objects("Account") if a.get("AccountType") == "Bank")
    with books.sandbox.qbo_client() as client:
        # The bookkeeper deposits the receipt in QuickBooks (a bank-feed match).
        client.create("Deposit", {
            "DepositToAccountRef": {"value": bank["Id"]},
            "Line": [{"Amount": receipt["TotalAmt"], "LinkedTxn": [
                {"TxnId": receipt["Id"], "TxnType": "SalesReceipt", "TxnLineId": "0"}]}],
        })  # fmt: skip
        report = undo(books.store, client, batch_id, reviewer="grace")
    assert len(report.refused) == 1
    what, reason = report.refused[0]
    assert receipt["Id"] in what and "6540" in reason
    key = next(k for k in books.approved if k in str(receipt["PrivateNote"]))
    assert books.state_of(key) == ProposalState.POSTED
    assert books.posted_keys()[key] == 1
    assert sum(books.approved_posted().values()) == 1
    entry = next(e for e in history.entries(books.store, batch_id) if e.proposal_key == key)
    assert entry.state == "posted" and entry.message and "6540" in entry.message


def test_undo_of_an_unknown_batch_says_where_to_look(books: Books) -> None:
    with books.sandbox.qbo_client() as client, pytest.raises(Exception, match="history"):
        undo(books.store, client, "no-such-batch", reviewer="grace")


def test_history_lists_batches_newest_first_with_their_entries(books: Books) -> None:
    first = committed(books)
    assert history.entries(books.store, first)
    (only,) = history.batches(books.store)
    assert (only.id, only.state, only.posted, only.reviewer) == (
        first, "finished", len(books.approved), "ada",
    )  # fmt: skip
    assert only.to_json()["total"] == only.total


def test_audit_csv_neutralises_formula_cells(books: Books) -> None:
    with books.store.session() as session:
        audit.record(session, actor="=cmd|'/c calc'!A1", action="approve",
                     subject="@SUM(1+1)", detail="-45.00 refunded")  # fmt: skip
        audit.record(session, actor="ada", action="approve", subject="+1", detail="plain")
    text = history.audit_csv(history.audit_rows(books.store))
    rows = list(csv.DictReader(io.StringIO(text)))
    bad = next(r for r in rows if r["subject"].endswith("@SUM(1+1)"))
    assert bad["actor"] == "'=cmd|'/c calc'!A1"
    assert bad["subject"] == "'@SUM(1+1)"
    assert bad["detail"] == "'-45.00 refunded"
    plus = next(r for r in rows if r["subject"].endswith("+1"))
    assert (plus["subject"], plus["actor"], plus["detail"]) == ("'+1", "ada", "plain")
    for row in rows:
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row.values())


def test_status_reports_every_review_and_commit_count(books: Books) -> None:
    before = status(books.store)
    for key in ("pending", "needs_attention", "approved", "posted", "failed", "rejected",
                "unmatched_skus", "duplicate_payouts"):  # fmt: skip
        assert isinstance(before[key], int), key
    assert before["approved"] == len(books.approved)
    committed(books)
    after = status(books.store)
    assert (after["approved"], after["posted"]) == (0, len(books.approved))
    with books.store.session() as session:
        states: Any = list(session.scalars(select(col(ProposalRow.state))))
    assert after["pending"] == states.count("pending")
