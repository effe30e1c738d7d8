"""The QBO Accounting API v3 client: queries, reads, writes, batch and CDC for one company.

Synchronous httpx (syncs and commits run in worker threads), with the transport, clock and sleep
injectable so the emulator can stand in for Intuit and tests can move time. Every call goes
through :meth:`QboClient.call`, which paces requests, refreshes the token once on 401, waits out
429s, and retries 5xx and lost answers only when repeating the call cannot post twice: reads and
queries, and writes carrying a ``requestid``. Every write method sends one (the caller's, so an
outbox can resend the same one after a crash, else a fresh uuid4).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode

import httpx

from workbench import jsonmoney
from workbench.config import check_url
from workbench.qbo import entities
from workbench.qbo.batch import BatchItem, BatchItemResult, parse_response, request_body
from workbench.qbo.errors import (
    QboConfigError,
    QboError,
    QboUnknownOutcome,
    fault_from_http,
    fault_from_json,
)
from workbench.qbo.limits import RealmLimiter, RetryPolicy, throttle_wait
from workbench.qbo.models import JSON, CdcChanges, QueryPage, entity_of, parse_cdc
from workbench.qbo.querylang import Select
from workbench.qbo.session import AccessTokens

MINOR_VERSION = "75"
PAGE_SIZE = 1000
MAX_REQUEST_ID = 50
MAX_BATCH_REQUEST_ID = 36
MAX_GET_URL = 4000
TIMEOUT = httpx.Timeout(60.0, connect=10.0)
# Failures where the request never reached QBO: repeating them can never post twice.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
log = logging.getLogger("workbench.qbo.client")


def new_request_id() -> str:
    return str(uuid.uuid4())


def derive_request_id(*parts: str) -> str:
    """A deterministic requestid (36 chars) for a unit of work, e.g. an outbox entry's key."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "workbench:" + ":".join(parts)))


def _check_request_id(request_id: str, limit: int) -> str:
    if not request_id or len(request_id) > limit:
        raise ValueError(f"a requestid is 1 to {limit} characters, got {len(request_id)}")
    return request_id


class QboClient:
    """One company's API endpoint."""

    def __init__(
        self,
        api_url: str,
        realm_id: str,
        tokens: AccessTokens,
        *,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        limiter: RealmLimiter | None = None,
        retry: RetryPolicy | None = None,
        timeout: httpx.Timeout = TIMEOUT,
    ) -> None:
        self.api_url = check_url(api_url, what="the QuickBooks API URL (WORKBENCH_QBO_API_URL)")
        if tokens.realm_id != realm_id:
            raise QboConfigError(
                f"the stored QuickBooks connection is for company {tokens.realm_id}, not "
                f"{realm_id}: fix WORKBENCH_QBO_REALM_ID or run `workbench connect qbo`"
            )
        self.realm_id = realm_id
        self._tokens = tokens
        self._sleep = sleep
        self._http = httpx.Client(transport=transport, timeout=timeout)
        self.limiter = limiter or RealmLimiter(clock=clock, sleep=sleep)
        self.retry = retry or RetryPolicy()
        self.requests = 0
        self.throttled = 0
        self.server_time: str | None = None

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> QboClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"QboClient({self.api_url!r}, realm {self.realm_id})"

    # -- the one request loop ------------------------------------------------------------------

    def call(
        self,
        method: str,
        resource: str,
        *,
        params: Mapping[str, str] | None = None,
        body: Any = None,
        text: str | None = None,
        request_id: str | None = None,
        batch: bool = False,
    ) -> JSON:
        """Send one API request and return its JSON body; raise QboFault for any refusal.

        ``request_id`` is what makes a write safe to repeat; without one a write that fails
        with 5xx is not retried, and one whose answer is lost raises QboUnknownOutcome.
        """
        query = dict(params or {})
        if request_id is not None:
            query["requestid"] = request_id
        query["minorversion"] = MINOR_VERSION
        url = (
            f"{self.api_url}/v3/company/{self.realm_id}/{resource}?"
            f"{urlencode(query, quote_via=quote, safe='')}"
        )
        headers = {"Accept": "application/json"}
        content: bytes | None = None
        if text is not None:
            headers["Content-Type"] = "application/text"
            content = text.encode("utf-8")
        elif body is not None:
            headers["Content-Type"] = "application/json"
            content = jsonmoney.dumps(body).encode("utf-8")
        is_write = method != "GET" and resource != "query"
        protected = not is_write or request_id is not None
        what = f"{method} {resource}"
        token = self._tokens.access_token()
        reauthorized = False
        throttles = failures = 0
        while True:
            self.limiter.acquire(batch=batch)
            headers["Authorization"] = f"Bearer {token}"
            try:
                response = self._http.request(method, url, content=content, headers=headers)
            except httpx.TransportError as exc:
                if not protected and not isinstance(exc, NOT_SENT):
                    raise QboUnknownOutcome(
                        f"QuickBooks did not answer the {what} ({type(exc).__name__}) and it "
                        "carried no requestid: look the entry up in QuickBooks before sending "
                        "it again"
                    ) from None
                if failures >= self.retry.server_retries:
                    raise QboError(
                        f"QuickBooks did not answer the {what} after {failures + 1} tries "
                        f"({type(exc).__name__}): check the network and try again"
                    ) from None
                log.warning("%s: %s; retrying", what, type(exc).__name__)
                self._sleep(self.retry.backoff(failures))
                failures += 1
                continue
            self.requests += 1
            status = response.status_code
            tid = response.headers.get("intuit_tid")
            log.debug("%s -> HTTP %s (intuit_tid %s)", what, status, tid)
            if status == 401 and not reauthorized:
                token = self._tokens.after_unauthorized(token)
                reauthorized = True
                continue
            if status == 429 and throttles < self.retry.throttle_retries:
                wait = throttle_wait(response.headers.get("Retry-After"))
                log.warning("%s throttled (429); waiting %.0f s (intuit_tid %s)", what, wait, tid)
                self.throttled += 1
                throttles += 1
                self._sleep(wait)
                continue
            if status >= 500 and protected and failures < self.retry.server_retries:
                log.warning("%s -> HTTP %s; retrying (intuit_tid %s)", what, status, tid)
                self._sleep(self.retry.backoff(failures))
                failures += 1
                continue
            if status >= 400:
                fault = fault_from_http(
                    status, response.headers.get("content-type", ""), response.content, tid
                )
                log.warning("%s refused: %s", what, fault)
                raise fault
            return self._json(response, what, tid)

    def _json(self, response: httpx.Response, what: str, tid: str | None) -> JSON:
        try:
            body = jsonmoney.loads(response.content)
        except ValueError:
            raise QboError(
                f"QuickBooks answered the {what} with something that is not JSON (intuit_tid {tid})"
            ) from None
        if not isinstance(body, dict):
            raise QboError(f"QuickBooks answered the {what} with an unexpected body")
        fault = fault_from_json(body, status=response.status_code, intuit_tid=tid)
        if fault is not None:
            raise fault
        if isinstance(body.get("time"), str):
            self.server_time = body["time"]
        return body

    # -- reads -----------------------------------------------------------------------------

    def query_page(self, statement: str) -> QueryPage:
        if len(statement) > MAX_GET_URL:
            body = self.call("POST", "query", text=statement)
        else:
            body = self.call("GET", "query", params={"query": statement})
        return QueryPage.from_json(body.get("QueryResponse") or {})

    def query_pages(self, select: Select, *, page_size: int = PAGE_SIZE) -> Iterator[QueryPage]:
        """Every page of ``select`` (STARTPOSITION/MAXRESULTS); stops on a short page."""
        start = 1
        while True:
            page = self.query_page(select.page(start, page_size))
            yield page
            if len(page.rows) < page_size:
                return
            start += page_size

    def query(self, select: Select) -> list[JSON]:
        return [row for page in self.query_pages(select) for row in page.rows]

    def count(self, select: Select) -> int:
        return self.query_page(select.counting().render()).total_count or 0

    def read(self, entity: str, obj_id: str) -> JSON:
        body = self.call("GET", f"{entities.resource(entity)}/{quote(obj_id, safe='')}")
        return entity_of(body)[1]

    def company_info(self) -> JSON:
        return entity_of(self.call("GET", f"companyinfo/{self.realm_id}"))[1]

    def preferences(self) -> JSON:
        return entity_of(self.call("GET", "preferences"))[1]

    def cdc(self, entity_names: Iterable[str], changed_since: datetime) -> dict[str, CdcChanges]:
        """Changes since a moment (≤ 30 days back, ≤ 1000 objects; reference §14)."""
        if changed_since.tzinfo is None:
            raise ValueError("changed_since needs a UTC offset")
        body = self.call(
            "GET",
            "cdc",
            params={
                "entities": ",".join(entity_names),
                "changedSince": changed_since.isoformat(timespec="seconds"),
            },
        )
        return parse_cdc(body)

    # -- writes ----------------------------------------------------------------------------

    def _write(
        self,
        entity: str,
        body: JSON,
        request_id: str | None,
        params: Mapping[str, str] | None = None,
    ) -> JSON:
        entities.check_writable(entity)
        rid = _check_request_id(request_id or new_request_id(), MAX_REQUEST_ID)
        answer = self.call(
            "POST", entities.resource(entity), params=params, body=body, request_id=rid
        )
        return entity_of(answer)[1]

    def create(self, entity: str, body: JSON, *, request_id: str | None = None) -> JSON:
        if body.get("Id"):
            raise ValueError("a create carries no Id; use update")
        return self._write(entity, body, request_id)

    def update(
        self, entity: str, body: JSON, *, sparse: bool = True, request_id: str | None = None
    ) -> JSON:
        """Sparse by default: a full update nulls every writable field left out (§4)."""
        if not body.get("Id") or body.get("SyncToken") in (None, ""):
            raise ValueError("an update needs the object's Id and current SyncToken")
        return self._write(entity, {**body, "sparse": sparse}, request_id)

    def delete(
        self, entity: str, obj_id: str, sync_token: str, *, request_id: str | None = None
    ) -> JSON:
        entities.check_deletable(entity)
        body = {"Id": obj_id, "SyncToken": sync_token}
        return self._write(entity, body, request_id, {"operation": "delete"})

    def void(
        self, entity: str, obj_id: str, sync_token: str, *, request_id: str | None = None
    ) -> JSON:
        params = entities.void_params(entity)
        body: JSON = {"Id": obj_id, "SyncToken": sync_token}
        if params.get("include") == "void":
            body["sparse"] = True
        return self._write(entity, body, request_id, params)

    def deactivate(
        self, entity: str, obj_id: str, sync_token: str, *, request_id: str | None = None
    ) -> JSON:
        """What "delete" means for a name-list entity (Account, Item, Customer, …)."""
        if entity not in entities.NAME_LIST:
            raise entities.UnsupportedOperation(f"a {entity} is deleted, not deactivated")
        body = {"Id": obj_id, "SyncToken": sync_token, "Active": False}
        return self.update(entity, body, request_id=request_id)

    def batch(
        self, items: Sequence[BatchItem], *, request_id: str | None = None
    ) -> dict[str, BatchItemResult]:
        """Up to 30 independent items; results by bId, each with its object or its fault."""
        payload = request_body(items)
        rid = _check_request_id(request_id or new_request_id(), MAX_BATCH_REQUEST_ID)
        answer = self.call("POST", "batch", body=payload, request_id=rid, batch=True)
        results = parse_response(answer)
        missing = [item.b_id for item in items if item.b_id not in results]
        if missing:
            raise QboError(
                f"QuickBooks answered the batch without items {', '.join(missing)}; their "
                "outcome is unknown: sync QuickBooks before sending them again"
            )
        return results
