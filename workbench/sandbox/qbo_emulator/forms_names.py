"""Name-list entities: Account, Customer, Vendor, Item, PaymentMethod."""

from __future__ import annotations

from . import faults, schema
from . import validation as v
from .forms_common import (
    ZERO,
    WriteContext,
    _currency,
)
from .state import JSON, RealmState

# -- name lists -------------------------------------------------------------------------------


def _unique_name(
    state: RealmState, entities: tuple[str, ...], key: str, name: str, own: tuple[str, str | None]
) -> None:
    folded = name.casefold()
    for entity in entities:
        for other in state.objects[entity].values():
            if (entity, other["Id"]) == own:
                continue
            if str(other.get(key, "")).casefold() == folded:
                raise faults.duplicate_name()


def _plain_name(obj: JSON, key: str, forbidden: str) -> None:
    value = str(obj.get(key, ""))
    bad = [c for c in forbidden if c in value]
    if bad:
        raise faults.business(f"{key} cannot contain {', '.join(repr(c) for c in bad)}.", key)


def account(ctx: WriteContext, entity: str, obj: JSON, old: JSON | None) -> JSON:
    """Reference §5 Account; deactivation renames to "<name> (deleted)" (rec account_read)."""
    state = ctx.state
    v.required(obj, "Name")
    active = obj.get("Active", True) is not False
    name = str(obj["Name"])
    suffix = " (deleted)"
    if name.endswith(suffix):
        name = name[: -len(suffix)]
    obj["Name"] = name
    v.max_length(obj, "Name", 100)
    _plain_name(obj, "Name", '":')
    account_type = v.required(obj, "AccountType")
    v.enum(account_type, "AccountType", schema.CLASSIFICATION)
    own = ("Account", (old or {}).get("Id"))
    _unique_name(state, ("Account",), "Name", name, own)
    parent = obj.get("ParentRef")
    full = name
    if obj.get("SubAccount") and isinstance(parent, dict):
        parent_obj = v.reference(state, "Account", parent, "ParentRef")
        full = f"{parent_obj.get('FullyQualifiedName', parent_obj['Name'])}:{name}"
    if not active:
        obj["Name"] = name + suffix
        full = full + suffix
    obj["Active"] = active
    obj["FullyQualifiedName"] = full
    obj.setdefault("SubAccount", False)
    obj["Classification"] = schema.CLASSIFICATION[account_type]
    obj["CurrentBalance"] = (old or {}).get("CurrentBalance", ZERO)
    obj["CurrentBalanceWithSubAccounts"] = (old or {}).get("CurrentBalanceWithSubAccounts", ZERO)
    _currency(ctx, obj)
    return obj


def _person_name(obj: JSON) -> None:
    if not obj.get("DisplayName"):
        parts = [obj.get(k) for k in ("Title", "GivenName", "MiddleName", "FamilyName", "Suffix")]
        joined = " ".join(str(p) for p in parts if p)
        if not joined and obj.get("CompanyName"):
            joined = str(obj["CompanyName"])
        if not joined:
            raise faults.required_missing("DisplayName")
        obj["DisplayName"] = joined
    for key in (
        "DisplayName",
        "GivenName",
        "MiddleName",
        "FamilyName",
        "CompanyName",
        "PrintOnCheckName",
    ):
        if obj.get(key) is not None:
            _plain_name(obj, key, ":\t\n")


def customer(ctx: WriteContext, entity: str, obj: JSON, old: JSON | None) -> JSON:
    """Reference §5 Customer: DisplayName unique across Customer and Vendor (6240)."""
    state = ctx.state
    _person_name(obj)
    v.max_length(obj, "DisplayName", 500)
    _unique_name(
        state,
        ("Customer", "Vendor"),
        "DisplayName",
        obj["DisplayName"],
        (entity, (old or {}).get("Id")),
    )
    if (
        old is not None
        and old.get("CurrencyRef")
        and obj.get("CurrencyRef")
        and (obj["CurrencyRef"].get("value") != old["CurrencyRef"].get("value"))
    ):
        raise faults.business("A customer's currency cannot be changed once set.", "CurrencyRef")
    _currency(ctx, obj)
    obj.setdefault("PrintOnCheckName", obj["DisplayName"])
    obj["FullyQualifiedName"] = obj["DisplayName"]
    obj.setdefault("Active", True)
    obj.setdefault("Taxable", True)
    obj.setdefault("Job", False)
    obj.setdefault("BillWithParent", False)
    obj["Balance"] = (old or {}).get("Balance", ZERO)
    obj["BalanceWithJobs"] = (old or {}).get("BalanceWithJobs", ZERO)
    obj.setdefault("PreferredDeliveryMethod", "Print")
    if obj.get("DefaultTaxCodeRef") is not None:
        v.reference(
            state, "TaxCode", obj["DefaultTaxCodeRef"], "DefaultTaxCodeRef", fill_name=False
        )
    elif state.is_us() and obj["Taxable"]:
        codes = [c for c in state.all("TaxCode") if c["Id"].isdigit() and c.get("Active", True)]
        if codes:
            obj["DefaultTaxCodeRef"] = {"value": min(codes, key=lambda c: int(c["Id"]))["Id"]}
    return obj


def vendor(ctx: WriteContext, entity: str, obj: JSON, old: JSON | None) -> JSON:
    state = ctx.state
    _person_name(obj)
    v.max_length(obj, "DisplayName", 500)
    _unique_name(
        state,
        ("Customer", "Vendor"),
        "DisplayName",
        obj["DisplayName"],
        (entity, (old or {}).get("Id")),
    )
    _currency(ctx, obj)
    obj.setdefault("PrintOnCheckName", obj["DisplayName"])
    obj.setdefault("Active", True)
    obj.setdefault("Vendor1099", False)
    obj["Balance"] = (old or {}).get("Balance", ZERO)
    return obj


ITEM_TYPES = ["Inventory", "Service", "NonInventory", "Category"]


def item(ctx: WriteContext, entity: str, obj: JSON, old: JSON | None) -> JSON:
    """Reference §5 Item: Name unique ≤100 (6240); inventory needs its three accounts (2020)."""
    state = ctx.state
    v.required(obj, "Name")
    v.max_length(obj, "Name", 100)
    v.max_length(obj, "Sku", 100)
    _plain_name(obj, "Name", ":")
    item_type = v.required(obj, "Type")
    v.enum(item_type, "Type", ITEM_TYPES)
    _unique_name(state, ("Item",), "Name", str(obj["Name"]), ("Item", (old or {}).get("Id")))
    if item_type == "Inventory":
        if obj.get("TrackQtyOnHand") is not True:
            raise faults.business(
                "An Inventory item must have TrackQtyOnHand true.", "TrackQtyOnHand"
            )
        for key in (
            "QtyOnHand",
            "InvStartDate",
            "AssetAccountRef",
            "IncomeAccountRef",
            "ExpenseAccountRef",
        ):
            v.required(obj, key)
        obj["QtyOnHand"] = v.number(obj["QtyOnHand"], "QtyOnHand")
        v.iso_date(obj, "InvStartDate")
    elif item_type in ("Service", "NonInventory"):
        v.required(obj, "IncomeAccountRef")
    for key in ("IncomeAccountRef", "ExpenseAccountRef", "AssetAccountRef"):
        if obj.get(key) is not None:
            v.reference(state, "Account", obj[key], key)
    for key in ("UnitPrice", "PurchaseCost"):
        obj[key] = v.number(obj[key], key) if obj.get(key) is not None else ZERO
    parent = obj.get("ParentRef")
    full = str(obj["Name"])
    if obj.get("SubItem") and isinstance(parent, dict):
        parent_obj = v.reference(state, "Item", parent, "ParentRef")
        full = f"{parent_obj.get('FullyQualifiedName', parent_obj['Name'])}:{full}"
    obj["FullyQualifiedName"] = full
    obj.setdefault("Active", True)
    obj.setdefault("Taxable", False)
    obj.setdefault("TrackQtyOnHand", False)
    return obj


def payment_method(ctx: WriteContext, entity: str, obj: JSON, old: JSON | None) -> JSON:
    """Reference §5 PaymentMethod. Name uniqueness is UNVERIFIED; the emulator enforces it."""
    v.required(obj, "Name")
    v.max_length(obj, "Name", 31)
    obj.setdefault("Type", "NON_CREDIT_CARD")
    v.enum(obj["Type"], "Type", ["CREDIT_CARD", "NON_CREDIT_CARD"])
    _unique_name(
        ctx.state,
        ("PaymentMethod",),
        "Name",
        str(obj["Name"]),
        ("PaymentMethod", (old or {}).get("Id")),
    )
    obj.setdefault("Active", True)
    return obj
