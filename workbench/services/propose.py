"""(Re)building proposals for everything stored, without ever silently changing posted work.

A proposal is rebuilt whenever its Shopify source or a mapping changes. What happens to the
review state depends on what the bookkeeper already did: an approval of a different body is
withdrawn (the entry is flagged stale and goes back to review), a posted or linked entry keeps
its body and is flagged "changed after posting" so a person decides what to do in QuickBooks.

Each stored proposal keeps two fingerprints in ``source_hash`` as ``<input>.<output>``:

* the *input* hash covers what the proposal was built from — the order's raw payload as
  stored, the posting context (mappings, settings, company facts) and the posting rules'
  own source — so an unchanged order is recognised from its stored text alone and is never
  decoded, normalised or rebuilt (that work was nearly all of an unchanged rebuild);
* the *output* fingerprint covers what would be posted or shown, so a rebuild caused by an
  unrelated mapping change does not withdraw approvals or flag posted entries when the entry
  itself comes out the same. (A bare output fingerprint, as older versions stored, simply
  means "input unknown": the order is rebuilt once and compared on its output.)

With ``workflow = summary_per_payout``, sales and refunds settled through Shopify Payments are
posted by their payout's summary JournalEntry (domain/posting/summary.py): they get no proposal
of their own, an unposted per-order proposal of theirs is withdrawn (deleted, counted in the
report), and one already posted or linked stays and is left out of the summary so nothing is
booked twice. Sales through other gateways keep their per-order entries.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from decimal import Decimal
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from workbench.config import Settings
from workbench.domain.posting.context import PostingContext, Workflow
from workbench.domain.posting.payouts import SHOPIFY_PAYMENTS, propose_payout
from workbench.domain.proposals import SourceType, proposal_key
from workbench.domain.records import Order
from workbench.errors import WorkbenchError
from workbench.services.duplicates import apply_duplicate_flags
from workbench.services.posting_context import build_context
from workbench.services.progress import Progress, ProgressCallback, ignore_progress
from workbench.services.proposal_rows import built_row
from workbench.services.proposal_writer import ProposeReport, Writer
from workbench.services.propose_build import OrderBuilder, OrderJob, default_workers, parse
from workbench.services.propose_summary import (
    PAYOUT_COUNTERPARTY,
    SUMMARY_LABEL,
    Coverage,
    SummaryInputs,
    build_summary,
    coverage,
    note_covered,
    payout_hash,
)
from workbench.store import proposal_repo
from workbench.store.engine import Store
from workbench.store.proposal_repo import OrderSource
from workbench.store.shopify_repo import load_shop
from workbench.store.tables import OrderRow

__all__ = ["SUMMARY_LABEL", "ProposeReport", "order_record", "propose_all"]

# Orders per chunk: a chunk is written with one statement, reported, and then the thread
# yields, so a UI calling this from a worker thread never waits long for the GIL.
CHUNK = 500

# The modules whose code decides what a proposal looks like: a change to any of them must
# rebuild every proposal, exactly as a mapping change does.
_RULE_MODULES = (
    "workbench.domain.posting.context",
    "workbench.domain.posting.docnumber",
    "workbench.domain.posting.lines",
    "workbench.domain.posting.orders",
    "workbench.domain.posting.refunds",
    "workbench.domain.posting.payouts",
    "workbench.domain.posting.summary",
    "workbench.domain.proposal_model",
    "workbench.domain.records",
    "workbench.shopify.normalize",
    "workbench.shopify.csv_orders",
    "workbench.services.proposal_rows",
    "workbench.services.propose_build",
    "workbench.services.propose_summary",
)


def order_record(row: OrderRow, tz: ZoneInfo) -> Order:
    """The normalised order behind a stored row, whichever source it came from."""
    return parse(row.origin, row.raw, tz)


# Input fingerprints ---------------------------------------------------------------------------


@cache
def _rules_fingerprint() -> str:
    digest = hashlib.sha256()
    for name in _RULE_MODULES:
        module = importlib.import_module(name)
        path = getattr(module, "__file__", None)
        digest.update(name.encode())
        digest.update(Path(path).read_bytes() if path else b"")
    return digest.hexdigest()


def _canonical(value: Any) -> Any:
    """A JSON-able form of the posting context that does not depend on dict order."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _canonical(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return sorted([str(k), _canonical(v)] for k, v in value.items())
    if isinstance(value, frozenset | set):
        return sorted(str(v) for v in value)
    if isinstance(value, tuple | list):
        return [_canonical(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    return value


def _salt(ctx: PostingContext, timezone: str) -> bytes:
    """Everything besides the order itself that a proposal is built from."""
    context = json.dumps(_canonical(ctx), sort_keys=True, default=str)
    text = f"{_rules_fingerprint()}|{timezone}|{context}"
    return hashlib.sha256(text.encode()).digest()


def _input_hash(salt: bytes, source: OrderSource) -> str:
    digest = hashlib.sha256(salt)
    digest.update(source.origin.encode())
    digest.update(b"\0")
    digest.update(source.raw_text.encode())
    return digest.hexdigest()[:32]


# The run -------------------------------------------------------------------------------------


def propose_all(
    store: Store,
    settings: Settings | None = None,
    *,
    progress: ProgressCallback = ignore_progress,
    workers: int | None = None,
) -> ProposeReport:
    """Build or refresh the proposal of every order, refund and payout in the store.

    ``workers`` caps the worker processes a large rebuild may use (default: one per core,
    at most four); 1 keeps all the work in this process.
    """
    report = ProposeReport()
    with store.session() as session:
        shop = load_shop(session)
        if shop is None:
            raise WorkbenchError("nothing to propose: sync a shop first (`workbench sync shopify`)")
        tz = ZoneInfo(shop.timezone)
        ctx: PostingContext = build_context(session, settings)
        salt = _salt(ctx, shop.timezone)
        writer = Writer(session, report)
        refunds_by_order = proposal_repo.refund_ids_by_order(session)
        payouts = proposal_repo.payout_records(session)
        rows_by_payout = proposal_repo.payout_balance_transactions(session)
        summary = ctx.settings.workflow is Workflow.SUMMARY_PER_PAYOUT
        covered = coverage(session, payouts, rows_by_payout) if summary else Coverage()
        inputs: dict[str, SummaryInputs] = defaultdict(SummaryInputs)
        builder = OrderBuilder(
            ctx, tz, workers=default_workers() if workers is None else workers,
            expected=proposal_repo.order_count(session),
        )  # fmt: skip
        started = Progress("Proposals", 0).started
        done = 0
        try:
            for chunk in proposal_repo.order_sources(session, CHUNK):
                jobs = []
                for source in chunk:
                    if source.test:
                        continue  # test orders and their refunds are never proposed
                    digest = _input_hash(salt, source)
                    refund_ids = refunds_by_order.get(source.id, [])
                    if summary:
                        note_covered(writer, report, covered, inputs, source, digest, refund_ids)
                    own_order = source.id not in covered.orders
                    own_refunds = tuple(r for r in refund_ids if r not in covered.refunds)
                    keys = [proposal_key(SourceType.ORDER, source.id)] if own_order else []
                    keys += [proposal_key(SourceType.REFUND, r) for r in own_refunds]
                    if keys and not writer.unchanged(keys, digest):
                        jobs.append(
                            OrderJob(source.origin, source.raw_text, digest, own_order, own_refunds)
                        )
                builder.submit(jobs, offered=len(chunk))
                for rows in builder.ready():
                    for row in rows:
                        writer.add(row)
                writer.flush()
                done += len(chunk)
                progress(Progress("Proposals", done, started=started))
                time.sleep(0)  # let other threads (the UI's event loop) run between chunks
            for rows in builder.drain():
                for row in rows:
                    writer.add(row)
        finally:
            builder.close()
        for payout in payouts:
            members = rows_by_payout.get(payout.id, [])
            if summary:
                build_summary(session, writer, ctx, tz, salt, payout, members, inputs[payout.id])
            else:
                proposal = propose_payout(payout, members, ctx)
                label = (f"{proposal.entity_type} payout", PAYOUT_COUNTERPARTY, SHOPIFY_PAYMENTS)
                writer.add(built_row(proposal, label, payout_hash(salt, payout, members)))
        writer.flush()
        apply_duplicate_flags(session)
    return report
