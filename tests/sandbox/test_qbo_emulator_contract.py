"""Contract tests: the QBO emulator answers the public samples in fixtures/qbo/ in their shape.

Each request fixture is sent (after seeding the objects it references) and the answer compared
structurally with the matching response fixture: the same keys at every level, the same JSON
types, numbers equal numerically and strings equal, except server-assigned values (Id, time,
MetaData, DocNumber, TxnDate, DueDate), which only have to have the same type. A key the
emulator adds beyond the fixture must have been seen under the same parent key in some fixture
(the samples disagree with one another: doc samples drop keys that recordings have), or be
``CurrencyRef``, which the reference (§3) says single-currency companies still return.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from qbo_emulator_support import (
    REALM,
    FakeClock,
    FakeWallClock,
    Qbo,
    basic,
    decimal_json,
    deep,
    load_fixture,
    sales_line,
    sample_company,
)

from workbench.sandbox.dataset import QboCompany
from workbench.sandbox.qbo_emulator import QboEmulator

SERVER_ASSIGNED = frozenset(
    {
        "Id",
        "time",
        "MetaData",
        "DocNumber",
        "TxnDate",
        "DueDate",
        "CreateTime",
        "LastUpdatedTime",
        "TxnId",
    }
)
GLOBAL_EXTRA = frozenset({"CurrencyRef"})


def _key_union(fixtures: Path) -> dict[str, set[str]]:
    """Keys seen in any fixture under each parent key name (e.g. all keys of "SalesReceipt")."""
    union: dict[str, set[str]] = {}

    def walk(value: Any, parent: str) -> None:
        if isinstance(value, dict):
            union.setdefault(parent, set()).update(value)
            for key, item in value.items():
                walk(item, key)
        elif isinstance(value, list):
            for item in value:
                walk(item, parent)

    for path in sorted((fixtures / "qbo").glob("*.json")):
        walk(load_fixture(fixtures, path.name), "<root>")
    return union


@pytest.fixture(scope="module")
def key_union(shared_fixtures: Path) -> dict[str, set[str]]:
    return _key_union(shared_fixtures)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float | Decimal):
        return "number"
    if value is None:
        return "null"
    return type(value).__name__


def assert_shape(
    actual: Any,
    expected: Any,
    union: dict[str, set[str]],
    *,
    missing_ok: frozenset[str] = frozenset(),
    parent: str = "<root>",
    path: str = "$",
) -> None:
    assert _kind(actual) == _kind(expected), f"{path}: {actual!r} is not like {expected!r}"
    if isinstance(expected, dict):
        for key, item in expected.items():
            if key not in actual:
                assert key in missing_ok, f"{path}: key {key!r} missing"
                continue
            if key in SERVER_ASSIGNED:
                assert _kind(actual[key]) == _kind(item), f"{path}.{key}: type differs"
                continue
            assert_shape(
                actual[key], item, union, missing_ok=missing_ok, parent=key, path=f"{path}.{key}"
            )
        for key in actual:
            if key not in expected:
                assert key in union.get(parent, set()) or key in GLOBAL_EXTRA, (
                    f"{path}: extra key {key!r} never seen under {parent!r} in the fixtures"
                )
    elif isinstance(expected, list):
        assert len(actual) == len(expected), (
            f"{path}: {len(actual)} items, expected {len(expected)}"
        )
        for index, (a, e) in enumerate(zip(actual, expected, strict=True)):
            assert_shape(a, e, union, missing_ok=missing_ok, parent=parent, path=f"{path}[{index}]")
    elif _kind(expected) == "number":
        assert Decimal(str(actual)) == Decimal(str(expected)), f"{path}: {actual} != {expected}"
    else:
        assert actual == expected, f"{path}: {actual!r} != {expected!r}"


def make(company: QboCompany | None = None, user: str = "Sandbox Admin") -> Qbo:
    clock = FakeClock()
    emulator = QboEmulator(
        [company or sample_company()], clock=clock, wall_clock=FakeWallClock(clock)
    )
    emulator.user_name = user
    return Qbo(emulator)


def with_entities(**extra: list[dict[str, Any]]) -> QboCompany:
    company = sample_company()
    for entity, items in extra.items():
        company.entities.setdefault(entity, []).extend(deep(items))
    return company


# -- request fixtures -------------------------------------------------------------------------

Case = Callable[[Path, dict[str, set[str]]], Awaitable[None]]


async def _create_case(
    fx: Path,
    union: dict[str, set[str]],
    entity: str,
    stem: str,
    company: QboCompany | None = None,
    missing_ok: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    qbo = make(company)
    request = load_fixture(fx, f"{stem}_request.json")
    response = await qbo.post(entity.lower(), request)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json;charset=utf-8"
    expected = load_fixture(fx, f"{stem}_response.json")
    body = decimal_json(response)
    assert_shape(body, expected, union, missing_ok=missing_ok)
    await qbo.aclose()
    result: dict[str, Any] = body[entity]
    return result


async def salesreceipt_create(fx: Path, union: dict[str, set[str]]) -> None:
    created = await _create_case(fx, union, "SalesReceipt", "salesreceipt_create")
    assert created["SyncToken"] == "0"
    assert created["Line"][-1]["DetailType"] == "SubTotalLineDetail"


async def refundreceipt_create(fx: Path, union: dict[str, set[str]]) -> None:
    created = await _create_case(fx, union, "RefundReceipt", "refundreceipt_create")
    assert created["PaymentRefNum"] == "To Print"


async def invoice_create(fx: Path, union: dict[str, set[str]]) -> None:
    created = await _create_case(fx, union, "Invoice", "invoice_create")
    assert created["DueDate"] > created["TxnDate"]
    assert created["Balance"] == created["TotalAmt"] == 100


async def payment_create(fx: Path, union: dict[str, set[str]]) -> None:
    # ProjectRef: the doc's customer is a project; the sample company has none.
    created = await _create_case(
        fx, union, "Payment", "payment_create", missing_ok=frozenset({"ProjectRef"})
    )
    assert created["UnappliedAmt"] == 25


async def deposit_create(fx: Path, union: dict[str, set[str]]) -> None:
    created = await _create_case(fx, union, "Deposit", "deposit_create")
    assert created["Line"][0]["Id"] == "1" and created["Line"][0]["LineNum"] == 1


async def journalentry_create(fx: Path, union: dict[str, set[str]]) -> None:
    created = await _create_case(fx, union, "JournalEntry", "journalentry_create")
    assert [line["Id"] for line in created["Line"]] == ["0", "1"]


async def item_create_inventory(fx: Path, union: dict[str, set[str]]) -> None:
    company = sample_company()
    company.entities["Item"] = [i for i in company.entities["Item"] if i["Id"] != "38"]
    created = await _create_case(fx, union, "Item", "item_create_inventory", company)
    assert created["FullyQualifiedName"] == "Garden Supplies"


async def salesreceipt_full_update(fx: Path, union: dict[str, set[str]]) -> None:
    seed = load_fixture(fx, "salesreceipt_read_response.json")["SalesReceipt"]
    qbo = make(with_entities(SalesReceipt=[seed]))
    request = load_fixture(fx, "salesreceipt_full_update_request.json")
    response = await qbo.post("salesreceipt", request, requestid="b1f5c0a2-full-update")
    assert response.status_code == 200, response.text
    body = decimal_json(response)
    assert_shape(body, load_fixture(fx, "salesreceipt_full_update_response.json"), union)
    assert body["SalesReceipt"]["SyncToken"] == "5"
    assert body["SalesReceipt"]["Line"][0]["Id"] == "6"  # a line without Id is a new line
    await qbo.aclose()


async def salesreceipt_void(fx: Path, union: dict[str, set[str]]) -> None:
    expected = load_fixture(fx, "salesreceipt_void_response.json")
    seed = deep(expected["SalesReceipt"])
    seed.update(TotalAmt=100, SyncToken="0", DepositToAccountRef={"value": "4"})
    seed.pop("PrivateNote")
    seed["Line"][0].update(Amount=100)
    seed["Line"][0]["SalesItemLineDetail"].update(Qty=1, UnitPrice=100)
    seed["Line"][1]["Amount"] = 100
    qbo = make(with_entities(SalesReceipt=[seed]))
    request = load_fixture(fx, "salesreceipt_void_request.json")
    response = await qbo.post("salesreceipt", request, operation="update", include="void")
    assert response.status_code == 200, response.text
    assert_shape(decimal_json(response), expected, union)
    await qbo.aclose()


async def invoice_void(fx: Path, union: dict[str, set[str]]) -> None:
    expected = load_fixture(fx, "invoice_void_response.json")
    seed = deep(expected["Invoice"])
    seed.update(TotalAmt=100, Balance=100, SyncToken="0")
    seed.pop("PrivateNote")
    seed["Line"][0]["Amount"] = seed["Line"][1]["Amount"] = 100
    qbo = make(with_entities(Invoice=[seed]))
    request = load_fixture(fx, "invoice_void_request.json")
    response = await qbo.post("invoice", request, operation="void")
    assert response.status_code == 200, response.text
    assert_shape(decimal_json(response), expected, union)
    await qbo.aclose()


async def _delete_case(
    fx: Path,
    union: dict[str, set[str]],
    entity: str,
    request: Any,
    expected_name: str,
    seed: dict[str, Any],
) -> None:
    qbo = make(with_entities(**{entity: [seed]}))
    response = await qbo.post(entity.lower(), request, operation="delete")
    assert response.status_code == 200, response.text
    body = decimal_json(response)
    expected = load_fixture(fx, expected_name)
    assert set(body[entity]) == set(expected[entity])  # exactly {status, domain, Id}
    assert_shape(body, expected, union)
    again = await qbo.get(f"{entity.lower()}/{request['Id']}")
    assert again.status_code == 400 and decimal_json(again)["Fault"]["Error"][0]["code"] == "610"
    await qbo.aclose()


async def invoice_delete(fx: Path, union: dict[str, set[str]]) -> None:
    seed = deep(load_fixture(fx, "invoice_create_response.json")["Invoice"])
    await _delete_case(
        fx,
        union,
        "Invoice",
        load_fixture(fx, "invoice_delete_request.json"),
        "invoice_delete_response.json",
        seed,
    )


async def deposit_delete(fx: Path, union: dict[str, set[str]]) -> None:
    seed = deep(load_fixture(fx, "deposit_create_response.json")["Deposit"])
    seed.update(Id="148", SyncToken="3")
    await _delete_case(
        fx,
        union,
        "Deposit",
        load_fixture(fx, "deposit_delete_request.json"),
        "deposit_delete_response.json",
        seed,
    )


async def deposit_sparse_update(fx: Path, union: dict[str, set[str]]) -> None:
    seed = deep(load_fixture(fx, "deposit_create_response.json")["Deposit"])
    seed.update(Id="146", SyncToken="0", TxnDate="2014-12-22")
    qbo = make(with_entities(Deposit=[seed]))
    request = load_fixture(fx, "deposit_sparse_update_request.json")
    response = await qbo.post("deposit", request)
    assert response.status_code == 200, response.text
    body = decimal_json(response)
    expected = load_fixture(fx, "deposit_create_response.json")
    expected["Deposit"]["SyncToken"] = "1"
    assert_shape(body, expected, union)
    deposit = body["Deposit"]
    assert deposit["TxnDate"] == "2014-12-02" and deposit["SyncToken"] == "1"
    assert deposit["TotalAmt"] == 20  # sparse: the lines were kept
    await qbo.aclose()


async def refundreceipt_sparse_update(fx: Path, union: dict[str, set[str]]) -> None:
    query = load_fixture(fx, "refundreceipt_query_response.json")
    seed = deep(query["QueryResponse"]["RefundReceipt"][0])
    seed["SyncToken"] = "2"
    pye = {"Id": "15", "SyncToken": "0", "DisplayName": "Pye's Cakes", "Active": True}
    qbo = make(with_entities(RefundReceipt=[seed], Customer=[pye]))
    request = load_fixture(fx, "refundreceipt_sparse_update_request.json")
    response = await qbo.post("refundreceipt", request)
    assert response.status_code == 200, response.text
    body = decimal_json(response)
    expected = {"RefundReceipt": deep(seed), "time": query["time"]}
    expected["RefundReceipt"].update(SyncToken="3", PrivateNote=request["PrivateNote"])
    assert_shape(body, expected, union)
    await qbo.aclose()


def _batch_seed(fx: Path) -> QboCompany:
    page = load_fixture(fx, "query_salesreceipt_page_response.json")["QueryResponse"]
    return with_entities(SalesReceipt=page["SalesReceipt"])


async def batch_recorded(fx: Path, union: dict[str, set[str]]) -> None:
    """batch_request.json → batch_response_mixed_faults.json: not atomic, per-item faults."""
    qbo = make(_batch_seed(fx), user="Christian Pelczarski")
    response = await qbo.post("batch", load_fixture(fx, "batch_request.json"))
    assert response.status_code == 200, response.text
    expected = load_fixture(fx, "batch_response_mixed_faults.json")
    assert_shape(decimal_json(response), expected, union)
    assert len(qbo.emulator.entities(REALM, "Vendor")) == 1  # bid1 applied despite bid2/bid3
    await qbo.aclose()


async def batch_doc(fx: Path, union: dict[str, set[str]]) -> None:
    """batch_request_doc.json: the doc's 6240 detail differs from the recording's; the code,
    message and type must match, and the rest of each item must too."""
    company = _batch_seed(fx)
    qbo = make(company, user="root")
    response = await qbo.post("batch", load_fixture(fx, "batch_request_doc.json"))
    assert response.status_code == 200, response.text
    items = decimal_json(response)["BatchItemResponse"]
    expected = load_fixture(fx, "batch_response_doc.json")["BatchItemResponse"]
    assert [i["bId"] for i in items] == [e["bId"] for e in expected]
    first, want = items[0]["Fault"], expected[0]["Fault"]
    assert first["type"] == want["type"]
    assert first["Error"][0]["code"] == want["Error"][0]["code"] == "6240"
    assert first["Error"][0]["Message"] == want["Error"][0]["Message"]
    assert_shape(items[1], expected[1], union)
    assert_shape(items[2], expected[2], union)
    query = items[3]["QueryResponse"]
    assert query["maxResults"] == len(query["SalesReceipt"]) == 2
    assert_shape(
        {
            "QueryResponse": {**query, "SalesReceipt": query["SalesReceipt"][1:], "maxResults": 1},
            "bId": "bid4",
        },
        expected[3],
        union,
    )
    await qbo.aclose()


REQUEST_CASES: dict[str, Case] = {
    "salesreceipt_create_request.json": salesreceipt_create,
    "refundreceipt_create_request.json": refundreceipt_create,
    "invoice_create_request.json": invoice_create,
    "payment_create_request.json": payment_create,
    "deposit_create_request.json": deposit_create,
    "journalentry_create_request.json": journalentry_create,
    "item_create_inventory_request.json": item_create_inventory,
    "salesreceipt_full_update_request.json": salesreceipt_full_update,
    "salesreceipt_void_request.json": salesreceipt_void,
    "invoice_void_request.json": invoice_void,
    "invoice_delete_request.json": invoice_delete,
    "deposit_delete_request.json": deposit_delete,
    "deposit_sparse_update_request.json": deposit_sparse_update,
    "refundreceipt_sparse_update_request.json": refundreceipt_sparse_update,
    "batch_request.json": batch_recorded,
    "batch_request_doc.json": batch_doc,
}


def test_every_request_fixture_has_a_case(shared_fixtures: Path) -> None:
    present = {p.name for p in (shared_fixtures / "qbo").glob("*_request*.json")}
    assert present <= set(REQUEST_CASES), f"uncovered: {sorted(present - set(REQUEST_CASES))}"


@pytest.mark.parametrize("name", sorted(REQUEST_CASES))
async def test_request_fixture(
    name: str, shared_fixtures: Path, key_union: dict[str, set[str]]
) -> None:
    await REQUEST_CASES[name](shared_fixtures, key_union)


# -- reads ------------------------------------------------------------------------------------


async def test_salesreceipt_delete_matches_doc(
    shared_fixtures: Path, key_union: dict[str, set[str]]
) -> None:
    seed = deep(load_fixture(shared_fixtures, "salesreceipt_read_response.json")["SalesReceipt"])
    seed["Id"] = "98"
    await _delete_case(
        shared_fixtures,
        key_union,
        "SalesReceipt",
        {"Id": "98", "SyncToken": "4"},
        "salesreceipt_delete_response.json",
        seed,
    )


async def test_deactivated_account_reads_like_recording(
    shared_fixtures: Path, key_union: dict[str, set[str]]
) -> None:
    qbo = make()
    response = await qbo.post(
        "account", {"Id": "5", "SyncToken": "0", "sparse": True, "Active": False}
    )
    assert response.status_code == 200, response.text
    read = await qbo.get("account/5")
    expected = load_fixture(shared_fixtures, "account_read_response.json")
    assert_shape(decimal_json(read), expected, key_union)
    await qbo.aclose()


async def test_customer_created_with_display_name_only(
    shared_fixtures: Path, key_union: dict[str, set[str]]
) -> None:
    qbo = make()
    response = await qbo.post("customer", {"DisplayName": "Doe5, Jane"})
    assert response.status_code == 200, response.text
    expected = load_fixture(shared_fixtures, "customer_create_response.json")
    assert_shape(decimal_json(response), expected, key_union)
    await qbo.aclose()


async def test_taxcode_read_and_query(
    shared_fixtures: Path, key_union: dict[str, set[str]]
) -> None:
    listing = load_fixture(shared_fixtures, "taxcode_query_response_us.json")
    company = sample_company()
    company.entities["TaxCode"] = [
        deep(code)
        for code in listing["QueryResponse"]["TaxCode"]
        if code["Id"] not in ("TAX", "NON")
    ]
    qbo = make(company)
    read = await qbo.get("taxcode/2")
    assert_shape(
        decimal_json(read), load_fixture(shared_fixtures, "taxcode_read_response.json"), key_union
    )
    query = decimal_json(await qbo.query("select * from TaxCode"))["QueryResponse"]
    # Conflict (reference §9): doc samples show totalCount; the recordings do not.
    assert "totalCount" not in query and query["maxResults"] == 5
    by_id = {code["Id"]: code for code in query["TaxCode"]}
    for code in listing["QueryResponse"]["TaxCode"]:
        assert_shape(by_id[code["Id"]], code, key_union, parent="TaxCode")
    await qbo.aclose()


async def test_purchase_reads_like_doc(
    shared_fixtures: Path, key_union: dict[str, set[str]]
) -> None:
    expected = load_fixture(shared_fixtures, "purchase_read_response.json")
    qbo = make()
    sent = deep(expected["Purchase"])
    for key in ("Id", "SyncToken", "MetaData", "domain", "sparse", "PurchaseEx", "TotalAmt"):
        sent.pop(key)
    created = await qbo.post("purchase", sent)
    assert created.status_code == 200, created.text
    read = await qbo.get(f"purchase/{decimal_json(created)['Purchase']['Id']}")
    # PurchaseEx is an internal blob QBO adds (reference §3); the emulator does not.
    assert_shape(decimal_json(read), expected, key_union, missing_ok=frozenset({"PurchaseEx"}))
    await qbo.aclose()


async def test_payment_linked_to_invoice_and_void(
    shared_fixtures: Path, key_union: dict[str, set[str]]
) -> None:
    qbo = make()
    invoice = decimal_json(
        await qbo.post(
            "invoice", {"CustomerRef": {"value": "20"}, "Line": [sales_line("1", 1, 65, 65)]}
        )
    )["Invoice"]
    payment = await qbo.post(
        "payment",
        {
            "TotalAmt": 65,
            "CustomerRef": {"value": "20"},
            "Line": [{"Amount": 55, "LinkedTxn": [{"TxnId": invoice["Id"], "TxnType": "Invoice"}]}],
        },
    )
    assert payment.status_code == 200, payment.text
    paid = decimal_json(payment)["Payment"]
    read = decimal_json(await qbo.get(f"payment/{paid['Id']}"))
    expected = load_fixture(shared_fixtures, "payment_read_linked_invoice_response.json")
    # LineEx is an internal blob; ProjectRef belongs to the doc company's project customer.
    missing = frozenset({"LineEx", "ProjectRef"})
    expected["Payment"]["UnappliedAmt"] = 10
    assert_shape(read, expected, key_union, missing_ok=missing)
    reread = decimal_json(await qbo.get(f"invoice/{invoice['Id']}"))["Invoice"]
    assert reread["Balance"] == 10
    voided = await qbo.post(
        "payment",
        {"Id": paid["Id"], "SyncToken": paid["SyncToken"], "sparse": True},
        operation="update",
        include="void",
    )
    assert voided.status_code == 200, voided.text
    expected_void = load_fixture(shared_fixtures, "payment_void_response.json")
    # The doc's voided payment had been edited once before and went to Checking.
    expected_void["Payment"].update(
        SyncToken="1",
        DepositToAccountRef={"value": "4"},
        CustomerRef={"name": "Red Rock Diner", "value": "20"},
    )
    assert_shape(
        decimal_json(voided),
        expected_void,
        key_union,
        missing_ok=frozenset({"ProjectRef", "PaymentMethodRef"}),
    )
    reread = decimal_json(await qbo.get(f"invoice/{invoice['Id']}"))["Invoice"]
    assert reread["Balance"] == 65
    await qbo.aclose()


async def test_deposit_linking_a_payment_reads_like_doc(
    shared_fixtures: Path, key_union: dict[str, set[str]]
) -> None:
    qbo = make()
    payment = decimal_json(
        await qbo.post("payment", {"TotalAmt": 1675, "CustomerRef": {"value": "20"}})
    )["Payment"]
    deposit = await qbo.post(
        "deposit",
        {
            "DepositToAccountRef": {"value": "35"},
            "Line": [
                {
                    "Amount": 1675,
                    "LinkedTxn": [{"TxnId": payment["Id"], "TxnType": "Payment", "TxnLineId": "0"}],
                }
            ],
        },
    )
    assert deposit.status_code == 200, deposit.text
    read = decimal_json(await qbo.get(f"deposit/{decimal_json(deposit)['Deposit']['Id']}"))
    expected = load_fixture(shared_fixtures, "deposit_read_linkedtxn_response.json")
    expected["Deposit"]["TotalAmt"] = 1675  # the doc sample's own total disagrees with its line
    assert_shape(read, expected, key_union)
    await qbo.aclose()


# -- faults -----------------------------------------------------------------------------------


def _errors(body: Any) -> list[dict[str, Any]]:
    errors: list[dict[str, Any]] = body["Fault"]["Error"]
    return errors


async def test_fault_2010_unknown_property(shared_fixtures: Path) -> None:
    qbo = make()
    request = load_fixture(shared_fixtures, "invoice_create_request.json")
    request["BadJson"] = "x"
    response = await qbo.post("invoice", request)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    body = decimal_json(response)
    expected = load_fixture(shared_fixtures, "fault_400_invalid_property_2010.json")
    got, want = _errors(body)[0], _errors(expected)[0]
    assert set(got) == set(want) and set(body) == set(expected)
    assert (got["code"], got["Message"]) == (want["code"], want["Message"])
    prefix = want["Detail"].split("(83 known")[0]
    assert got["Detail"].startswith(prefix)
    assert got["Detail"].endswith("])\n specified is unsupported or invalid")
    assert body["Fault"]["type"] == expected["Fault"]["type"]
    await qbo.aclose()


async def test_fault_6240_duplicate_display_name(shared_fixtures: Path) -> None:
    qbo = make()
    response = await qbo.post("customer", {"DisplayName": "Red Rock Diner"})
    assert response.status_code == 400
    body = decimal_json(response)
    expected = load_fixture(shared_fixtures, "fault_400_duplicate_name_6240.json")
    assert body["Fault"] == expected["Fault"]
    assert set(body) == set(expected)
    await qbo.aclose()


async def test_fault_2030_invalid_id_has_no_time(shared_fixtures: Path) -> None:
    qbo = make()
    response = await qbo.get("customer/1.5")
    assert response.status_code == 400
    assert decimal_json(response) == load_fixture(shared_fixtures, "fault_400_invalid_id_2030.json")
    await qbo.aclose()


async def test_fault_500_unsupported_operation(shared_fixtures: Path) -> None:
    qbo = make()
    response = await qbo.get("customer/1/5")
    assert response.status_code == 400
    body = decimal_json(response)
    expected = load_fixture(shared_fixtures, "fault_400_unsupported_operation_500.json")
    got, want = _errors(body)[0], _errors(expected)[0]
    assert set(got) == set(want) and set(body) == set(expected)
    assert (got["code"], got["Message"]) == ("500", want["Message"])
    pattern = re.escape(want["Detail"]).replace(re.escape("-COMPANY_ID-"), REALM)
    pattern = pattern.replace(re.escape("https://c50.sandbox.qbo.intuit.com/qbo50"), "https://.+")
    assert re.fullmatch(pattern, got["Detail"]), got["Detail"]
    await qbo.aclose()


async def test_fault_4001_invalid_context(shared_fixtures: Path) -> None:
    qbo = make()
    response = await qbo.query("select * from Custmoer")
    assert response.status_code == 400
    body = decimal_json(response)
    expected = load_fixture(shared_fixtures, "fault_400_invalid_query.json")
    assert body["Fault"] == expected["Fault"] and set(body) == set(expected)
    await qbo.aclose()


async def test_fault_6000_link_to_missing_txn_like_recording(shared_fixtures: Path) -> None:
    qbo = make()
    response = await qbo.post(
        "deposit",
        {
            "DepositToAccountRef": {"value": "35"},
            "Line": [
                {
                    "Amount": 5,
                    "LinkedTxn": [{"TxnId": "75", "TxnType": "Payment", "TxnLineId": "0"}],
                }
            ],
        },
    )
    assert response.status_code == 400
    expected = load_fixture(shared_fixtures, "attachable_upload_fault_6000.json")
    want = expected["AttachableResponse"][0]["Fault"]
    got = decimal_json(response)["Fault"]
    assert got["type"] == want["type"]
    assert set(got["Error"][0]) == set(want["Error"][0])
    assert got["Error"][0]["Message"] == want["Error"][0]["Message"]
    assert got["Error"][0]["Detail"] == want["Error"][0]["Detail"].replace("Estimate", "Payment")
    await qbo.aclose()


async def test_401_body_and_header(shared_fixtures: Path) -> None:
    clock = FakeClock()
    emulator = QboEmulator([sample_company()], clock=clock, wall_clock=FakeWallClock(clock))
    qbo = Qbo(emulator)
    assert (await qbo.get("companyinfo/" + REALM)).status_code == 200
    clock.advance(3601)
    response = await qbo.get("companyinfo/" + REALM)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="Intuit", error="invalid_token"'
    body = decimal_json(response)
    expected = load_fixture(shared_fixtures, "fault_401_authentication_3200.json")
    assert set(body) == set(expected)
    assert isinstance(body["time"], int)
    error, want = body["fault"]["error"][0], expected["fault"]["error"][0]
    assert set(error) == set(want)
    assert {k: error[k] for k in ("message", "code", "element")} == {
        k: want[k] for k in ("message", "code", "element")
    }
    assert error["detail"].startswith("Token expired: ")
    assert {k: v for k, v in body.items() if k not in ("fault", "time")} == {
        k: v for k, v in expected.items() if k not in ("fault", "time")
    }
    await qbo.aclose()


async def test_429_is_the_recorded_xml(shared_fixtures: Path) -> None:
    qbo = make()
    statuses = [(await qbo.get("companyinfo/" + REALM)).status_code for _ in range(10)]
    assert statuses == [200] * 10
    response = await qbo.get("companyinfo/" + REALM, minorversion="75")
    assert response.status_code == 429
    assert response.headers["content-type"].startswith("application/xml")
    expected = (shared_fixtures / "qbo" / "throttle_429_response.xml").read_text()
    strip_time = re.compile(r'time="[^"]+"')
    assert strip_time.sub("", response.text).strip() == strip_time.sub("", expected).strip()
    await qbo.aclose()


# -- queries ----------------------------------------------------------------------------------


async def test_count_and_empty_page(shared_fixtures: Path) -> None:
    qbo = make()
    count = decimal_json(await qbo.query("SELECT COUNT(*) FROM Customer"))
    expected = load_fixture(shared_fixtures, "query_count_response.json")
    assert set(count) == set(expected) and set(count["QueryResponse"]) == {"totalCount"}
    assert count["QueryResponse"]["totalCount"] == 5
    empty = decimal_json(await qbo.query("select * from Customer STARTPOSITION 6 MAXRESULTS 5"))
    assert empty["QueryResponse"] == {}
    assert set(empty) == set(load_fixture(shared_fixtures, "query_empty_page_response.json"))
    await qbo.aclose()


async def test_escaped_quote_query(shared_fixtures: Path, key_union: dict[str, set[str]]) -> None:
    expected = load_fixture(shared_fixtures, "query_customer_escaped_quote_response.json")
    company = sample_company()
    company.entities["Customer"] = [deep(expected["QueryResponse"]["Customer"][0])]
    qbo = make(company)
    response = await qbo.query(
        "select * from Customer where DisplayName = 'Amy\\'s Bird Sanctuary'"
    )
    assert "%5C%27" in str(response.request.url)  # sent the way the reference says
    assert_shape(decimal_json(response), expected, key_union)
    await qbo.aclose()


async def test_ampersand_query(shared_fixtures: Path, key_union: dict[str, set[str]]) -> None:
    expected = load_fixture(shared_fixtures, "query_vendor_ampersand_response.json")
    qbo = make(with_entities(Vendor=expected["QueryResponse"]["Vendor"]))
    response = await qbo.query("select * from vendor where DisplayName = 'Robertson & Associates'")
    assert "%26" in str(response.request.url)
    assert_shape(decimal_json(response), expected, key_union)
    await qbo.aclose()


async def test_last_page_counts_rows_returned(
    shared_fixtures: Path, key_union: dict[str, set[str]]
) -> None:
    expected = load_fixture(shared_fixtures, "query_vendor_last_page_response.json")
    vendors = [
        {"Id": str(n), "SyncToken": "0", "DisplayName": f"Vendor {n}", "Active": True}
        for n in range(1, 26)
    ]
    qbo = make(with_entities(Vendor=[*vendors, *expected["QueryResponse"]["Vendor"]]))
    response = await qbo.query("select * from Vendor STARTPOSITION 26 MAXRESULTS 5")
    assert_shape(decimal_json(response), expected, key_union)
    await qbo.aclose()


async def test_salesreceipt_page(shared_fixtures: Path, key_union: dict[str, set[str]]) -> None:
    expected = load_fixture(shared_fixtures, "query_salesreceipt_page_response.json")
    qbo = make(_batch_seed(shared_fixtures))
    response = await qbo.query("select * from SalesReceipt MAXRESULTS 1000 STARTPOSITION 1")
    # Same rows in the same order: without ORDERBY, newest change first.
    assert_shape(decimal_json(response), expected, key_union)
    await qbo.aclose()


@pytest.mark.parametrize(
    ("fixture", "entity"),
    [
        ("deposit_query_response.json", "Deposit"),
        ("refundreceipt_query_response.json", "RefundReceipt"),
    ],
)
async def test_doc_query_samples_follow_recordings(
    fixture: str, entity: str, shared_fixtures: Path, key_union: dict[str, set[str]]
) -> None:
    """Doc samples carry totalCount on plain queries; recordings do not (reference §9)."""
    expected = load_fixture(shared_fixtures, fixture)
    rows = expected["QueryResponse"][entity]
    qbo = make(with_entities(**{entity: rows}))
    body = decimal_json(await qbo.query(f"select * from {entity}"))["QueryResponse"]
    assert "totalCount" not in body
    assert body["maxResults"] == len(body[entity]) == len(rows)
    by_id = {row["Id"]: row for row in body[entity]}
    for row in rows:
        assert_shape(by_id[row["Id"]], row, key_union, parent=entity)
    await qbo.aclose()


async def test_cdc_shape(shared_fixtures: Path) -> None:
    qbo = make()
    first = decimal_json(await qbo.post("salesreceipt", {"Line": [sales_line("1", 1, 10, 10)]}))
    second = decimal_json(await qbo.post("salesreceipt", {"Line": [sales_line("1", 2, 5, 10)]}))
    gone = second["SalesReceipt"]
    await qbo.post("salesreceipt", {"Id": gone["Id"], "SyncToken": "0"}, operation="delete")
    response = await qbo.get("cdc", entities="SalesReceipt,Deposit", changedSince="2026-11-01")
    assert response.status_code == 200, response.text
    body = decimal_json(response)
    expected = load_fixture(shared_fixtures, "cdc_response_doc.json")
    assert set(body) == set(expected)
    groups = body["CDCResponse"][0]["QueryResponse"]
    assert isinstance(groups, list) and len(groups) == 2
    receipts = groups[0]["SalesReceipt"]
    assert [r["Id"] for r in receipts] == [first["SalesReceipt"]["Id"], gone["Id"]]
    deleted_doc = expected["CDCResponse"][0]["QueryResponse"][1]["Estimate"][2]
    assert set(receipts[1]) == set(deleted_doc)
    assert set(receipts[1]["MetaData"]) == set(deleted_doc["MetaData"])
    assert receipts[1]["status"] == "Deleted"
    assert groups[0]["startPosition"] == 1 and groups[0]["maxResults"] == 2
    recorded = load_fixture(shared_fixtures, "cdc_estimate_response.json")
    assert set(groups[0]) == set(recorded["CDCResponse"][0]["QueryResponse"][0]) - {"Estimate"} | {
        "SalesReceipt"
    }
    await qbo.aclose()


# -- OAuth ------------------------------------------------------------------------------------


async def test_token_responses_match_sdk_samples(shared_fixtures: Path) -> None:
    company = sample_company()
    qbo = make(company)
    redirect = "https://workbench.example/callback"
    consent = await qbo.http.get(
        "/connect/oauth2",
        params={
            "client_id": company.client_id,
            "response_type": "code",
            "state": "s1",
            "scope": "com.intuit.quickbooks.accounting openid",
            "redirect_uri": redirect,
        },
    )
    assert consent.status_code == 302
    query = parse_qs(urlsplit(consent.headers["location"]).query)
    auth = {
        "Authorization": basic(company.client_id, company.client_secret),
        "Accept": "application/json",
    }
    token = await qbo.http.post(
        "/oauth2/v1/tokens/bearer",
        data={
            "grant_type": "authorization_code",
            "code": query["code"][0],
            "redirect_uri": redirect,
        },
        headers=auth,
    )
    assert token.status_code == 200
    body = token.json()
    expected = load_fixture(shared_fixtures, "oauth_token_response.json")
    assert set(body) == set(expected)
    assert {k: type(v) for k, v in body.items()} == {
        k: (int if isinstance(v, int) else type(v)) for k, v in expected.items()
    }
    assert body["expires_in"] == 3600 and body["token_type"] == "bearer"
    refreshed = await qbo.http.post(
        "/oauth2/v1/tokens/bearer",
        data={"grant_type": "refresh_token", "refresh_token": body["refresh_token"]},
        headers=auth,
    )
    assert set(refreshed.json()) == set(
        load_fixture(shared_fixtures, "oauth_refresh_token_response.json")
    )
    dead = await qbo.http.post(
        "/oauth2/v1/tokens/bearer",
        data={"grant_type": "refresh_token", "refresh_token": body["refresh_token"]},
        headers=auth,
    )
    assert dead.status_code == 400
    assert set(dead.json()) == set(load_fixture(shared_fixtures, "oauth_token_error_response.json"))
    assert dead.json()["error"] == "invalid_grant"
    await qbo.aclose()
