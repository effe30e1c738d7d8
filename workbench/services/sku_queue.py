"""The Unmatched SKUs queue: Shopify products without a confident QuickBooks item, each with the
matcher's top five candidates and why, and the ways to resolve one.

Every resolution is an alias (it wins next time) followed by a rebuild of the proposals, so the
entries that sell that product pick up the item at once; the rebuild leaves unchanged proposals
alone (their fingerprints match), so only the affected entries change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session, col

from workbench.config import Settings
from workbench.domain.matching import MatchResult, MatchSettings
from workbench.qbo.client import QboClient
from workbench.qbo.models import QboObject
from workbench.services.item_mappings import WHOLE, create_item, match_all, set_alias
from workbench.services.item_search import ItemChoice, account_choices
from workbench.services.propose import ProposeReport, propose_all
from workbench.store.engine import Store
from workbench.store.tables import LineItemRow, QboEntityRow

ACCEPT_AT = 85
ITEM_TYPES = ("NonInventory", "Service")


@dataclass(frozen=True, slots=True)
class SkuEntry:
    key: str
    sku: str | None
    title: str  # "Product - Variant"
    state: str  # suggested | unmatched
    candidates: tuple[ItemChoice, ...]  # best first, at most five; note = the matcher's reason
    lines: int  # Shopify order lines selling it

    @property
    def best(self) -> ItemChoice | None:
        return self.candidates[0] if self.candidates else None


@dataclass(frozen=True, slots=True)
class NewItemDefaults:
    """What the "new item" form starts with: the product's name, a type, an income account."""

    name: str
    item_type: str
    income_account: str | None
    income_accounts: tuple[ItemChoice, ...]


@dataclass(frozen=True, slots=True)
class Resolution:
    """What a resolution changed: aliases written and proposals rebuilt."""

    mapped: int
    rebuilt: int


def _entry(result: MatchResult, lines: int) -> SkuEntry:
    title = result.product_title + (f" - {result.variant_title}" if result.variant_title else "")
    candidates = tuple(
        ItemChoice(c.item_id, c.item_name, None, c.reason, c.score) for c in result.candidates[:5]
    )
    return SkuEntry(result.key, result.sku, title, str(result.state), candidates, lines)


class SkuQueue:
    def __init__(
        self,
        store: Store,
        *,
        settings: MatchSettings | None = None,
        accept_at: int = ACCEPT_AT,
        posting: Callable[[], Settings | None] = lambda: None,
    ) -> None:
        self.store = store
        self.settings = settings
        # The settings the proposals a resolution affects are rebuilt with (workflow,
        # DocNumbers, …), asked at each rebuild since they can be saved while the app runs;
        # None means the defaults.
        self.posting = posting
        self.accept_at = accept_at
        self.entries: list[SkuEntry] = []

    def load(self) -> list[SkuEntry]:
        """Suggested products first (best score first), then those with no candidate at all."""
        with self.store.session() as session:
            open_ = [r for r in match_all(session, self.settings) if r.state not in WHOLE]
            counts = dict(
                session.execute(
                    select(col(LineItemRow.product_key), func.count())
                    .where(col(LineItemRow.product_key).in_([r.key for r in open_]))
                    .group_by(col(LineItemRow.product_key))
                ).all()
            )
        entries = [_entry(r, int(counts.get(r.key, 0))) for r in open_]
        entries.sort(key=lambda e: (e.best is None, -(e.best.score if e.best else 0), e.title))
        self.entries = entries
        return entries

    def acceptable(self) -> list[SkuEntry]:
        """Entries whose best candidate scores at least ``accept_at`` (what `A` would accept)."""
        return [e for e in self.entries if e.best is not None and e.best.score >= self.accept_at]

    def resolve(self, key: str, item_id: str, *, reviewer: str, origin: str) -> Resolution:
        with self.store.session() as session:
            set_alias(session, key, item_id, reviewer=reviewer, origin=origin)
        return Resolution(1, self._rebuild().built)

    def accept_all(self, *, reviewer: str) -> Resolution:
        """Accept the best candidate of every entry at or above ``accept_at``, as shown."""
        chosen = [(e.key, e.best.id) for e in self.acceptable() if e.best is not None]
        with self.store.session() as session:
            for key, item_id in chosen:
                set_alias(session, key, item_id, reviewer=reviewer, origin="accepted")
        return Resolution(len(chosen), self._rebuild().built if chosen else 0)

    def new_item_defaults(self, entry: SkuEntry) -> NewItemDefaults:
        incomes = tuple(
            sorted(account_choices(self.store, ["Income"]), key=lambda c: c.name.casefold())
        )
        with self.store.session() as session:
            default = _product_income(session)
        return NewItemDefaults(entry.title[:100], ITEM_TYPES[0], default, incomes)

    def create(
        self, client: QboClient, key: str, *, reviewer: str, item_type: str,
        income_account: str | None, name: str | None,
    ) -> tuple[QboObject, Resolution]:  # fmt: skip
        created = create_item(
            self.store, client, key, reviewer=reviewer, item_type=item_type,
            income_account=income_account, name=name,
        )  # fmt: skip
        return created, Resolution(1, self._rebuild().built)

    def _rebuild(self) -> ProposeReport:
        return propose_all(self.store, self.posting())


def _product_income(session: Session) -> str | None:
    """The income account new product items usually post to (product sales first)."""
    best: tuple[int, str] | None = None
    for row in session.scalars(
        select(QboEntityRow).where(
            col(QboEntityRow.entity_type) == "Account", col(QboEntityRow.active).is_(True)
        )
    ):
        if row.raw.get("AccountType") == "Income":
            score = 2 if row.raw.get("AccountSubType") == "SalesOfProductIncome" else 1
            if best is None or score > best[0] or (score == best[0] and row.qbo_id < best[1]):
                best = (score, row.qbo_id)
    return best[1] if best else None
