"""Searching QuickBooks items for the item picker: an exact (normalised) SKU wins outright,
then a fuzzy rank over name and SKU.

The picker searches on every keystroke, so :func:`item_search` reads the item cache once and
returns a :class:`ChoiceIndex` that ranks in memory (rapidfuzz; 20,000 names stay fast).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils
from sqlalchemy import select
from sqlmodel import Session, col

from workbench.domain.matching import normalise_sku
from workbench.store.engine import Store
from workbench.store.tables import QboEntityRow

LIMIT = 50
CUTOFF = 40.0


@dataclass(frozen=True)
class ItemChoice:
    """One QuickBooks item offered to the bookkeeper: ``note`` says why or what it is."""

    id: str
    name: str
    sku: str | None
    note: str = ""
    score: float = 0.0


Search = Callable[[str], list[ItemChoice]]


class ChoiceIndex:
    """Ranks choices for a query; the empty query lists them by name."""

    def __init__(self, choices: Iterable[ItemChoice], *, limit: int = LIMIT) -> None:
        self.choices = sorted(choices, key=lambda c: c.name.lower())
        self.limit = limit
        self._texts = [f"{c.name} {c.sku or ''}".strip() for c in self.choices]
        self._skus = [normalise_sku(c.sku) for c in self.choices]

    def __call__(self, query: str) -> list[ItemChoice]:
        wanted = query.strip()
        if not wanted:
            return self.choices[: self.limit]
        sku = normalise_sku(wanted)
        found = [
            ItemChoice(c.id, c.name, c.sku, "exact SKU", 100.0)
            for c, s in zip(self.choices, self._skus, strict=True)
            if sku and s == sku
        ]
        seen = {c.id for c in found}
        ranked = process.extract(
            wanted, self._texts, scorer=fuzz.WRatio, processor=utils.default_process,
            limit=self.limit, score_cutoff=CUTOFF,
        )  # fmt: skip
        for _text, score, n in ranked:
            choice = self.choices[n]
            if choice.id not in seen:
                seen.add(choice.id)
                found.append(ItemChoice(choice.id, choice.name, choice.sku, choice.note, score))
        return found[: self.limit]


def _active(session: Session, entity: str) -> Sequence[QboEntityRow]:
    """The active records of one QBO entity type in the reference cache."""
    return session.scalars(
        select(QboEntityRow).where(
            col(QboEntityRow.entity_type) == entity, col(QboEntityRow.active).is_(True)
        )
    ).all()


def item_choices(store: Store) -> list[ItemChoice]:
    """Every active item in the reference cache, by its full name, noting its type."""
    with store.session() as session:
        rows = _active(session, "Item")
    return [
        ItemChoice(
            r.qbo_id,
            str(r.raw.get("FullyQualifiedName") or r.raw.get("Name") or r.name or r.qbo_id),
            r.raw.get("Sku"),
            str(r.raw.get("Type") or ""),
        )
        for r in rows
    ]


def item_search(store: Store) -> Search:
    """A search over the active items, read from the store once, on first use."""
    return lazy_search(lambda: item_choices(store))


def account_choices(store: Store, account_types: Iterable[str] = ()) -> list[ItemChoice]:
    """Active accounts (only of the given QBO ``AccountType`` values, when any are given),
    noting their type: the picker for mapping an account role."""
    wanted = set(account_types)
    with store.session() as session:
        rows = _active(session, "Account")
    return [
        ItemChoice(
            r.qbo_id,
            str(r.raw.get("FullyQualifiedName") or r.raw.get("Name") or r.name or r.qbo_id),
            None,
            str(r.raw.get("AccountType") or ""),
        )
        for r in rows
        if not wanted or r.raw.get("AccountType") in wanted
    ]


def entity_choices(store: Store, entity: str) -> list[ItemChoice]:
    """Active records of another QBO name list (Customer, PaymentMethod) for a role picker."""
    with store.session() as session:
        rows = _active(session, entity)
    return [ItemChoice(r.qbo_id, str(r.name or r.qbo_id), None, entity) for r in rows]


def lazy_search(load: Callable[[], Iterable[ItemChoice]]) -> Search:
    """A search whose choices are read on first use (from the picker's worker thread)."""
    index: list[ChoiceIndex] = []

    def search(query: str) -> list[ItemChoice]:
        if not index:
            index.append(ChoiceIndex(load()))
        return index[0](query)

    return search
