"""Change data capture: what changed in a realm since a moment (reference §14).

``QueryResponse`` is an array here, one entry per requested entity, live objects first and then
deleted ones as ``{"status":"Deleted","domain":"QBO","Id","MetaData":{"LastUpdatedTime"}}``.
Look-back is at most 30 days and at most 1000 objects are returned.
"""

from __future__ import annotations

import copy
from datetime import datetime, timedelta

from . import faults, schema, timefmt
from .state import JSON, RealmState

LOOK_BACK = timedelta(days=30)
MAX_OBJECTS = 1000


def changes(state: RealmState, entities_param: str, changed_since: str, now: datetime) -> JSON:
    """The value of the response: ``{"CDCResponse": [...]}``."""
    names = [n.strip() for n in entities_param.split(",") if n.strip()]
    if not names:
        raise faults.required_missing("entities")
    if not changed_since:
        raise faults.required_missing("changedSince")
    try:
        since = timefmt.parse_moment(changed_since, now)
    except ValueError:
        raise faults.invalid_value("changedSince", changed_since, "a date or date-time") from None
    if since < now - LOOK_BACK:
        raise faults.invalid_query(
            "QueryValidationError: changedSince must be within the last 30 days "
            f"(supplied {changed_since})"
        )
    lookup = {n.lower(): n for n in schema.ALL_ENTITIES}
    budget = MAX_OBJECTS
    responses: list[JSON] = []
    for raw in names:
        entity = lookup.get(raw.lower())
        if entity is None or entity in schema.NO_CDC:
            raise faults.invalid_query(f"QueryValidationError: invalid context declaration: {raw}")
        found: list[JSON] = []
        for obj in state.all(entity):
            stamp = obj.get("MetaData", {}).get("LastUpdatedTime")
            if stamp and timefmt.parse_moment(stamp, now) >= since:
                found.append(copy.deepcopy(obj))
        found.sort(key=lambda o: o["MetaData"]["LastUpdatedTime"])
        for obj_id, stamp in state.tombstones[entity].items():
            if timefmt.parse_moment(stamp, now) >= since:
                found.append(
                    {
                        "status": "Deleted",
                        "domain": "QBO",
                        "Id": obj_id,
                        "MetaData": {"LastUpdatedTime": stamp},
                    }
                )
        found = found[:budget]
        budget -= len(found)
        responses.append(
            {entity: found, "startPosition": 1, "maxResults": len(found)} if found else {}
        )
    return {"CDCResponse": [{"QueryResponse": responses}]}
