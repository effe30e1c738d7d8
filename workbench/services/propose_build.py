"""Turning stored orders into proposal rows: decode, normalise, apply the rules, encode.

This is the CPU-bound part of `propose` (the store work stays with the caller), written as
plain functions of text so that a large rebuild can run it in worker processes: decoding and
normalising 100,000 orders alone takes longer than the 30 s a first build may take on one
core. Small rebuilds never start a process; large ones hand batches to a pool and take the
results back in the order they were given, so what is written never depends on timing. Worker
processes also keep the GIL of the calling process (the UI's) free.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from workbench import jsonmoney
from workbench.domain.posting.context import PostingContext
from workbench.domain.posting.orders import propose_order
from workbench.domain.posting.refunds import propose_refund
from workbench.domain.proposal_model import Proposal
from workbench.domain.records import Order
from workbench.services.proposal_rows import BuiltRow, built_row
from workbench.shopify import csv_orders
from workbench.shopify.normalize import order_from_graphql

# A rebuild of at least this many orders goes to worker processes (starting them costs about
# a second; below this the work is done before they would be ready).
PARALLEL_FROM = 20_000
MAX_WORKERS = 4


@dataclass(frozen=True, slots=True)
class OrderJob:
    """One stored order to build: its text, the input hash its rows will carry, and which of
    its proposals to build (the others are posted by a payout summary)."""

    origin: str
    raw_text: str
    input_hash: str
    own_order: bool
    own_refunds: tuple[str, ...]


def parse(origin: str, raw: Mapping[str, Any], tz: ZoneInfo) -> Order:
    """The normalised order behind a stored payload, whichever source it came from."""
    if origin == "csv":
        return csv_orders.order_from_raw(raw, tz)
    return order_from_graphql(raw, tz)


def order_label(proposal: Proposal, order: Order) -> tuple[str, str | None, str | None]:
    gateway = " + ".join(order.gateways) or None
    return f"{proposal.entity_type} {order.name}", order.customer_name or "Guest", gateway


def build(jobs: Sequence[OrderJob], ctx: PostingContext, tz: ZoneInfo) -> list[BuiltRow]:
    rows: list[BuiltRow] = []
    for job in jobs:
        order = parse(job.origin, jsonmoney.loads(job.raw_text), tz)
        proposals: list[Proposal | None] = []
        if job.own_order:
            proposals.append(propose_order(order, ctx))
        proposals.extend(
            propose_refund(r, order, ctx) for r in order.refunds if r.id in job.own_refunds
        )
        rows.extend(
            built_row(p, order_label(p, order), job.input_hash) for p in proposals if p is not None
        )
    return rows


_worker: tuple[PostingContext, ZoneInfo] | None = None


def _start_worker(ctx: PostingContext, timezone: str) -> None:
    global _worker
    _worker = (ctx, ZoneInfo(timezone))


def _build_in_worker(jobs: Sequence[OrderJob]) -> list[BuiltRow]:
    assert _worker is not None, "worker started without its context"
    return build(jobs, *_worker)


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, MAX_WORKERS))


class OrderBuilder:
    """Builds batches of jobs and gives their rows back in submission order."""

    def __init__(self, ctx: PostingContext, tz: ZoneInfo, *, workers: int, expected: int) -> None:
        self.ctx = ctx
        self.tz = tz
        self.workers = workers
        self.expected = expected  # orders that will be offered, built or not
        self.parallel_from = PARALLEL_FROM
        self.offered = 0
        self.submitted = 0
        self.pool: ProcessPoolExecutor | None = None
        self.queue: deque[Future[list[BuiltRow]] | list[BuiltRow]] = deque()

    def submit(self, jobs: Sequence[OrderJob], *, offered: int) -> None:
        """Queue the jobs of ``offered`` orders (the others of them were unchanged)."""
        self.offered += offered
        if not jobs:
            return
        self.submitted += len(jobs)
        # Start the workers as soon as the rebuild looks large: judged from the share of the
        # orders seen so far that needed building, so a first build starts them at once and
        # an unchanged rebuild never does.
        projected = self.submitted * self.expected // max(self.offered, 1)
        large = max(self.submitted, projected) >= self.parallel_from
        if self.pool is None and self.workers > 1 and large:
            # "spawn": forking a process that runs threads (the UI) can deadlock the child.
            self.pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(self.ctx, self.tz.key),
            )
        if self.pool is None:
            self.queue.append(build(jobs, self.ctx, self.tz))
        else:
            self.queue.append(self.pool.submit(_build_in_worker, list(jobs)))

    def ready(self) -> Iterator[list[BuiltRow]]:
        """Batches done so far; waits only to keep a bounded number of batches in flight."""
        while self.queue:
            head = self.queue[0]
            if isinstance(head, Future) and not head.done() and len(self.queue) <= 2 * self.workers:
                return
            self.queue.popleft()
            yield head.result() if isinstance(head, Future) else head

    def drain(self) -> Iterator[list[BuiltRow]]:
        while self.queue:
            head = self.queue.popleft()
            yield head.result() if isinstance(head, Future) else head

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
