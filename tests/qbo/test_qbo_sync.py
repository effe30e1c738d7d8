"""`workbench sync qbo` into the store (SQLite and PostgreSQL): paging past 1,000 items, names
that need escaping, incremental runs by MetaData.LastUpdatedTime, deletions found by CDC or by
reading the window whole, and the company settings posting depends on."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from sqlalchemy import select

from tests.qbo.qbo_support import Env, make_env
from workbench.qbo.client import QboClient
from workbench.qbo.querylang import Select
from workbench.sandbox.dataset import QboCompany
from workbench.sandbox.generator import generate
from workbench.services.qbo_sync import sync_qbo
from workbench.store import qbo_repo
from workbench.store.engine import Store, open_store
from workbench.store.tables import SyncCheckpointRow

EXTRA_ITEMS = 1100
ODD_NAME = 'Bob\'s \\ "Best" Tools'
HOUR = 3600.0


@functools.cache
def big_company() -> QboCompany:
    """The sandbox company of a small shop, plus enough items to need two pages.

    Built once: the emulator copies what it is given, so tests can share it."""
    company = generate(seed=3, orders=200, end=date(2026, 11, 1)).company
    income = next(a["Id"] for a in company.entities["Account"] if a["AccountType"] == "Income")
    extra: list[dict[str, Any]] = [
        {"Id": str(100_000 + n), "Name": f"Widget {n:04d}", "Sku": f"W-{n:04d}",
         "Type": "NonInventory", "Active": True, "IncomeAccountRef": {"value": income}}
        for n in range(EXTRA_ITEMS)
    ]  # fmt: skip
    extra.append({"Id": "200000", "Name": ODD_NAME, "Sku": "BT\\1", "Type": "NonInventory",
                  "Active": True, "IncomeAccountRef": {"value": income}})  # fmt: skip
    for item in extra:
        item["FullyQualifiedName"] = item["Name"]
    company.entities["Item"] = company.entities["Item"] + extra
    return company


@pytest.fixture
def env(tmp_path: Path) -> Iterator[Env]:
    environment = make_env(tmp_path, big_company())
    environment.clock.advance(HOUR)  # let the seeded objects age past the overlap window
    yield environment
    environment.close()


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    opened = open_store(db_url)
    yield opened
    opened.close()


def realm(env: Env) -> str:
    return env.company.realm_id


def stored_rows(store: Store, env: Env, entity: str) -> dict[str, Any]:
    with store.session() as session:
        return {row.qbo_id: row for row in qbo_repo.load_objects(session, realm(env), entity)}


def item_queries(env: Env) -> list[str]:
    texts = [parse_qs(r.url.query.decode()).get("query", [""])[0]
             for r in env.transport.api_requests()]  # fmt: skip
    return [t for t in texts if " FROM Item " in t]


def test_first_sync_pages_and_keeps_everything(env: Env, store: Store) -> None:
    client = env.client()
    result = sync_qbo(store, client)

    emulated_items = env.emulator.entities(realm(env), "Item")
    assert len(emulated_items) > 1000
    assert result.fetched["Item"] == len(emulated_items)
    pages = item_queries(env)
    assert [q.split("STARTPOSITION")[1].strip() for q in pages] == [
        "1 MAXRESULTS 1000",
        "1001 MAXRESULTS 1000",
    ]
    assert all(q.startswith("SELECT *, Sku FROM Item WHERE Active IN (true, false)") for q in pages)

    for entity in ("Account", "Item", "Customer", "PaymentMethod", "TaxCode", "TaxRate"):
        expected = {o["Id"] for o in env.emulator.entities(realm(env), entity)}
        assert set(stored_rows(store, env, entity)) == expected, entity

    items = stored_rows(store, env, "Item")
    odd = next(row for row in items.values() if row.name == ODD_NAME)
    assert odd.raw["Sku"] == "BT\\1"  # SELECT * alone would have dropped Sku
    assert items["100007"].raw["Sku"] == "W-0007"
    found = client.query(Select("Item", extra_fields=("Sku",)).where("Name", "=", ODD_NAME))
    assert [row["Id"] for row in found] == [odd.qbo_id]

    deposits = stored_rows(store, env, "Deposit")
    source = env.company.entities["Deposit"][0]
    assert set(deposits) == {str(source["Id"])}
    deposit = deposits[str(source["Id"])]
    assert deposit.total_amt == Decimal(str(source["TotalAmt"]))
    assert isinstance(deposit.raw["TotalAmt"], Decimal)
    assert deposit.private_note == source["PrivateNote"] and deposit.txn_date is not None

    with store.session() as session:
        company = qbo_repo.company_settings(session, realm(env))
        checkpoints = set(session.scalars(select(SyncCheckpointRow.source)))
    assert company is not None
    assert company.name == env.company.company_info["CompanyName"]
    assert company.home_currency == "USD" and company.multicurrency is False
    assert company.custom_txn_numbers is True and company.tax.us and company.tax.automated
    assert f"qbo.{realm(env)}.Item" in checkpoints and f"qbo.{realm(env)}.Deposit" in checkpoints


def deposit_body(amount: str, note: str) -> dict[str, Any]:
    return {
        "DepositToAccountRef": {"value": "1"},
        "PrivateNote": note,
        "Line": [{"DetailType": "DepositLineDetail", "Amount": Decimal(amount),
                  "DepositLineDetail": {"AccountRef": {"value": "25"}}}],
    }  # fmt: skip


def test_next_sync_reads_only_what_changed_and_drops_deletions(env: Env, store: Store) -> None:
    client = env.client()
    doomed = client.create("Deposit", deposit_body("10.00", "bank feed"))
    sync_qbo(store, client)
    assert doomed["Id"] in stored_rows(store, env, "Deposit")
    env.clock.advance(HOUR)

    widget = client.read("Item", "100003")
    client.update("Item", {"Id": "100003", "SyncToken": widget["SyncToken"], "Sku": "W-3-NEW"})
    account = env.emulator.entities(realm(env), "Account")[5]
    client.deactivate("Account", account["Id"], account["SyncToken"])
    new = client.create("Deposit", deposit_body("1536.82", "SHOPIFY TRANSFER ST-NEW"))
    client.delete("Deposit", doomed["Id"], doomed["SyncToken"])
    env.clock.advance(HOUR)

    second = sync_qbo(store, client)
    assert second.fetched["Item"] == 1 and second.fetched["Account"] == 1
    assert second.fetched["Customer"] == 0
    assert second.fetched["Deposit"] == 1
    assert second.deleted == {"Deposit": 1}
    deposits = stored_rows(store, env, "Deposit")
    assert new["Id"] in deposits and doomed["Id"] not in deposits
    assert stored_rows(store, env, "Item")["100003"].raw["Sku"] == "W-3-NEW"
    assert stored_rows(store, env, "Account")[account["Id"]].active is False
    assert len(stored_rows(store, env, "Item")) == len(env.emulator.entities(realm(env), "Item"))
    assert item_queries(env)[-1].count("MetaData.LastUpdatedTime >= '") == 1


def test_past_cdc_reach_the_window_is_read_whole(env: Env, store: Store) -> None:
    client = env.client()
    doomed = client.create("Deposit", deposit_body("20.00", "to be deleted"))
    sync_qbo(store, client)
    client.delete("Deposit", doomed["Id"], doomed["SyncToken"])
    env.clock.advance(31 * 24 * HOUR)  # CDC looks back 30 days at most

    result = sync_qbo(store, client)
    assert result.deleted.get("Deposit") == 1
    assert doomed["Id"] not in stored_rows(store, env, "Deposit")
    paths = [r.url.path for r in env.transport.api_requests()]
    assert not any(p.endswith("/cdc") for p in paths)


def test_a_cdc_answer_at_its_cap_is_not_trusted(
    env: Env, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = env.client()
    doomed = client.create("Deposit", deposit_body("30.00", "to be deleted"))
    sync_qbo(store, client)
    client.delete("Deposit", doomed["Id"], doomed["SyncToken"])
    client.create("Deposit", deposit_body("31.00", "new"))
    env.clock.advance(HOUR)
    # Pretend CDC stops at one object: its answer may then have left the deletion out.
    monkeypatch.setattr("workbench.services.qbo_sync.CDC_MAX_OBJECTS", 1)
    result = sync_qbo(store, client)
    assert doomed["Id"] not in stored_rows(store, env, "Deposit")
    assert result.deleted.get("Deposit") == 1
    deposit_queries = [
        parse_qs(r.url.query.decode()).get("query", [""])[0]
        for r in env.transport.api_requests()
        if " FROM Deposit " in parse_qs(r.url.query.decode()).get("query", [""])[0]
    ]
    assert "LastUpdatedTime" not in deposit_queries[-1]  # the window was read whole


def test_a_wider_window_reads_further_back(env: Env, store: Store) -> None:
    client = env.client()
    old = client.create("Deposit", {**deposit_body("40.00", "old"), "TxnDate": "2026-09-10"})
    env.clock.advance(HOUR)  # so the deposit is older than the next run's overlap
    sync_qbo(store, client, window_days=30)
    assert old["Id"] not in stored_rows(store, env, "Deposit")
    env.clock.advance(HOUR)
    sync_qbo(store, client, window_days=90)  # unchanged since, yet now inside the window
    assert old["Id"] in stored_rows(store, env, "Deposit")


def test_sync_is_idempotent(env: Env, store: Store) -> None:
    client: QboClient = env.client()
    sync_qbo(store, client, full=True)
    with store.session() as session:
        before = qbo_repo.counts(session, realm(env))
    sync_qbo(store, client, full=True)
    with store.session() as session:
        assert qbo_repo.counts(session, realm(env)) == before
