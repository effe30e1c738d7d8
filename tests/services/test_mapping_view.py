"""The services behind the Payouts, Unmatched SKUs and Mappings tabs, without the screen."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlmodel import col

from tests.tui.conftest import books, small_store  # noqa: F401  (fixtures)
from workbench.config import Settings
from workbench.errors import WorkbenchError
from workbench.services.item_search import account_choices
from workbench.services.mapping_view import MappingView
from workbench.services.payout_review import PayoutReview
from workbench.services.sku_queue import SkuQueue
from workbench.store.engine import Store
from workbench.store.tables import AuditRow, ProposalRow

MUG = "gid://shopify/ProductVariant/MUG-12OZ"


def test_deleting_an_alias_sends_the_product_back_to_the_matcher(books: Store) -> None:  # noqa: F811
    view = MappingView(books)
    view.delete_alias(MUG, reviewer="ana")
    assert MUG not in {a.product_key for a in view.load().aliases}
    with books.session() as session:
        audit = session.scalars(select(AuditRow).where(col(AuditRow.subject) == MUG)).one()
        assert audit.before is not None and audit.before["item_id"] == "9"
    with pytest.raises(WorkbenchError):
        view.delete_alias(MUG, reviewer="ana")


def test_role_search_offers_only_allowed_account_types(books: Store) -> None:  # noqa: F811
    names = {c.name for c in MappingView(books).search_for("fees")("")}
    assert names == {"Merchant fees", "Bank Charges & Fees"}
    assert {c.note for c in account_choices(books, ["Bank"])} == {"Bank"}


def test_payout_review_shows_candidates_until_one_is_linked(books: Store) -> None:  # noqa: F811
    review = PayoutReview(books)
    [payout] = review.load()
    assert payout.decidable and payout.candidates == 2
    detail = review.detail(payout)
    assert detail.lines_total == payout.net  # the tie-out the tab shows
    with books.session() as session:
        row = session.get(ProposalRow, payout.key)
        assert row is not None
        row.state, row.qbo_type, row.qbo_id = "linked", "Deposit", "145"
    [after] = review.load()
    assert after.linked_to == "Deposit:145" and not after.decidable


def test_accept_all_takes_only_suggestions_at_or_above_the_threshold(books: Store) -> None:  # noqa: F811
    queue = SkuQueue(books, accept_at=85)
    before = queue.load()
    strong = {e.key for e in before if e.best and e.best.score >= 85}
    weak = {e.key for e in before} - strong
    done = queue.accept_all(reviewer="ana")
    assert done.mapped == len(strong)
    assert {e.key for e in queue.load()} == weak


def test_rebuilds_from_the_tabs_use_the_profiles_settings(books: Store) -> None:  # noqa: F811
    """Resolving a SKU or deleting an alias rebuilds proposals as a sync would: with the
    profile's settings (here its DocNumber template), not the defaults."""
    profile = Settings(doc_number_template="WB-{number}")

    def doc_numbers() -> set[str | None]:
        with books.session() as session:
            query = select(col(ProposalRow.doc_number)).where(
                col(ProposalRow.source_type) == "order"
            )
            return set(session.scalars(query))

    assert not any((d or "").startswith("WB-") for d in doc_numbers())
    MappingView(books, posting=lambda: profile).delete_alias(MUG, reviewer="ana")
    assert doc_numbers() and all((d or "").startswith("WB-") for d in doc_numbers())
    plain = SkuQueue(books)
    entry = next(e for e in plain.load() if e.best is not None)
    assert entry.best is not None
    plain.resolve(entry.key, entry.best.id, reviewer="ana", origin="picked")
    assert not any((d or "").startswith("WB-") for d in doc_numbers())  # the defaults again
    SkuQueue(books, posting=lambda: profile).resolve(
        entry.key, entry.best.id, reviewer="ana", origin="picked"
    )
    assert all((d or "").startswith("WB-") for d in doc_numbers())
