"""The guard over a synced store: the sandbox's bank-feed deposit (synced from the QBO emulator
by the real client) is found, explained, and a decision on it sticks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from workbench.domain.proposals import ProposalState
from workbench.errors import WorkbenchError
from workbench.services.duplicates import decide, describe, find_duplicates
from workbench.services.propose import propose_all
from workbench.services.sandbox_session import Sandbox, fill_store, start_sandbox
from workbench.services.status import status
from workbench.store.engine import Store, open_store
from workbench.store.tables import AuditRow, ProposalRow, RoleMappingRow


def choose_bank(store: Store) -> None:
    """The bookkeeper's one decision the guard needs: which account payouts land in."""
    with store.session() as session:
        session.add(
            RoleMappingRow(role="bank", qbo_type="Account", qbo_id="1", name="Checking",
                           decided_by="tester", decided_at=datetime.now(UTC))
        )  # fmt: skip


@pytest.fixture
def store(tmp_path: Path) -> Iterator[tuple[Store, Sandbox]]:
    opened = open_store(f"sqlite:///{tmp_path / 'dup.db'}")
    sandbox = start_sandbox(orders=200, seed=7, end=date(2026, 11, 20))
    fill_store(opened, sandbox)  # Shopify and the QBO company, through the real clients
    choose_bank(opened)
    propose_all(opened)
    yield opened, sandbox
    sandbox.close()
    opened.close()


def test_the_bank_feed_deposit_is_found_and_explained(store: tuple[Store, Sandbox]) -> None:
    opened, sandbox = store
    with opened.session() as session:
        flags = [describe(f) for f in find_duplicates(session)]
    payouts = [f for f in flags if f["kind"] == "duplicate_payout"]
    assert len(payouts) == 1
    deposit = sandbox.data.company.entities["Deposit"][0]
    flag = payouts[0]
    assert flag["chosen"] == f"Deposit:{deposit['Id']}"
    reasons = " ".join(flag["candidates"][0]["reasons"])
    assert "payout net" in reasons and "Shopify" in reasons
    with opened.session() as session:
        row = session.get(ProposalRow, flag["key"])
        assert row is not None and row.state == ProposalState.NEEDS_ATTENTION
        assert any(f["code"] == "duplicate_candidate" for f in row.flags)
    assert status(opened)["duplicate_payouts"] == 1


def test_linking_sticks_is_audited_and_posts_nothing(store: tuple[Store, Sandbox]) -> None:
    opened, _ = store
    with opened.session() as session:
        flag = next(f for f in find_duplicates(session) if f.kind.value == "duplicate_payout")
    assert flag.chosen is not None
    decide(opened, flag.key, "link", reviewer="ana", target=f"Deposit:{flag.chosen.id}")
    propose_all(opened)
    with opened.session() as session:
        row = session.get(ProposalRow, flag.key)
        assert row is not None and row.state == ProposalState.LINKED
        assert (row.qbo_type, row.qbo_id) == ("Deposit", flag.chosen.id)
        audit = session.scalars(select(AuditRow).where(AuditRow.subject == flag.key)).all()  # type: ignore[arg-type]
        assert [(a.actor, a.action) for a in audit] == [("ana", "link")]
        # On the next run the linked deposit is that payout's, and nobody else's candidate.
        after = find_duplicates(session)
    mine = [f for f in after if f.key == flag.key]
    assert [f.kind.value for f in mine] == ["already_posted"]
    assert not [f for f in after if f.key != flag.key and any(
        c.record.id == flag.chosen.id for c in f.candidates)]  # fmt: skip


def test_post_anyway_needs_a_reason_and_clears_the_flag(store: tuple[Store, Sandbox]) -> None:
    opened, _ = store
    with opened.session() as session:
        key = next(f.key for f in find_duplicates(session) if f.kind.value == "duplicate_payout")
    with pytest.raises(WorkbenchError, match="reason"):
        decide(opened, key, "post_anyway", reviewer="ana")
    decide(opened, key, "post_anyway", reviewer="ana", reason="the bank feed deposit is a transfer")
    propose_all(opened)
    with opened.session() as session:
        row = session.get(ProposalRow, key)
        assert row is not None
        assert not any(f["code"] == "duplicate_candidate" for f in row.flags)


def test_linking_to_an_unknown_record_is_refused(store: tuple[Store, Sandbox]) -> None:
    opened, _ = store
    with opened.session() as session:
        key = next(f.key for f in find_duplicates(session))
    with pytest.raises(WorkbenchError, match="TYPE:ID"):
        decide(opened, key, "link", reviewer="ana", target="Deposit:999999")
