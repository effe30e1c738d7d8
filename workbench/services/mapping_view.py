"""What the Mappings tab shows and changes: every role with what it maps to (or our suggestion),
every learned product alias, who decided each and when.

A change is a decision like any other (audited, with what it replaced) and is followed by a
proposal rebuild, so the entries that use the role or the product show it at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session, col

from workbench.config import Settings
from workbench.domain.roles import ROLE_SPECS
from workbench.services.item_mappings import delete_alias
from workbench.services.item_search import (
    Search,
    account_choices,
    entity_choices,
    item_choices,
    lazy_search,
)
from workbench.services.posting_context import GENERIC_CUSTOMER, ITEM_PREFIX, METHOD_PREFIX
from workbench.services.propose import propose_all
from workbench.services.role_mappings import role_table, set_role
from workbench.store.engine import Store
from workbench.store.tables import ItemAliasRow, LineItemRow, RoleMappingRow

ALIAS_LIMIT = 2_000
ITEM_ROLE_TYPES = ("Service", "NonInventory")


@dataclass(frozen=True, slots=True)
class RoleView:
    role: str
    label: str  # what the role means
    qbo_type: str  # Account | Item | Customer | PaymentMethod
    state: str  # decided | suggested | missing
    target: str | None  # the mapped (or suggested) record's name
    qbo_id: str | None
    decided_by: str | None
    decided_at: datetime | None
    reason: str


@dataclass(frozen=True, slots=True)
class AliasView:
    product_key: str
    product: str  # "SKU · title" from the latest order line
    item_id: str
    item_name: str
    origin: str
    decided_by: str
    decided_at: datetime | None


@dataclass(frozen=True)
class Mappings:
    roles: list[RoleView]
    aliases: list[AliasView]
    alias_total: int


def _product_labels(session: Session, keys: list[str]) -> dict[str, str]:
    latest = (
        select(col(LineItemRow.product_key), func.max(col(LineItemRow.id)).label("id"))
        .where(col(LineItemRow.product_key).in_(keys))
        .group_by(col(LineItemRow.product_key))
        .subquery()
    )
    rows = session.execute(
        select(
            LineItemRow.product_key, LineItemRow.sku, LineItemRow.title, LineItemRow.variant_title
        ).join(latest, col(LineItemRow.id) == latest.c.id)  # type: ignore[call-overload]
    ).all()
    labels = {}
    for key, sku, title, variant in rows:
        name = title + (f" - {variant}" if variant else "")
        labels[key] = f"{sku} · {name}" if sku else name
    return labels


class MappingView:
    def __init__(
        self,
        store: Store,
        *,
        alias_limit: int = ALIAS_LIMIT,
        posting: Callable[[], Settings | None] = lambda: None,
    ) -> None:
        self.store = store
        self.alias_limit = alias_limit
        # The settings proposals are rebuilt with after a mapping changes, asked at each
        # rebuild (they can be saved while the app runs).
        self.posting = posting

    def load(self) -> Mappings:
        with self.store.session() as session:
            decided = {r.role: r for r in session.scalars(select(RoleMappingRow))}
            lines = role_table(session)
            aliases = list(
                session.scalars(
                    select(ItemAliasRow)
                    .order_by(col(ItemAliasRow.decided_at).desc(), col(ItemAliasRow.product_key))
                    .limit(self.alias_limit)
                )
            )
            total = len(aliases)
            if total == self.alias_limit:
                total = session.scalar(select(func.count()).select_from(ItemAliasRow)) or 0
            labels = _product_labels(session, [a.product_key for a in aliases])
        roles = []
        for line in lines:
            row = decided.get(line.role)
            roles.append(
                RoleView(
                    line.role, line.label, line.qbo_type, line.state, line.name, line.qbo_id,
                    row.decided_by if row else None, row.decided_at if row else None, line.reason,
                )
            )  # fmt: skip
        shown = {line.role for line in lines}
        for role, row in sorted(decided.items()):
            if role not in shown:  # e.g. method:paypal, set from the command line
                label = f"Payment method for {role.removeprefix(METHOD_PREFIX)}"
                roles.append(
                    RoleView(role, label, row.qbo_type, "decided", row.name, row.qbo_id,
                             row.decided_by, row.decided_at, f"chosen by {row.decided_by}")
                )  # fmt: skip
        views = [
            AliasView(
                a.product_key, labels.get(a.product_key, a.product_key), a.item_id,
                a.item_name or a.item_id, a.origin, a.decided_by, a.decided_at,
            )
            for a in aliases
        ]  # fmt: skip
        return Mappings(roles=roles, aliases=views, alias_total=total)

    def search_for(self, role: str) -> Search:
        """The records a role may be mapped to: accounts of the allowed types, service or
        non-inventory items, customers or payment methods."""
        store = self.store
        if role == GENERIC_CUSTOMER:
            return lazy_search(lambda: entity_choices(store, "Customer"))
        if role.startswith(METHOD_PREFIX):
            return lazy_search(lambda: entity_choices(store, "PaymentMethod"))
        if role.startswith(ITEM_PREFIX):
            return lazy_search(
                lambda: [c for c in item_choices(store) if c.note in ITEM_ROLE_TYPES]
            )
        spec = next((s for s in ROLE_SPECS if str(s.role) == role), None)
        types = sorted(spec.types) if spec else []
        return lazy_search(lambda: account_choices(store, types))

    def allowed(self, role: str) -> str:
        """The kinds of record a role takes, in words, for the picker's title."""
        if role == GENERIC_CUSTOMER:
            return "a customer"
        if role.startswith(METHOD_PREFIX):
            return "a payment method"
        if role.startswith(ITEM_PREFIX):
            return "a service or non-inventory item"
        spec = next((s for s in ROLE_SPECS if str(s.role) == role), None)
        return (" or ".join(sorted(spec.types)) + " account") if spec else "an account"

    def set_role(self, role: str, qbo_id: str, *, reviewer: str) -> int:
        """Map the role, then rebuild; returns how many entries changed."""
        with self.store.session() as session:
            set_role(session, role, qbo_id, reviewer=reviewer)
        return propose_all(self.store, self.posting()).built

    def delete_alias(self, key: str, *, reviewer: str) -> int:
        with self.store.session() as session:
            delete_alias(session, key, reviewer=reviewer)
        return propose_all(self.store, self.posting()).built
