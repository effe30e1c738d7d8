"""Initial schema: Shopify records, QBO cache, proposals, mappings, review, outbox, audit.

Money columns are BIGINT ten-thousandths and instants naive UTC (see store/types.py).

Revision ID: 0001
Revises:
Create Date: 2026-11-26 09:14:52.032785
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "role_mapping",
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("qbo_type", sa.String(), nullable=False),
        sa.Column("qbo_id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=True),
        sa.Column("decided_by", sa.String(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("role"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("subject", sa.String(), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_subject"), ["subject"], unique=False)

    op.create_table(
        "commit_batch",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("reviewer", sa.String(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("posted", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "item_alias",
        sa.Column("product_key", sa.String(), nullable=False),
        sa.Column("item_id", sa.String(), nullable=False),
        sa.Column("item_name", sa.String(), nullable=True),
        sa.Column("decided_by", sa.String(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.Column("origin", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("product_key"),
    )
    op.create_table(
        "proposal",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("source_type", sa.String(), nullable=False),
        sa.Column("source_id", sa.String(), nullable=False),
        sa.Column("entity_type", sa.String(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("txn_date", sa.Date(), nullable=False),
        sa.Column("doc_number", sa.String(), nullable=True),
        sa.Column("label", sa.String(), nullable=False),
        sa.Column("counterparty", sa.String(), nullable=True),
        sa.Column("gateway", sa.String(), nullable=True),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column("tieouts", sa.JSON(), nullable=False),
        sa.Column("tieout_ok", sa.Boolean(), nullable=False),
        sa.Column("source_hash", sa.String(), nullable=False),
        sa.Column("built_at", sa.DateTime(), nullable=False),
        sa.Column("qbo_type", sa.String(), nullable=True),
        sa.Column("qbo_id", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_proposal_source_id"), ["source_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_proposal_source_type"), ["source_type"], unique=False)
        batch_op.create_index(batch_op.f("ix_proposal_state"), ["state"], unique=False)
        batch_op.create_index(
            "ix_proposal_state_date_key", ["state", "txn_date", "key"], unique=False
        )

    op.create_table(
        "qbo_entity",
        sa.Column("realm_id", sa.String(), nullable=False),
        sa.Column("entity_type", sa.String(), nullable=False),
        sa.Column("qbo_id", sa.String(), nullable=False),
        sa.Column("sync_token", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=True),
        sa.Column("doc_number", sa.String(), nullable=True),
        sa.Column("txn_date", sa.Date(), nullable=True),
        sa.Column("total_amt", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("private_note", sa.Text(), nullable=True),
        sa.Column("last_updated", sa.DateTime(), nullable=True),
        sa.Column("raw", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("realm_id", "entity_type", "qbo_id"),
    )
    with op.batch_alter_table("qbo_entity", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_qbo_entity_doc_number"), ["doc_number"], unique=False)
        batch_op.create_index(
            "ix_qbo_entity_type_date", ["realm_id", "entity_type", "txn_date"], unique=False
        )
        batch_op.create_index(
            "ix_qbo_entity_type_name", ["realm_id", "entity_type", "name"], unique=False
        )

    op.create_table(
        "review_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_key", sa.String(), nullable=False),
        sa.Column("decision", sa.String(), nullable=False),
        sa.Column("reviewer", sa.String(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("target", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("review_decision", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_review_decision_proposal_key"), ["proposal_key"], unique=False
        )

    op.create_table(
        "shop",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("domain", sa.String(), nullable=False),
        sa.Column("currency", sa.String(), nullable=False),
        sa.Column("timezone", sa.String(), nullable=False),
        sa.Column("taxes_included", sa.Boolean(), nullable=False),
        sa.Column("raw", sa.JSON(), nullable=False),
        sa.Column("synced_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "shopify_balance_transaction",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("payout_id", sa.String(), nullable=True),
        sa.Column("payout_status", sa.String(), nullable=True),
        sa.Column("type", sa.String(), nullable=False),
        sa.Column("known_type", sa.Boolean(), nullable=False),
        sa.Column("test", sa.Boolean(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("fee", sa.BigInteger(), nullable=False),
        sa.Column("net", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(), nullable=False),
        sa.Column("transaction_date", sa.DateTime(), nullable=True),
        sa.Column("local_date", sa.Date(), nullable=True),
        sa.Column("source_id", sa.String(), nullable=True),
        sa.Column("source_type", sa.String(), nullable=True),
        sa.Column("source_order_transaction_id", sa.String(), nullable=True),
        sa.Column("order_id", sa.String(), nullable=True),
        sa.Column("order_name", sa.String(), nullable=True),
        sa.Column("adjustment_reason", sa.String(), nullable=True),
        sa.Column("raw", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("shopify_balance_transaction", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_shopify_balance_transaction_order_id"), ["order_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_shopify_balance_transaction_payout_id"), ["payout_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_shopify_balance_transaction_type"), ["type"], unique=False
        )

    op.create_table(
        "shopify_order",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("legacy_id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("processed_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(), nullable=False),
        sa.Column("test", sa.Boolean(), nullable=False),
        sa.Column("financial_status", sa.String(), nullable=True),
        sa.Column("source_name", sa.String(), nullable=True),
        sa.Column("customer_name", sa.String(), nullable=True),
        sa.Column("email", sa.String(), nullable=True),
        sa.Column("subtotal", sa.BigInteger(), nullable=False),
        sa.Column("total_discounts", sa.BigInteger(), nullable=False),
        sa.Column("total_shipping", sa.BigInteger(), nullable=False),
        sa.Column("total_tax", sa.BigInteger(), nullable=False),
        sa.Column("total_tip", sa.BigInteger(), nullable=False),
        sa.Column("total_price", sa.BigInteger(), nullable=False),
        sa.Column("total_received", sa.BigInteger(), nullable=False),
        sa.Column("total_refunded", sa.BigInteger(), nullable=False),
        sa.Column("taxes_included", sa.Boolean(), nullable=False),
        sa.Column("edited", sa.Boolean(), nullable=False),
        sa.Column("gateways", sa.String(), nullable=False),
        sa.Column("origin", sa.String(), nullable=False),
        sa.Column("raw", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("shopify_order", schema=None) as batch_op:
        batch_op.create_index("ix_shopify_order_date_id", ["local_date", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_shopify_order_legacy_id"), ["legacy_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_shopify_order_name"), ["name"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_shopify_order_updated_at"), ["updated_at"], unique=False
        )

    op.create_table(
        "shopify_payout",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("legacy_id", sa.String(), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("net", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(), nullable=False),
        sa.Column("transaction_type", sa.String(), nullable=False),
        sa.Column("raw", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("shopify_payout", schema=None) as batch_op:
        batch_op.create_index("ix_shopify_payout_date_id", ["local_date", "id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_shopify_payout_legacy_id"), ["legacy_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_shopify_payout_status"), ["status"], unique=False)

    op.create_table(
        "sync_checkpoint",
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("watermark", sa.String(), nullable=True),
        sa.Column("cursor", sa.String(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("source"),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.String(), nullable=False),
        sa.Column("proposal_key", sa.String(), nullable=False),
        sa.Column("request_id", sa.String(), nullable=False),
        sa.Column("entity_type", sa.String(), nullable=False),
        sa.Column("operation", sa.String(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("qbo_id", sa.String(), nullable=True),
        sa.Column("sync_token", sa.String(), nullable=True),
        sa.Column("fault", sa.JSON(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_by", sa.String(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["commit_batch.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("request_id", name="uq_outbox_request_id"),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_proposal_key"), ["proposal_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_state"), ["state"], unique=False)

    op.create_table(
        "shopify_line_item",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("order_id", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(), nullable=True),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("variant_title", sa.String(), nullable=True),
        sa.Column("variant_id", sa.String(), nullable=True),
        sa.Column("product_id", sa.String(), nullable=True),
        sa.Column("vendor", sa.String(), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price", sa.BigInteger(), nullable=False),
        sa.Column("original_total", sa.BigInteger(), nullable=False),
        sa.Column("discount", sa.BigInteger(), nullable=False),
        sa.Column("tax", sa.BigInteger(), nullable=False),
        sa.Column("is_gift_card", sa.Boolean(), nullable=False),
        sa.Column("taxable", sa.Boolean(), nullable=False),
        sa.Column("product_key", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["shopify_order.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("shopify_line_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_shopify_line_item_order_id"), ["order_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_shopify_line_item_product_key"), ["product_key"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_shopify_line_item_sku"), ["sku"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_shopify_line_item_variant_id"), ["variant_id"], unique=False
        )

    op.create_table(
        "shopify_refund",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("order_id", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("note", sa.String(), nullable=True),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("raw", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["shopify_order.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("shopify_refund", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shopify_refund_order_id"), ["order_id"], unique=False)

    op.create_table(
        "shopify_transaction",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("order_id", sa.String(), nullable=False),
        sa.Column("refund_id", sa.String(), nullable=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("gateway", sa.String(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("fee", sa.BigInteger(), nullable=False),
        sa.Column("processed_at", sa.DateTime(), nullable=False),
        sa.Column("test", sa.Boolean(), nullable=False),
        sa.Column("parent_id", sa.String(), nullable=True),
        sa.Column("raw", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["shopify_order.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("shopify_transaction", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_shopify_transaction_order_id"), ["order_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_shopify_transaction_refund_id"), ["refund_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("shopify_transaction", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shopify_transaction_refund_id"))
        batch_op.drop_index(batch_op.f("ix_shopify_transaction_order_id"))

    op.drop_table("shopify_transaction")
    with op.batch_alter_table("shopify_refund", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shopify_refund_order_id"))

    op.drop_table("shopify_refund")
    with op.batch_alter_table("shopify_line_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shopify_line_item_variant_id"))
        batch_op.drop_index(batch_op.f("ix_shopify_line_item_sku"))
        batch_op.drop_index(batch_op.f("ix_shopify_line_item_product_key"))
        batch_op.drop_index(batch_op.f("ix_shopify_line_item_order_id"))

    op.drop_table("shopify_line_item")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_state"))
        batch_op.drop_index(batch_op.f("ix_outbox_proposal_key"))
        batch_op.drop_index(batch_op.f("ix_outbox_batch_id"))

    op.drop_table("outbox")
    op.drop_table("sync_checkpoint")
    with op.batch_alter_table("shopify_payout", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shopify_payout_status"))
        batch_op.drop_index(batch_op.f("ix_shopify_payout_legacy_id"))
        batch_op.drop_index("ix_shopify_payout_date_id")

    op.drop_table("shopify_payout")
    with op.batch_alter_table("shopify_order", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shopify_order_updated_at"))
        batch_op.drop_index(batch_op.f("ix_shopify_order_name"))
        batch_op.drop_index(batch_op.f("ix_shopify_order_legacy_id"))
        batch_op.drop_index("ix_shopify_order_date_id")

    op.drop_table("shopify_order")
    with op.batch_alter_table("shopify_balance_transaction", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shopify_balance_transaction_type"))
        batch_op.drop_index(batch_op.f("ix_shopify_balance_transaction_payout_id"))
        batch_op.drop_index(batch_op.f("ix_shopify_balance_transaction_order_id"))

    op.drop_table("shopify_balance_transaction")
    op.drop_table("shop")
    with op.batch_alter_table("review_decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_decision_proposal_key"))

    op.drop_table("review_decision")
    with op.batch_alter_table("qbo_entity", schema=None) as batch_op:
        batch_op.drop_index("ix_qbo_entity_type_name")
        batch_op.drop_index("ix_qbo_entity_type_date")
        batch_op.drop_index(batch_op.f("ix_qbo_entity_doc_number"))

    op.drop_table("qbo_entity")
    with op.batch_alter_table("proposal", schema=None) as batch_op:
        batch_op.drop_index("ix_proposal_state_date_key")
        batch_op.drop_index(batch_op.f("ix_proposal_state"))
        batch_op.drop_index(batch_op.f("ix_proposal_source_type"))
        batch_op.drop_index(batch_op.f("ix_proposal_source_id"))

    op.drop_table("proposal")
    op.drop_table("item_alias")
    op.drop_table("commit_batch")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_subject"))
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))
        batch_op.drop_index(batch_op.f("ix_audit_log_action"))

    op.drop_table("audit_log")
    op.drop_table("role_mapping")
