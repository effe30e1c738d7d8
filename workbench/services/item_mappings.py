"""Item mappings over the store: every distinct Shopify product key matched against the QBO
items in the reference cache, with the bookkeeper's learned aliases winning; decisions stored
as aliases (and audited, with what they replaced)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlmodel import Session, col

from workbench.domain.matching import Item, MatchResult, MatchSettings, Product, match_products
from workbench.errors import WorkbenchError
from workbench.qbo.client import QboClient
from workbench.qbo.models import QboObject
from workbench.services import audit
from workbench.store.engine import Store
from workbench.store.qbo_repo import save_objects
from workbench.store.tables import ItemAliasRow, LineItemRow, QboEntityRow

WHOLE = {"alias", "exact", "auto"}


def _products(session: Session) -> list[Product]:
    """One product per key, described by its most recent line (titles drift over time)."""
    latest = (
        select(LineItemRow.product_key, func.max(LineItemRow.id).label("id"))  # type: ignore[call-overload]
        .where(col(LineItemRow.is_gift_card).is_(False))
        .group_by(LineItemRow.product_key)
        .subquery()
    )
    rows = session.scalars(select(LineItemRow).join(latest, col(LineItemRow.id) == latest.c.id))
    return [
        Product(r.product_key, r.sku, r.title, r.variant_title, r.vendor)
        for r in sorted(rows, key=lambda r: r.product_key)
    ]


def qbo_items(session: Session) -> list[Item]:
    """Every item of the reference cache (inactive ones too), as the matcher reads them."""
    rows = session.scalars(select(QboEntityRow).where(col(QboEntityRow.entity_type) == "Item"))
    return [
        Item(
            id=r.qbo_id, name=str(r.raw.get("Name") or r.name or ""),
            fully_qualified_name=str(r.raw.get("FullyQualifiedName") or r.name or ""),
            sku=r.raw.get("Sku"), active=r.active,
            parent_id=(r.raw.get("ParentRef") or {}).get("value"),
            type=str(r.raw.get("Type") or ""),
        )
        for r in rows
    ]  # fmt: skip


def aliases(session: Session) -> dict[str, str]:
    return {a.product_key: a.item_id for a in session.scalars(select(ItemAliasRow))}


def match_all(session: Session, settings: MatchSettings | None = None) -> list[MatchResult]:
    items = qbo_items(session)
    products = _products(session)
    if not items or not products:
        return []
    return match_products(products, items, aliases(session), settings)


def set_alias(session: Session, key: str, item_id: str, *, reviewer: str, origin: str) -> None:
    item = session.scalars(
        select(QboEntityRow).where(
            col(QboEntityRow.entity_type) == "Item", col(QboEntityRow.qbo_id) == item_id
        )
    ).first()
    if item is None:
        raise WorkbenchError(f"no QuickBooks item with Id {item_id}: run `workbench sync qbo`")
    if not item.active:
        raise WorkbenchError(f"item {item.name} is inactive in QuickBooks: pick an active one")
    known = select(col(LineItemRow.id)).where(col(LineItemRow.product_key) == key)
    if session.scalars(known).first() is None:
        raise WorkbenchError(f"no Shopify product {key!r}: see `workbench mappings list`")
    row = session.get(ItemAliasRow, key)
    before = {"item_id": row.item_id, "item_name": row.item_name} if row else None
    row = row or ItemAliasRow(product_key=key, item_id=item_id, decided_by=reviewer)
    row.item_id, row.item_name, row.origin = item_id, item.name, origin
    row.decided_by, row.decided_at = reviewer, datetime.now(UTC)
    session.add(row)
    audit.record(session, actor=reviewer, action="map_item", subject=key, before=before,
                 after={"item_id": item_id, "item_name": item.name})  # fmt: skip


def accept_suggestions(session: Session, *, min_score: int, reviewer: str) -> list[MatchResult]:
    """Turn every suggestion scoring at least ``min_score`` into a learned alias."""
    accepted = []
    for result in match_all(session):
        if result.state == "suggested" and result.candidates:
            best = result.candidates[0]
            if best.score >= min_score:
                set_alias(session, result.key, best.item_id, reviewer=reviewer, origin="accepted")
                accepted.append(result)
    return accepted


def create_item(
    store: Store, client: QboClient, key: str, *, reviewer: str, item_type: str = "NonInventory",
    income_account: str | None = None, name: str | None = None,
) -> QboObject:  # fmt: skip
    """Create the QBO item a Shopify product lacks (named and SKU'd after it), then map it."""
    if item_type not in {"NonInventory", "Service"}:
        raise WorkbenchError(
            f"cannot create a {item_type} item here: choose NonInventory or Service "
            "(inventory items need asset and COGS accounts; create those in QuickBooks)"
        )
    with store.session() as session:
        line = session.scalars(
            select(LineItemRow)
            .where(col(LineItemRow.product_key) == key)
            .order_by(col(LineItemRow.id).desc())
        ).first()
        if line is None:
            raise WorkbenchError(f"no Shopify product {key!r}: see `workbench mappings list`")
        account = income_account or _sales_income(session)
    title = line.title + (f" - {line.variant_title}" if line.variant_title else "")
    body: dict[str, object] = {
        "Name": (name or title)[:100],
        "Type": item_type,
        "IncomeAccountRef": {"value": account},
    }
    if line.sku:
        body["Sku"] = line.sku[:100]
    created = QboObject.from_json("Item", client.create("Item", body))
    with store.session() as session:
        save_objects(session, client.realm_id, [created])
        session.flush()
        set_alias(session, key, created.qbo_id, reviewer=reviewer, origin="created")
        made = {"entity": "Item", "id": created.qbo_id, "name": body["Name"]}
        audit.record(session, actor=reviewer, action="create_in_qbo", subject=key, after=made)
    return created


def _sales_income(session: Session) -> str:
    """The income account new product items post to: the one named like product sales."""
    best: tuple[int, str] | None = None
    for row in session.scalars(
        select(QboEntityRow).where(col(QboEntityRow.entity_type) == "Account")
    ):
        if row.raw.get("AccountType") == "Income" and row.active:
            score = 2 if row.raw.get("AccountSubType") == "SalesOfProductIncome" else 1
            if best is None or score > best[0]:
                best = (score, row.qbo_id)
    if best is None:
        raise WorkbenchError("no active Income account in QuickBooks: pass --income-account")
    return best[1]


def delete_alias(session: Session, key: str, *, reviewer: str) -> None:
    """Forget a learned alias: the product goes back to the matcher (and maybe to the queue)."""
    row = session.get(ItemAliasRow, key)
    if row is None:
        raise WorkbenchError(f"no learned mapping for {key!r}: see `workbench mappings list`")
    before = {"item_id": row.item_id, "item_name": row.item_name, "origin": row.origin}
    session.delete(row)
    audit.record(session, actor=reviewer, action="delete_alias", subject=key, before=before)
