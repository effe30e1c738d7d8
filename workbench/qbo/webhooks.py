"""QBO webhook bodies (legacy ``eventNotifications`` and CloudEvents) as change events.

workbench polls CDC rather than receiving webhooks (they need a public endpoint), but a team
that relays them can hand the bodies here: both formats become the same events, and
:func:`signature_ok` checks ``intuit-signature`` before anything is trusted (reference §14).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from workbench.qbo.entities import READ_ONLY, WRITABLE
from workbench.qbo.models import parse_moment

_ENTITY_NAMES = {name.lower(): name for name in WRITABLE | READ_ONLY}


@dataclass(frozen=True)
class ChangeEvent:
    realm_id: str
    entity: str
    entity_id: str
    operation: str  # Create | Update | Delete | Merge | Void (legacy spelling)
    when: datetime | None


def _entity(name: str) -> str:
    return _ENTITY_NAMES.get(name.lower(), name[:1].upper() + name[1:])


def parse_webhook(payload: Any) -> list[ChangeEvent]:
    """Events of either format; raises ValueError for a body that is neither."""
    if isinstance(payload, list):
        return [_cloud_event(item) for item in payload]
    if isinstance(payload, Mapping) and isinstance(payload.get("eventNotifications"), list):
        events = []
        for notice in payload["eventNotifications"]:
            realm = str(notice.get("realmId") or "")
            for item in (notice.get("dataChangeEvent") or {}).get("entities") or []:
                events.append(
                    ChangeEvent(
                        realm_id=realm,
                        entity=_entity(str(item.get("name") or "")),
                        entity_id=str(item.get("id") or ""),
                        operation=str(item.get("operation") or ""),
                        when=parse_moment(item.get("lastUpdated")),
                    )
                )
        return events
    raise ValueError("not a QBO webhook body (neither eventNotifications nor CloudEvents)")


def _cloud_event(item: Any) -> ChangeEvent:
    if not isinstance(item, Mapping) or not str(item.get("type", "")).startswith("qbo."):
        raise ValueError("a CloudEvents item without a qbo.<entity>.<operation>.v1 type")
    _, entity, operation, *_ = [*str(item["type"]).split("."), "", ""]
    return ChangeEvent(
        realm_id=str(item.get("intuitaccountid") or ""),
        entity=_entity(entity),
        entity_id=str(item.get("intuitentityid") or ""),
        operation=operation.capitalize(),
        when=parse_moment(item.get("time")),
    )


def signature_ok(body: bytes, signature: str, verifier_token: str) -> bool:
    """``intuit-signature`` = base64(HMAC-SHA256(verifier token, raw body))."""
    expected = base64.b64encode(
        hmac.new(verifier_token.encode("utf-8"), body, hashlib.sha256).digest()
    ).decode("ascii")
    return hmac.compare_digest(expected, signature.strip())
