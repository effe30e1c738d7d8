"""The commit engine against the in-process QBO emulator: exactly once, failures, recovery."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import col

from tests.commit.books import Books, refuse_date, sandbox_client
from workbench.domain.proposals import ProposalState
from workbench.qbo.batch import BatchItemResult
from workbench.qbo.client import QboClient
from workbench.qbo.errors import QboError
from workbench.qbo.limits import RetryPolicy
from workbench.services.commit import CommitStopped, commit, dry_run, pending
from workbench.services.commit_lock import CommitInProgress, commit_lock
from workbench.services.review import decide
from workbench.store.tables import AuditRow, CommitBatchRow, OutboxRow, ProposalRow


def quick_client(books: Books) -> QboClient:
    """A sandbox client that retries without sleeping."""
    client = books.sandbox.qbo_client()
    client.retry = RetryPolicy(base=0.0, cap=0.0)
    return client


def test_every_approved_entry_is_posted_once_in_batches_of_the_chosen_size(books: Books) -> None:
    before = books.sandbox.qbo.applied_count(books.realm)
    sizes: list[int] = []

    class Recording(QboClient):
        def batch(self, items: Any, *, request_id: str | None = None) -> Any:
            sizes.append(len(items))
            return super().batch(items, request_id=request_id)

    client = sandbox_client(books, Recording)
    with client:
        report = commit(books.store, client, reviewer="ada", batch_size=7)
    assert sorted(report.posted) == sorted(books.approved)
    assert not report.failed
    assert books.approved_posted() == dict.fromkeys(books.approved, 1)
    assert report.calls == len(sizes) and max(sizes) == 7
    with books.store.session() as session:
        rows = {r.key: r for r in session.scalars(select(ProposalRow))}
    # One write per QBO object: an invoice paid through two gateways is three.
    objects = sum(1 + len(rows[k].body.get("Payment", [])) for k in books.approved)
    assert any(rows[k].entity_type == "Invoice" for k in books.approved)
    assert books.sandbox.qbo.applied_count(books.realm) - before == objects == sum(sizes)
    assert len(sizes) == math.ceil(objects / 7)
    with books.store.session() as session:
        batch = session.get(CommitBatchRow, report.batch_id)
        posts = list(session.scalars(select(AuditRow).where(col(AuditRow.action) == "post")))
    assert all(rows[k].state == ProposalState.POSTED for k in books.approved)
    ids = {str(o["Id"]) for o in books.objects("SalesReceipt")}
    assert all(rows[k].qbo_id in ids for k in books.approved if rows[k].qbo_type == "SalesReceipt")
    expected_total = sum((rows[k].total for k in books.approved), Decimal(0))
    assert batch is not None and batch.state == "finished"
    assert (batch.posted, batch.failed, batch.total) == (len(books.approved), 0, expected_total)
    assert report.total == expected_total
    assert {a.subject for a in posts} == set(books.approved)
    assert {a.actor for a in posts} == {"ada"}


def test_committing_again_sends_nothing(books: Books) -> None:
    with quick_client(books) as client:
        commit(books.store, client, reviewer="ada")
        before = books.sandbox.qbo.applied_count(books.realm)
        again = commit(books.store, client, reviewer="ada")
    assert (again.posted, again.failed, again.calls) == ([], [], 0)
    assert books.sandbox.qbo.applied_count(books.realm) == before


def test_dry_run_prints_the_bodies_and_changes_nothing(books: Books) -> None:
    before = books.sandbox.qbo.applied_count(books.realm)
    calls = dry_run(books.store, batch_size=10)
    items = [item for call in calls for item in call["BatchItemRequest"]]
    assert all(len(call["BatchItemRequest"]) <= 10 for call in calls)
    with books.store.session() as session:
        rows = {r.key: r for r in session.scalars(select(ProposalRow))}
        assert session.scalars(select(OutboxRow)).first() is None
    sent = [{k: v for k, v in item.items() if k not in {"bId", "operation"}} for item in items]
    # Every object of every approved body, exactly as stored: an invoice's payments apart.
    expected = []
    for key in books.approved:
        body = rows[key].body
        expected.append({rows[key].entity_type: body[rows[key].entity_type]})
        expected.extend({"Payment": payment} for payment in body.get("Payment", []))
    assert sorted(map(repr, sent)) == sorted(map(repr, expected))
    assert any("Payment" in item for item in sent)
    assert all(item["operation"] == "create" for item in items)
    assert books.sandbox.qbo.applied_count(books.realm) == before
    assert books.states()[ProposalState.APPROVED] == len(books.approved)


def test_a_failed_entry_keeps_qbos_message_and_is_posted_after_the_fix(books: Books) -> None:
    victim = books.approved[0]
    original_date = refuse_date(books, victim)
    with quick_client(books) as client:
        first = commit(books.store, client, reviewer="ada")
    assert [k for k, _m in first.failed] == [victim]
    message = first.failed[0][1]
    assert "TxnDate" in message or "date" in message.lower()
    assert books.state_of(victim) == ProposalState.FAILED
    assert books.posted_keys()[victim] == 0
    assert pending(books.store).retries == 1

    with books.store.session() as session:
        row = session.get(ProposalRow, victim)
        assert row is not None
        row.body = {row.entity_type: {**row.body[row.entity_type], "TxnDate": original_date}}
        session.add(row)
    with quick_client(books) as client:
        second = commit(books.store, client, reviewer="ada")
    assert second.posted == [victim]
    assert books.approved_posted() == dict.fromkeys(books.approved, 1)


def test_a_lost_answer_is_replayed_under_the_same_requestid(books: Books) -> None:
    books.sandbox.qbo.fault_plan.force("lost", "503", "lost")
    with quick_client(books) as client:
        report = commit(books.store, client, reviewer="ada", batch_size=5)
    assert not report.failed and sorted(report.posted) == sorted(books.approved)
    assert books.approved_posted() == dict.fromkeys(books.approved, 1)
    assert books.sandbox.qbo.fault_plan.injected["lost"] == 2


def test_an_unknown_outcome_is_looked_up_before_anything_is_sent_again(books: Books) -> None:
    # A client that does not retry: the batch call gives up after the lost answer, the outcome
    # of the first five entries is unknown, and the engine must find them posted, not resend.
    books.sandbox.qbo.fault_plan.force("lost")
    with quick_client(books) as client:
        client.retry = RetryPolicy(base=0.0, cap=0.0, server_retries=0)
        report = commit(books.store, client, reviewer="ada", batch_size=5)
    assert report.recovered == 5
    assert sorted(report.posted) == sorted(books.approved)
    assert books.approved_posted() == dict.fromkeys(books.approved, 1)


class DiesAfterSending(QboClient):
    """The process dies (KeyboardInterrupt stands in for kill) once a batch reached QBO."""

    def batch(self, items: Any, *, request_id: str | None = None) -> dict[str, BatchItemResult]:
        super().batch(items, request_id=request_id)
        raise KeyboardInterrupt


def test_a_crash_after_sending_is_resolved_on_the_next_commit(books: Books) -> None:
    dying = sandbox_client(books, DiesAfterSending)
    with dying, pytest.raises(KeyboardInterrupt):
        commit(books.store, dying, reviewer="ada", batch_size=4)
    with books.store.session() as session:
        sending = list(session.scalars(select(OutboxRow).where(col(OutboxRow.state) == "sending")))
        interrupted = list(
            session.scalars(
                select(CommitBatchRow).where(col(CommitBatchRow.state) == "interrupted")
            )
        )
    assert len(sending) == 4 and len(interrupted) == 1
    assert sum(books.posted_keys().values()) == 4  # QBO has them; we do not know it yet
    with quick_client(books) as client:
        report = commit(books.store, client, reviewer="ada")
    assert report.recovered == 4
    assert books.approved_posted() == dict.fromkeys(books.approved, 1)
    assert books.states()[ProposalState.POSTED] == len(books.approved)


def test_an_entry_unapproved_after_an_interruption_is_not_posted(books: Books) -> None:
    class StopsBeforeSending(QboClient):
        def batch(self, items: Any, *, request_id: str | None = None) -> Any:
            raise KeyboardInterrupt

    stopping = sandbox_client(books, StopsBeforeSending)
    with stopping, pytest.raises(KeyboardInterrupt):
        commit(books.store, stopping, reviewer="ada", batch_size=3)
    changed_mind = books.approved[-1]
    assert decide(books.store, [changed_mind], "unapprove", reviewer="ada").changed
    with quick_client(books) as client:
        report = commit(books.store, client, reviewer="ada")
    assert changed_mind not in report.posted
    assert books.posted_keys()[changed_mind] == 0
    assert books.state_of(changed_mind) == ProposalState.PENDING


def test_quickbooks_unreachable_stops_the_commit_without_losing_anything(books: Books) -> None:
    class Unreachable(QboClient):
        def batch(self, items: Any, *, request_id: str | None = None) -> Any:
            raise QboError("QuickBooks did not answer")

        def query(self, select: Any) -> Any:
            raise QboError("QuickBooks did not answer")

    down = sandbox_client(books, Unreachable)
    with down, pytest.raises(CommitStopped, match="nothing was lost"):
        commit(books.store, down, reviewer="ada")
    with quick_client(books) as client:
        report = commit(books.store, client, reviewer="ada")
    assert sorted(report.posted) == sorted(books.approved)
    assert books.approved_posted() == dict.fromkeys(books.approved, 1)


def test_a_second_commit_on_the_same_sqlite_database_is_refused(books: Books) -> None:
    with (
        commit_lock(books.store),
        quick_client(books) as client,
        pytest.raises(CommitInProgress, match="another commit is running"),
    ):
        commit(books.store, client, reviewer="grace")
    assert books.posted_keys().total() == 0


def test_batch_size_above_thirty_is_refused(books: Books) -> None:
    with quick_client(books) as client, pytest.raises(Exception, match="1 to 30"):
        commit(books.store, client, reviewer="ada", batch_size=31)


def test_a_customer_quickbooks_lacks_is_created_once_and_used(books: Books) -> None:
    name = "Marguerite O'Hanlon-Zürcher"
    receipts = [k for k in books.approved if ":order:" in k][:2]
    with books.store.session() as session:
        for key in receipts:
            row = session.get(ProposalRow, key)
            assert row is not None and row.entity_type == "SalesReceipt"
            body = dict(row.body["SalesReceipt"])
            body["CustomerRef"] = {"value": "{Customer}", "name": name}
            row.body = {"SalesReceipt": body}
            session.add(row)
    with quick_client(books) as client:
        report = commit(books.store, client, reviewer="ada")
    assert not report.failed
    created = [c for c in books.objects("Customer") if c.get("DisplayName") == name]
    assert len(created) == 1
    used = [
        r["CustomerRef"]["value"] for r in books.objects("SalesReceipt")
        if any(k in str(r.get("PrivateNote")) for k in receipts)
    ]  # fmt: skip
    assert used == [created[0]["Id"]] * 2


def test_a_failed_entry_rejected_is_no_longer_retried(books: Books) -> None:
    victim = books.approved[0]
    refuse_date(books, victim)
    with quick_client(books) as client:
        assert [k for k, _m in commit(books.store, client, reviewer="ada").failed] == [victim]
        assert decide(books.store, [victim], "reject", reviewer="ada").changed == [victim]
        again = commit(books.store, client, reviewer="ada")
    assert (again.posted, again.failed, again.calls) == ([], [], 0)
    assert books.state_of(victim) == ProposalState.REJECTED


def test_a_partly_posted_invoice_cannot_be_taken_back_from_the_commit(books: Books) -> None:
    with books.store.session() as session:
        key = next(
            r.key for r in session.scalars(select(ProposalRow))
            if r.key in books.approved and r.entity_type == "Invoice"
        )  # fmt: skip
    refuse_date(books, key, "Payment", index=0)  # the invoice posts, its first payment fails
    with quick_client(books) as client:
        report = commit(books.store, client, reviewer="ada")
    assert [k for k, _m in report.failed] == [key]
    refused = decide(books.store, [key], "reject", reviewer="ada").refused
    assert refused and "Invoice is already in QuickBooks" in refused[0][1]
    assert books.posted_keys()[key] == 1  # the invoice, once
    # The fix: only the refused payment is sent again, against the invoice already posted.
    with books.store.session() as session:
        row = session.get(ProposalRow, key)
        assert row is not None
        fixed = [dict(p) for p in row.body["Payment"]]
        fixed[0]["TxnDate"] = fixed[1]["TxnDate"]
        row.body = {**row.body, "Payment": fixed}
        session.add(row)
    before = books.sandbox.qbo.applied_count(books.realm, entity="Invoice")
    with quick_client(books) as client:
        assert commit(books.store, client, reviewer="ada").posted == [key]
    assert books.sandbox.qbo.applied_count(books.realm, entity="Invoice") == before
    invoice_id = next(
        str(o["Id"]) for o in books.objects("Invoice") if key in str(o.get("PrivateNote"))
    )
    linked = [
        p for p in books.objects("Payment")
        if any(t.get("TxnId") == invoice_id for line in p.get("Line", [])
               for t in line.get("LinkedTxn", []))
    ]  # fmt: skip
    assert len(linked) == 2
    assert books.state_of(key) == ProposalState.POSTED


def test_an_entry_never_answered_and_never_applied_fails_instead_of_looping(
    books: Books,
) -> None:
    class NeverAnswers(QboClient):
        def batch(self, items: Any, *, request_id: str | None = None) -> Any:
            raise QboError("QuickBooks did not answer the POST batch")

    # A few entries show it: every round looks each one up in QuickBooks, and for all 39 the
    # five rounds' lookups alone take ~20 s at the client's pace of 10 requests a second.
    kept, others = books.approved[:4], books.approved[4:]
    decide(books.store, others, "unapprove", reviewer="ada")
    client = sandbox_client(books, NeverAnswers)
    with client:
        report = commit(books.store, client, reviewer="ada", batch_size=30)
    assert sorted(k for k, _m in report.failed) == sorted(kept)
    assert all("without an answer" in message for _k, message in report.failed)
    assert books.posted_keys().total() == 0
