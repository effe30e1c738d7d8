"""Bulk queries: start one, wait for it, download its JSONL and hand back whole objects.

Shopify runs a bulk query in the background and writes the result to a file behind a signed link
(reference/shopify.md §6). Waiting is polling ``node(id:)`` with a growing interval; the
operation's ``objectCount`` is the progress. FAILED, CANCELED and EXPIRED end the wait with an
error that says what to do. Only one bulk query per app and shop runs at a time: when ours is
the one still running (a previous run stopped while waiting) it is adopted rather than refused.

The file is streamed to a temporary file, never held in memory, and read back with
:class:`~workbench.shopify.bulk_jsonl.BulkTree`. The download goes through the client's own HTTP
connection pool and transport, so the in-process sandbox serves it too; it sends no API token,
since the signed link is its own credential.
"""

from __future__ import annotations

import contextlib
import re
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any

import httpx

from workbench.config import check_url
from workbench.shopify import queries
from workbench.shopify.bulk_jsonl import BulkTree
from workbench.shopify.client import ShopifyClient, ShopifyError, ShopifyQueryError

JSON = dict[str, Any]
DOWNLOAD_TIMEOUT = httpx.Timeout(120.0, connect=10.0)
DOWNLOAD_TRIES = 3
BUSY = re.compile(r"already in progress:?\s*(gid://shopify/BulkOperation/\d+)")
HINTS = {
    "ACCESS_DENIED": "the app lacks a scope the query needs; check its access scopes",
    "TIMEOUT": "Shopify gave up after ten days; export a shorter period with --since",
    "INTERNAL_SERVER_ERROR": "Shopify failed while exporting; run the sync again",
}


class BulkOperationError(ShopifyError):
    """A bulk operation could not deliver its result; ``operation`` is its last known state."""

    def __init__(self, message: str, operation: BulkOperation | None = None) -> None:
        super().__init__(message)
        self.operation = operation


class BulkBusyError(BulkOperationError):
    """Another bulk query of this app is running on the shop."""

    def __init__(self, message: str, running_id: str | None) -> None:
        super().__init__(message)
        self.running_id = running_id


@dataclass(frozen=True)
class BulkOperation:
    id: str
    status: str
    error_code: str | None = None
    object_count: int = 0
    root_object_count: int = 0
    file_size: int | None = None
    url: str | None = None
    partial_data_url: str | None = None
    created_at: str | None = None
    completed_at: str | None = None
    query: str | None = None

    @classmethod
    def from_node(cls, node: Mapping[str, Any]) -> BulkOperation:
        def count(key: str) -> int:
            value = node.get(key)
            return int(value) if value not in (None, "") else 0

        size = node.get("fileSize")
        return cls(
            id=str(node["id"]),
            status=str(node.get("status") or "UNKNOWN"),
            error_code=node.get("errorCode"),
            object_count=count("objectCount"),
            root_object_count=count("rootObjectCount"),
            file_size=int(size) if size not in (None, "") else None,
            url=node.get("url"),
            partial_data_url=node.get("partialDataUrl"),
            created_at=node.get("createdAt"),
            completed_at=node.get("completedAt"),
            query=node.get("query"),
        )

    @property
    def running(self) -> bool:
        return self.status in {"CREATED", "RUNNING"}


@dataclass(frozen=True)
class PollPolicy:
    """Seconds between polls: ``first``, growing by ``factor`` up to ``longest``."""

    first: float = 0.5
    factor: float = 1.5
    longest: float = 15.0
    # Give up (and cancel) after this long; None waits for Shopify's own ten-day limit.
    timeout: float | None = None


ProgressFn = Callable[[BulkOperation], None]


def _same_query(a: str | None, b: str) -> bool:
    return a is not None and " ".join(a.split()) == " ".join(b.split())


class BulkQuery:
    """Runs bulk queries through one :class:`ShopifyClient`.

    Waiting uses the client's own ``sleep`` unless another is given, so whatever a test or the
    app injects for throttling waits also paces the polls.
    """

    def __init__(
        self,
        client: ShopifyClient,
        *,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        poll: PollPolicy | None = None,
    ) -> None:
        self.client = client
        self.sleep: Callable[[float], None] = sleep or client._sleep
        self.clock = clock
        self.poll = poll or PollPolicy()

    # --- the operation ----------------------------------------------------------------------------

    def start(self, query: str, *, group_objects: bool = False) -> BulkOperation:
        """Start ``query``; adopt the running one if it is the same query, else refuse."""
        data = self.client.execute(
            queries.BULK_RUN_QUERY, {"query": query, "groupObjects": group_objects}
        )
        payload = data.get("bulkOperationRunQuery") or {}
        errors = payload.get("userErrors") or []
        if not errors and payload.get("bulkOperation"):
            return BulkOperation.from_node(payload["bulkOperation"])
        busy = next((m for e in errors if (m := BUSY.search(str(e.get("message") or "")))), None)
        if busy is not None:
            running = self.status(busy.group(1))
            if running is not None and running.running and _same_query(running.query, query):
                return running
            raise BulkBusyError(
                f"Shopify is already running another bulk export for this app ({busy.group(1)}); "
                "wait for it to finish or cancel it, then sync again",
                busy.group(1),
            )
        messages = "; ".join(str(e.get("message")) for e in errors) or "no operation returned"
        raise BulkOperationError(f"Shopify refused the bulk export: {messages}")

    def status(self, gid: str) -> BulkOperation | None:
        node = self.client.execute(queries.BULK_STATUS_QUERY, {"id": gid}).get("node")
        return BulkOperation.from_node(node) if node else None

    def current(self) -> BulkOperation | None:
        node = self.client.execute(queries.CURRENT_BULK_QUERY).get("currentBulkOperation")
        return BulkOperation.from_node(node) if node else None

    def cancel(self, gid: str) -> BulkOperation | None:
        payload = self.client.execute(queries.BULK_CANCEL, {"id": gid}).get("bulkOperationCancel")
        node = (payload or {}).get("bulkOperation")
        return BulkOperation.from_node(node) if node else None

    def wait(self, operation: BulkOperation, progress: ProgressFn | None = None) -> BulkOperation:
        """Poll until the operation completes; raise with advice if it cannot.

        When we stop waiting on purpose (the timeout, Ctrl+C, a progress callback that cancels)
        the operation is cancelled on Shopify so that it does not block the next run. When
        Shopify cannot be reached it is left running: the next run adopts it.
        """
        started = self.clock()
        delay = self.poll.first
        try:
            while True:
                if progress is not None:
                    progress(operation)
                if operation.status == "COMPLETED":
                    return operation
                if not operation.running:
                    raise self._failure(operation)
                timeout = self.poll.timeout
                if timeout is not None and self.clock() - started >= timeout:
                    self._cancel_quietly(operation)
                    raise BulkOperationError(
                        f"the bulk export {operation.id} did not finish within {timeout:,.0f} s; "
                        "it was cancelled: run the sync again later",
                        operation,
                    )
                self.sleep(delay)
                delay = min(self.poll.longest, delay * self.poll.factor)
                found = self.status(operation.id)
                if found is None:
                    raise BulkOperationError(f"Shopify no longer knows {operation.id}", operation)
                operation = found
        except ShopifyError:
            raise
        except BaseException:
            self._cancel_quietly(operation)
            raise

    def _cancel_quietly(self, operation: BulkOperation) -> None:
        if operation.running:
            with contextlib.suppress(ShopifyError):
                self.cancel(operation.id)

    @staticmethod
    def _failure(operation: BulkOperation) -> BulkOperationError:
        status = operation.status
        if status == "FAILED":
            hint = HINTS.get(operation.error_code or "", "run the sync again")
            partial = " (Shopify kept partial data, not used)" if operation.partial_data_url else ""
            text = (
                f"the bulk export failed with {operation.error_code or 'no code'}{partial}: {hint}"
            )
        elif status in {"CANCELED", "CANCELING"}:
            text = "the bulk export was cancelled (by this app or on Shopify); run the sync again"
        elif status == "EXPIRED":
            text = "the bulk export's result expired (links last seven days); run the sync again"
        else:
            text = f"the bulk export ended in an unexpected state {status}; run the sync again"
        return BulkOperationError(f"{text} [{operation.id}]", operation)

    # --- the result ------------------------------------------------------------------------------

    def download(self, url: str) -> IO[bytes]:
        """Stream the result file into an anonymous temporary file (deleted when closed)."""
        check_url(url, what="the bulk result link")
        http: httpx.Client = self.client._http  # same transport as the API: in-process works too
        for attempt in range(DOWNLOAD_TRIES):
            target = tempfile.TemporaryFile(prefix="workbench-bulk-")  # noqa: SIM115
            try:
                with http.stream("GET", url, timeout=DOWNLOAD_TIMEOUT) as response:
                    if response.status_code in {403, 404}:
                        raise BulkOperationError(
                            f"Shopify refused the result link (HTTP {response.status_code}); it "
                            "may have expired: run the sync again"
                        )
                    if response.status_code != 200:
                        raise httpx.HTTPStatusError(
                            f"HTTP {response.status_code}",
                            request=response.request,
                            response=response,
                        )
                    for chunk in response.iter_bytes(1 << 20):
                        target.write(chunk)
                target.flush()
                return target
            except (httpx.TransportError, httpx.HTTPStatusError) as exc:
                target.close()
                if attempt + 1 == DOWNLOAD_TRIES:
                    raise BulkOperationError(
                        f"could not download the bulk result ({type(exc).__name__}); "
                        "check the network and run the sync again"
                    ) from None
                self.sleep(min(30.0, 2.0**attempt))
            except BaseException:
                target.close()
                raise
        raise AssertionError("unreachable")

    def rows(
        self, operation: BulkOperation, child_fields: Mapping[str, str] | None = None
    ) -> Iterator[JSON]:
        """The completed operation's root objects, children attached, in file order."""
        if operation.url is None:
            return  # Shopify gives no link for an empty result
        with self.download(operation.url) as file:
            yield from BulkTree(file, child_fields)

    def run(
        self,
        query: str,
        *,
        child_fields: Mapping[str, str] | None = None,
        progress: ProgressFn | None = None,
        resume: str | None = None,
    ) -> tuple[BulkOperation, Iterator[JSON]]:
        """Start (or ``resume`` a known operation of the same query), wait, and read it."""
        operation = self.resumable(resume, query) if resume else None
        operation = self.wait(operation or self.start(query), progress)
        return operation, self.rows(operation, child_fields)

    def resumable(self, gid: str, query: str) -> BulkOperation | None:
        """An earlier operation of the same query whose result is still to be had."""
        try:
            found = self.status(gid)
        except ShopifyQueryError:
            return None
        if found is None or not _same_query(found.query, query):
            return None
        return found if found.status == "COMPLETED" or found.running else None


def count_orders(client: ShopifyClient, search: str | None, limit: int) -> int | None:
    """Orders matching ``search``, counted up to ``limit`` (None where Shopify cannot count).

    ``ordersCount`` exists from API 2024-07; an older or restricted API answers with an error
    and the caller falls back to paging.
    """
    try:
        data = client.execute(queries.ORDERS_COUNT_QUERY, {"query": search, "limit": limit})
    except ShopifyQueryError:
        return None
    found = data.get("ordersCount") or {}
    count = found.get("count")
    return int(count) if count is not None else None
