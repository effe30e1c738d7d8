"""Mapping one product line of an order from the review list (`m`): which lines the order
has and what they map to, the matcher's suggestions for one product, and the mapping itself,
which rebuilds every proposal the product appears in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlmodel import col

from workbench.config import Settings
from workbench.domain.proposals import SourceType, proposal_key
from workbench.services.item_search import ItemChoice
from workbench.services.progress import ProgressCallback, ignore_progress
from workbench.store.engine import Store
from workbench.store.tables import ItemAliasRow, LineItemRow, ProposalRow

# The matcher and the proposal builder are imported where they are used: the app's first screen
# imports this module and does not need them.
if TYPE_CHECKING:
    from workbench.services.propose import ProposeReport

CURRENT = "current mapping"
_PROVENANCE = "lineItems["


@dataclass(frozen=True)
class ProductLine:
    """A product line of an order, with what it maps to in the proposed entry."""

    product_key: str
    description: str
    sku: str | None
    amount: Decimal
    target_name: str | None

    @property
    def mapped(self) -> bool:
        return self.target_name is not None

    @property
    def label(self) -> str:
        return f"{self.description} ({self.sku})" if self.sku else self.description


@dataclass(frozen=True)
class MappingReport:
    item_name: str
    proposals: ProposeReport


def _position(provenance: str) -> int | None:
    if not provenance.startswith(_PROVENANCE):
        return None
    number = provenance[len(_PROVENANCE) :].split("]", 1)[0]
    return int(number) if number.isdigit() else None


def product_lines(store: Store, order_id: str) -> list[ProductLine]:
    """The order's product lines (gift cards excluded: they map to a role, not an item),
    each with the target its proposed entry uses, or its learned alias without a proposal."""
    with store.session() as session:
        lines = session.scalars(
            select(LineItemRow)
            .where(col(LineItemRow.order_id) == order_id)
            .order_by(col(LineItemRow.position))
        ).all()
        proposal = session.get(ProposalRow, proposal_key(SourceType.ORDER, order_id))
        keys = [li.product_key for li in lines]
        aliases = {
            a.product_key: a.item_name or a.item_id
            for a in session.scalars(
                select(ItemAliasRow).where(col(ItemAliasRow.product_key).in_(keys))
            )
        }
    targets: dict[int, str | None] = {}
    for entry in proposal.lines if proposal else []:
        position = _position(str(entry.get("provenance", "")))
        if position is not None:
            name = entry.get("target_name") or entry.get("target")
            targets[position] = str(name) if name else None
    found = []
    for li in lines:
        if li.is_gift_card:
            continue
        description = li.title + (f" - {li.variant_title}" if li.variant_title else "")
        target = targets[li.position] if proposal else aliases.get(li.product_key)
        amount = li.original_total - li.discount
        found.append(ProductLine(li.product_key, description, li.sku, amount, target))
    return found


def unmapped_first(lines: Sequence[ProductLine]) -> list[ProductLine]:
    """Unmapped lines first (usually why `m` was pressed), otherwise in order."""
    return sorted(lines, key=lambda line: line.mapped)


def suggestions_for(store: Store, product_key: str, *, limit: int = 5) -> list[ItemChoice]:
    """The matcher's best items for one product, the current mapping first when there is one.

    The product's own alias is left out of the match so that changing a mapping shows real
    alternatives, not just the choice already made.
    """
    from workbench.domain.matching import MatchSettings, Product, match_products
    from workbench.services.item_mappings import qbo_items

    with store.session() as session:
        line = session.scalars(
            select(LineItemRow)
            .where(col(LineItemRow.product_key) == product_key)
            .order_by(col(LineItemRow.id).desc())
        ).first()
        alias = session.get(ItemAliasRow, product_key)
        items = [i for i in qbo_items(session) if i.active]
    choices = {
        i.id: ItemChoice(i.id, i.fully_qualified_name or i.name, i.sku, i.type) for i in items
    }
    if line is None or not choices:
        return []
    found: list[ItemChoice] = []
    if alias is not None and alias.item_id in choices:
        current = choices[alias.item_id]
        found.append(ItemChoice(current.id, current.name, current.sku, CURRENT, 100.0))
    product = Product(line.product_key, line.sku, line.title, line.variant_title, line.vendor)
    (result,) = match_products([product], items, {}, MatchSettings(suggestions=limit))
    for candidate in result.candidates:
        choice = choices.get(candidate.item_id)
        if choice is not None and all(c.id != choice.id for c in found):
            note = f"{candidate.reason} {candidate.score:.0f}"
            found.append(ItemChoice(choice.id, choice.name, choice.sku, note, candidate.score))
    return found


def map_product(
    store: Store,
    product_key: str,
    item_id: str,
    *,
    reviewer: str,
    settings: Settings | None = None,
    progress: ProgressCallback = ignore_progress,
) -> MappingReport:
    """Learn the alias, then rebuild the proposals (only those whose entry changes are
    rewritten; an approval of a changed entry is withdrawn, as for any rebuild)."""
    from workbench.services import item_mappings
    from workbench.services.propose import propose_all

    with store.session() as session:
        item_mappings.set_alias(session, product_key, item_id, reviewer=reviewer, origin="manual")
        alias = session.get(ItemAliasRow, product_key)
        name = (alias.item_name if alias else None) or item_id
    return MappingReport(name, propose_all(store, settings, progress=progress))
