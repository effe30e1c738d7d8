"""The store's tables. Shopify records keep normalised columns for queries and the raw payload
for audit and for re-normalising when our rules improve; nothing the vendor sent is thrown away.

The schema is owned by the Alembic migrations in ``store/migrations``; a test proves the
migrations produce exactly these tables on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from workbench.store.types import MoneyColumn, UTCDateTime


def money(*, nullable: bool = False, default: Decimal | None = Decimal(0)) -> Any:
    return Field(default=default, sa_type=MoneyColumn, nullable=nullable)


def instant(*, nullable: bool = False, index: bool = False) -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable, index=index)


def raw_json() -> Any:
    return Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


# Shopify records --------------------------------------------------------------------------


class ShopRow(SQLModel, table=True):
    __tablename__ = "shop"

    id: str = Field(primary_key=True)
    name: str
    domain: str
    currency: str
    timezone: str
    taxes_included: bool = False
    raw: dict[str, Any] = raw_json()
    synced_at: datetime = instant()


class OrderRow(SQLModel, table=True):
    __tablename__ = "shopify_order"
    __table_args__ = (
        Index("ix_shopify_order_date_id", "local_date", "id"),
        # The review list's order, covering its filters and amount: the first window is read
        # from the index's end without sorting or touching the rows (see review_view).
        Index("ix_shopify_order_review", "local_date", "processed_at", "id", "test",
              "cancelled_at", "total_received", "total_price"),
    )  # fmt: skip

    id: str = Field(primary_key=True)
    legacy_id: str = Field(index=True)
    name: str = Field(index=True)
    number: int
    created_at: datetime = instant()
    processed_at: datetime = instant()
    updated_at: datetime = instant(index=True)
    cancelled_at: datetime | None = instant(nullable=True)
    local_date: date
    currency: str
    test: bool = False
    financial_status: str | None = None
    source_name: str | None = None
    customer_name: str | None = None
    email: str | None = None
    subtotal: Decimal = money()
    total_discounts: Decimal = money()
    total_shipping: Decimal = money()
    total_tax: Decimal = money()
    total_tip: Decimal = money()
    total_price: Decimal = money()
    total_received: Decimal = money()
    total_refunded: Decimal = money()
    taxes_included: bool = False
    edited: bool = False
    gateways: str = ""
    origin: str = Field(default="api", description="api | bulk | csv")
    raw: dict[str, Any] = raw_json()


class LineItemRow(SQLModel, table=True):
    __tablename__ = "shopify_line_item"
    # Lookups by product, and each product's latest line (what the SKU matcher describes it
    # by) read from the index alone: 0.04 s instead of 0.35 s at 180,000 lines.
    __table_args__ = (
        Index("ix_shopify_line_item_product_latest", "product_key", "is_gift_card", "id"),
    )

    id: str = Field(primary_key=True)
    order_id: str = Field(foreign_key="shopify_order.id", index=True)
    position: int
    sku: str | None = Field(default=None, index=True)
    title: str
    variant_title: str | None = None
    variant_id: str | None = Field(default=None, index=True)
    product_id: str | None = None
    vendor: str | None = None
    quantity: int
    unit_price: Decimal = money()
    original_total: Decimal = money()
    discount: Decimal = money()
    tax: Decimal = money()
    is_gift_card: bool = False
    taxable: bool = True
    product_key: str


class RefundRow(SQLModel, table=True):
    __tablename__ = "shopify_refund"
    __table_args__ = (
        Index("ix_shopify_refund_review", "local_date", "created_at", "id", "order_id", "total"),
    )

    id: str = Field(primary_key=True)
    order_id: str = Field(foreign_key="shopify_order.id", index=True)
    created_at: datetime = instant()
    local_date: date
    note: str | None = None
    total: Decimal = money()
    raw: dict[str, Any] = raw_json()


class TransactionRow(SQLModel, table=True):
    __tablename__ = "shopify_transaction"

    id: str = Field(primary_key=True)
    order_id: str = Field(foreign_key="shopify_order.id", index=True)
    refund_id: str | None = Field(default=None, index=True)
    kind: str
    status: str
    gateway: str
    amount: Decimal = money()
    fee: Decimal = money()
    processed_at: datetime = instant()
    test: bool = False
    parent_id: str | None = None
    raw: dict[str, Any] = raw_json()


class PayoutRow(SQLModel, table=True):
    __tablename__ = "shopify_payout"
    __table_args__ = (
        Index("ix_shopify_payout_date_id", "local_date", "id"),
        Index("ix_shopify_payout_review", "local_date", "issued_at", "id", "net"),
    )

    id: str = Field(primary_key=True)
    legacy_id: str = Field(index=True)
    issued_at: datetime = instant()
    local_date: date
    status: str = Field(index=True)
    net: Decimal = money()
    currency: str
    transaction_type: str
    raw: dict[str, Any] = raw_json()


class BalanceTransactionRow(SQLModel, table=True):
    __tablename__ = "shopify_balance_transaction"

    id: str = Field(primary_key=True)
    payout_id: str | None = Field(default=None, index=True)
    payout_status: str | None = None
    type: str = Field(index=True)
    known_type: bool = True
    test: bool = False
    amount: Decimal = money()
    fee: Decimal = money()
    net: Decimal = money()
    currency: str
    transaction_date: datetime | None = instant(nullable=True)
    local_date: date | None = None
    source_id: str | None = None
    source_type: str | None = None
    source_order_transaction_id: str | None = None
    order_id: str | None = Field(default=None, index=True)
    order_name: str | None = None
    adjustment_reason: str | None = None
    raw: dict[str, Any] = raw_json()


class DisputeRow(SQLModel, table=True):
    """A Shopify Payments dispute; its money is in the balance transactions that name it."""

    __tablename__ = "shopify_dispute"

    id: str = Field(primary_key=True)
    legacy_id: str = Field(index=True)
    type: str
    status: str = Field(index=True)
    amount: Decimal = money()
    currency: str
    initiated_at: datetime = instant()
    local_date: date
    reason: str | None = None
    network_reason_code: str | None = None
    evidence_due_by: date | None = None
    evidence_sent_on: date | None = None
    finalized_on: date | None = None
    order_id: str | None = Field(default=None, index=True)
    order_name: str | None = None
    raw: dict[str, Any] = raw_json()


# QuickBooks reference cache -----------------------------------------------------------------


class QboEntityRow(SQLModel, table=True):
    """One cached QBO object (Account, Item, TaxCode, Customer, Deposit, ...) of one realm."""

    __tablename__ = "qbo_entity"
    __table_args__ = (
        Index("ix_qbo_entity_type_name", "realm_id", "entity_type", "name"),
        Index("ix_qbo_entity_type_date", "realm_id", "entity_type", "txn_date"),
    )

    realm_id: str = Field(primary_key=True)
    entity_type: str = Field(primary_key=True)
    qbo_id: str = Field(primary_key=True)
    sync_token: str = "0"
    name: str | None = None
    doc_number: str | None = Field(default=None, index=True)
    txn_date: date | None = None
    total_amt: Decimal | None = money(nullable=True, default=None)
    currency: str | None = None
    active: bool = True
    private_note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    last_updated: datetime | None = instant(nullable=True)
    raw: dict[str, Any] = raw_json()


# Proposals, mappings, review ----------------------------------------------------------------


class ProposalRow(SQLModel, table=True):
    __tablename__ = "proposal"
    __table_args__ = (Index("ix_proposal_state_date_key", "state", "txn_date", "key"),)

    key: str = Field(primary_key=True)
    source_type: str = Field(index=True)
    source_id: str = Field(index=True)
    entity_type: str
    state: str = Field(index=True)
    txn_date: date
    doc_number: str | None = None
    label: str = ""
    counterparty: str | None = None
    gateway: str | None = None
    total: Decimal = money()
    currency: str
    body: dict[str, Any] = raw_json()
    lines: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    flags: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    tieouts: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    tieout_ok: bool = True
    source_hash: str = ""
    built_at: datetime = instant()
    qbo_type: str | None = None
    qbo_id: str | None = None


class ItemAliasRow(SQLModel, table=True):
    """A learned or chosen SKU → Item decision; it wins over every suggestion next time."""

    __tablename__ = "item_alias"

    product_key: str = Field(primary_key=True)
    item_id: str
    item_name: str | None = None
    decided_by: str
    decided_at: datetime = instant()
    origin: str = "manual"


class RoleMappingRow(SQLModel, table=True):
    """What a role stands for in QBO: an account (``bank``, ``clearing:paypal``), an item
    (``item:shipping``), a payment method (``method:paypal``) or the generic customer."""

    __tablename__ = "role_mapping"

    role: str = Field(primary_key=True)
    qbo_type: str  # Account | Item | PaymentMethod | Customer
    qbo_id: str
    name: str | None = None
    decided_by: str
    decided_at: datetime = instant()


class ReviewDecisionRow(SQLModel, table=True):
    __tablename__ = "review_decision"

    id: int | None = Field(default=None, primary_key=True)
    proposal_key: str = Field(index=True)
    decision: str
    reviewer: str
    decided_at: datetime = instant()
    reason: str | None = None
    target: str | None = None


# Commit -------------------------------------------------------------------------------------


class CommitBatchRow(SQLModel, table=True):
    """One run of ``commit`` (or of the app's commit): who, when, where, and what it posted.

    ``host``/``pid`` and ``heartbeat_at`` tell a later committer whether a batch still
    ``running`` belongs to a live process or to one that died (its entries are then resolved by
    looking them up in QuickBooks before anything is sent again).
    """

    __tablename__ = "commit_batch"

    id: str = Field(primary_key=True)
    reviewer: str
    started_at: datetime = instant()
    finished_at: datetime | None = instant(nullable=True)
    heartbeat_at: datetime | None = instant(nullable=True)
    host: str = ""
    pid: int = 0
    state: str = "running"  # running | finished | interrupted
    posted: int = 0
    failed: int = 0
    skipped: int = 0
    total: Decimal = money()
    undone_at: datetime | None = instant(nullable=True)


# The QBO objects that are live (about to be posted, maybe posted, or posted): at most one per
# proposal part, which is what makes two committers unable to queue the same entry twice.
LIVE_OUTBOX_STATES = ("intent", "sending", "posted")
LIVE_WHERE = text("state IN ({})".format(", ".join(f"'{s}'" for s in LIVE_OUTBOX_STATES)))


class OutboxRow(SQLModel, table=True):
    """A recorded intent to post one QBO object, written before any request leaves the machine.

    A proposal is one object (``part`` = its entity) or, for an invoice paid by two gateways,
    an ``Invoice`` part and ``Payment:N`` parts that wait for the invoice's Id.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("request_id", name="uq_outbox_request_id"),
        Index(
            "uq_outbox_live_part", "proposal_key", "part", unique=True,
            sqlite_where=LIVE_WHERE, postgresql_where=LIVE_WHERE,
        ),
        Index("ix_outbox_state_id", "state", "id"),
    )  # fmt: skip

    id: int | None = Field(default=None, primary_key=True)
    batch_id: str = Field(foreign_key="commit_batch.id", index=True)
    proposal_key: str = Field(index=True)
    part: str
    position: int = 0
    request_id: str
    entity_type: str
    operation: str = "create"
    state: str = "intent"  # intent | sending | posted | failed | blocked | undone
    body: dict[str, Any] = raw_json()
    amount: Decimal = money()
    qbo_id: str | None = None
    sync_token: str | None = None
    fault: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    undo_fault: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    attempts: int = 0
    claimed_by: str | None = None
    claimed_at: datetime | None = instant(nullable=True)
    updated_at: datetime = instant()


# Audit and sync -----------------------------------------------------------------------------


class AuditRow(SQLModel, table=True):
    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = instant(index=True)
    actor: str
    action: str = Field(index=True)
    subject: str = Field(index=True)
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    detail: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class SyncCheckpointRow(SQLModel, table=True):
    """Where an incremental sync stopped, so the next one (or a resumed one) starts there."""

    __tablename__ = "sync_checkpoint"

    source: str = Field(primary_key=True)
    watermark: str | None = None
    cursor: str | None = None
    updated_at: datetime = instant()
    detail: dict[str, Any] = raw_json()
