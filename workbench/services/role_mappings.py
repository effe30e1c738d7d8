"""Role mappings over the store: what each role is mapped to, or what we suggest, and the
bookkeeper's decisions (each one in the audit log, with what it replaced)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlmodel import Session, col

from workbench.domain.roles import (
    ITEM_ROLE_NAMES,
    ROLE_SPECS,
    AccountFacts,
    ItemFacts,
    RoleSpec,
    suggest_item_roles,
    suggest_roles,
)
from workbench.errors import WorkbenchError
from workbench.qbo.client import QboClient
from workbench.qbo.models import QboObject
from workbench.services import audit
from workbench.services.posting_context import GENERIC_CUSTOMER, ITEM_PREFIX, METHOD_PREFIX
from workbench.store.engine import Store
from workbench.store.qbo_repo import save_objects
from workbench.store.tables import QboEntityRow, RoleMappingRow


@dataclass(frozen=True)
class RoleLine:
    role: str
    label: str
    qbo_type: str
    state: str  # decided | suggested | missing
    qbo_id: str | None
    name: str | None
    score: int
    reason: str


def _accounts(session: Session) -> list[AccountFacts]:
    rows = session.scalars(select(QboEntityRow).where(col(QboEntityRow.entity_type) == "Account"))
    return [
        AccountFacts(r.qbo_id, r.name or "", str(r.raw.get("AccountType", "")),
                     r.raw.get("AccountSubType"), r.active)
        for r in rows
    ]  # fmt: skip


def _items(session: Session) -> list[ItemFacts]:
    rows = session.scalars(select(QboEntityRow).where(col(QboEntityRow.entity_type) == "Item"))
    return [ItemFacts(r.qbo_id, r.name or "", str(r.raw.get("Type", "")), r.active) for r in rows]


def role_table(session: Session) -> list[RoleLine]:
    decided = {r.role: r for r in session.scalars(select(RoleMappingRow))}
    lines = []
    for suggestion in suggest_roles(_accounts(session)):
        spec, role = suggestion.spec, str(suggestion.spec.role)
        if role in decided:
            row = decided[role]
            lines.append(RoleLine(role, spec.label, "Account", "decided", row.qbo_id, row.name, 100,
                                  f"chosen by {row.decided_by}"))  # fmt: skip
        elif suggestion.account is not None:
            a = suggestion.account
            lines.append(RoleLine(role, spec.label, "Account", "suggested", a.id, a.name,
                                  suggestion.score, suggestion.reason))  # fmt: skip
        else:
            lines.append(RoleLine(role, spec.label, "Account", "missing", None, None, 0,
                                  suggestion.reason))  # fmt: skip
    for item_role, (item, score) in suggest_item_roles(_items(session)).items():
        role = ITEM_PREFIX + item_role
        label = f"Item for {item_role.replace('_', ' ')} lines"
        if role in decided:
            row = decided[role]
            lines.append(RoleLine(role, label, "Item", "decided", row.qbo_id, row.name, 100,
                                  f"chosen by {row.decided_by}"))  # fmt: skip
        elif item is not None:
            why = f"name {score} vs {ITEM_ROLE_NAMES[item_role][0]!r}"
            lines.append(RoleLine(role, label, "Item", "suggested", item.id, item.name, score,
                                  why))  # fmt: skip
        else:
            lines.append(RoleLine(role, label, "Item", "missing", None, None, 0,
                                  "no service item looks like it: create one"))  # fmt: skip
    lines.append(_customer_line(session, decided.get(GENERIC_CUSTOMER)))
    return lines


GENERIC_NAMES = ("Shopify Customer", "Shopify Sales", "Online Sales")


def _customer_line(session: Session, decided: RoleMappingRow | None) -> RoleLine:
    label = "Customer on every sales receipt (generic workflow)"
    if decided is not None:
        return RoleLine(GENERIC_CUSTOMER, label, "Customer", "decided", decided.qbo_id,
                        decided.name, 100, f"chosen by {decided.decided_by}")  # fmt: skip
    rows = session.scalars(
        select(QboEntityRow).where(
            col(QboEntityRow.entity_type) == "Customer", col(QboEntityRow.active).is_(True)
        )
    )
    scored = sorted(
        ((max(int(fuzz.ratio((r.name or "").lower(), n.lower())) for n in GENERIC_NAMES), r)
         for r in rows),
        key=lambda pair: (-pair[0], pair[1].qbo_id),
    )  # fmt: skip
    if scored and scored[0][0] >= 85:
        score, row = scored[0]
        return RoleLine(GENERIC_CUSTOMER, label, "Customer", "suggested", row.qbo_id, row.name,
                        score, f"name {score} vs {GENERIC_NAMES[0]!r}")  # fmt: skip
    return RoleLine(GENERIC_CUSTOMER, label, "Customer", "missing", None, None, 0,
                    "no generic customer: create one")  # fmt: skip


def _spec(role: str) -> RoleSpec | None:
    return next((s for s in ROLE_SPECS if str(s.role) == role), None)


def set_role(session: Session, role: str, qbo_id: str, *, reviewer: str) -> None:
    """Map a role, checking the record exists and is of a type that role allows."""
    is_item = role.startswith(ITEM_PREFIX)
    if role == GENERIC_CUSTOMER:
        return _set(session, role, "Customer", qbo_id, None, reviewer)
    if role.startswith(METHOD_PREFIX) and role.removeprefix(METHOD_PREFIX):
        # The payment method written on receipts from that gateway (e.g. method:paypal).
        return _set(session, role, "PaymentMethod", qbo_id, None, reviewer)
    if is_item and role.removeprefix(ITEM_PREFIX) not in ITEM_ROLE_NAMES:
        raise WorkbenchError(f"unknown role {role!r}: see `workbench mappings roles`")
    spec = None if is_item else _spec(role)
    if not is_item and spec is None:
        raise WorkbenchError(f"unknown role {role!r}: see `workbench mappings roles`")
    return _set(session, role, "Item" if is_item else "Account", qbo_id, spec, reviewer)


def _set(
    session: Session, role: str, entity: str, qbo_id: str, spec: RoleSpec | None, reviewer: str
) -> None:
    target = session.scalars(
        select(QboEntityRow).where(
            col(QboEntityRow.entity_type) == entity, col(QboEntityRow.qbo_id) == qbo_id
        )
    ).first()
    if target is None:
        raise WorkbenchError(f"no QuickBooks {entity} with Id {qbo_id}: run `workbench sync qbo`")
    if spec is not None and target.raw.get("AccountType") not in spec.types:
        allowed = " or ".join(sorted(spec.types))
        raise WorkbenchError(
            f"{target.name} is a {target.raw.get('AccountType')} account; {role} needs {allowed}"
        )
    row = session.get(RoleMappingRow, role)
    before = {"qbo_id": row.qbo_id, "name": row.name} if row else None
    row = row or RoleMappingRow(role=role, qbo_type=entity, qbo_id=qbo_id, decided_by=reviewer)
    row.qbo_type, row.qbo_id, row.name = entity, qbo_id, target.name
    row.decided_by, row.decided_at = reviewer, datetime.now(UTC)
    session.add(row)
    audit.record(session, actor=reviewer, action="set_role", subject=role, before=before,
                 after={"qbo_id": qbo_id, "name": target.name})  # fmt: skip


def accept_roles(store: Store, *, min_score: int, reviewer: str) -> list[RoleLine]:
    """Decide every suggested role at or above ``min_score``; returns what was accepted."""
    with store.session() as session:
        accepted = [
            line for line in role_table(session)
            if line.state == "suggested" and line.score >= min_score and line.qbo_id
        ]  # fmt: skip
        for line in accepted:
            set_role(session, line.role, line.qbo_id or "", reviewer=reviewer)
    return accepted


def create_for_role(
    store: Store, client: QboClient, role: str, *, name: str | None, kind: str | None,
    reviewer: str,
) -> QboObject:  # fmt: skip
    """Create the missing account (or item) for a role in QuickBooks, cache it and map it."""
    if role == GENERIC_CUSTOMER:
        body: dict[str, object] = {"DisplayName": name or GENERIC_NAMES[0]}
        entity = "Customer"
    elif role.startswith(ITEM_PREFIX):
        item_role = role.removeprefix(ITEM_PREFIX)
        if item_role not in ITEM_ROLE_NAMES:
            raise WorkbenchError(f"unknown role {role!r}: see `workbench mappings roles`")
        with store.session() as session:
            account = _income_account(session)
        body = {
            "Name": name or ITEM_ROLE_NAMES[item_role][0],
            "Type": kind or "Service",
            "IncomeAccountRef": {"value": account},
        }
        entity = "Item"
    else:
        spec = _spec(role)
        if spec is None:
            raise WorkbenchError(f"unknown role {role!r}: see `workbench mappings roles`")
        account_type = kind or spec.create_as[1]
        if account_type not in spec.types:
            allowed = " or ".join(sorted(spec.types))
            raise WorkbenchError(f"{role} needs an account of type {allowed}, not {account_type}")
        body = {"Name": name or spec.create_as[0], "AccountType": account_type}
        entity = "Account"
    created = QboObject.from_json(entity, client.create(entity, dict(body)))
    with store.session() as session:
        save_objects(session, client.realm_id, [created])
        session.flush()
        set_role(session, role, created.qbo_id, reviewer=reviewer)
        made = {"entity": entity, "id": created.qbo_id, "name": body["Name"]}
        audit.record(session, actor=reviewer, action="create_in_qbo", subject=role, after=made)
    return created


def _income_account(session: Session) -> str:
    for row in session.scalars(
        select(QboEntityRow).where(col(QboEntityRow.entity_type) == "Account")
    ):
        if row.raw.get("AccountType") == "Income" and row.active:
            return row.qbo_id
    raise WorkbenchError("no active Income account in QuickBooks to attach the item to")
