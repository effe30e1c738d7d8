"""Orders imported from the merchant's CSV export get proposals like API orders do: rebuilt
from the stored rows (the file is not needed again) and tied out to the cent."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from tests.csv_import.realistic import write_realistic
from workbench.services.csv_import import import_orders
from workbench.services.propose import order_record, propose_all
from workbench.store.engine import open_store
from workbench.store.tables import OrderRow, ProposalRow


def test_imported_orders_are_proposed_and_tie_out(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'csv.db'}")
    try:
        import_orders(store, write_realistic(tmp_path / "orders_export_1.csv"))
        with store.session() as session:
            rows = list(session.scalars(select(OrderRow)))
            # A stored CSV order rebuilds into the same record the import produced.
            for row in rows:
                rebuilt = order_record(row, ZoneInfo("America/New_York"))
                assert rebuilt.total_price == row.total_price and rebuilt.name == row.name
        from workbench.shopify.normalize import shop_from_graphql
        from workbench.store.shopify_repo import save_shop

        shop = {"id": "gid://shopify/Shop/1", "name": "Shop", "myshopifyDomain": "s.myshopify.com",
                "currencyCode": "USD", "ianaTimezone": "America/New_York"}  # fmt: skip
        with store.session() as session:
            save_shop(session, shop_from_graphql(shop), shop)
        report = propose_all(store)
        assert report.built > 0
        with store.session() as session:
            proposals = list(session.scalars(select(ProposalRow)))
        orders = [p for p in proposals if p.source_type == "order"]
        assert orders and all(p.tieout_ok for p in orders), [
            (p.key, p.tieouts) for p in orders if not p.tieout_ok
        ]
    finally:
        store.close()
