"""Line items indexed by product, gift-card flag and id, replacing the product-only index.

The SKU queue describes each product by its latest line: with the id in the index that is read
from the index alone. Lookups by product use the new index's first column, so the old index
goes. Indexes only; no data changes.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 15:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "shopify_line_item"


def upgrade() -> None:
    op.create_index(
        "ix_shopify_line_item_product_latest", TABLE, ["product_key", "is_gift_card", "id"]
    )
    op.drop_index("ix_shopify_line_item_product_key", table_name=TABLE)


def downgrade() -> None:
    op.create_index("ix_shopify_line_item_product_key", TABLE, ["product_key"])
    op.drop_index("ix_shopify_line_item_product_latest", table_name=TABLE)
