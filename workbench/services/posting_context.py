"""Assembling the posting context from the store: the QBO company as last synced, the role
mappings and learned item aliases the bookkeeper decided, and the posting settings.

Anything missing stays missing: the rules flag it on each proposal rather than guessing here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from workbench.config import Settings
from workbench.domain.posting.context import (
    Company,
    PostingContext,
    PostingSettings,
    Ref,
)
from workbench.domain.proposals import keys_in_text
from workbench.qbo.models import CompanySettings
from workbench.services import item_mappings
from workbench.store.tables import ItemAliasRow, QboEntityRow, RoleMappingRow

ITEM_PREFIX = "item:"
METHOD_PREFIX = "method:"
GENERIC_CUSTOMER = "customer:generic"
SALES_FORMS = ("SalesReceipt", "Invoice", "RefundReceipt")


def _company(session: Session) -> Company:
    """The company facts from the reference cache, read the way the QBO client reads them."""

    def raw(entity: str) -> Mapping[str, Any]:
        row = session.scalars(
            select(QboEntityRow).where(col(QboEntityRow.entity_type) == entity)
        ).first()
        return row.raw if row else {}

    facts = CompanySettings.from_json(raw("CompanyInfo"), raw("Preferences"))
    return Company(
        country=facts.country,
        home_currency=facts.home_currency,
        multicurrency=facts.multicurrency,
        custom_txn_numbers=facts.custom_txn_numbers,
    )


def _taken_doc_numbers(session: Session) -> dict[str, frozenset[str]]:
    """DocNumbers QBO already holds on records that are not ours (ours carry a key)."""
    taken: dict[str, set[str]] = {entity: set() for entity in SALES_FORMS}
    rows = session.execute(
        select(
            col(QboEntityRow.entity_type),
            col(QboEntityRow.doc_number),
            col(QboEntityRow.private_note),
        ).where(
            col(QboEntityRow.entity_type).in_(SALES_FORMS),
            col(QboEntityRow.doc_number).is_not(None),
        )
    )
    for entity, number, note in rows:
        if not keys_in_text(note):
            taken[entity].add(number)
    return {entity: frozenset(numbers) for entity, numbers in taken.items()}


def build_context(session: Session, settings: Settings | None = None) -> PostingContext:
    accounts: dict[str, Ref] = {}
    items: dict[str, Ref] = {}
    methods: dict[str, Ref] = {}
    customer: Ref | None = None
    for row in session.scalars(select(RoleMappingRow)):
        ref = Ref(row.qbo_id, row.name or "")
        if row.role.startswith(ITEM_PREFIX):
            items[row.role.removeprefix(ITEM_PREFIX)] = ref
        elif row.role.startswith(METHOD_PREFIX):
            methods[row.role.removeprefix(METHOD_PREFIX)] = ref
        elif row.role == GENERIC_CUSTOMER:
            customer = ref
        else:
            accounts[row.role] = ref
    products: dict[str, Ref] = {}
    confidence: dict[str, int] = {}
    # Learned aliases first; then what the matcher is sure of (exact, or auto-accepted at
    # ≥ 95 with a clear margin). Suggestions never post: the bookkeeper confirms them.
    for result in item_mappings.match_all(session):
        if result.state in item_mappings.WHOLE and result.item_id:
            products[result.key] = Ref(result.item_id, result.item_name or "")
            confidence[result.key] = int(result.score)
    for alias in session.scalars(select(ItemAliasRow)):
        products[alias.product_key] = Ref(alias.item_id, alias.item_name or "")
    posting = PostingSettings()
    if settings is not None:
        posting = PostingSettings(
            workflow=settings.workflow,
            customer_mode=settings.customer_mode,
            doc_number_template=settings.doc_number_template,
        )
    return PostingContext(
        company=_company(session),
        settings=posting,
        accounts=accounts,
        items=items,
        products=products,
        product_confidence=confidence,
        payment_methods=methods,
        generic_customer=customer,
        taken_doc_numbers=_taken_doc_numbers(session),
    )
