"""One API request of a realm, from method + path + body to status + bytes, without HTTP.

Order of checks, as a client meets them: ``requestid`` replay, injected faults, routing, body
parsing, then the operation. Every JSON body gains ``time`` (company-local, ms). The app adds
authentication, throttling and headers around this.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import cdc, faults, jsonio, operations, query, schema, timefmt
from .emulator import QboEmulator, StoredReply
from .faults import QboFault
from .forms import WriteContext
from .state import JSON

JSON_OK = "application/json;charset=utf-8"
JSON_ERROR = "application/json"
MAX_BATCH_ITEMS = 30


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    content_type: str
    lost: bool = False


@dataclass(frozen=True)
class ApiRequest:
    realm_id: str
    method: str
    rest: str  # path after /v3/company/{realm}/
    params: Mapping[str, str]
    body: bytes
    full_url: str


def _json_reply(em: QboEmulator, status: int, payload: JSON, *, with_time: bool = True) -> Reply:
    out = dict(payload)
    if with_time:
        out["time"] = timefmt.body_time(em.wall_clock())
    return Reply(status, jsonio.dumps(out), JSON_OK if status < 400 else JSON_ERROR)


def fault_reply(em: QboEmulator, fault: QboFault) -> Reply:
    return _json_reply(em, fault.status, {"Fault": fault.fault_json()}, with_time=fault.with_time)


def is_write(request: ApiRequest) -> bool:
    return request.method == "POST" and request.rest != "query"


def handle(em: QboEmulator, request: ApiRequest) -> Reply:
    """Serve one API request; the caller holds ``em.lock``."""
    write = is_write(request)
    request_id = request.params.get("requestid") if write else None
    if request_id:
        stored = em.replays.get((request.realm_id, request_id))
        if stored is not None:
            return Reply(stored.status, stored.body, stored.content_type)
    injected = em.fault_plan.draw(is_write=write)
    if injected == "500":
        return fault_reply(em, faults.system_fault())
    if injected == "503":
        return fault_reply(em, faults.service_unavailable())
    try:
        status, payload = _route(em, request, request_id)
        reply = _json_reply(em, status, payload)
    except QboFault as fault:
        reply = fault_reply(em, fault)
    if request_id and reply.status < 500:
        em.replays[(request.realm_id, request_id)] = StoredReply(
            reply.status, reply.body, reply.content_type
        )
    if injected == "lost":
        return Reply(reply.status, reply.body, reply.content_type, lost=True)
    return reply


def _options(params: Mapping[str, str]) -> frozenset[str]:
    raw = params.get("include", "")
    return frozenset(part.strip().lower() for part in raw.split(",") if part.strip())


def _route(em: QboEmulator, request: ApiRequest, request_id: str | None) -> tuple[int, JSON]:
    state = em.realms[request.realm_id]
    parts = request.rest.strip("/").split("/") if request.rest.strip("/") else []
    relative = f"/v3/company/{request.realm_id}/{request.rest}"
    unknown = faults.unknown_resource(relative, request.full_url)
    ctx = em.context(request.realm_id, options=_options(request.params), request_id=request_id)
    if request.method == "GET":
        if parts == ["query"]:
            return 200, {"QueryResponse": _query(em, ctx, request.params.get("query", ""))}
        if parts == ["cdc"]:
            return 200, cdc.changes(
                state,
                request.params.get("entities", ""),
                request.params.get("changedSince", ""),
                ctx.now,
            )
        if parts == ["preferences"]:
            return 200, {"Preferences": copy.deepcopy(state.preferences)}
        if len(parts) == 2 and parts[0] == "companyinfo":
            if parts[1] != request.realm_id:
                raise faults.object_not_found()
            return 200, {"CompanyInfo": copy.deepcopy(state.company_info)}
        if len(parts) == 2 and parts[0] in schema.URL_NAMES:
            entity = schema.URL_NAMES[parts[0]]
            if entity in ("CompanyInfo", "Preferences"):
                raise unknown
            return 200, {entity: operations.read(ctx, entity, parts[1])}
        raise unknown
    if request.method != "POST":
        raise unknown
    if parts == ["query"]:
        try:
            text = request.body.decode("utf-8")
        except UnicodeDecodeError:
            raise faults.unsupported_operation(
                "Operation Could not decode the request body as UTF-8 is not supported."
            ) from None
        return 200, {"QueryResponse": _query(em, ctx, text)}
    body = _parse_body(request.body)
    if parts == ["batch"]:
        return 200, _batch(em, ctx, body)
    if len(parts) != 1 or parts[0] not in schema.URL_NAMES:
        raise unknown
    entity = schema.URL_NAMES[parts[0]]
    operation = request.params.get("operation", "")
    if operation == "delete":
        return 200, {entity: operations.delete(ctx, entity, body)}
    if operation == "void" or (operation == "update" and "void" in ctx.options):
        return 200, {entity: operations.void(ctx, entity, body)}
    if operation in ("", "update", "create"):
        return 200, {entity: operations.create(ctx, entity, body)}
    raise faults.unsupported_operation(f"Operation {operation} is not supported.")


def _parse_body(raw: bytes) -> Any:
    try:
        return jsonio.loads(raw)
    except jsonio.BodyError as exc:
        raise faults.unsupported_operation(
            f"Operation Could not parse the request body ({exc}) is not supported."
        ) from None


def _query(em: QboEmulator, ctx: WriteContext, text: str) -> JSON:
    if not text.strip():
        raise faults.invalid_query("QueryParserError: the query is empty")
    parsed = query.parse(text)
    return query.execute(ctx.state, parsed, ctx.now)


# -- batch ------------------------------------------------------------------------------------

BATCH_META = ("bId", "operation", "optionsData")


def _batch(em: QboEmulator, ctx: WriteContext, body: Any) -> JSON:
    """Reference §10: ≤30 items, not atomic, later items do not see earlier creations.

    More than 30 items is refused as a whole with 400 / 6000 (the real fault is UNVERIFIED).
    """
    if not isinstance(body, dict):
        raise faults.invalid_value("BatchItemRequest", body, "an object is expected")
    for key in body:
        if key != "BatchItemRequest":
            raise faults.invalid_property(key, "IntuitBatchRequest", ["BatchItemRequest"])
    items = body.get("BatchItemRequest")
    if not isinstance(items, list) or not items:
        raise faults.required_missing("BatchItemRequest")
    if len(items) > MAX_BATCH_ITEMS:
        raise faults.business(
            f"A batch request can hold at most {MAX_BATCH_ITEMS} items; this one has {len(items)}.",
            "BatchItemRequest",
        )
    state = ctx.state
    responses: list[JSON] = []
    state.hidden = set()
    try:
        for item in items:
            responses.append(_batch_item(em, ctx, item))
    finally:
        state.hidden = set()
    return {"BatchItemResponse": responses}


def _batch_item(em: QboEmulator, ctx: WriteContext, item: Any) -> JSON:
    b_id = item.get("bId") if isinstance(item, dict) else None
    try:
        if not isinstance(item, dict):
            raise faults.invalid_value("BatchItemRequest", item, "an object is expected")
        if not b_id:
            raise faults.required_missing("bId")
        if "Query" in item:
            return {"QueryResponse": _query(em, ctx, str(item["Query"])), "bId": b_id}
        keys = [k for k in item if k not in BATCH_META]
        if len(keys) != 1 or keys[0] not in schema.ALL_ENTITIES:
            name = next((k for k in keys if k not in schema.ALL_ENTITIES), keys[0] if keys else "")
            if not name:
                raise faults.required_missing("BatchItemRequest entity")
            raise faults.invalid_property(name, "BatchItemRequest", [*BATCH_META, "Query"])
        entity = keys[0]
        options = frozenset(
            part.strip().lower()
            for part in str(item.get("optionsData") or "").split(",")
            if part.strip()
        )
        item_ctx = WriteContext(
            ctx.state, ctx.now, ctx.options | options, ctx.user, ctx.request_id, ctx.on_applied
        )
        operation = item.get("operation")
        payload = item[entity]
        if operation == "create":
            if isinstance(payload, dict) and payload.get("Id"):
                raise faults.business("A create item cannot carry an Id.", "Id")
            result = operations.create(item_ctx, entity, payload)
            ctx.state.hidden.add((entity, result["Id"]))
        elif operation == "update":
            if "void" in options:
                result = operations.void(item_ctx, entity, payload)
            else:
                result = operations.update(item_ctx, entity, payload)
        elif operation == "delete":
            result = operations.delete(item_ctx, entity, payload)
        else:
            raise faults.invalid_enumeration("operation", operation, ["create", "update", "delete"])
        return {entity: result, "bId": b_id}
    except QboFault as fault:
        return {"Fault": fault.fault_json(), "bId": b_id}
