"""What QBO answers, read into small typed values; the raw JSON is always kept beside them.

Only the fields workbench decides on are lifted out (Id, SyncToken, name, DocNumber, date,
total, currency, active, memo, last change); everything else stays in ``raw`` so nothing QBO
sent is lost and later rules can read more without another sync. Money arrives as Decimal
because every body is parsed with ``parse_float=Decimal``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

JSON = dict[str, Any]
ENVELOPE_META = frozenset({"time", "warnings", "intuitObject", "status", "requestId"})
PAGE_META = frozenset({"startPosition", "maxResults", "totalCount"})


def parse_moment(text: Any) -> datetime | None:
    """A QBO timestamp (``2026-10-27T07:24:32-04:00``, ``…Z``, ``…-0700``) or None."""
    if not isinstance(text, str) or not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _date(text: Any) -> date | None:
    if not isinstance(text, str):
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _money(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return Decimal(str(value)) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        return None


def _ref_value(value: Any) -> str | None:
    if isinstance(value, Mapping) and value.get("value") is not None:
        return str(value["value"])
    return None


def _journal_total(obj: Mapping[str, Any]) -> Decimal | None:
    """A JournalEntry's ``TotalAmt`` is always 0 (reference §5): its size is its debits."""
    total = Decimal(0)
    found = False
    for line in obj.get("Line") or []:
        detail = line.get("JournalEntryLineDetail") if isinstance(line, Mapping) else None
        if isinstance(detail, Mapping) and detail.get("PostingType") == "Debit":
            amount = _money(line.get("Amount"))
            if amount is not None:
                total += amount
                found = True
    return total if found else None


@dataclass(frozen=True)
class QboObject:
    """One QBO object (entity, transaction, CompanyInfo, Preferences) with its key facts."""

    entity_type: str
    qbo_id: str
    sync_token: str
    name: str | None
    doc_number: str | None
    txn_date: date | None
    total_amt: Decimal | None
    currency: str | None
    active: bool
    private_note: str | None
    last_updated: datetime | None
    deleted: bool = False
    raw: JSON = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, entity_type: str, obj: Mapping[str, Any]) -> QboObject:
        name = next(
            (
                str(obj[key])
                for key in ("FullyQualifiedName", "Name", "DisplayName", "CompanyName")
                if obj.get(key)
            ),
            None,
        )
        if entity_type == "JournalEntry":
            total = _journal_total(obj)
        elif entity_type == "Transfer":
            total = _money(obj.get("Amount"))
        else:
            total = _money(obj.get("TotalAmt"))
        meta = obj.get("MetaData") if isinstance(obj.get("MetaData"), Mapping) else {}
        return cls(
            entity_type=entity_type,
            qbo_id=str(obj.get("Id") or ""),
            sync_token=str(obj.get("SyncToken") or "0"),
            name=name,
            doc_number=str(obj["DocNumber"]) if obj.get("DocNumber") else None,
            txn_date=_date(obj.get("TxnDate")),
            total_amt=total,
            currency=_ref_value(obj.get("CurrencyRef")),
            active=obj.get("Active") is not False,
            private_note=str(obj["PrivateNote"]) if obj.get("PrivateNote") else None,
            last_updated=parse_moment((meta or {}).get("LastUpdatedTime")),
            deleted=obj.get("status") == "Deleted",
            raw=dict(obj),
        )


def entity_of(body: Mapping[str, Any]) -> tuple[str, JSON]:
    """``{"SalesReceipt": {...}, "time": ...}`` → ``("SalesReceipt", {...})``."""
    found = [
        (key, value)
        for key, value in body.items()
        if key not in ENVELOPE_META and isinstance(value, Mapping)
    ]
    if len(found) != 1:
        keys = ", ".join(sorted(str(k) for k in body))
        raise ValueError(f"expected one entity in the response, found keys: {keys}")
    key, value = found[0]
    return str(key), dict(value)


@dataclass(frozen=True)
class QueryPage:
    """One ``QueryResponse``: the rows of one entity and the paging echo.

    A page past the end is ``{}`` (no entity key); ``totalCount`` appears only for COUNT(*).
    """

    entity: str | None
    rows: list[JSON]
    start_position: int | None = None
    max_results: int | None = None
    total_count: int | None = None

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> QueryPage:
        entities = [k for k in value if k not in PAGE_META]
        if len(entities) > 1:
            raise ValueError(f"a query answered several entities: {', '.join(entities)}")
        entity = entities[0] if entities else None
        rows = value.get(entity) if entity else []
        if not isinstance(rows, list):
            raise ValueError(f"QueryResponse.{entity} is not a list")

        def number(key: str) -> int | None:
            raw = value.get(key)
            return int(raw) if raw is not None else None

        return cls(
            entity=entity,
            rows=[dict(r) for r in rows],
            start_position=number("startPosition"),
            max_results=number("maxResults"),
            total_count=number("totalCount"),
        )

    def objects(self) -> list[QboObject]:
        return [QboObject.from_json(self.entity or "", row) for row in self.rows]


@dataclass(frozen=True)
class CdcChanges:
    """What changed for one entity: live objects and the Ids of deleted ones."""

    entity: str
    changed: list[JSON]
    deleted: list[QboObject]


def parse_cdc(body: Mapping[str, Any]) -> dict[str, CdcChanges]:
    """``{"CDCResponse":[{"QueryResponse":[{"<Entity>":[…]},…]}]}`` by entity name.

    Deleted objects come as ``{"status":"Deleted","Id",…}`` in the same list (reference §14).
    """
    out: dict[str, CdcChanges] = {}
    for block in body.get("CDCResponse") or []:
        for response in (block or {}).get("QueryResponse") or []:
            for entity, rows in response.items():
                if entity in PAGE_META or not isinstance(rows, list):
                    continue
                found = out.setdefault(entity, CdcChanges(entity, [], []))
                for row in rows:
                    if row.get("status") == "Deleted":
                        found.deleted.append(QboObject.from_json(entity, row))
                    else:
                        found.changed.append(dict(row))
    return out


@dataclass(frozen=True)
class TaxModel:
    """How the company taxes sales, which decides how proposals carry tax (DESIGN §4)."""

    us: bool
    automated: bool
    using_sales_tax: bool

    def describe(self) -> str:
        if not self.using_sales_tax:
            return "no sales tax"
        if self.us:
            return "US, automated sales tax" if self.automated else "US, manual sales tax"
        return "tax codes per line (non-US)"


@dataclass(frozen=True)
class CompanySettings:
    """The company facts posting depends on, from CompanyInfo and Preferences."""

    name: str
    country: str
    home_currency: str
    multicurrency: bool
    custom_txn_numbers: bool
    tax: TaxModel

    @classmethod
    def from_json(
        cls, company_info: Mapping[str, Any], preferences: Mapping[str, Any]
    ) -> CompanySettings:
        def pref(*path: str) -> Any:
            node: Any = preferences
            for key in path:
                node = node.get(key) if isinstance(node, Mapping) else None
            return node

        country = str(company_info.get("Country") or "US")
        us = country.upper() in ("US", "USA")
        return cls(
            name=str(company_info.get("CompanyName") or ""),
            country=country,
            home_currency=_ref_value(pref("CurrencyPrefs", "HomeCurrency")) or "USD",
            multicurrency=bool(pref("CurrencyPrefs", "MultiCurrencyEnabled")),
            custom_txn_numbers=bool(pref("SalesFormsPrefs", "CustomTxnNumbers")),
            tax=TaxModel(
                us=us,
                automated=bool(pref("TaxPrefs", "PartnerTaxEnabled")),
                using_sales_tax=pref("TaxPrefs", "UsingSalesTax") is not False,
            ),
        )

    def describe(self) -> str:
        return (
            f"{self.name} ({self.country}, {self.home_currency}, multicurrency "
            f"{'on' if self.multicurrency else 'off'}, custom transaction numbers "
            f"{'on' if self.custom_txn_numbers else 'off'}, {self.tax.describe()})"
        )
