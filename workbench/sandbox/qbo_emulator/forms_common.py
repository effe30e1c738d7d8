"""What every entity builder shares: the write context, line numbering, transaction headers,
currency and tax-code checks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from . import faults, schema, timefmt
from . import validation as v
from .state import JSON, RealmState

ZERO = Decimal("0")
SALES_LINE_TYPES = (
    "SalesItemLineDetail",
    "DiscountLineDetail",
    "DescriptionOnly",
    "SubTotalLineDetail",
    "GroupLineDetail",
)


@dataclass
class WriteContext:
    """What a write sees: the realm, the wall-clock moment, and request options."""

    state: RealmState
    now: datetime
    options: frozenset[str] = field(default_factory=frozenset)
    user: str = "Sandbox Admin"
    request_id: str | None = None
    # Called once per applied write with (entity, operation, Id): the emulator's ledger.
    on_applied: Callable[[str, str, str], None] | None = None

    @property
    def stamp(self) -> str:
        return timefmt.meta_time(self.now)

    def record(self, entity: str, operation: str, obj_id: str) -> None:
        if self.on_applied is not None:
            self.on_applied(entity, operation, obj_id)


def cents(value: Decimal) -> Decimal:
    return value.quantize(v.CENT, rounding=ROUND_HALF_UP)


# Server-computed fields dropped from input before the rules run (QBO ignores what it computes).
COMPUTED: dict[str, tuple[str, ...]] = {
    "SalesReceipt": ("TotalAmt", "Balance", "HomeTotalAmt", "HomeBalance"),
    "RefundReceipt": ("TotalAmt", "Balance", "HomeTotalAmt", "HomeBalance"),
    "Invoice": ("TotalAmt", "Balance", "HomeTotalAmt", "HomeBalance", "InvoiceLink"),
    "Payment": ("UnappliedAmt",),
    "Deposit": ("TotalAmt", "HomeTotalAmt"),
    "Purchase": ("TotalAmt",),
    "JournalEntry": ("TotalAmt", "HomeTotalAmt"),
    "Transfer": (),
    "Account": (
        "FullyQualifiedName",
        "Classification",
        "CurrentBalance",
        "CurrentBalanceWithSubAccounts",
    ),
    "Customer": ("FullyQualifiedName", "Balance", "BalanceWithJobs", "Level"),
    "Vendor": ("Balance",),
    "Item": ("FullyQualifiedName", "Level"),
    "PaymentMethod": (),
}


# -- lines -----------------------------------------------------------------------------------


def _line_ids(old: JSON | None, start: int) -> tuple[set[str], Callable[[], str]]:
    """Existing line Ids of ``old`` and a generator of new ones (max + 1, or ``start``).

    Reference §4: a line whose Id exists updates that line; a missing or unknown Id adds one.
    """
    existing = {
        str(line["Id"])
        for line in (old or {}).get("Line") or []
        if isinstance(line, dict) and str(line.get("Id", "")).isdigit()
    }
    counter = [max((int(i) for i in existing), default=start - 1) + 1]

    def fresh() -> str:
        value = counter[0]
        counter[0] += 1
        return str(value)

    return existing, fresh


def _line_list(obj: JSON) -> list[JSON]:
    lines = v.required(obj, "Line")
    if not isinstance(lines, list):
        raise faults.invalid_value("Line", lines, "Line must be a list")
    v.line_properties(lines)
    return lines


def _description(line: JSON) -> None:
    v.max_length(line, "Description", 4000, "Line.Description")


# -- common transaction header ------------------------------------------------------------------


def _txn_header(ctx: WriteContext, entity: str, obj: JSON, old: JSON | None) -> None:
    state = ctx.state
    v.iso_date(obj, "TxnDate")
    obj.setdefault("TxnDate", timefmt.local_date(ctx.now))
    v.max_length(obj, "PrivateNote", 4000)
    if "DocNumber" in obj or entity in schema.AUTO_DOC_NUMBER:
        v.max_length(obj, "DocNumber", 21)
        if not obj.get("DocNumber"):
            obj.pop("DocNumber", None)
            if entity in schema.AUTO_DOC_NUMBER and not state.custom_txn_numbers():
                obj["DocNumber"] = state.next_doc_number()
        elif (
            entity in schema.UNIQUE_DOC_NUMBER
            and state.custom_txn_numbers()
            and "allowduplicatedocnum" not in ctx.options
        ):
            own_id = (old or {}).get("Id")
            # Uniqueness is checked against every stored object, including those created
            # earlier in the same batch: it is a constraint of the books, not a read.
            for other in state.objects[entity].values():
                if other.get("DocNumber") == obj["DocNumber"] and other["Id"] != own_id:
                    raise faults.duplicate_doc_number(obj["DocNumber"], entity, other["Id"])
    _currency(ctx, obj)


def _currency(ctx: WriteContext, obj: JSON) -> None:
    state = ctx.state
    home = state.home_currency()
    ref = obj.get("CurrencyRef")
    if ref is None:
        if state.multicurrency():
            raise faults.required_missing("CurrencyRef")
        obj["CurrencyRef"] = state.currency_ref(home)
        return
    code = v.ref_value(ref, "CurrencyRef")
    if code != home and not state.multicurrency():
        raise faults.business(
            f"CurrencyRef {code} is not the home currency {home} and multicurrency is off.",
            "CurrencyRef",
        )
    obj["CurrencyRef"] = state.currency_ref(code)
    if code != home:
        rate = obj.get("ExchangeRate")
        obj["ExchangeRate"] = v.number(rate, "ExchangeRate") if rate is not None else Decimal(1)


def _home_total(ctx: WriteContext, obj: JSON, total: Decimal) -> None:
    if obj["CurrencyRef"]["value"] != ctx.state.home_currency():
        obj["HomeTotalAmt"] = cents(total * Decimal(obj.get("ExchangeRate", 1)))


def _tax_code(ctx: WriteContext, detail: JSON, element: str) -> None:
    state = ctx.state
    ref = detail.get("TaxCodeRef")
    if state.is_us():
        if ref is None:
            detail["TaxCodeRef"] = {"value": "NON"}
            return
        code = v.ref_value(ref, element)
        if code not in ("TAX", "NON"):
            raise faults.invalid_reference("TaxCode", code, element)
        return
    if ref is None:
        raise faults.business(
            "Make sure all your transactions have a tax rate before you save.", element
        )
    v.reference(state, "TaxCode", ref, element, fill_name=False)
