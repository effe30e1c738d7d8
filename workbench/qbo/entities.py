"""Which write each QBO entity allows and how it is spelled on the wire (reference §4–5).

Void and delete differ per entity: SalesReceipt and Payment are voided by a sparse update with
``include=void``, an Invoice by ``operation=void``, the other transactions have no documented
void (workbench deletes them), and name-list entities can never be deleted, only made inactive.
Keeping these rules in one table means the client refuses a wrong operation before QBO does.
"""

from __future__ import annotations

from workbench.qbo.errors import QboError

NAME_LIST = frozenset({"Account", "Customer", "Item", "PaymentMethod", "Vendor"})
TRANSACTIONS = frozenset(
    {
        "SalesReceipt",
        "RefundReceipt",
        "Invoice",
        "Payment",
        "Deposit",
        "Purchase",
        "JournalEntry",
        "Transfer",
    }
)
WRITABLE = NAME_LIST | TRANSACTIONS
READ_ONLY = frozenset({"CompanyInfo", "Preferences", "TaxCode", "TaxRate", "TaxAgency"})
VOID_BY_UPDATE = frozenset({"SalesReceipt", "Payment"})
VOID_BY_OPERATION = frozenset({"Invoice"})
VOIDABLE = VOID_BY_UPDATE | VOID_BY_OPERATION


class UnsupportedOperation(QboError):
    """The entity does not allow this operation; the message says what to do instead."""


def resource(entity: str) -> str:
    """The lower-case path segment (URIs are case-sensitive)."""
    if entity not in WRITABLE | READ_ONLY:
        raise UnsupportedOperation(f"workbench does not know the QuickBooks entity {entity!r}")
    return entity.lower()


def check_writable(entity: str) -> None:
    if entity not in WRITABLE:
        raise UnsupportedOperation(f"QuickBooks does not accept writes to {entity}")


def check_deletable(entity: str) -> None:
    check_writable(entity)
    if entity in NAME_LIST:
        raise UnsupportedOperation(
            f"QuickBooks cannot delete a {entity}; make it inactive instead (deactivate)"
        )


def void_params(entity: str) -> dict[str, str]:
    """The query parameters that void ``entity``, or a refusal that says to delete instead."""
    if entity in VOID_BY_UPDATE:
        return {"operation": "update", "include": "void"}
    if entity in VOID_BY_OPERATION:
        return {"operation": "void"}
    raise UnsupportedOperation(
        f"QuickBooks documents no void for {entity}; delete it instead"
        if entity in TRANSACTIONS
        else f"a {entity} cannot be voided"
    )
