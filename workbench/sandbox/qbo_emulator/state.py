"""The objects of one company (realm), and the counters QBO keeps for it.

Objects are stored as the JSON QBO would return (Decimal money), keyed by entity and Id. Deleted
objects leave a tombstone so CDC can report them. ``hidden`` holds objects created earlier in the
batch being run: QBO's batch items cannot see one another's creations (reference §10).
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from workbench.sandbox.dataset import QboCompany

from . import jsonio, schema, timefmt

JSON = dict[str, Any]


def _numeric(text: str) -> int | None:
    return int(text) if text.isdigit() else None


class RealmState:
    """Entity store and settings of one realm."""

    def __init__(self, company: QboCompany, now: datetime) -> None:
        self.realm_id = company.realm_id
        self.company_info: JSON = jsonio.to_decimals(company.company_info)
        self.preferences: JSON = jsonio.to_decimals(company.preferences)
        self.objects: dict[str, dict[str, JSON]] = {name: {} for name in schema.ALL_ENTITIES}
        self.tombstones: dict[str, dict[str, str]] = {name: {} for name in schema.ALL_ENTITIES}
        self.hidden: set[tuple[str, str]] = set()
        # (entity, Id) of a deposited transaction -> the Deposit Id that links it.
        self.deposit_links: dict[tuple[str, str], str] = {}
        stamp = timefmt.meta_time(now)
        for entity, items in company.entities.items():
            if entity not in self.objects:
                raise ValueError(
                    f"emulator does not know entity {entity!r} in realm {self.realm_id}"
                )
            for raw in items:
                obj: JSON = jsonio.to_decimals(raw)
                obj["Id"] = str(obj["Id"])
                # The US pseudo tax codes (TAX, NON) come without SyncToken/domain/sparse
                # (taxcode_query_response_us.json); every other object has them.
                if obj["Id"].isdigit() or entity != "TaxCode":
                    obj["SyncToken"] = str(obj.get("SyncToken", "0"))
                    obj.setdefault("domain", "QBO")
                    obj.setdefault("sparse", False)
                obj.setdefault("MetaData", {"CreateTime": stamp, "LastUpdatedTime": stamp})
                self.objects[entity][obj["Id"]] = obj
        self.company_info.setdefault("Id", "1")
        self.preferences.setdefault("Id", "1")
        ids = [n for objs in self.objects.values() for i in objs if (n := _numeric(i)) is not None]
        self._next_id = max(ids, default=0) + 1
        docs = [
            n
            for entity in schema.AUTO_DOC_NUMBER
            for obj in self.objects[entity].values()
            if (n := _numeric(str(obj.get("DocNumber", "")))) is not None
        ]
        self._next_doc = max(docs, default=1000) + 1
        self._ensure_system_objects(stamp)
        for deposit in self.objects["Deposit"].values():
            for entity, txn_id in deposit_linked_txns(deposit):
                self.deposit_links[(entity, txn_id)] = deposit["Id"]

    def _ensure_system_objects(self, stamp: str) -> None:
        """Every QBO company has Undeposited Funds and, in the US, the TAX/NON pseudo codes."""
        if self.undeposited_funds() is None:
            new_id = self.new_id()
            self.objects["Account"][new_id] = {
                "Name": "Undeposited Funds",
                "SubAccount": False,
                "FullyQualifiedName": "Undeposited Funds",
                "Active": True,
                "Classification": "Asset",
                "AccountType": "Other Current Asset",
                "AccountSubType": "UndepositedFunds",
                "CurrentBalance": 0,
                "CurrentBalanceWithSubAccounts": 0,
                "CurrencyRef": self.currency_ref(self.home_currency()),
                "domain": "QBO",
                "sparse": False,
                "Id": new_id,
                "SyncToken": "0",
                "MetaData": {"CreateTime": stamp, "LastUpdatedTime": stamp},
            }
        if self.is_us():
            for code, taxable in (("TAX", True), ("NON", False)):
                self.objects["TaxCode"].setdefault(
                    code,
                    {
                        "TaxGroup": False,
                        "Name": code,
                        "Taxable": taxable,
                        "Description": code,
                        "Id": code,
                        "MetaData": {"CreateTime": stamp, "LastUpdatedTime": stamp},
                    },
                )

    # -- settings ------------------------------------------------------------------------------

    def _pref(self, *path: str) -> Any:
        node: Any = self.preferences
        for key in path:
            if not isinstance(node, dict):
                return None
            node = node.get(key)
        return node

    def home_currency(self) -> str:
        ref = self._pref("CurrencyPrefs", "HomeCurrency")
        if isinstance(ref, dict) and ref.get("value"):
            return str(ref["value"])
        return "USD"

    def multicurrency(self) -> bool:
        return bool(self._pref("CurrencyPrefs", "MultiCurrencyEnabled"))

    def custom_txn_numbers(self) -> bool:
        return bool(self._pref("SalesFormsPrefs", "CustomTxnNumbers"))

    def is_us(self) -> bool:
        country = self.company_info.get("Country") or "US"
        return str(country).upper() in ("US", "USA")

    def sales_custom_fields(self) -> list[JSON]:
        """``CustomField`` definitions enabled in Preferences (e.g. "Crew #" in the samples)."""
        names: dict[str, str] = {}
        used: set[str] = set()
        for group in self._pref("SalesFormsPrefs", "CustomField") or []:
            for item in group.get("CustomField", []) if isinstance(group, dict) else []:
                name = str(item.get("Name", ""))
                if name.startswith("SalesFormsPrefs.UseSalesCustomName") and item.get(
                    "BooleanValue"
                ):
                    used.add(name[-1])
                elif name.startswith("SalesFormsPrefs.SalesCustomName"):
                    names[name[-1]] = str(item.get("StringValue", ""))
        return [
            {"DefinitionId": key, "Name": names[key], "Type": "StringType"}
            for key in sorted(used)
            if key in names
        ]

    def currency_ref(self, code: str) -> JSON:
        return {"value": code, "name": schema.CURRENCY_NAMES.get(code, code)}

    def undeposited_funds(self) -> JSON | None:
        for account in self.objects["Account"].values():
            if account.get("AccountSubType") == "UndepositedFunds" and account.get("Active", True):
                return account
        return None

    # -- objects -------------------------------------------------------------------------------

    def new_id(self) -> str:
        value = self._next_id
        self._next_id += 1
        return str(value)

    def next_doc_number(self) -> str:
        value = self._next_doc
        self._next_doc += 1
        return str(value)

    def get(self, entity: str, obj_id: str) -> JSON | None:
        if (entity, obj_id) in self.hidden:
            return None
        return self.objects[entity].get(obj_id)

    def all(self, entity: str) -> list[JSON]:
        return [
            obj
            for obj_id, obj in self.objects[entity].items()
            if (entity, obj_id) not in self.hidden
        ]

    def put(self, entity: str, obj: JSON) -> None:
        self.objects[entity][obj["Id"]] = obj

    def remove(self, entity: str, obj_id: str, stamp: str) -> None:
        del self.objects[entity][obj_id]
        self.tombstones[entity][obj_id] = stamp

    def snapshot(self, entity: str) -> list[JSON]:
        """Deep copies of the live objects, ordered by numeric Id (for tests)."""
        items = list(self.objects[entity].values())
        items.sort(key=lambda o: (_numeric(o["Id"]) is None, _numeric(o["Id"]) or 0, o["Id"]))
        return copy.deepcopy(items)


def deposit_linked_txns(deposit: JSON) -> list[tuple[str, str]]:
    """(TxnType, TxnId) of every LinkedTxn on a deposit's lines."""
    out: list[tuple[str, str]] = []
    for line in deposit.get("Line") or []:
        for link in line.get("LinkedTxn") or [] if isinstance(line, dict) else []:
            if isinstance(link, dict) and link.get("TxnType") and link.get("TxnId") is not None:
                out.append((str(link["TxnType"]), str(link["TxnId"])))
    return out
