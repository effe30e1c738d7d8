"""Assembling the posting context from the store: the QBO company as last synced, the role
mappings and learned item aliases the bookkeeper decided, and the posting settings.

Anything missing stays missing: the rules flag it on each proposal rather than guessing here.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from workbench.config import Settings
from workbench.domain.posting.context import (
    Company,
    CustomerMode,
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


def _item_accounts(session: Session) -> dict[str, Ref]:
    """Where each cached item's sales post: what a summary journal entry credits instead."""
    accounts: dict[str, Ref] = {}
    for qbo_id, raw in session.execute(
        select(col(QboEntityRow.qbo_id), col(QboEntityRow.raw)).where(
            col(QboEntityRow.entity_type) == "Item"
        )
    ):
        ref = raw.get("IncomeAccountRef") if isinstance(raw, Mapping) else None
        if isinstance(ref, Mapping) and ref.get("value"):
            accounts[qbo_id] = Ref(str(ref["value"]), str(ref.get("name") or ""))
    return accounts


def _tax_codes_by_rate(session: Session) -> dict[Decimal, Ref]:
    """Non-US: each active sales tax code by its total rate in percent (the sum of its
    TaxRates' RateValue), so a Shopify line is coded by the rate it was charged at. Where two
    codes share a rate, the lower Id wins, so the choice is stable from one run to the next."""
    rates: dict[str, Decimal] = {}
    codes: list[tuple[str, str, Mapping[str, Any]]] = []
    for entity, qbo_id, name, active, raw in session.execute(
        select(
            col(QboEntityRow.entity_type), col(QboEntityRow.qbo_id), col(QboEntityRow.name),
            col(QboEntityRow.active), col(QboEntityRow.raw),
        ).where(col(QboEntityRow.entity_type).in_(("TaxCode", "TaxRate")))
    ):  # fmt: skip
        if entity == "TaxRate" and raw.get("RateValue") is not None:
            rates[qbo_id] = Decimal(str(raw["RateValue"]))
        elif entity == "TaxCode" and active:
            codes.append((qbo_id, name or str(raw.get("Name") or ""), raw))
    found: dict[Decimal, Ref] = {}
    for qbo_id, name, raw in sorted(codes, key=lambda c: (len(c[0]), c[0])):
        details = (raw.get("SalesTaxRateList") or {}).get("TaxRateDetail") or []
        refs = [str((d.get("TaxRateRef") or {}).get("value")) for d in details]
        if not refs or not all(r in rates for r in refs):
            continue
        total = sum((rates[r] for r in refs), Decimal(0))
        found.setdefault(total, Ref(qbo_id, name))
    return found


def _customers(session: Session) -> dict[str, Ref]:
    """Active customers by DisplayName, for a customer per order (read only in that mode,
    because every new QBO customer would otherwise count as a context change)."""
    customers: dict[str, Ref] = {}
    for qbo_id, name in session.execute(
        select(col(QboEntityRow.qbo_id), col(QboEntityRow.name)).where(
            col(QboEntityRow.entity_type) == "Customer", col(QboEntityRow.active).is_(True)
        )
    ):
        if name:
            customers.setdefault(name, Ref(qbo_id, name))
    return customers


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
    summary = posting.workflow.value == "summary_per_payout"
    per_order = posting.customer_mode is CustomerMode.PER_ORDER
    company = _company(session)
    return PostingContext(
        company=company,
        tax_codes_by_rate={} if company.us_tax else _tax_codes_by_rate(session),
        settings=posting,
        accounts=accounts,
        items=items,
        products=products,
        item_accounts=_item_accounts(session) if summary else {},
        product_confidence=confidence,
        payment_methods=methods,
        generic_customer=customer,
        customers=_customers(session) if per_order else {},
        taken_doc_numbers=_taken_doc_numbers(session),
    )
