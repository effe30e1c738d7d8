"""Posting approved proposals to QuickBooks exactly once (DESIGN.md §7).

The order of events for every entry, each step committed to the store before the next:

1. **intent** — the part is queued in the outbox with its own requestid (nothing sent yet);
2. **sending** — claimed by this committer; from here the request may have reached QBO;
3. the batch call (≤ 30 items, requestid derived from its items' requestids, so resending the
   same items is answered from QBO's replay store instead of being applied again);
4. **posted** (Id, SyncToken) or **failed** (QBO's fault and a plain-words hint).

A crash or lost answer leaves rows in ``sending``: before anything is sent again, each is looked
up in QBO by its proposal key (PrivateNote) and date/DocNumber; found means posted, not found
means it goes back to ``intent``. Rate limits are the client's (10/s, 500/min, 40 batch/min).
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, update
from sqlmodel import Session, col

from workbench.domain.commit_plan import (
    Part,
    customer_to_create,
    find_posted,
    lookup_for,
    parts_of,
    unresolved,
    with_customer_id,
    with_invoice_id,
)
from workbench.domain.proposals import ProposalState
from workbench.errors import WorkbenchError
from workbench.qbo.batch import MAX_ITEMS, BatchItem
from workbench.qbo.client import QboClient, derive_request_id
from workbench.qbo.errors import QboAuthError, QboError, QboFault, describe_stored
from workbench.qbo.querylang import Select
from workbench.services import audit
from workbench.services.commit_lock import commit_lock
from workbench.services.progress import Progress, ProgressCallback, ignore_progress
from workbench.store import outbox_repo
from workbench.store.engine import Store
from workbench.store.outbox_repo import QueuedPart
from workbench.store.tables import CommitBatchRow, OutboxRow, ProposalRow

MAX_BATCH = MAX_ITEMS  # QuickBooks' batch limit
# How long a committer on another machine may stay silent before its claimed entries are
# considered abandoned (it heartbeats after every batch call; a 429 wait is at most ~60 s).
LEASE = timedelta(minutes=5)
COMMITTABLE = (ProposalState.APPROVED.value, ProposalState.FAILED.value)
# Tries of one outbox row whose answer was lost and which was then not found in QuickBooks.
MAX_ATTEMPTS = 5


class CommitStopped(WorkbenchError):
    """The commit could not go on (QuickBooks unreachable or refusing us); nothing is lost."""


@dataclass
class CommitReport:
    batch_id: str | None = None
    posted: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (key, QBO's message + hint)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (key, why)
    recovered: int = 0  # entries of an interrupted commit found already posted in QBO
    total: Decimal = Decimal(0)
    calls: int = 0

    def describe(self) -> str:
        text = (
            f"{len(self.posted)} posted, {len(self.failed)} failed, {len(self.skipped)} skipped; "
            f"total posted {self.total:,.2f}"
        )
        if self.recovered:
            text += f" ({self.recovered} found already posted after an interruption)"
        return text


@dataclass(frozen=True)
class Pending:
    """What ``c`` would post: the count and total of approved (or failed, to retry) entries."""

    count: int
    total: Decimal
    retries: int


def pending(store: Store) -> Pending:
    with store.session() as session:
        rows = session.execute(
            select(col(ProposalRow.state), col(ProposalRow.total)).where(
                col(ProposalRow.state).in_(COMMITTABLE)
            )
        ).all()
    return Pending(
        count=len(rows),
        total=sum((Decimal(total) for _s, total in rows), Decimal(0)),
        retries=sum(1 for state, _t in rows if state == ProposalState.FAILED.value),
    )


def _committable(session: Session) -> list[ProposalRow]:
    return list(
        session.scalars(
            select(ProposalRow)
            .where(col(ProposalRow.state).in_(COMMITTABLE))
            .order_by(col(ProposalRow.txn_date), col(ProposalRow.key))
        )
    )


def _parts(row: ProposalRow) -> list[Part]:
    return parts_of(row.entity_type, row.body, row.total)


# -- dry run ------------------------------------------------------------------------------------


def dry_run(store: Store, *, batch_size: int = MAX_BATCH) -> list[dict[str, Any]]:
    """The batch request bodies a commit would send now, in order; nothing is written.

    Payments of an invoice follow in later calls (QBO cannot see an object created earlier in
    the same batch) and show ``{Invoice.Id}`` where the invoice's Id will go; a customer QBO
    does not have yet shows ``{Customer}`` and is found or created by name first.
    """
    _check_batch_size(batch_size)
    with store.session() as session:
        rows = _committable(session)
        taken = outbox_repo.live_parts(session, [r.key for r in rows])
    waves: dict[int, list[BatchItem]] = {}
    for row in rows:
        for part in _parts(row):
            if (row.key, part.part) in taken:
                continue
            wave = waves.setdefault(part.position, [])
            wave.append(BatchItem.create(str(len(wave) % batch_size + 1), part.entity, part.body))
    calls: list[dict[str, Any]] = []
    for _position, items in sorted(waves.items()):
        for start in range(0, len(items), batch_size):
            chunk = items[start : start + batch_size]
            calls.append({"BatchItemRequest": [item.to_json() for item in chunk]})
    return calls


def _check_batch_size(batch_size: int) -> None:
    if not 1 <= batch_size <= MAX_BATCH:
        raise WorkbenchError(
            f"--batch-size must be 1 to {MAX_BATCH} (QuickBooks' batch limit), got {batch_size}"
        )


# -- the commit ---------------------------------------------------------------------------------


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class _Committer:
    def __init__(
        self,
        store: Store,
        client: QboClient,
        *,
        reviewer: str,
        batch_size: int,
        progress: ProgressCallback,
        exclusive: bool,
    ) -> None:
        self.store = store
        self.client = client
        self.reviewer = reviewer
        self.batch_size = batch_size
        self.progress = progress
        self.exclusive = exclusive
        self.host = socket.gethostname()
        self.batch_id = f"{datetime.now(UTC):%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"
        self.committer = f"{self.host}:{os.getpid()}:{self.batch_id}"
        self.report = CommitReport(batch_id=self.batch_id)
        self.customers: dict[str, str] = {}
        self.failed_keys: set[str] = set()
        self.started = Progress("Posting", 0).started

    # -- batch bookkeeping ------------------------------------------------------------------

    def start(self) -> list[str]:
        """Open this commit's batch and name the running batches that are known to be dead."""
        now = datetime.now(UTC)
        with self.store.session() as session:
            dead = [
                b.id
                for b in outbox_repo.running_batches(session)
                if self.exclusive
                or (b.host == self.host and not _pid_alive(b.pid))
                or b.heartbeat_at is None
                or b.heartbeat_at < now - LEASE
            ]
            if dead:
                session.execute(
                    update(CommitBatchRow)
                    .where(col(CommitBatchRow.id).in_(dead))
                    .values(state="interrupted", finished_at=now)
                )
            session.add(
                CommitBatchRow(
                    id=self.batch_id, reviewer=self.reviewer, started_at=now, heartbeat_at=now,
                    host=self.host, pid=os.getpid(), state="running",
                )
            )  # fmt: skip
        return dead

    def finish(self, state: str) -> None:
        with self.store.session() as session:
            posted, failed, amount = outbox_repo.totals(session, self.batch_id)
            session.execute(
                update(CommitBatchRow)
                .where(col(CommitBatchRow.id) == self.batch_id)
                .values(
                    state=state, finished_at=datetime.now(UTC), posted=posted, failed=failed,
                    skipped=len(self.report.skipped), total=amount,
                )
            )  # fmt: skip
            audit.record(
                session, actor=self.reviewer, action="commit", subject=self.batch_id,
                after={"state": state, "posted": posted, "failed": failed, "total": amount},
            )  # fmt: skip

    # -- steps ------------------------------------------------------------------------------

    def recover(self, dead: Sequence[str]) -> None:
        """Resolve entries a dead committer left ``sending``: look each up before resending."""
        with self.store.session() as session:
            rows = outbox_repo.orphans(
                session, self.committer, self.batch_id, lease=LEASE, dead=dead
            )
        if rows:
            self._resolve_unknown(rows)

    def queue(self) -> int:
        """Queue every part of every committable proposal that has no live row yet."""
        with self.store.session() as session:
            proposals = _committable(session)
            outbox_repo.cancel_unwanted(session, [p.key for p in proposals])
            live = outbox_repo.live_parts(session, [p.key for p in proposals])
            wanted: list[QueuedPart] = []
            settled: list[str] = []
            for proposal in proposals:
                try:
                    parts = _parts(proposal)
                except ValueError as exc:
                    self.report.failed.append((proposal.key, str(exc)))
                    continue
                states = [live.get((proposal.key, p.part)) for p in parts]
                if "sending" in states:
                    self.report.skipped.append(
                        (proposal.key, "another commit is posting it right now")
                    )
                elif all(state == "posted" for state in states):
                    settled.append(proposal.key)  # posted, but the crash came before we noted it
                wanted.extend(
                    QueuedPart(proposal.key, p) for p, s in zip(parts, states, strict=True) if not s
                )
            queued = outbox_repo.queue(session, self.batch_id, wanted)
        if settled:
            self._settle(settled)
        return queued

    def run(self) -> None:
        total = self._remaining()
        done = 0
        while True:
            with self.store.session() as session:
                rows = outbox_repo.claim(session, self.committer, self.batch_id, self.batch_size)
            if not rows:
                break
            self._send(rows)
            done += len(rows)
            with self.store.session() as session:
                outbox_repo.heartbeat(session, self.batch_id)
            self.progress(Progress("Posting to QuickBooks", done, max(total, done), self.started))
        with self.store.session() as session:
            blocked = outbox_repo.block_orphaned_payments(session, self.batch_id)
        if blocked:
            self._settle(blocked)

    def _remaining(self) -> int:
        with self.store.session() as session:
            return int(
                session.scalar(
                    select(func.count())
                    .select_from(OutboxRow)
                    .where(col(OutboxRow.state) == "intent")
                )
                or 0
            )

    # -- sending ----------------------------------------------------------------------------

    def _prepare(self, session: Session, row: OutboxRow) -> dict[str, Any] | None:
        """The body to send, with the invoice's Id and the customer's Id filled in; None (and
        the row failed) when a prerequisite could not be had."""
        body = dict(row.body)
        if row.position > 0:
            invoice = outbox_repo.posted_first_part(session, row.proposal_key)
            if invoice is None or invoice.qbo_id is None:
                return None  # not ready: claim() only hands out ready parts
            body = with_invoice_id(body, invoice.qbo_id)
        name = customer_to_create(body)
        if name is not None:
            body = with_customer_id(body, self._customer(name))
        left = unresolved(body)
        if left:
            raise ValueError(f"placeholders {', '.join(left)} are still in the entry")
        return body

    def _customer(self, name: str) -> str:
        """Find the customer by display name, or create it (idempotently, by name)."""
        if name not in self.customers:
            found = self.client.query(Select("Customer").where("DisplayName", "=", name))
            if found:
                self.customers[name] = str(found[0]["Id"])
            else:
                created = self.client.create(
                    "Customer", {"DisplayName": name},
                    request_id=derive_request_id("customer", self.client.realm_id, name),
                )  # fmt: skip
                self.customers[name] = str(created["Id"])
        return self.customers[name]

    def _send(self, rows: list[OutboxRow]) -> None:
        ready: list[OutboxRow] = []
        with self.store.session() as session:
            for row in rows:
                try:
                    body = self._prepare(session, row)
                except QboFault as fault:
                    self._fail(session, row, fault.to_json())
                    continue
                except QboError as exc:
                    # Nothing of these rows was sent: they wait for the next commit.
                    session.rollback()
                    self._back_to_intent(rows)
                    raise CommitStopped(
                        f"could not prepare {row.proposal_key} ({exc}); nothing was lost: run "
                        "commit again when QuickBooks answers"
                    ) from None
                except ValueError as exc:
                    self._fail(session, row, {"Error": [{"code": "", "Message": str(exc)}]})
                    continue
                if body is None:
                    row.state = "intent"
                    session.add(row)
                    continue
                row.body = body
                session.add(row)
                ready.append(row)
        if not ready:
            self._settle([r.proposal_key for r in rows])
            return
        items = [BatchItem.create(str(i + 1), r.entity_type, r.body) for i, r in enumerate(ready)]
        request_id = derive_request_id("batch", *[r.request_id for r in ready])
        try:
            results = self.client.batch(items, request_id=request_id)
            self.report.calls += 1
        except QboFault as fault:
            if fault.status in (401, 403, 429) or fault.status >= 500:
                self._back_to_intent(ready)
                raise CommitStopped(
                    f"QuickBooks refused the batch call: {fault}. Nothing was lost; run "
                    "commit again later"
                ) from None
            with self.store.session() as session:
                for row in ready:
                    self._fail(session, session.merge(row), fault.to_json())
            self._settle([r.proposal_key for r in rows])
            return
        except QboAuthError:
            self._back_to_intent(ready)
            raise
        except QboError:
            # The answer is unknown: whatever QBO did, find out before sending anything again.
            self._resolve_unknown(ready)
            self._settle([r.proposal_key for r in rows])
            return
        with self.store.session() as session:
            for i, row in enumerate(ready):
                result = results[str(i + 1)]
                row = session.merge(row)
                if result.fault is not None:
                    self._fail(session, row, result.fault.to_json())
                elif result.obj is not None:
                    self._posted(session, row, result.obj)
        self._settle([r.proposal_key for r in rows])

    def _posted(self, session: Session, row: OutboxRow, obj: dict[str, Any]) -> None:
        row.state = "posted"
        row.qbo_id = str(obj.get("Id"))
        row.sync_token = str(obj.get("SyncToken", "0"))
        row.fault = None
        row.updated_at = datetime.now(UTC)
        session.add(row)

    def _fail(self, session: Session, row: OutboxRow, fault: dict[str, Any]) -> None:
        row.state = "failed"
        row.fault = fault
        row.updated_at = datetime.now(UTC)
        session.add(row)

    def _back_to_intent(self, rows: Sequence[OutboxRow]) -> None:
        with self.store.session() as session:
            session.execute(
                update(OutboxRow)
                .where(col(OutboxRow.id).in_([r.id for r in rows]))
                .values(state="intent", updated_at=datetime.now(UTC))
            )

    def _resolve_unknown(self, rows: Sequence[OutboxRow]) -> None:
        """Look each entry up by its key; posted ones are recorded, the rest queued again."""
        for row in rows:
            part = Part(row.part, row.position, row.entity_type, row.body, row.amount)
            lookup = lookup_for(part)
            select_ = Select(lookup.entity)
            if lookup.txn_date:
                select_ = select_.where("TxnDate", "=", lookup.txn_date)
            if lookup.doc_number:
                select_ = select_.where("DocNumber", "=", lookup.doc_number)
            try:
                candidates = self.client.query(select_)
            except QboError as exc:
                raise CommitStopped(
                    f"could not check in QuickBooks whether {row.proposal_key} was posted "
                    f"({exc}); nothing was lost: run commit again when QuickBooks answers"
                ) from None
            with self.store.session() as session:
                current = session.merge(row)
                taken = [
                    r.qbo_id
                    for r in outbox_repo.rows_of(session, [row.proposal_key])
                    if r.id != row.id and r.state == "posted" and r.qbo_id
                ]
                found = find_posted(part, row.proposal_key, candidates, taken_ids=taken)
                if found is not None:
                    self._posted(session, current, dict(found))
                    self.report.recovered += 1
                elif current.attempts >= MAX_ATTEMPTS:
                    # Sent again and again without an answer, and never applied: something
                    # about this entry (its size, a QBO outage for it) needs a person.
                    message = (
                        f"sent {current.attempts} times without an answer from QuickBooks, and "
                        "it is not in QuickBooks: check the entry and QuickBooks' status, then "
                        "commit again"
                    )
                    self._fail(session, current, {"Error": [{"code": "", "Message": message}]})
                else:
                    current.state = "intent"
                    session.add(current)
            self._settle([row.proposal_key])

    # -- proposals --------------------------------------------------------------------------

    def _settle(self, keys: Sequence[str]) -> None:
        """Move proposals whose parts are all decided to posted or failed, with audit."""
        keys = list(dict.fromkeys(keys))
        with self.store.session() as session:
            by_key: dict[str, list[OutboxRow]] = {}
            for row in outbox_repo.rows_of(session, keys):
                by_key.setdefault(row.proposal_key, []).append(row)
            for key in keys:
                self._settle_one(session, key, sorted(by_key.get(key, []), key=_position))

    def _settle_one(self, session: Session, key: str, rows: list[OutboxRow]) -> None:
        proposal = session.get(ProposalRow, key)
        if proposal is None or not rows:
            return
        before = proposal.state
        if all(r.state == "posted" for r in rows) and len(rows) == len(_parts(proposal)):
            if before == ProposalState.POSTED.value:
                return
            first = rows[0]
            proposal.state = ProposalState.POSTED.value
            proposal.qbo_type, proposal.qbo_id = first.entity_type, first.qbo_id
            self.report.posted.append(key)
            self.report.total += first.amount
            audit.record(
                session, actor=self.reviewer, action="post", subject=key,
                before={"state": before},
                after={"state": proposal.state, "qbo_type": first.entity_type,
                       "qbo_id": first.qbo_id, "batch": self.batch_id,
                       "ids": {r.part: r.qbo_id for r in rows}},
            )  # fmt: skip
        elif any(r.state in {"failed", "blocked"} for r in rows) and not any(
            r.state in {"intent", "sending"} for r in rows
        ):
            if key in self.failed_keys:
                return  # already settled as failed by this commit
            message = _fault_text(next(r for r in rows if r.state in {"failed", "blocked"}))
            proposal.state = ProposalState.FAILED.value
            self.report.failed.append((key, message))
            self.failed_keys.add(key)
            audit.record(
                session, actor=self.reviewer, action="post_failed", subject=key,
                before={"state": before}, after={"state": proposal.state,
                                                 "batch": self.batch_id},
                detail=message,
            )  # fmt: skip
        else:
            return
        session.add(proposal)


def _position(row: OutboxRow) -> int:
    return row.position


def _fault_text(row: OutboxRow) -> str:
    return f"{row.part}: {describe_stored(row.fault) or 'refused'}"


def commit(
    store: Store,
    client: QboClient,
    *,
    reviewer: str,
    batch_size: int = MAX_BATCH,
    progress: ProgressCallback = ignore_progress,
) -> CommitReport:
    """Post every approved entry (and retry failed ones) exactly once; see the module doc."""
    _check_batch_size(batch_size)
    with commit_lock(store) as exclusive:
        committer = _Committer(
            store, client, reviewer=reviewer, batch_size=batch_size, progress=progress,
            exclusive=exclusive,
        )  # fmt: skip
        dead = committer.start()
        try:
            committer.recover(dead)
            committer.queue()
            committer.run()
        except BaseException:
            committer.finish("interrupted")
            raise
        committer.finish("finished")
        return committer.report
