"""The posting context reads a non-US company's tax codes from the QBO cache, by rate."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from workbench.domain.posting.context import Ref
from workbench.qbo.models import QboObject
from workbench.services.posting_context import build_context
from workbench.store.engine import open_store
from workbench.store.qbo_repo import save_objects


def rate(qbo_id: str, value: object) -> tuple[str, dict[str, Any]]:
    return "TaxRate", {"Id": qbo_id, "Name": f"rate {qbo_id}", "RateValue": value}


def code(qbo_id: str, name: str, *rates: str, active: bool = True) -> tuple[str, dict[str, Any]]:
    details = [{"TaxRateRef": {"value": r}, "TaxTypeApplicable": "TaxOnAmount"} for r in rates]
    return "TaxCode", {
        "Id": qbo_id, "Name": name, "Active": active,
        "SalesTaxRateList": {"TaxRateDetail": details},
        "PurchaseTaxRateList": {"TaxRateDetail": []},
    }  # fmt: skip


def test_tax_codes_are_keyed_by_their_total_sales_rate(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 't.db'}")
    entities = [
        ("CompanyInfo", {"Id": "1", "CompanyName": "Shop Ltd", "Country": "GB"}),
        rate("1", 20), rate("2", Decimal("5")), rate("3", 0), rate("4", 7),
        code("8", "20.0% S", "1"), code("10", "5.0% R", "2"), code("12", "0.0% Z", "3"),
        code("30", "20.0% S (old)", "1"),  # same rate, higher Id: not chosen
        code("40", "GST/PST", "2", "4"),  # 5 + 7
        code("50", "Retired", "4", active=False),
    ]  # fmt: skip
    try:
        with store.session() as session:
            save_objects(
                session, "9130", [QboObject.from_json(kind, obj) for kind, obj in entities]
            )
            ctx = build_context(session)
    finally:
        store.close()
    assert not ctx.company.us_tax
    assert ctx.tax_codes_by_rate == {
        Decimal(20): Ref("8", "20.0% S"),
        Decimal(5): Ref("10", "5.0% R"),
        Decimal(0): Ref("12", "0.0% Z"),
        Decimal(12): Ref("40", "GST/PST"),
    }
