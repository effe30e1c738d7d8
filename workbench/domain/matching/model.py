"""The matcher's inputs, settings and results: plain values, no behaviour worth hiding.

A product is what a Shopify line item says about the thing sold; an item is a QBO Item as the
reference cache holds it. Results carry their reason and candidates so that the review screen
and ``workbench mappings list`` can show *why* without asking the matcher again.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from workbench.domain.records import LineItem


@dataclass(frozen=True, slots=True)
class Product:
    """One Shopify product key (variant GID, else ``sku:…``, else ``title:…|…``)."""

    key: str
    sku: str | None
    product_title: str
    variant_title: str | None = None
    vendor: str | None = None

    @classmethod
    def from_line(cls, line: LineItem) -> Product:
        return cls(line.product_key, line.sku, line.title, line.variant_title, line.vendor)


@dataclass(frozen=True, slots=True)
class Item:
    """One QBO Item. ``parent_id`` is set on sub-items (``Parent:Child``)."""

    id: str
    name: str
    fully_qualified_name: str = ""
    sku: str | None = None
    active: bool = True
    parent_id: str | None = None
    type: str = "Inventory"


@dataclass(frozen=True, slots=True)
class MatchSettings:
    """Where the matcher stops trusting itself. Defaults follow DESIGN.md §5.

    ``auto_accept`` and ``margin``: a fuzzy best candidate is taken without asking only at this
    score and this lead over the runner-up. ``floor``: below it a candidate is not worth a
    bookkeeper's glance. ``shortlist`` bounds how many items narrowing may hand to the
    expensive scorer per product title.
    """

    auto_accept: float = 95.0
    margin: float = 5.0
    floor: float = 60.0
    suggestions: int = 5
    shortlist: int = 200

    def __post_init__(self) -> None:
        if not 0 <= self.floor <= self.auto_accept <= 100:
            raise ValueError("need 0 <= floor <= auto_accept <= 100")
        if self.margin < 0 or self.suggestions < 1 or self.shortlist < 1:
            raise ValueError("margin must be >= 0; suggestions and shortlist >= 1")


class MatchState(StrEnum):
    ALIAS = "alias"
    EXACT = "exact"
    AUTO = "auto"
    SUGGESTED = "suggested"
    UNMATCHED = "unmatched"


@dataclass(frozen=True, slots=True)
class Candidate:
    item_id: str
    item_name: str
    score: float
    reason: str


@dataclass(frozen=True, slots=True)
class MatchResult:
    """The matcher's answer for one product key.

    ``item_id`` is set for alias, exact and auto (the mapping to use); for suggested and
    unmatched it is None and ``candidates`` holds what the bookkeeper may pick from.
    """

    key: str
    sku: str | None
    product_title: str
    variant_title: str | None
    state: MatchState
    item_id: str | None
    item_name: str | None
    score: float
    reason: str
    candidates: tuple[Candidate, ...] = ()

    @property
    def decided(self) -> bool:
        return self.state in (MatchState.ALIAS, MatchState.EXACT, MatchState.AUTO)
