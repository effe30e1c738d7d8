"""The Payouts tab: a payout with look-alike deposits is linked, posted anyway or skipped from
the keyboard, each decision recorded with the reviewer."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import col

from tests.tui.tab_pilot import SIZE, press, settle
from workbench.services.workspace import Workspace
from workbench.store.engine import Store
from workbench.store.tables import AuditRow, ProposalRow, ReviewDecisionRow
from workbench.tui.app import WorkbenchApp
from workbench.tui.screens.reason_prompt import ReasonPrompt
from workbench.tui.tabs.payouts import PayoutsTab

KEY = "shopify:payout:77:v1"


def _decisions(store: Store) -> list[ReviewDecisionRow]:
    with store.session() as session:
        return list(
            session.scalars(
                select(ReviewDecisionRow).where(col(ReviewDecisionRow.proposal_key) == KEY)
            )
        )


async def test_the_tab_lists_the_payout_with_its_candidates(books: Store) -> None:
    app = WorkbenchApp(Workspace(books), user="ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "2")
        tab = app.screen.query_one(PayoutsTab)
        assert [r.payout_id for r in tab.rows] == ["77"]
        assert tab.detail is not None
        # The deposit a day later with SHOPIFY in its memo outranks the one five days later.
        assert [c.target for c in tab.detail.candidates] == ["Deposit:145", "Deposit:146"]
        assert tab.detail.tieouts[0].ok
        assert app.screen.active_bindings["l"].binding.id == "payouts.link"


async def test_l_links_the_highlighted_candidate(books: Store) -> None:
    app = WorkbenchApp(Workspace(books), user="ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "2")
        # Move to the candidates, choose the second one, link it.
        await press(pilot, "tab", "j", "l")
        tab = app.screen.query_one(PayoutsTab)
        assert not tab.rows[0].decidable
    with books.session() as session:
        row = session.get(ProposalRow, KEY)
        assert row is not None
        assert (row.state, row.qbo_type, row.qbo_id) == ("linked", "Deposit", "146")
        audit = session.scalars(select(AuditRow).where(col(AuditRow.subject) == KEY)).all()
    assert [(a.action, a.actor) for a in audit] == [("link", "ana")]
    assert [(d.decision, d.target) for d in _decisions(books)] == [("link", "Deposit:146")]


async def test_post_anyway_needs_a_reason_and_records_it(books: Store) -> None:
    app = WorkbenchApp(Workspace(books), user="ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "2", "P")
        assert isinstance(app.screen, ReasonPrompt)
        await press(pilot, "enter")  # blank: refused, the prompt stays
        assert isinstance(app.screen, ReasonPrompt)
        assert _decisions(books) == []
        await press(pilot, *"the 9th is a transfer", "enter")
        assert not isinstance(app.screen, ReasonPrompt)
    [decision] = _decisions(books)
    assert (decision.decision, decision.reviewer) == ("post_anyway", "ana")
    assert decision.reason == "the 9th is a transfer"
    with books.session() as session:
        row = session.get(ProposalRow, KEY)
        assert row is not None
        assert not any(f["code"] == "duplicate_candidate" for f in row.flags)


async def test_escape_leaves_the_payout_undecided_and_skip_asks_first(books: Store) -> None:
    app = WorkbenchApp(Workspace(books), user="ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "2", "P", "escape")
        await press(pilot, "K", "n")
        assert _decisions(books) == []
        await press(pilot, "K", "y")
    assert [d.decision for d in _decisions(books)] == ["skip"]
    with books.session() as session:
        row = session.get(ProposalRow, KEY)
        assert row is not None and row.state == "skipped"


async def test_without_candidates_the_decision_keys_are_hidden(small_store: Store) -> None:
    app = WorkbenchApp(Workspace(small_store), user="ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "2")
        tab = app.screen.query_one(PayoutsTab)
        assert tab.detail is not None and tab.detail.candidates == []
        assert "l" not in app.screen.active_bindings or not tab.check_action("link", ())
        await press(pilot, "l", "K")
    assert _decisions(small_store) == []
