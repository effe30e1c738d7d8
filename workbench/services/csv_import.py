"""Import the merchant's CSV exports into the store, the way a sync would have written them.

The file is streamed and written in chunks (one transaction each), so a 100,000-row export
needs the memory of one chunk, and an import that stops half-way loses nothing: running it
again finishes the job. Each record's content fingerprint is kept in its raw payload, so
importing the same file twice writes nothing and says so.

The API is the richer source (real transactions, fees, refund lines, variant ids), so an order
that came from the API (origin ``api`` or ``bulk``) is never overwritten by a CSV row; a
payments row that matches an API-synced balance transaction is skipped, and an earlier CSV copy
of it is removed, so the two sources never count the same money twice. The other way round
(CSV first, API later) the sync does the same: see ``shopify_sync``.
"""

from __future__ import annotations

import dataclasses
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import delete, null, select
from sqlmodel import Session, col

from workbench.services.progress import Progress, ProgressCallback, ignore_progress
from workbench.services.rare_gc import rare_collections
from workbench.shopify import csv_orders, csv_payments
from workbench.shopify.csv_common import CsvFormatError, Header, Issue, count_lines, open_rows
from workbench.shopify.csv_orders import OrdersReader, ParsedOrder
from workbench.shopify.csv_payments import ParsedBalance, PaymentsReader, match_key
from workbench.store import shopify_repo
from workbench.store.engine import Store
from workbench.store.tables import BalanceTransactionRow, OrderRow

ORDERS_CHUNK = 5_000
PAYMENTS_CHUNK = 5_000
CSV_ORIGIN = "csv"


@dataclass
class ImportReport:
    """What an import did, in the words the bookkeeper reads (and the CLI prints)."""

    kind: str
    file: str
    rows: int = 0
    records: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    from_api: int = 0
    replaced: int = 0
    rows_skipped: int = 0
    issues: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def nothing_imported(self) -> bool:
        """No row of the file became a record: the import failed as a whole."""
        return self.records == 0

    def errors(self) -> list[str]:
        return [issue.format(self.file) for issue in self.issues]

    def notes(self) -> list[str]:
        return [issue.format(self.file) for issue in self.warnings]

    def summary(self) -> str:
        noun = "orders" if self.kind == "orders" else "balance transactions"
        text = (
            f"{self.file}: {self.rows:,} rows read → {self.records:,} {noun}: {self.new:,} new, "
            f"{self.updated:,} updated, {self.unchanged:,} unchanged"
        )
        if self.from_api:
            text += f", {self.from_api:,} already synced from the API (kept)"
        if self.replaced:
            text += f", {self.replaced:,} earlier CSV copies replaced by API data"
        text += f"; {self.rows_skipped:,} rows skipped"
        if self.rows_skipped:
            text += f" ({len(self.issues):,} problems listed)"
        if self.warnings:
            text += f"; {len(self.warnings):,} warnings"
        return text


@dataclass(frozen=True)
class _ShopFacts:
    tz: ZoneInfo | None
    currency: str | None
    taxes_included: bool | None


def _shop_facts(store: Store) -> _ShopFacts:
    """The stored shop's zone and currency; without a shop, each row's own offset is used."""
    with store.session() as session:
        shop = shopify_repo.load_shop(session)
        if shop is None:
            return _ShopFacts(None, None, None)
        try:
            tz: ZoneInfo | None = ZoneInfo(shop.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            tz = None
        return _ShopFacts(tz, shop.currency or None, shop.taxes_included)


def _require(header: Header, path: Path, required: Sequence[str], expected: str) -> None:
    missing = header.missing(required)
    if not missing:
        return
    hint = ""
    if not header.missing(csv_payments.REQUIRED):
        hint = "; it looks like the Payments transactions export: use `workbench import payments`"
    elif not header.missing(csv_orders.REQUIRED):
        hint = "; it looks like the Orders export: use `workbench import orders`"
    raise CsvFormatError(
        f"{path.name} is not {expected}: missing columns {', '.join(missing)}{hint}"
    )


def _by_line(issues: list[Issue]) -> list[Issue]:
    """In file order: a problem is found when its order ends, which may be rows later."""
    return sorted(issues, key=lambda issue: issue.line)


def _stored_fingerprints(
    session: Session, model: type[OrderRow] | type[BalanceTransactionRow], ids: Sequence[str]
) -> dict[str, tuple[str | None, str | None]]:
    """id → (origin, fingerprint) of the stored rows among ``ids``; balance transactions have
    no origin column (theirs shows in the id), so it reads as None."""
    origin: Any = col(OrderRow.origin) if model is OrderRow else null()
    digest = model.raw["fingerprint"].as_string()
    query = select(col(model.id), origin, digest).where(col(model.id).in_(ids))
    return {
        row_id: (row_origin, row_digest)
        for row_id, row_origin, row_digest in session.execute(query)
    }


# Orders -------------------------------------------------------------------------------------


def import_orders(
    store: Store,
    path: Path | str,
    *,
    progress: ProgressCallback = ignore_progress,
    chunk: int = ORDERS_CHUNK,
) -> ImportReport:
    """Import an Orders export; bad rows are reported by line and skipped, the rest is kept."""
    path = Path(path)
    began = time.monotonic()
    facts = _shop_facts(store)
    header, rows, handle = open_rows(path, csv_orders.EXPECTED)
    report = ImportReport("orders", path.name)
    with handle, rare_collections():
        _require(header, path, csv_orders.REQUIRED, csv_orders.EXPECTED)
        reader = OrdersReader(
            header, file=path.name, tz=facts.tz, currency=facts.currency,
            taxes_included=facts.taxes_included,
        )  # fmt: skip
        estimate = max(count_lines(path) - 1, 0)
        started = Progress("Importing orders", 0).started

        batch: dict[str, ParsedOrder] = {}
        for parsed in reader.orders(rows):
            report.records += 1
            batch.pop(parsed.order.id, None)  # the same order again: its later rows win
            batch[parsed.order.id] = parsed
            if len(batch) >= chunk:
                _write_orders(store, list(batch.values()), report)
                batch = {}
                progress(Progress("Importing orders", reader.rows_read, estimate, started))
        _write_orders(store, list(batch.values()), report)
    report.rows, report.rows_skipped = reader.rows_read, reader.rows_skipped
    report.issues, report.warnings = _by_line(reader.issues), _by_line(reader.warnings)
    progress(Progress("Importing orders", report.rows, report.rows, started))
    report.seconds = time.monotonic() - began
    return report


def _write_orders(store: Store, batch: list[ParsedOrder], report: ImportReport) -> None:
    if not batch:
        return
    with store.session() as session:
        stored = _stored_fingerprints(session, OrderRow, [p.order.id for p in batch])
        write: list[ParsedOrder] = []
        for parsed in batch:
            found = stored.get(parsed.order.id)
            if found is None:
                report.new += 1
                write.append(parsed)
            elif found[0] != CSV_ORIGIN:
                report.from_api += 1  # the API's record is richer: never replace it
            elif found[1] == parsed.fingerprint:
                report.unchanged += 1
            else:
                report.updated += 1
                write.append(parsed)
        shopify_repo.save_orders(
            session, [p.order for p in write], [p.raw for p in write], origin=CSV_ORIGIN
        )


# Payments -----------------------------------------------------------------------------------


def import_payments(
    store: Store,
    path: Path | str,
    *,
    progress: ProgressCallback = ignore_progress,
    chunk: int = PAYMENTS_CHUNK,
) -> ImportReport:
    """Import a Shopify Payments transactions export (any of its known column variants)."""
    path = Path(path)
    began = time.monotonic()
    facts = _shop_facts(store)
    header, rows, handle = open_rows(path, csv_payments.EXPECTED)
    report = ImportReport("payments", path.name)
    with handle, rare_collections():
        _require(header, path, csv_payments.REQUIRED, csv_payments.EXPECTED)
        reader = PaymentsReader(header, file=path.name, tz=facts.tz, currency=facts.currency)
        api = _api_balance_keys(store)
        estimate = max(count_lines(path) - 1, 0)
        started = Progress("Importing payments", 0).started

        batch: list[ParsedBalance] = []
        for parsed in reader.balances(rows):
            report.records += 1
            batch.append(parsed)
            if len(batch) >= chunk:
                _write_balances(store, batch, api, report)
                batch = []
                progress(Progress("Importing payments", reader.rows_read, estimate, started))
        _write_balances(store, batch, api, report)
    report.rows, report.rows_skipped = reader.rows_read, reader.rows_skipped
    report.issues, report.warnings = _by_line(reader.issues), _by_line(reader.warnings)
    progress(Progress("Importing payments", report.rows, report.rows, started))
    report.seconds = time.monotonic() - began
    return report


def _api_balance_keys(store: Store) -> Counter[tuple[Any, ...]]:
    """Every balance transaction the API synced, as a multiset of what a CSV row can match."""
    keys: Counter[tuple[Any, ...]] = Counter()
    t = BalanceTransactionRow
    query = select(
        col(t.order_name), col(t.type), col(t.amount), col(t.fee), col(t.net), col(t.local_date)
    ).where(col(t.id).not_like(f"{csv_payments.ID_PREFIX}%"))
    with store.session() as session:
        for name, kind, gross, fee, net, day in session.execute(query):
            keys[(name or "", kind, gross, fee, net, day.isoformat() if day else "")] += 1
    return keys


def _order_ids(session: Session, names: set[str]) -> dict[str, str]:
    """Order name → id for the stored orders among ``names``; ambiguous names map to nothing."""
    if not names:
        return {}
    found: dict[str, str] = {}
    ambiguous: set[str] = set()
    query = select(col(OrderRow.name), col(OrderRow.id)).where(col(OrderRow.name).in_(names))
    for name, order_id in session.execute(query):
        if name in found and found[name] != order_id:
            ambiguous.add(name)
        found[name] = order_id
    return {name: order_id for name, order_id in found.items() if name not in ambiguous}


def _write_balances(
    store: Store,
    batch: list[ParsedBalance],
    api: Counter[tuple[Any, ...]],
    report: ImportReport,
) -> None:
    if not batch:
        return
    with store.session() as session:
        fresh: list[ParsedBalance] = []
        superseded: list[str] = []
        for parsed in batch:
            key = match_key(parsed.record)
            if api[key] > 0:
                api[key] -= 1
                report.from_api += 1
                superseded.append(parsed.record.id)
            else:
                fresh.append(parsed)
        if superseded:
            t = BalanceTransactionRow
            result = session.execute(delete(t).where(col(t.id).in_(superseded)))
            report.replaced += int(getattr(result, "rowcount", 0) or 0)
        names = {p.record.order_name for p in fresh if p.record.order_name}
        orders = _order_ids(session, names)
        stored = _stored_fingerprints(session, BalanceTransactionRow, [p.record.id for p in fresh])
        records, raws = [], []
        for parsed in fresh:
            order_id = orders.get(parsed.record.order_name or "")
            # Linking to an order imported or synced since is a change worth writing.
            digest = f"{parsed.fingerprint}:{order_id or ''}"
            found = stored.get(parsed.record.id)
            if found is not None and found[1] == digest:
                report.unchanged += 1
                continue
            if found is None:
                report.new += 1
            else:
                report.updated += 1
            records.append(dataclasses.replace(parsed.record, order_id=order_id))
            raws.append({**parsed.raw, "fingerprint": digest})
        shopify_repo.save_balance_transactions(session, records, raws)
