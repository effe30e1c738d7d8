"""Every public QBO sample in ../shared/fixtures/qbo parses into the client's models or faults.

Response samples are served to the real client through a mock transport, so they take the
same path (status handling, JSON with Decimal money, fault detection) as a live answer.
A new fixture without a check here fails the first test: nothing is skipped silently.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from workbench.jsonmoney import loads
from workbench.qbo.batch import BatchItem, parse_response
from workbench.qbo.client import QboClient
from workbench.qbo.errors import QboFault
from workbench.qbo.models import QboObject, QueryPage, entity_of, parse_cdc
from workbench.qbo.oauth import Discovery, OAuthErrorBody, TokenResponse
from workbench.qbo.webhooks import parse_webhook

ENTITY_NAMES = {
    "account": "Account",
    "customer": "Customer",
    "deposit": "Deposit",
    "invoice": "Invoice",
    "item": "Item",
    "journalentry": "JournalEntry",
    "payment": "Payment",
    "purchase": "Purchase",
    "refundreceipt": "RefundReceipt",
    "salesreceipt": "SalesReceipt",
    "taxcode": "TaxCode",
}


class StaticTokens:
    realm_id = "123"

    def access_token(self) -> str:
        return "static-access-token"

    def after_unauthorized(self, rejected: str) -> str:
        return rejected


def serving(path: Path, status: int = 200) -> QboClient:
    content_type = "application/xml" if path.suffix == ".xml" else "application/json"

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            status,
            content=path.read_bytes(),
            headers={"Content-Type": content_type, "intuit_tid": "1-test-tid"},
        )

    return QboClient(
        "https://sandbox-quickbooks.api.intuit.com",
        "123",
        StaticTokens(),
        transport=httpx.MockTransport(answer),
        sleep=lambda _: None,
    )


def raw(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def fractions_are_decimal(value: Any) -> bool:
    if isinstance(value, float):
        return False
    if isinstance(value, dict):
        return all(fractions_are_decimal(v) for v in value.values())
    if isinstance(value, list):
        return all(fractions_are_decimal(v) for v in value)
    return True


# -- checks, one per kind of sample ---------------------------------------------------------


def check_fault(path: Path) -> None:
    status = 401 if "401" in path.name else 400
    with serving(path, status) as client, pytest.raises(QboFault) as info:
        client.read("Account", "1")
    fault = info.value
    expected = re.findall(r"_(\d{3,5})\.json$", path.name)
    assert fault.code == (expected[0] if expected else "4001"), path.name
    assert fault.message and fault.status == status
    assert fault.intuit_tid == "1-test-tid"
    assert fault.hint and fault.hint in str(fault)


def check_401_hides_the_token(path: Path) -> None:
    check_fault(path)
    with serving(path, 401) as client, pytest.raises(QboFault) as info:
        client.read("Account", "1")
    leaked = "AB01601390262kxzxOlnHYdhtEVRXISU7piPqQrCmmbDN35Yjd"
    assert leaked in path.read_text()  # the sample really carries a token fragment
    assert leaked[:12] not in str(info.value) and leaked[:12] not in info.value.detail
    assert "connect qbo" in info.value.hint


def check_attachable_fault(path: Path) -> None:
    with serving(path, 200) as client, pytest.raises(QboFault) as info:
        client.call("GET", "attachable")
    assert info.value.code == "6000" and info.value.status == 200


def check_throttle(path: Path) -> None:
    with serving(path, 429) as client, pytest.raises(QboFault) as info:
        client.read("Account", "1")
    assert info.value.code == "3001"
    assert info.value.fault_type == "SERVICE"
    assert "Try again later" in info.value.detail


def check_entity_response(path: Path) -> None:
    entity = ENTITY_NAMES[path.name.split("_", 1)[0]]
    with serving(path) as client:
        obj = client.read(entity, "1")
    assert fractions_are_decimal(obj)
    parsed = QboObject.from_json(entity, obj)
    assert parsed.qbo_id == str(raw(path)[entity]["Id"])
    assert parsed.deleted == (raw(path)[entity].get("status") == "Deleted")
    if not parsed.deleted and entity not in ("TaxCode", "Account", "Customer", "Item"):
        assert parsed.total_amt is None or isinstance(parsed.total_amt, Decimal)


def check_request_body(path: Path) -> None:
    entity = ENTITY_NAMES[path.name.split("_", 1)[0]]
    body = loads(path.read_bytes())
    assert fractions_are_decimal(body)
    parsed = QboObject.from_json(entity, body)
    assert parsed.entity_type == entity
    assert parsed.qbo_id == str(body.get("Id") or "")


def check_query(path: Path) -> None:
    with serving(path) as client:
        page = client.query_page("SELECT * FROM Anything")
    assert isinstance(page, QueryPage)
    value = raw(path)["QueryResponse"]
    assert len(page.rows) == sum(len(v) for v in value.values() if isinstance(v, list))
    assert fractions_are_decimal(page.rows)


def check_batch_request(path: Path) -> None:
    items = [BatchItem.from_json(item) for item in raw(path)["BatchItemRequest"]]
    assert [i.b_id for i in items] == [i["bId"] for i in raw(path)["BatchItemRequest"]]
    assert all(i.query is not None or i.operation in ("create", "update", "delete") for i in items)


def check_batch_response(path: Path) -> None:
    with serving(path) as client:
        results = parse_response(client.call("POST", "batch", body={}, request_id="r1"))
    assert set(results) == {item["bId"] for item in raw(path)["BatchItemResponse"]}
    for item in raw(path)["BatchItemResponse"]:
        result = results[item["bId"]]
        assert (result.fault is not None) == ("Fault" in item)
        if result.fault is not None:
            assert result.fault.code == item["Fault"]["Error"][0]["code"]


def check_cdc(path: Path) -> None:
    with serving(path) as client:
        changes = client.cdc(["Customer"], datetime.now(UTC))
    assert changes == parse_cdc(loads(path.read_bytes()))
    assert changes


def check_token(path: Path) -> None:
    body = raw(path)
    token = TokenResponse.from_json(body)
    assert token.expires_in == 3600 and token.refresh_expires_in == 15552000
    assert body["refresh_token"] not in repr(token) and body["access_token"] not in repr(token)


def check_token_error(path: Path) -> None:
    assert OAuthErrorBody.from_json(raw(path)) == OAuthErrorBody("error", "error_description")


def check_discovery(path: Path) -> None:
    found = Discovery.from_json(raw(path))
    assert found.authorization_endpoint == "https://appcenter.intuit.com/connect/oauth2"
    assert found.token_endpoint.endswith("/oauth2/v1/tokens/bearer")


def check_webhook(path: Path) -> None:
    events = parse_webhook(raw(path))
    assert events and all(e.entity and e.entity_id and e.realm_id for e in events)


CHECKS: list[tuple[str, Callable[[Path], None]]] = [
    (r"fault_401_.*\.json", check_401_hides_the_token),
    (r"fault_400_.*\.json", check_fault),
    (r"attachable_upload_fault_6000\.json", check_attachable_fault),
    (r"throttle_429_response\.xml", check_throttle),
    (r"batch_request.*\.json", check_batch_request),
    (r"batch_response.*\.json", check_batch_response),
    (r"cdc_.*\.json", check_cdc),
    (r"(query_.*|.*_query_response.*)\.json", check_query),
    (r"oauth_(token|refresh_token)_response\.json", check_token),
    (r"oauth_token_error_response\.json", check_token_error),
    (r"oauth_openid_discovery\.json", check_discovery),
    (r"webhook_.*\.json", check_webhook),
    (r"[a-z]+_.*_request\.json", check_request_body),
    (r"[a-z]+_.*_response\.json", check_entity_response),
]


def check_for(name: str) -> Callable[[Path], None] | None:
    return next((check for pattern, check in CHECKS if re.fullmatch(pattern, name)), None)


def test_every_sample_has_a_check(shared_fixtures: Path) -> None:
    files = sorted(p.name for p in (shared_fixtures / "qbo").iterdir() if p.is_file())
    assert len(files) >= 60
    assert [name for name in files if check_for(name) is None] == []


def test_every_sample_parses(shared_fixtures: Path) -> None:
    failures = []
    for path in sorted((shared_fixtures / "qbo").iterdir()):
        check = check_for(path.name)
        assert check is not None
        try:
            check(path)
        except Exception as exc:
            failures.append(f"{path.name}: {type(exc).__name__}: {exc}")
    assert failures == []


def test_recorded_batch_mixed_faults_in_detail(shared_fixtures: Path) -> None:
    path = shared_fixtures / "qbo" / "batch_response_mixed_faults.json"
    results = parse_response(loads(path.read_bytes()))
    assert results["bid1"].entity == "Vendor" and results["bid1"].obj is not None
    assert results["bid1"].obj["Id"] == "71"
    assert results["bid2"].fault is not None and results["bid2"].fault.code == "610"
    assert results["bid3"].fault is not None and results["bid3"].fault.code == "5010"
    assert "working on this at the same time" in results["bid3"].fault.detail
    assert results["bid4"].page is not None and results["bid4"].page.entity == "SalesReceipt"


def test_recorded_money_keeps_its_cents(shared_fixtures: Path) -> None:
    path = shared_fixtures / "qbo" / "salesreceipt_read_response.json"
    assert b"337.50" in path.read_bytes()
    with serving(path) as client:
        receipt = client.read("SalesReceipt", "17")
    line = receipt["Line"][0]
    assert line["Amount"] == Decimal("337.50") and isinstance(line["Amount"], Decimal)
    assert QboObject.from_json("SalesReceipt", receipt).total_amt == Decimal(
        str(raw(path)["SalesReceipt"]["TotalAmt"])
    )


def test_cdc_deleted_objects_are_told_apart(shared_fixtures: Path) -> None:
    changes = parse_cdc(loads((shared_fixtures / "qbo" / "cdc_response_doc.json").read_bytes()))
    assert [o.qbo_id for o in changes["Estimate"].deleted] == ["979"]
    assert [o["Id"] for o in changes["Estimate"].changed] == ["34", "123"]
    assert [o["Id"] for o in changes["Customer"].changed] == ["63", "99"]


def test_query_count_and_empty_page(shared_fixtures: Path) -> None:
    folder = shared_fixtures / "qbo"
    count = QueryPage.from_json(
        loads((folder / "query_count_response.json").read_bytes())["QueryResponse"]
    )
    assert count.total_count == 41 and count.rows == []
    empty = QueryPage.from_json(
        loads((folder / "query_empty_page_response.json").read_bytes())["QueryResponse"]
    )
    assert empty.entity is None and empty.rows == []


def test_deleted_response_is_recognised(shared_fixtures: Path) -> None:
    body = loads((shared_fixtures / "qbo" / "deposit_delete_response.json").read_bytes())
    entity, obj = entity_of(body)
    assert entity == "Deposit" and QboObject.from_json(entity, obj).deleted
