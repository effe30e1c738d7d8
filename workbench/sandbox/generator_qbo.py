"""The QuickBooks Online company the shop's books are kept in, as QBO's JSON describes it.

It is the company a bookkeeper inherits: a standard US chart of accounts without the
"Shopify Payments Clearing" account (the product offers to create it), an item list keyed in
by hand (see catalog.py), sales tax on, and one payout that the bank feed already added as a
Deposit, so the duplicate guard has something real to find.
"""

from __future__ import annotations

import datetime as dt
import random
import string
from decimal import Decimal

from workbench.sandbox.catalog import Catalog, ItemBook, Variant
from workbench.sandbox.dataset import JSON, QboCompany
from workbench.sandbox.generator_base import local_ts, qbo_meta

_USD = {"value": "USD", "name": "United States Dollar"}
_CLASS = {
    "Bank": "Asset", "Other Current Asset": "Asset", "Accounts Receivable": "Asset",
    "Fixed Asset": "Asset", "Accounts Payable": "Liability", "Credit Card": "Liability",
    "Other Current Liability": "Liability", "Long Term Liability": "Liability",
    "Equity": "Equity", "Income": "Revenue", "Other Income": "Revenue",
    "Cost of Goods Sold": "Expense", "Expense": "Expense", "Other Expense": "Expense",
}  # fmt: skip
# (name, AccountType, AccountSubType, parent, active)
_CHART: tuple[tuple[str, str, str, str, bool], ...] = (
    ("Checking", "Bank", "Checking", "", True),
    ("Savings", "Bank", "Savings", "", True),
    ("PayPal Bank", "Bank", "Checking", "", True),
    ("Accounts Receivable (A/R)", "Accounts Receivable", "AccountsReceivable", "", True),
    ("Undeposited Funds", "Other Current Asset", "UndepositedFunds", "", True),
    ("Inventory Asset", "Other Current Asset", "Inventory", "", True),
    ("Prepaid Expenses", "Other Current Asset", "PrepaidExpenses", "", True),
    ("Stripe Clearing", "Other Current Asset", "OtherCurrentAssets", "", False),
    ("Furniture and Equipment", "Fixed Asset", "FurnitureAndFixtures", "", True),
    ("Accounts Payable (A/P)", "Accounts Payable", "AccountsPayable", "", True),
    ("Amex Business Card", "Credit Card", "CreditCard", "", True),
    ("Sales Tax Payable", "Other Current Liability", "SalesTaxPayable", "", True),
    ("Gift Card Liability", "Other Current Liability", "OtherCurrentLiabilities", "", True),
    ("Tips Payable", "Other Current Liability", "OtherCurrentLiabilities", "", True),
    ("Loan from Owner", "Long Term Liability", "OtherLongTermLiabilities", "", True),
    ("Opening Balance Equity", "Equity", "OpeningBalanceEquity", "", True),
    ("Owner's Investment", "Equity", "OwnersEquity", "", True),
    ("Owner's Pay & Personal Expenses", "Equity", "PersonalExpense", "", True),
    ("Retained Earnings", "Equity", "RetainedEarnings", "", True),
    ("Sales of Product Income", "Income", "SalesOfProductIncome", "", True),
    ("Shipping Income", "Income", "OtherPrimaryIncome", "", True),
    ("Discounts given", "Income", "DiscountsRefundsGiven", "", True),
    ("Refunds given", "Income", "DiscountsRefundsGiven", "", True),
    ("Services", "Income", "ServiceFeeIncome", "", True),
    ("Uncategorized Income", "Income", "ServiceFeeIncome", "", True),
    ("Fees Billed (deleted)", "Income", "ServiceFeeIncome", "", False),
    ("Interest Earned", "Other Income", "InterestEarned", "", True),
    ("Cost of Goods Sold", "Cost of Goods Sold", "SuppliesMaterialsCogs", "", True),
    ("Shipping Supplies", "Cost of Goods Sold", "ShippingFreightDeliveryCos", "", True),
    ("Advertising & Marketing", "Expense", "AdvertisingPromotional", "", True),
    ("Bank Charges & Fees", "Expense", "BankCharges", "", True),
    ("Merchant Fees", "Expense", "BankCharges", "Bank Charges & Fees", True),
    ("Chargebacks", "Expense", "OtherMiscellaneousServiceCost", "", True),
    ("Shipping & Delivery", "Expense", "ShippingFreightDelivery", "", True),
    ("Office Supplies & Software", "Expense", "OfficeGeneralAdministrativeExpenses", "", True),
    ("Rent & Lease", "Expense", "RentOrLeaseOfBuildings", "", True),
    ("Uncategorized Expense", "Expense", "OtherMiscellaneousServiceCost", "", True),
    ("Reconciliation Discrepancies", "Other Expense", "OtherMiscellaneousExpense", "", True),
)
_PAYMENT_METHODS = (
    ("Cash", "NON_CREDIT_CARD"), ("Check", "NON_CREDIT_CARD"), ("Visa", "CREDIT_CARD"),
    ("MasterCard", "CREDIT_CARD"), ("Discover", "CREDIT_CARD"),
    ("American Express", "CREDIT_CARD"), ("Diners Club", "CREDIT_CARD"),
    ("PayPal", "NON_CREDIT_CARD"), ("Direct Debit", "NON_CREDIT_CARD"),
)  # fmt: skip
_ADDRESS = {
    "Line1": "214 Wythe Ave",
    "City": "Brooklyn",
    "CountrySubDivisionCode": "NY",
    "PostalCode": "11249",
    "Country": "USA",
}


def _entity(number: int, meta: JSON, **fields: object) -> JSON:
    return {
        **fields,
        "domain": "QBO",
        "sparse": False,
        "Id": str(number),
        "SyncToken": "0",
        "MetaData": dict(meta),
    }


def _ref(entity: JSON, name_key: str = "Name") -> JSON:
    return {"value": entity["Id"], "name": entity[name_key]}


def _accounts(meta: JSON) -> list[JSON]:
    accounts: list[JSON] = []
    by_name: dict[str, JSON] = {}
    for number, (name, kind, sub, parent, active) in enumerate(_CHART, start=1):
        fields: dict[str, object] = {
            "Name": name,
            "SubAccount": bool(parent),
            "FullyQualifiedName": f"{parent}:{name}" if parent else name,
            "Active": active,
            "Classification": _CLASS[kind],
            "AccountType": kind,
            "AccountSubType": sub,
            "CurrentBalance": 0,
            "CurrentBalanceWithSubAccounts": 0,
            "CurrencyRef": dict(_USD),
        }
        if parent:
            fields["ParentRef"] = {"value": by_name[parent]["Id"]}
        account = _entity(number, meta, **fields)
        accounts.append(account)
        by_name[name] = account
    return accounts


def _tax(meta: JSON) -> dict[str, list[JSON]]:
    """US sales tax as QBO keeps it under Automated Sales Tax: the TAX/NON pseudo-codes plus
    one real combined code for the shop's home jurisdiction."""
    agency = _entity(
        1,
        meta,
        DisplayName="New York State Department of Taxation and Finance",
        TaxTrackedOnSales=True,
        TaxTrackedOnPurchases=False,
    )
    rates = []
    for number, (name, value) in enumerate(
        (
            ("NY State Tax", 4.0),
            ("New York City Tax", 4.5),
            ("Metropolitan Commuter Transportation District", 0.375),
        ),
        start=1,
    ):
        rates.append(
            _entity(
                number,
                meta,
                Name=name,
                Description=name,
                Active=True,
                RateValue=value,
                AgencyRef={"value": agency["Id"]},
                SpecialTaxType="NONE",
                DisplayType="ReadOnly",
                EffectiveTaxRate=[
                    {"RateValue": value, "EffectiveDate": "2019-01-01T00:00:00-05:00"}
                ],
            )
        )
    pseudo = [
        {
            "TaxGroup": False,
            "Name": "TAX",
            "Taxable": True,
            "Description": "TAX",
            "Id": "TAX",
            "MetaData": dict(meta),
        },
        {
            "TaxGroup": False,
            "Name": "NON",
            "Taxable": False,
            "Description": "NON",
            "Id": "NON",
            "MetaData": dict(meta),
        },
        {
            "TaxGroup": True,
            "Name": "CustomSalesTax",
            "Taxable": True,
            "Description": "CustomSalesTax",
            "Id": "CustomSalesTax",
            "MetaData": dict(meta),
        },
    ]
    nyc = _entity(
        2,
        meta,
        TaxGroup=True,
        Name="New York City",
        Taxable=True,
        Active=True,
        Description="New York City",
        PurchaseTaxRateList={"TaxRateDetail": []},
        SalesTaxRateList={
            "TaxRateDetail": [
                {"TaxTypeApplicable": "TaxOnAmount", "TaxRateRef": _ref(rate), "TaxOrder": 0}
                for rate in rates
            ]
        },
    )
    return {"TaxCode": [*pseudo, nyc], "TaxRate": rates, "TaxAgency": [agency]}


def _customers(meta: JSON, shopify_customers: list[JSON], tax_code: JSON) -> list[JSON]:
    people: list[dict[str, object]] = [{"DisplayName": "Shopify Customer"}]
    for shop_customer in shopify_customers[:2]:
        people.append(
            {
                "DisplayName": shop_customer["displayName"],
                "GivenName": shop_customer["firstName"],
                "FamilyName": shop_customer["lastName"],
                "PrimaryEmailAddr": {"Address": shop_customer["email"]},
            }
        )
    people.append(
        {
            "DisplayName": "Brooklyn Bean & Co.",
            "CompanyName": "Brooklyn Bean & Co.",
            "Taxable": False,
            "Notes": "Wholesale, resale certificate on file",
        }
    )
    people.append({"DisplayName": "Hollow Oak Gallery", "CompanyName": "Hollow Oak Gallery"})
    people.append({"DisplayName": "Market Stall Sales", "Active": False})
    out: list[JSON] = []
    for number, person in enumerate(people, start=1):
        name = str(person["DisplayName"])
        fields: dict[str, object] = {
            "Taxable": True,
            "Job": False,
            "BillWithParent": False,
            "Balance": 0,
            "BalanceWithJobs": 0,
            "CurrencyRef": dict(_USD),
            "PreferredDeliveryMethod": "Print",
            "FullyQualifiedName": name,
            "PrintOnCheckName": name,
            "Active": True,
            **person,
        }
        if fields["Taxable"]:
            fields["DefaultTaxCodeRef"] = {"value": tax_code["Id"]}
        out.append(_entity(number, meta, **fields))
    return out


def _company_info(meta: JSON, start: dt.date) -> JSON:
    address = {"Id": "1", **_ADDRESS}
    return _entity(
        1,
        meta,
        CompanyName="Fernwood Supply Co.",
        LegalName="Fernwood Supply LLC",
        CompanyAddr=dict(address),
        CustomerCommunicationAddr=dict(address),
        LegalAddr=dict(address),
        PrimaryPhone={"FreeFormNumber": "(718) 555-0142"},
        CompanyStartDate=start.isoformat(),
        FiscalYearStartMonth="January",
        Country="US",
        Email={"Address": "books@fernwoodsupply.com"},
        WebAddr={"URI": "https://www.fernwoodsupply.com"},
        SupportedLanguages="en",
        DefaultTimeZone="America/New_York",
        NameValue=[
            {"Name": "NeoEnabled", "Value": "true"},
            {"Name": "IndustryType", "Value": "Retail Trade"},
            {"Name": "CompanyType", "Value": "LLC"},
            {"Name": "SubscriptionStatus", "Value": "SUBSCRIBED"},
            {"Name": "OfferingSku", "Value": "QuickBooks Online Plus"},
            {"Name": "PayrollFeature", "Value": "false"},
            {"Name": "AccountantFeature", "Value": "false"},
        ],
    )


def _preferences(meta: JSON, discounts: JSON, tax_code: JSON) -> JSON:
    return _entity(
        1,
        meta,
        AccountingInfoPrefs={
            "TrackDepartments": False,
            "DepartmentTerminology": "Location",
            "ClassTrackingPerTxn": False,
            "ClassTrackingPerTxnLine": False,
            "CustomerTerminology": "Customers",
            "UseAccountNumbers": False,
            "FirstMonthOfFiscalYear": "January",
            "TaxYearMonth": "January",
        },
        ProductAndServicesPrefs={
            "ForSales": True,
            "ForPurchase": True,
            "QuantityWithPriceAndRate": True,
            "QuantityOnHand": True,
        },
        SalesFormsPrefs={
            "CustomTxnNumbers": True,
            "AllowDeposit": False,
            "AllowDiscount": True,
            "DefaultDiscountAccount": discounts["Id"],
            "AllowEstimates": True,
            "AllowShipping": True,
            "AllowServiceDate": False,
            "ETransactionEnabledStatus": "NotApplicable",
            "IPNSupportEnabled": False,
            "UsingPriceLevels": False,
            "UsingProgressInvoicing": False,
        },
        VendorAndPurchasesPrefs={"TrackingByCustomer": False, "BillableExpenseTracking": False},
        TimeTrackingPrefs={"UseServices": True, "MarkTimeEntriesBillable": False},
        TaxPrefs={
            "UsingSalesTax": True,
            "PartnerTaxEnabled": True,
            "TaxGroupCodeRef": {"value": tax_code["Id"]},
        },
        CurrencyPrefs={"HomeCurrency": {"value": "USD"}, "MultiCurrencyEnabled": False},
        ReportPrefs={"ReportBasis": "Accrual", "CalcAgingReportFromTxnDate": False},
        OtherPrefs={
            "NameValue": [
                {"Name": "SalesFormsPrefs.DefaultItem", "Value": "1"},
                {"Name": "DTXCopyMemo", "Value": "false"},
            ]
        },
    )


def _bank_feed_deposit(
    rng: random.Random, payouts: list[JSON], dates: dict[str, dt.date], accounts: list[JSON]
) -> list[JSON]:
    """The payout a bank-feed rule already added: same amount, a day later, a bank memo."""
    paid = [p for p in payouts if p["status"] == "PAID" and p["transactionType"] == "DEPOSIT"]
    if not paid:
        return []
    payout = paid[len(paid) // 2] if len(paid) < 3 else rng.choice(paid[1:-1])
    booked = dates[payout["id"]] + dt.timedelta(days=1)
    by_name = {a["Name"]: a for a in accounts}
    alphabet = string.ascii_uppercase + string.digits
    memo = f"SHOPIFY TRANSFER ST-{''.join(rng.choice(alphabet) for _ in range(12))}"
    amount = float(Decimal(payout["net"]["amount"]))
    line = {
        "Id": "1",
        "LineNum": 1,
        "Description": memo,
        "Amount": amount,
        "DetailType": "DepositLineDetail",
        "DepositLineDetail": {"AccountRef": _ref(by_name["Uncategorized Income"])},
    }
    meta = qbo_meta(local_ts(booked, 7 * 3600 + rng.randint(0, 3000)))
    return [
        _entity(
            rng.randint(140, 420),
            meta,
            DepositToAccountRef=_ref(by_name["Checking"]),
            TxnDate=booked.isoformat(),
            TotalAmt=amount,
            CurrencyRef=dict(_USD),
            PrivateNote=memo,
            Line=[line],
        )
    ]


def build_company(
    rng: random.Random,
    catalog: Catalog,
    shopify_customers: list[JSON],
    payouts: list[JSON],
    payout_dates: dict[str, dt.date],
    end: dt.date,
    truth: dict[str, str | None],
) -> QboCompany:
    start = end - dt.timedelta(days=3 * 365)
    meta = qbo_meta(local_ts(start, 10 * 3600))
    accounts = _accounts(meta)
    by_name = {a["Name"]: a for a in accounts}
    tax = _tax(meta)
    nyc = tax["TaxCode"][-1]
    refs = {
        "income": _ref(by_name["Sales of Product Income"]),
        "cogs": _ref(by_name["Cost of Goods Sold"]),
        "inventory": _ref(by_name["Inventory Asset"]),
    }
    book = ItemBook(rng, refs, meta)
    for name, account, taxable in (
        ("Services", "Services", True),
        ("Shipping", "Shipping Income", True),
        ("Discount", "Discounts given", False),
        ("Gift Card", "Gift Card Liability", False),
        ("Tip", "Tips Payable", False),
    ):
        book.add(name, "Service", IncomeAccountRef=_ref(by_name[account]), Taxable=taxable)
    gift_card_item = next(i for i in book.items if i["Name"] == "Gift Card")
    groups: dict[str, list[Variant]] = {}
    for variant in catalog.variants:
        groups.setdefault(variant.product_gid, []).append(variant)
    for product_gid, variants in groups.items():
        spec = catalog.specs[product_gid]
        day = start + dt.timedelta(days=rng.randint(0, 900))
        book.meta = qbo_meta(local_ts(day, rng.randint(9 * 3600, 18 * 3600)))
        if spec.gift_card:
            for variant in catalog.gift_cards:
                truth[variant.gid] = gift_card_item["Id"]
            continue
        book.add_product(spec, variants, truth)
    methods = [
        _entity(n, meta, Name=name, Active=True, Type=kind)
        for n, (name, kind) in enumerate(_PAYMENT_METHODS, start=1)
    ]
    entities: dict[str, list[JSON]] = {
        "Account": accounts,
        "Item": book.items,
        **tax,
        "PaymentMethod": methods,
        "Customer": _customers(meta, shopify_customers, nyc),
        "Deposit": _bank_feed_deposit(rng, payouts, payout_dates, accounts),
    }
    return QboCompany(
        realm_id=str(rng.randint(9_130_000_000_000_000, 9_341_999_999_999_999)),
        company_info=_company_info(meta, start),
        preferences=_preferences(meta, by_name["Discounts given"], nyc),
        entities=entities,
    )
