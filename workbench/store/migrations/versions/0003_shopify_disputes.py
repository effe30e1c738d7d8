"""Shopify Payments disputes: one row per chargeback or inquiry, upserted by its GID.

A new table only; nothing existing changes.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 12:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "shopify_dispute",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("legacy_id", sa.String(), nullable=False),
        sa.Column("type", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(), nullable=False),
        sa.Column("initiated_at", sa.DateTime(), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("network_reason_code", sa.String(), nullable=True),
        sa.Column("evidence_due_by", sa.Date(), nullable=True),
        sa.Column("evidence_sent_on", sa.Date(), nullable=True),
        sa.Column("finalized_on", sa.Date(), nullable=True),
        sa.Column("order_id", sa.String(), nullable=True),
        sa.Column("order_name", sa.String(), nullable=True),
        sa.Column("raw", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("shopify_dispute", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_shopify_dispute_legacy_id"), ["legacy_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_shopify_dispute_order_id"), ["order_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_shopify_dispute_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("shopify_dispute", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shopify_dispute_status"))
        batch_op.drop_index(batch_op.f("ix_shopify_dispute_order_id"))
        batch_op.drop_index(batch_op.f("ix_shopify_dispute_legacy_id"))
    op.drop_table("shopify_dispute")
