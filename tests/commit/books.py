"""A sandbox company with approved proposals, and ways to count what reached QuickBooks."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import col

from workbench.domain.proposals import keys_in_text
from workbench.qbo.client import QboClient
from workbench.qbo.entities import TRANSACTIONS
from workbench.services.item_mappings import accept_suggestions
from workbench.services.propose import propose_all
from workbench.services.review import approve_clean
from workbench.services.sandbox_session import (
    QBO_SANDBOX_BASE,
    Sandbox,
    SandboxTokens,
    fill_store,
    prepare_demo_books,
    start_sandbox,
)
from workbench.store.engine import Store, open_store
from workbench.store.tables import ProposalRow


@dataclass
class Books:
    store: Store
    sandbox: Sandbox
    approved: list[str]

    @property
    def realm(self) -> str:
        return self.sandbox.data.company.realm_id

    def objects(self, entity: str) -> list[dict[str, object]]:
        return self.sandbox.qbo.entities(self.realm, entity)

    def posted_keys(self) -> Counter[str]:
        """How many live QBO transactions carry each proposal key (should be 0 or 1)."""
        found: Counter[str] = Counter()
        for entity in sorted(TRANSACTIONS):
            for obj in self.objects(entity):
                for source_type, source_id, _v in keys_in_text(str(obj.get("PrivateNote") or "")):
                    if entity == "Payment":
                        continue  # an invoice's payments carry its key too; counted apart
                    found[f"shopify:{source_type.value}:{source_id}:v1"] += 1
        return found

    def approved_posted(self) -> dict[str, int]:
        """How many times QuickBooks holds each approved entry (1 each: posted exactly once)."""
        posted = self.posted_keys()
        return {k: posted[k] for k in self.approved}

    def states(self) -> Counter[str]:
        with self.store.session() as session:
            return Counter(session.scalars(select(col(ProposalRow.state))))

    def state_of(self, key: str) -> str:
        with self.store.session() as session:
            row = session.get(ProposalRow, key)
            assert row is not None
            return row.state

    def close(self) -> None:
        self.sandbox.close()
        self.store.close()


def make_books(url: str, *, orders: int = 60, seed: int = 11) -> Books:
    """Sync a generated store, set its books up, accept confident item suggestions, and
    approve every clean proposal: what a bookkeeper has before pressing commit."""
    store = open_store(url)
    sandbox = start_sandbox(orders=orders, seed=seed)
    fill_store(store, sandbox)
    prepare_demo_books(store, sandbox)
    with store.session() as session:
        accept_suggestions(session, min_score=70, reviewer="tester")
    propose_all(store)
    approved = approve_clean(store, reviewer="tester").changed
    assert approved, "the sandbox store should have clean proposals to approve"
    return Books(store, sandbox, approved)


def refuse_date(books: Books, key: str, part: str | None = None, *, index: int = 0) -> str:
    """Give one approved proposal (or one of its payments) a date QuickBooks refuses, a cause
    the bookkeeper can fix; returns the date it had."""
    with books.store.session() as session:
        row = session.get(ProposalRow, key)
        assert row is not None
        body = dict(row.body)
        if part == "Payment":
            payments = [dict(p) for p in body["Payment"]]
            original = str(payments[index]["TxnDate"])
            payments[index]["TxnDate"] = "2026-13-45"
            body["Payment"] = payments
        else:
            obj = dict(body[row.entity_type])
            original = str(obj["TxnDate"])
            obj["TxnDate"] = "2026-13-45"
            body[row.entity_type] = obj
        row.body = body
        session.add(row)
    return original


def sandbox_client(books: Books, cls: type[QboClient] = QboClient) -> QboClient:
    """A client of the books' company over the in-process emulator, paced like QBO;
    ``cls`` lets a test put a double (a client that dies after sending, …) in its place."""
    realm = books.realm
    return cls(
        QBO_SANDBOX_BASE, realm, SandboxTokens(books.sandbox.qbo, realm),
        transport=books.sandbox.qbo_transport,
    )  # fmt: skip
