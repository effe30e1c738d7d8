"""Shared pieces of the QBO emulator tests: a sample company, clocks and a small client.

Not a conftest on purpose: other sandbox tests live in this folder, and plain helpers keep the
QBO emulator tests self-contained.
"""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from tests.clocks import FakeClock
from workbench.sandbox.dataset import QboCompany
from workbench.sandbox.qbo_emulator import QboEmulator, create_app

REALM = "9130350000000001"
BASE_URL = "https://sandbox-quickbooks.api.intuit.com"
PACIFIC = ZoneInfo("America/Los_Angeles")


class FakeWallClock:
    """Company-local wall time tied to a FakeClock, so both move together."""

    def __init__(self, clock: FakeClock, start: datetime | None = None) -> None:
        self.clock = clock
        self.origin = clock.now
        self.start = start or datetime(2026, 11, 2, 9, 30, 0, 123000, tzinfo=PACIFIC)

    def __call__(self) -> datetime:
        return self.start + timedelta(seconds=self.clock.now - self.origin)


def _account(
    acc_id: str, name: str, account_type: str, sub_type: str = "", **extra: Any
) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "Id": acc_id,
        "SyncToken": "0",
        "Name": name,
        "FullyQualifiedName": name,
        "SubAccount": False,
        "Active": True,
        "AccountType": account_type,
        "CurrentBalance": 0,
        "CurrentBalanceWithSubAccounts": 0,
        "CurrencyRef": {"value": "USD", "name": "United States Dollar"},
    }
    if sub_type:
        obj["AccountSubType"] = sub_type
    obj.update(extra)
    return obj


def sample_company(
    *, custom_txn_numbers: bool = False, multicurrency: bool = False, realm_id: str = REALM
) -> QboCompany:
    """A US company shaped like Intuit's sandbox sample (the Ids the fixtures use)."""
    accounts = [
        _account("4", "Undeposited Funds", "Other Current Asset", "UndepositedFunds"),
        _account("35", "Checking", "Bank", "Checking"),
        _account("36", "Savings", "Bank", "Savings"),
        _account("13", "Meals and Entertainment", "Expense", "EntertainmentMeals"),
        _account("5", "Fees Billed", "Income", "ServiceFeeIncome", Classification="Revenue"),
        _account("79", "Sales of Product Income", "Income", "SalesOfProductIncome"),
        _account("80", "Cost of Goods Sold", "Cost of Goods Sold", "SuppliesMaterialsCogs"),
        _account("81", "Inventory Asset", "Other Current Asset", "Inventory"),
        _account("84", "Accounts Receivable (A/R)", "Accounts Receivable", "AccountsReceivable"),
        _account("86", "Discounts given", "Income", "DiscountsRefundsGiven"),
        _account("87", "Unapplied Cash Payment Income", "Income", "UnappliedCashPaymentIncome"),
        _account("38", "Truck", "Fixed Asset", "Vehicles"),
        _account(
            "39",
            "Depreciation",
            "Fixed Asset",
            "AccumulatedDepreciation",
            SubAccount=True,
            ParentRef={"value": "38"},
            FullyQualifiedName="Truck:Depreciation",
        ),
        _account("44", "Notes Payable", "Long Term Liability", "NotesPayable"),
        _account("90", "Shopify Clearing", "Other Current Asset", "OtherCurrentAssets"),
        _account("91", "Visa Card", "Credit Card", "CreditCard"),
        _account("92", "Bank Charges", "Expense", "BankCharges"),
        _account("93", "Old Income", "Income", "SalesOfProductIncome", Active=False),
    ]
    items: list[dict[str, Any]] = [
        {"Id": "1", "Name": "Services", "Type": "Service", "IncomeAccountRef": {"value": "79"}},
        {"Id": "4", "Name": "Design", "Type": "Service", "IncomeAccountRef": {"value": "79"}},
        {
            "Id": "10",
            "Name": "Pest Control",
            "Type": "Service",
            "IncomeAccountRef": {"value": "79"},
        },
        {
            "Id": "38",
            "Name": "Garden Supplies",
            "Type": "NonInventory",
            "Sku": "GS-1",
            "IncomeAccountRef": {"value": "79"},
        },
        {
            "Id": "40",
            "Name": "Retired Widget",
            "Type": "NonInventory",
            "Active": False,
            "IncomeAccountRef": {"value": "79"},
        },
    ]
    for item in items:
        item.setdefault("Active", True)
        item["FullyQualifiedName"] = item["Name"]
        item["SyncToken"] = "0"
    customers: list[dict[str, Any]] = [
        {
            "Id": "1",
            "DisplayName": "Amy's Bird Sanctuary",
            "BillAddr": {
                "Id": "2",
                "Line1": "4581 Finch St.",
                "City": "Bayshore",
                "CountrySubDivisionCode": "CA",
                "PostalCode": "94326",
                "Lat": "INVALID",
                "Long": "INVALID",
            },
            "ShipAddr": {
                "Id": "2",
                "Line1": "4581 Finch St.",
                "City": "Bayshore",
                "CountrySubDivisionCode": "CA",
                "PostalCode": "94326",
                "Lat": "INVALID",
                "Long": "INVALID",
            },
        },
        {"Id": "6", "DisplayName": "Dylan Sollfrank"},
        {"Id": "20", "DisplayName": "Red Rock Diner"},
        {"Id": "21", "DisplayName": "Smith Family Store"},
        {"Id": "22", "DisplayName": "O'Brien & Sons"},
    ]
    for customer in customers:
        customer.update(SyncToken="0", Active=True, FullyQualifiedName=customer["DisplayName"])
    payment_methods = [
        {"Id": "1", "Name": "Cash", "Type": "NON_CREDIT_CARD", "Active": True},
        {"Id": "2", "Name": "Check", "Type": "NON_CREDIT_CARD", "Active": True},
        {"Id": "3", "Name": "Visa", "Type": "CREDIT_CARD", "Active": True},
    ]
    tax_codes = [
        {
            "Id": "2",
            "SyncToken": "0",
            "Name": "California",
            "Active": True,
            "Taxable": True,
            "TaxGroup": True,
            "Description": "California",
            "SalesTaxRateList": {
                "TaxRateDetail": [
                    {
                        "TaxTypeApplicable": "TaxOnAmount",
                        "TaxRateRef": {"name": "California", "value": "3"},
                        "TaxOrder": 0,
                    }
                ]
            },
            "PurchaseTaxRateList": {"TaxRateDetail": []},
        },
    ]
    preferences: dict[str, Any] = {
        "SalesFormsPrefs": {
            "CustomTxnNumbers": custom_txn_numbers,
            "CustomField": [
                {
                    "CustomField": [
                        {
                            "Name": "SalesFormsPrefs.UseSalesCustomName1",
                            "Type": "BooleanType",
                            "BooleanValue": True,
                        },
                        {
                            "Name": "SalesFormsPrefs.SalesCustomName1",
                            "Type": "StringType",
                            "StringValue": "Crew #",
                        },
                    ]
                }
            ],
        },
        "CurrencyPrefs": {"MultiCurrencyEnabled": multicurrency, "HomeCurrency": {"value": "USD"}},
        "TaxPrefs": {"UsingSalesTax": True, "PartnerTaxEnabled": True},
    }
    return QboCompany(
        realm_id=realm_id,
        company_info={"Id": "1", "CompanyName": "Sandbox Company_US_1", "Country": "US"},
        preferences=preferences,
        entities={
            "Account": accounts,
            "Item": items,
            "Customer": customers,
            "PaymentMethod": payment_methods,
            "TaxCode": tax_codes,
            "TaxRate": [{"Id": "3", "Name": "California", "Active": True, "RateValue": 8}],
        },
    )


class Qbo:
    """A thin async client over the emulator app, speaking QBO's paths."""

    def __init__(self, emulator: QboEmulator, realm_id: str = REALM, token: str | None = None):
        self.emulator = emulator
        self.realm_id = realm_id
        self.app = create_app(emulator)
        self.http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app), base_url=BASE_URL
        )
        self.token = token if token is not None else emulator.issue_access_token(realm_id)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}

    def path(self, rest: str) -> str:
        return f"/v3/company/{self.realm_id}/{rest}"

    async def post(self, entity: str, body: Any, **params: str) -> httpx.Response:
        params.setdefault("minorversion", "75")
        return await self.http.post(
            self.path(entity),
            content=json.dumps(body, default=str),
            params=params,
            headers={**self.headers, "Content-Type": "application/json"},
        )

    async def get(self, rest: str, **params: str) -> httpx.Response:
        return await self.http.get(self.path(rest), params=params, headers=self.headers)

    async def query(self, text: str) -> httpx.Response:
        return await self.get("query", query=text)

    async def aclose(self) -> None:
        await self.http.aclose()


def decimal_json(response: httpx.Response) -> Any:
    return json.loads(response.content, parse_float=Decimal)


def basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def load_fixture(fixtures: Path, name: str) -> Any:
    return json.loads((fixtures / "qbo" / name).read_text(encoding="utf-8"), parse_float=Decimal)


def sales_line(item_id: str, qty: Any, price: Any, amount: Any, **extra: Any) -> dict[str, Any]:
    line = {
        "DetailType": "SalesItemLineDetail",
        "Amount": amount,
        "SalesItemLineDetail": {"ItemRef": {"value": item_id}, "Qty": qty, "UnitPrice": price},
    }
    line.update(extra)
    return line


def iter_dicts(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from iter_dicts(item)
    elif isinstance(value, list):
        for item in value:
            yield from iter_dicts(item)


def deep(value: Any) -> Any:
    return copy.deepcopy(value)
