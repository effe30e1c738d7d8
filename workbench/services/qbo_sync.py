"""`workbench sync qbo`: copy a company's reference data and recent transactions into the store.

Each page is upserted in its own transaction and each part's checkpoint is written after its
last page, so an interrupted sync simply re-reads that part next time (upserts make re-reading
harmless). Watermarks are QBO's own clock (the ``time`` of the first answer of the run, minus an
overlap), so local clock skew cannot make us skip a change. Objects deleted in QBO are found
with change data capture, or, when CDC cannot look back far enough or was cut off at its 1,000
object cap, by reading the part whole and dropping what QBO no longer returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from workbench.qbo import refdata
from workbench.qbo.client import QboClient
from workbench.qbo.models import CompanySettings, QboObject, parse_moment
from workbench.qbo.refdata import Kind, Part
from workbench.services.progress import Progress, ProgressCallback, ignore_progress
from workbench.store import qbo_repo
from workbench.store.checkpoints import load_checkpoint, save_checkpoint
from workbench.store.engine import Store

WINDOW_DAYS = 90
OVERLAP = timedelta(minutes=5)
CDC_LOOK_BACK = timedelta(days=29)  # QBO allows 30; keep a day in hand
CDC_MAX_OBJECTS = 1000


@dataclass
class QboSyncResult:
    realm_id: str
    company: CompanySettings
    fetched: dict[str, int] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=dict)
    requests: int = 0


def checkpoint_source(realm_id: str, entity: str) -> str:
    return f"qbo.{realm_id}.{entity}"


def _resume_point(store: Store, realm_id: str, part: Part, window_start: date) -> datetime | None:
    """Where the last complete read of a part ended, or None when it must be read whole:
    never read, a full list, or a date window that now reaches further back than before."""
    if part.kind is Kind.FULL:
        return None
    with store.session() as session:
        found = load_checkpoint(session, checkpoint_source(realm_id, part.entity))
    if found is None or not found.watermark:
        return None
    previous_start = (found.detail or {}).get("window_start")
    if part.kind is Kind.WINDOW and (not previous_start or previous_start > str(window_start)):
        return None
    return parse_moment(found.watermark)


def _deleted_by_cdc(
    client: QboClient, store: Store, parts: Sequence[Part], since: datetime
) -> tuple[dict[str, int], bool]:
    """Apply deletions reported by CDC; False when the answer may be cut off at the cap."""
    changes = client.cdc([p.entity for p in parts], since)
    total = sum(len(c.changed) + len(c.deleted) for c in changes.values())
    removed: dict[str, int] = {}
    with store.session() as session:
        for entity, change in changes.items():
            ids = [d.qbo_id for d in change.deleted]
            if ids:
                removed[entity] = qbo_repo.delete_objects(session, client.realm_id, entity, ids)
    return removed, total < CDC_MAX_OBJECTS


def _sync_part(
    client: QboClient,
    store: Store,
    part: Part,
    *,
    changed_since: datetime | None,
    window_start: date,
    progress: ProgressCallback,
) -> tuple[int, int]:
    """Read one part page by page; return (objects received, rows removed)."""
    realm = client.realm_id
    dated = part.kind is Kind.WINDOW
    statement = part.select(changed_since=changed_since, window_start=window_start)
    seen: set[str] = set()
    received = removed = 0
    started = Progress(part.entity, 0).started
    for page in client.query_pages(statement):
        objects = [QboObject.from_json(part.entity, row) for row in page.rows]
        with store.session() as session:
            qbo_repo.save_objects(session, realm, objects)
        seen.update(o.qbo_id for o in objects)
        received += len(objects)
        progress(Progress(f"QuickBooks {part.entity}", received, started=started))
    if changed_since is None:
        # A whole read: whatever the cache has that QBO no longer returned is gone.
        with store.session() as session:
            cached = qbo_repo.stored_ids(
                session, realm, part.entity, since=window_start if dated else None
            )
            removed += qbo_repo.delete_objects(session, realm, part.entity, cached - seen)
    return received, removed


def sync_qbo(
    store: Store,
    client: QboClient,
    *,
    window_days: int = WINDOW_DAYS,
    full: bool = False,
    progress: ProgressCallback = ignore_progress,
) -> QboSyncResult:
    """CompanyInfo and Preferences, then every part of :data:`refdata.PARTS`."""
    realm = client.realm_id
    requests_before = client.requests
    info = client.company_info()
    server_now = parse_moment(client.server_time) or datetime.now(UTC)
    prefs = client.preferences()
    with store.session() as session:
        qbo_repo.save_objects(
            session,
            realm,
            [
                QboObject.from_json("CompanyInfo", {"Id": "1", **info}),
                QboObject.from_json("Preferences", {"Id": "1", **prefs}),
            ],
        )
    result = QboSyncResult(realm, CompanySettings.from_json(info, prefs))
    window_start = server_now.date() - timedelta(days=window_days)

    since: dict[str, datetime | None] = {}
    for part in refdata.PARTS:
        mark = None if full else _resume_point(store, realm, part, window_start)
        dated = part.kind is Kind.WINDOW
        if mark is not None and dated and server_now - mark > CDC_LOOK_BACK:
            mark = None  # deletions that old are out of CDC's reach: read the window whole
        since[part.entity] = mark - OVERLAP if mark is not None else None

    # Deletions first: a crash after this point cannot lose them (deleted objects stay gone).
    cdc_parts = [p for p in refdata.PARTS if p.entity in refdata.DATED and since[p.entity]]
    if cdc_parts:
        oldest = min(since[p.entity] or server_now for p in cdc_parts)
        by_cdc, complete = _deleted_by_cdc(client, store, cdc_parts, oldest)
        result.deleted.update(by_cdc)
        if not complete:
            for part in cdc_parts:
                since[part.entity] = None

    for part in refdata.PARTS:
        received, removed = _sync_part(
            client,
            store,
            part,
            changed_since=since[part.entity],
            window_start=window_start,
            progress=progress,
        )
        result.fetched[part.entity] = received
        if removed:
            result.deleted[part.entity] = result.deleted.get(part.entity, 0) + removed
        with store.session() as session:
            save_checkpoint(
                session,
                checkpoint_source(realm, part.entity),
                server_now.isoformat(),
                {"kind": part.kind.value, "window_start": window_start.isoformat()},
            )
    result.requests = client.requests - requests_before
    return result
