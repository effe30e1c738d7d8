"""The emulator's state: companies, OAuth, rate limits, fault plan, and the write ledger.

Everything tests need to check lives here and is reachable from ``app.state.emulator``: the
objects of each realm (``entities``), how many times each write was applied
(``applied_writes``), and the stored answers of ``requestid`` replays.
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from workbench.sandbox.dataset import QboCompany

from . import schema
from .faultplan import FaultPlan
from .forms import WriteContext
from .limits import RateLimiter
from .oauth import OAuthServer
from .operations import AppliedWrite
from .state import JSON, RealmState

COMPANY_TZ = ZoneInfo("America/Los_Angeles")  # the sandbox companies of the recordings


def pacific_now() -> datetime:
    return datetime.now(COMPANY_TZ)


@dataclass(frozen=True)
class StoredReply:
    """A reply kept for ``requestid`` replay: the exact bytes, so ``time`` is the original."""

    status: int
    body: bytes
    content_type: str


class QboEmulator:
    """In-memory QBO: one :class:`RealmState` per company plus the cross-cutting machinery."""

    def __init__(
        self,
        companies: Sequence[QboCompany],
        *,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] = pacific_now,
        rate_limits: bool = True,
        time_scale: float = 1.0,
        access_token_ttl: int = 3600,
        refresh_token_ttl: int = 8_640_000,
    ) -> None:
        self.clock = clock
        self.wall_clock = wall_clock
        self.oauth = OAuthServer(
            clock, access_token_ttl=access_token_ttl, refresh_token_ttl=refresh_token_ttl
        )
        self.limiter = RateLimiter(clock, time_scale=time_scale, enabled=rate_limits)
        self.fault_plan = FaultPlan()
        self.applied_writes: list[AppliedWrite] = []
        self.replays: dict[tuple[str, str], StoredReply] = {}
        self.lock = threading.RLock()
        self.user_name = "Sandbox Admin"  # named in 5010 details
        self.realms: dict[str, RealmState] = {}
        now = wall_clock()
        for company in companies:
            if company.realm_id in self.realms:
                raise ValueError(f"realm {company.realm_id} given twice")
            self.realms[company.realm_id] = RealmState(company, now)
            self.oauth.register(
                company.realm_id, company.client_id, company.client_secret, company.refresh_token
            )

    # -- public helpers for tests --------------------------------------------------------------

    def entities(self, realm_id: str, entity: str) -> list[JSON]:
        """Current objects of one entity (deep copies, by numeric Id)."""
        if entity not in schema.ALL_ENTITIES:
            raise KeyError(f"unknown entity {entity!r}")
        with self.lock:
            return self.realms[realm_id].snapshot(entity)

    def issue_refresh_token(self, realm_id: str) -> str:
        """A valid refresh token for a headless connection to the realm."""
        with self.lock:
            return self.oauth.issue_refresh_token(realm_id)

    def issue_access_token(self, realm_id: str) -> str:
        """A valid access token, for tests that do not exercise OAuth."""
        with self.lock:
            return self.oauth.issue_access_token(realm_id)

    def applied_count(
        self,
        realm_id: str | None = None,
        *,
        request_id: str | None = None,
        entity: str | None = None,
    ) -> int:
        """How many writes were applied, optionally for one realm, requestid or entity."""
        return sum(
            1
            for w in self.applied_writes
            if (realm_id is None or w.realm_id == realm_id)
            and (request_id is None or w.request_id == request_id)
            and (entity is None or w.entity == entity)
        )

    # -- internal ------------------------------------------------------------------------------

    def context(
        self, realm_id: str, *, options: frozenset[str] = frozenset(), request_id: str | None = None
    ) -> WriteContext:
        def record(entity: str, operation: str, obj_id: str) -> None:
            self.applied_writes.append(
                AppliedWrite(realm_id, entity, operation, obj_id, request_id)
            )

        return WriteContext(
            state=self.realms[realm_id],
            now=self.wall_clock(),
            options=options,
            user=self.user_name,
            request_id=request_id,
            on_applied=record,
        )

    def copy_entity(self, realm_id: str, entity: str, obj_id: str) -> JSON | None:
        with self.lock:
            found = self.realms[realm_id].objects[entity].get(obj_id)
            return copy.deepcopy(found)
