"""What `workbench sync qbo` reads from a company, and the query that reads each part.

Three kinds of data (issue 4, DESIGN §2): small reference lists read whole every time (cheap,
and a full read notices anything removed); name lists read incrementally by
``MetaData.LastUpdatedTime`` including inactive entries (a deactivated item must stop being
suggested); and transactions inside a date window: deposits, transfers and journal entries for
the duplicate guard, sales forms and payments to recognise entries carrying our key and the
DocNumbers already taken. Name lists hide inactive objects unless the query mentions
``Active``, hence ``Active IN (true, false)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

from workbench.qbo.querylang import Select


class Kind(Enum):
    FULL = "full"  # small list, read whole each time
    INCREMENTAL = "incremental"  # name list, by MetaData.LastUpdatedTime
    WINDOW = "window"  # transactions with TxnDate inside the sync window


@dataclass(frozen=True)
class Part:
    entity: str
    kind: Kind
    extra_fields: tuple[str, ...] = ()
    name_list: bool = False

    def select(self, *, changed_since: datetime | None, window_start: date | None) -> Select:
        statement = Select(self.entity, extra_fields=self.extra_fields)
        if self.name_list:
            statement = statement.where("Active", "IN", [True, False])
        if changed_since is not None and self.kind is not Kind.FULL:
            statement = statement.where("MetaData.LastUpdatedTime", ">=", changed_since)
        if window_start is not None and self.kind is Kind.WINDOW:
            statement = statement.where("TxnDate", ">=", window_start)
        # A stable order keeps STARTPOSITION paging from skipping rows when objects change
        # while we page (an update moves nothing in Id order).
        return statement.order_by("Id")


PARTS: tuple[Part, ...] = (
    Part("TaxCode", Kind.FULL),
    Part("TaxRate", Kind.FULL),
    Part("PaymentMethod", Kind.FULL, name_list=True),
    Part("Account", Kind.INCREMENTAL, name_list=True),
    # A plain SELECT * was reported to leave Sku out (reference §5 Item).
    Part("Item", Kind.INCREMENTAL, extra_fields=("Sku",), name_list=True),
    Part("Customer", Kind.INCREMENTAL, name_list=True),
    Part("Deposit", Kind.WINDOW),
    Part("Transfer", Kind.WINDOW),
    Part("JournalEntry", Kind.WINDOW),
    # Sales forms: ours are recognised by the key in PrivateNote, others' DocNumbers are taken.
    Part("SalesReceipt", Kind.WINDOW),
    Part("RefundReceipt", Kind.WINDOW),
    Part("Invoice", Kind.WINDOW),
    Part("Payment", Kind.WINDOW),
)
SINGLETONS = ("CompanyInfo", "Preferences")
DATED = tuple(p.entity for p in PARTS if p.kind is Kind.WINDOW)


def part(entity: str) -> Part:
    for found in PARTS:
        if found.entity == entity:
            return found
    raise KeyError(entity)
