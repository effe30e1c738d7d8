"""SKU → Item mapping over a synced store: the matcher's answers, decisions that stick, and
proposals that use them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from workbench.cli import main
from workbench.services.item_mappings import (
    accept_suggestions,
    create_item,
    match_all,
    set_alias,
)
from workbench.services.propose import propose_all
from workbench.services.role_mappings import set_role
from workbench.services.sandbox_session import Sandbox, fill_store, start_sandbox
from workbench.store.engine import Store, open_store
from workbench.store.tables import AuditRow, ProposalRow


@pytest.fixture
def synced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Store, Sandbox]]:
    url = f"sqlite:///{tmp_path / 'map.db'}"
    monkeypatch.setenv("WORKBENCH_DB", url)
    store = open_store(url)
    sandbox = start_sandbox(orders=150, seed=9, end=date(2026, 11, 20))
    fill_store(store, sandbox)
    yield store, sandbox
    sandbox.close()
    store.close()


def test_matches_agree_with_the_books_and_never_auto_accept_a_wrong_item(
    synced: tuple[Store, Sandbox],
) -> None:
    store, sandbox = synced
    truth = sandbox.data.item_truth
    with store.session() as session:
        results = match_all(session)
    assert results
    for r in results:
        if r.state in {"exact", "auto"} and r.key in truth:
            assert r.item_id == truth[r.key], (r.key, r.reason)


def test_list_json_has_the_documented_fields(
    synced: tuple[Store, Sandbox], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["mappings", "list", "--json"]) == 0
    entries = json.loads(capsys.readouterr().out)
    assert entries
    fields = {"key", "sku", "product_title", "variant_title", "state", "item_id", "item_name",
              "score", "reason", "candidates"}  # fmt: skip
    assert all(fields <= set(e) for e in entries)
    assert {e["state"] for e in entries} <= {"alias", "exact", "auto", "suggested", "unmatched"}
    assert all(len(e["candidates"]) <= 5 for e in entries)
    assert main(["mappings", "list", "--json", "--unmatched"]) == 0
    unmatched = json.loads(capsys.readouterr().out)
    assert all(e["state"] in {"suggested", "unmatched"} for e in unmatched)


def test_a_decision_becomes_an_alias_that_wins_and_is_audited(
    synced: tuple[Store, Sandbox],
) -> None:
    store, _ = synced
    with store.session() as session:
        target = next(r for r in match_all(session) if r.state == "suggested" and r.candidates)
        other = next(c.item_id for c in target.candidates)
        set_alias(session, target.key, other, reviewer="ana", origin="manual")
    with store.session() as session:
        again = next(r for r in match_all(session) if r.key == target.key)
        assert again.state == "alias" and again.item_id == other
        assert session.scalars(select(AuditRow).where(AuditRow.subject == target.key)).first()  # type: ignore[arg-type]
    propose_all(store)
    with store.session() as session:
        uses = [
            p for p in session.scalars(select(ProposalRow))
            if any(line.get("target") == f"Item:{other}" for line in p.lines)
        ]  # fmt: skip
    assert uses, "the proposals using that product now carry the chosen item"


def test_accept_min_score_turns_suggestions_into_aliases(synced: tuple[Store, Sandbox]) -> None:
    store, _ = synced
    with store.session() as session:
        before = sum(1 for r in match_all(session) if r.state == "suggested")
        accepted = accept_suggestions(session, min_score=80, reviewer="ana")
    with store.session() as session:
        after = sum(1 for r in match_all(session) if r.state == "suggested")
    assert all(r.candidates[0].score >= 80 for r in accepted)
    assert after == before - len(accepted)


def test_create_item_in_qbo_for_an_unmatched_product(synced: tuple[Store, Sandbox]) -> None:
    store, sandbox = synced
    with store.session() as session:
        target = next(r for r in match_all(session) if r.state == "unmatched")
    with sandbox.qbo_client() as client:
        created = create_item(store, client, target.key, reviewer="ana")
    # It exists in the books (the emulator's state), carries the SKU, and the product maps to it.
    books = {i["Id"]: i for i in sandbox.qbo.entities(sandbox.data.company.realm_id, "Item")}
    assert books[created.qbo_id]["Type"] == "NonInventory"
    if target.sku:
        assert books[created.qbo_id]["Sku"] == target.sku
    with store.session() as session:
        again = next(r for r in match_all(session) if r.key == target.key)
    assert again.state == "alias" and again.item_id == created.qbo_id


def test_payment_method_per_gateway_reaches_the_receipts(synced: tuple[Store, Sandbox]) -> None:
    store, sandbox = synced
    paypal = next(
        m["Id"] for m in sandbox.data.company.entities["PaymentMethod"] if m["Name"] == "PayPal"
    )
    with store.session() as session:
        set_role(session, "method:paypal", paypal, reviewer="ana")
    propose_all(store)
    with store.session() as session:
        bodies = [p.body for p in session.scalars(select(ProposalRow)) if p.gateway == "paypal"]
    receipts = [b["SalesReceipt"] for b in bodies if "SalesReceipt" in b]
    assert receipts and all(r["PaymentMethodRef"]["value"] == paypal for r in receipts)
