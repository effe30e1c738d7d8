"""Batch requests of up to 30 items and their per-item results, matched by ``bId``.

A batch is not atomic (reference §10): some items succeed while others fail, and the answer
order is not guaranteed, so results are keyed by ``bId`` and each carries either the object, a
query page or its own :class:`QboFault`. Retrying means resending only the failed items.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from workbench.qbo import entities
from workbench.qbo.errors import FaultError, QboFault, fault_from_json
from workbench.qbo.models import JSON, QueryPage
from workbench.qbo.querylang import Select

MAX_ITEMS = 30
MAX_BID = 10
OPERATIONS = frozenset({"create", "update", "delete"})


@dataclass(frozen=True)
class BatchItem:
    """One ``BatchItemRequest`` entry: an entity write or a query."""

    b_id: str
    operation: str | None = None
    entity: str | None = None
    body: JSON | None = None
    options: str | None = None
    query: str | None = None

    def __post_init__(self) -> None:
        if not self.b_id or len(self.b_id) > MAX_BID:
            raise ValueError(f"bId must be 1 to {MAX_BID} characters, got {self.b_id!r}")
        if self.query is None:
            if self.operation not in OPERATIONS or self.entity is None or self.body is None:
                raise ValueError("a batch item is a query or an operation on an entity body")
            entities.check_writable(self.entity)

    @classmethod
    def create(cls, b_id: str, entity: str, body: JSON) -> BatchItem:
        return cls(b_id, "create", entity, dict(body))

    @classmethod
    def update(cls, b_id: str, entity: str, body: JSON, *, sparse: bool = True) -> BatchItem:
        return cls(b_id, "update", entity, {**body, "sparse": sparse})

    @classmethod
    def delete(cls, b_id: str, entity: str, obj_id: str, sync_token: str) -> BatchItem:
        entities.check_deletable(entity)
        return cls(b_id, "delete", entity, {"Id": obj_id, "SyncToken": sync_token})

    @classmethod
    def void(cls, b_id: str, entity: str, obj_id: str, sync_token: str) -> BatchItem:
        entities.void_params(entity)  # refuses entities without a void
        body = {"Id": obj_id, "SyncToken": sync_token, "sparse": True}
        return cls(b_id, "update", entity, body, options="void")

    @classmethod
    def select(cls, b_id: str, statement: Select | str) -> BatchItem:
        return cls(b_id, query=str(statement))

    def to_json(self) -> JSON:
        if self.query is not None:
            return {"bId": self.b_id, "Query": self.query}
        assert self.entity is not None and self.body is not None
        out: JSON = {"bId": self.b_id, "operation": self.operation, self.entity: self.body}
        if self.options:
            out["optionsData"] = self.options
        return out

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> BatchItem:
        b_id = str(value.get("bId") or "")
        if "Query" in value:
            return cls(b_id, query=str(value["Query"]))
        names = [k for k in value if k not in ("bId", "operation", "optionsData")]
        if len(names) != 1:
            raise ValueError(f"batch item {b_id!r} names {len(names)} entities")
        entity = names[0]
        return cls(
            b_id,
            str(value.get("operation") or ""),
            entity,
            dict(value[entity]),
            options=str(value["optionsData"]) if value.get("optionsData") else None,
        )


def request_body(items: Sequence[BatchItem]) -> JSON:
    if not 1 <= len(items) <= MAX_ITEMS:
        raise ValueError(f"a batch holds 1 to {MAX_ITEMS} items, got {len(items)}")
    ids = [item.b_id for item in items]
    if len(set(ids)) != len(ids):
        raise ValueError("bIds must be unique within a batch")
    return {"BatchItemRequest": [item.to_json() for item in items]}


@dataclass(frozen=True)
class BatchItemResult:
    """What QBO answered for one ``bId``: an object, a query page, or a fault."""

    b_id: str
    entity: str | None = None
    obj: JSON | None = None
    page: QueryPage | None = None
    fault: QboFault | None = None

    @property
    def ok(self) -> bool:
        return self.fault is None


def parse_response(
    body: Mapping[str, Any], *, intuit_tid: str | None = None
) -> dict[str, BatchItemResult]:
    """``{"BatchItemResponse":[…]}`` → results by ``bId`` (order is not guaranteed)."""
    out: dict[str, BatchItemResult] = {}
    for item in body.get("BatchItemResponse") or []:
        b_id = str(item.get("bId") or "")
        if "Fault" in item:
            fault = fault_from_json(item, status=200, intuit_tid=intuit_tid) or QboFault(
                [FaultError("", "Unknown fault", "")], status=200, intuit_tid=intuit_tid
            )
            out[b_id] = BatchItemResult(b_id, fault=fault)
        elif "QueryResponse" in item:
            out[b_id] = BatchItemResult(b_id, page=QueryPage.from_json(item["QueryResponse"]))
        else:
            names = [k for k in item if k != "bId" and isinstance(item[k], Mapping)]
            entity = names[0] if names else None
            obj = dict(item[entity]) if entity else None
            out[b_id] = BatchItemResult(b_id, entity=entity, obj=obj)
    return out
