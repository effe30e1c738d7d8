"""Approving, rejecting and undoing from the keyboard and from the command line."""

from __future__ import annotations

from sqlalchemy import select

from workbench.domain.proposals import ProposalState
from workbench.services.review import approve_clean, decide
from workbench.services.workspace import Workspace
from workbench.store.engine import Store
from workbench.store.tables import AuditRow, ProposalRow
from workbench.tui.app import WorkbenchApp
from workbench.tui.widgets.activity_list import ActivityList

CLEAN = "shopify:order:1001:v1"  # both lines mapped in the fixture


def state(store: Store, key: str) -> str:
    with store.session() as session:
        row = session.get(ProposalRow, key)
        assert row is not None
        return row.state


async def test_a_approves_and_u_undoes_the_current_row(small_store: Store) -> None:
    app = WorkbenchApp(Workspace(small_store), user="ana")
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.press("G")  # #1001, the oldest row
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("a")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert state(small_store, CLEAN) == ProposalState.APPROVED
        activity = app.screen.query_one(ActivityList)
        row = activity.row_at(activity.cursor)
        assert row is not None and row.marks == "✓"
        await pilot.press("u")
        await app.workers.wait_for_complete()
        assert state(small_store, CLEAN) == ProposalState.PENDING


async def test_an_unmapped_entry_cannot_be_approved_and_says_why(small_store: Store) -> None:
    with small_store.session() as session:
        row = session.get(ProposalRow, CLEAN)
        assert row is not None
        row.lines = [{**row.lines[0], "target": None}, *row.lines[1:]]
        session.add(row)
    app = WorkbenchApp(Workspace(small_store))
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.press("G")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("a")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert state(small_store, CLEAN) == ProposalState.PENDING
        messages = " ".join(n.message for n in app._notifications)
        assert "Not approved" in messages and "not mapped" in messages


def test_cli_level_decisions_are_audited(small_store: Store) -> None:
    report = approve_clean(small_store, reviewer="ana")
    # Both orders have every line mapped; the payout ties out with all its roles mapped.
    assert sorted(report.changed) == [CLEAN, "shopify:order:1002:v1", "shopify:payout:77:v1"]
    again = decide(small_store, [CLEAN, "shopify:order:404:v1"], "approve", reviewer="ana")
    assert again.refused == [
        (CLEAN, "it is approved"),
        ("shopify:order:404:v1", "no such proposal"),
    ]
    decide(small_store, [CLEAN], "reject", reviewer="ben")
    with small_store.session() as session:
        trail = [
            (a.actor, a.action) for a in session.scalars(select(AuditRow).order_by(AuditRow.id))
        ]  # type: ignore[arg-type]
    assert trail == [("ana", "approve")] * 3 + [("ben", "reject")]
