"""Bulk query operations: their life cycle, result files and signed download links (§6).

An operation is CREATED by the mutation, starts RUNNING after ``start_delay`` seconds of the
emulator's clock (that is when the query runs and its JSONL is written to a temporary file, a
snapshot of the shop at that moment), reports a growing ``objectCount`` at
``objects_per_second`` and is COMPLETED when every object is counted. Its link expires seven
days later (status EXPIRED). Time only moves when the injected clock does, so tests step through
every state without sleeping; ``immediate`` completes an operation at its first poll.

Results live in unnamed temporary files, not in memory: a 20,000-order export is tens of
megabytes, and serving it is a sequence of ``pread`` calls. Links are signed with a per-emulator
secret and carry their expiry, like the signed storage URLs Shopify hands out, so downloading
needs no API token.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import secrets
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Protocol

from workbench.sandbox.shopify_emulator.wire import legacy_id

URL_TTL = 7 * 86400  # url and partialDataUrl expire seven days after completion
RUN_LIMIT = 10 * 86400  # operations still running after ten days fail with TIMEOUT
ID_BASE = 4_047_052_000_000
ACTIVE = frozenset({"CREATED", "RUNNING", "CANCELING"})
READ_CHUNK = 256 * 1024


class BulkResult:
    """A JSONL file written once and then read at offsets by any number of downloads."""

    def __init__(self) -> None:
        self.file: BinaryIO = tempfile.TemporaryFile(prefix="shopify-bulk-")  # noqa: SIM115
        self.size = 0
        self.objects = 0
        self.roots = 0

    def write(self, data: bytes) -> None:
        self.file.write(data)
        self.size += len(data)

    def finish(self) -> None:
        self.file.flush()

    def read(self, offset: int, size: int = READ_CHUNK) -> bytes:
        return os.pread(self.file.fileno(), size, offset)

    def chunks(self) -> Iterator[bytes]:
        offset = 0
        while offset < self.size:
            data = self.read(offset)
            if not data:
                return
            offset += len(data)
            yield data

    def truncated(self, fraction: float) -> BulkResult:
        """The first ``fraction`` of the file, cut at a line end (a failed run's partial data)."""
        partial = BulkResult()
        head = self.read(0, int(self.size * fraction))
        head = head[: head.rfind(b"\n") + 1]
        partial.write(head)
        partial.objects = head.count(b"\n")
        partial.finish()
        return partial

    def close(self) -> None:
        self.file.close()


class BulkRunner(Protocol):
    """What the registry needs from the GraphQL side (supplied by the engine)."""

    def plan(self, query: str) -> Any:
        """Validate a bulk query; raises ``BulkQueryInvalid`` with Shopify's messages."""

    def run(self, operation: BulkOperation) -> BulkResult:
        """Execute the operation's plan against the shop and write its JSONL."""


@dataclass
class BulkOperation:
    id: str
    query: str
    group_objects: bool
    plan: Any
    created: float
    status: str = "CREATED"
    error_code: str | None = None
    started: float | None = None
    completed: float | None = None
    object_count: int = 0
    root_object_count: int = 0
    result: BulkResult | None = None
    partial: BulkResult | None = None
    fail_with: tuple[str, float | None] | None = field(default=None, repr=False)

    def drop_files(self) -> None:
        for result in (self.result, self.partial):
            if result is not None:
                result.close()
        self.result = self.partial = None


class BulkOperations:
    """Every bulk operation of the shop's app, and the rules Shopify applies to them."""

    def __init__(
        self,
        clock: Callable[[], float],
        *,
        start_delay: float = 0.5,
        objects_per_second: float | None = 20_000.0,
        concurrency: int = 1,
        not_before: dt.datetime | None = None,
    ) -> None:
        self.clock = clock
        # Shopify's clock is never behind its data: a generated shop may be dated after today.
        self.not_before = not_before
        self.start_delay = start_delay
        self.objects_per_second = objects_per_second
        self.concurrency = concurrency
        self.runner: BulkRunner | None = None
        self._secret = secrets.token_bytes(16)
        self._ops: dict[str, BulkOperation] = {}
        self._next = 1
        self._pending_failure: tuple[str, float | None] | None = None
        # DateTimes derive from the injected monotonic clock, so they advance with it.
        self._origin = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(
            seconds=clock()
        )

    # --- operations -----------------------------------------------------------------------------

    def active(self) -> list[BulkOperation]:
        ops = [self.refresh(op) for op in self._ops.values() if op.status in ACTIVE]
        return [op for op in ops if op.status in ACTIVE]

    def create(self, query: str, group_objects: bool, plan: Any) -> BulkOperation:
        gid = f"gid://shopify/BulkOperation/{ID_BASE + self._next}"
        self._next += 1
        op = BulkOperation(gid, query, group_objects, plan, self.clock())
        op.fail_with, self._pending_failure = self._pending_failure, None
        self._ops[gid] = op
        return op

    def get(self, gid: str) -> BulkOperation | None:
        op = self._ops.get(gid)
        return None if op is None else self.refresh(op)

    def current(self) -> BulkOperation | None:
        """The app's most recent bulk query, as ``currentBulkOperation`` returns it."""
        if not self._ops:
            return None
        return self.refresh(next(reversed(self._ops.values())))

    def cancel(self, gid: str) -> tuple[BulkOperation | None, str | None]:
        op = self.get(gid)
        if op is None:
            return None, "Bulk operation does not exist"
        if op.status not in {"CREATED", "RUNNING"}:
            return op, f"A bulk operation cannot be canceled when it is {op.status.lower()}"
        op.status = "CANCELING"
        return op, None

    def fail_next(
        self, error_code: str = "INTERNAL_SERVER_ERROR", partial: float | None = 0.5
    ) -> None:
        """Make the next operation fail when it would complete (``partial``: share of rows kept)."""
        self._pending_failure = (error_code, partial)

    def fail(
        self, gid: str, error_code: str = "INTERNAL_SERVER_ERROR", partial: float | None = 0.5
    ) -> None:
        """Fail an operation now, as Shopify does on an internal error or a timeout."""
        op = self._ops[gid]
        self._fail(op, error_code, partial, self.clock())

    # --- the clock drives the states ------------------------------------------------------------

    def refresh(self, op: BulkOperation) -> BulkOperation:
        now = self.clock()
        if op.status == "CREATED" and now >= op.created + self.start_delay:
            self._start(op, min(now, op.created + self.start_delay))
        if op.status == "RUNNING":
            self._advance(op, now)
        if op.status == "CANCELING":
            op.status, op.completed = "CANCELED", now
            op.drop_files()
        expires = None if op.completed is None else op.completed + URL_TTL
        if expires is not None and now >= expires:
            if op.status == "COMPLETED":
                op.status = "EXPIRED"
            if op.result is not None or op.partial is not None:
                op.drop_files()
        return op

    def _start(self, op: BulkOperation, at: float) -> None:
        op.status, op.started = "RUNNING", at
        if self.runner is None:
            raise RuntimeError("bulk operations need the emulator's Engine (create_app)")
        try:
            op.result = self.runner.run(op)
        except Exception:  # any failure of the run is the operation's failure, as on Shopify
            self._fail(op, "INTERNAL_SERVER_ERROR", None, at)

    def _advance(self, op: BulkOperation, now: float) -> None:
        assert op.result is not None and op.started is not None
        total = op.result.objects
        rate = self.objects_per_second
        done = total if rate is None else min(total, int((now - op.started) * rate))
        op.object_count = done
        op.root_object_count = op.result.roots * done // total if total else 0
        if done < total:
            if now - op.started >= RUN_LIMIT:
                self._fail(op, "TIMEOUT", 0.5, now)
            return
        finished = now if rate is None else min(now, op.started + total / rate)
        if op.fail_with is not None:
            self._fail(op, op.fail_with[0], op.fail_with[1], finished)
            return
        op.status, op.completed = "COMPLETED", finished

    def _fail(self, op: BulkOperation, code: str, partial: float | None, at: float) -> None:
        kept = None
        if partial is not None and op.result is not None and op.result.objects:
            kept = op.result.truncated(partial)
        if op.result is not None:
            op.result.close()
        op.status, op.error_code, op.completed = "FAILED", code, at
        op.result, op.partial = None, kept
        if kept is not None:
            op.object_count = kept.objects

    # --- wire shape and links -------------------------------------------------------------------

    def wall(self, moment: float) -> str:
        when = self._origin + dt.timedelta(seconds=moment)
        if self.not_before is not None:
            when = max(when, self.not_before)
        return when.strftime("%Y-%m-%dT%H:%M:%SZ")

    def node(self, op: BulkOperation) -> dict[str, Any]:
        """The BulkOperation object as the executor serves it (links are paths, see ``url``)."""
        completed = op.status == "COMPLETED" and op.result is not None
        return {
            "id": op.id,
            "status": op.status,
            "errorCode": op.error_code,
            "createdAt": self.wall(op.created),
            "completedAt": None if op.completed is None else self.wall(op.completed),
            "objectCount": op.object_count,
            "rootObjectCount": op.root_object_count,
            # Shopify's sample of an empty result has a url but a null fileSize.
            "fileSize": op.result.size if completed and op.result and op.result.size else None,
            "url": self._link(op, "") if completed else None,
            "partialDataUrl": self._link(op, "-partial") if op.partial is not None else None,
            "query": op.query,
            "type": "QUERY",
        }

    def _signature(self, name: str, expires: int) -> str:
        message = f"{name}:{expires}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()[:40]

    def _link(self, op: BulkOperation, suffix: str) -> str:
        assert op.completed is not None
        name = f"{legacy_id(op.id)}{suffix}.jsonl"
        expires = int(op.completed + URL_TTL)
        return f"/bulk/{name}?expires={expires}&signature={self._signature(name, expires)}"

    def open(self, name: str, expires: str | None, signature: str | None) -> BulkResult | str:
        """The file a signed link names, or why it cannot be served ("AccessDenied", ...)."""
        if not expires or not expires.isdigit() or not signature:
            return "AccessDenied"
        if not hmac.compare_digest(self._signature(name, int(expires)), signature):
            return "SignatureDoesNotMatch"
        if self.clock() >= int(expires):
            return "ExpiredToken"
        stem = name.removesuffix(".jsonl")
        partial = stem.endswith("-partial")
        op = self._ops.get(f"gid://shopify/BulkOperation/{stem.removesuffix('-partial')}")
        if op is None:
            return "NoSuchKey"
        self.refresh(op)
        found = op.partial if partial else op.result
        if found is None or (not partial and op.status != "COMPLETED"):
            return "NoSuchKey"
        return found
