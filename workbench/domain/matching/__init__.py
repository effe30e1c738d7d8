"""Product (SKU) → QBO Item matching: alias, exact SKU, exact name, then vetoed fuzzy.

Pure: no I/O. The services layer feeds it the products seen in Shopify orders and the items in
the QBO reference cache, stores the decisions as aliases, and hands them back next time.
"""

from workbench.domain.matching.engine import match_products
from workbench.domain.matching.index import ItemIndex
from workbench.domain.matching.model import (
    Candidate,
    Item,
    MatchResult,
    MatchSettings,
    MatchState,
    Product,
)
from workbench.domain.matching.normalise import normalise_sku, tokens

__all__ = [
    "Candidate",
    "Item",
    "ItemIndex",
    "MatchResult",
    "MatchSettings",
    "MatchState",
    "Product",
    "match_products",
    "normalise_sku",
    "tokens",
]
