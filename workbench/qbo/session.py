"""Access tokens for the client: refreshed before they expire and once after a 401.

The order of a refresh is the whole point of this module. Intuit may rotate the refresh token
on any refresh and the old one then dies at once, so the new pair is written to the token store
(atomically) *before* the new access token is handed to anyone. A crash after the write loses
nothing; if the write itself fails, the new pair is kept in memory, nothing is sent with it, and
the next call retries the write first. Only a hard crash in the instant between Intuit's answer
and the write can lose the connection, and nothing else runs in that instant.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Protocol

from workbench.qbo.errors import QboConfigError
from workbench.qbo.oauth import IntuitOAuth, InvalidGrant, TokenResponse
from workbench.qbo.tokens import TokenSet, TokenStore

REFRESH_MARGIN = 300.0  # refresh five minutes early so a long sync never sends a dead token
log = logging.getLogger("workbench.qbo.session")


class AccessTokens(Protocol):
    """What the client needs: a valid token now, and a new one after a 401."""

    @property
    def realm_id(self) -> str: ...

    def access_token(self) -> str: ...

    def after_unauthorized(self, rejected: str) -> str: ...


class TokenManager:
    """Refreshes one company's tokens through ``oauth`` and keeps them in ``store``."""

    def __init__(
        self,
        store: TokenStore,
        oauth: IntuitOAuth,
        *,
        clock: Callable[[], float] = time.time,
        margin: float = REFRESH_MARGIN,
    ) -> None:
        self._store = store
        self._oauth = oauth
        self._clock = clock
        self._margin = margin
        self._lock = threading.Lock()
        self._current: TokenSet | None = None
        self._unsaved: TokenSet | None = None
        self.refreshes = 0

    def __repr__(self) -> str:
        return f"TokenManager(store={self._store.where!r})"

    @property
    def realm_id(self) -> str:
        return self.tokens().realm_id

    def tokens(self) -> TokenSet:
        """The current connection (secrets included: never print it)."""
        with self._lock:
            return self._load()

    def _load(self) -> TokenSet:
        if self._current is None:
            self._current = self._store.load()
        if self._current is None:
            raise QboConfigError(
                "QuickBooks is not connected: run `workbench connect qbo`, or set "
                "WORKBENCH_QBO_REFRESH_TOKEN and WORKBENCH_QBO_REALM_ID"
            )
        return self._current

    def access_token(self) -> str:
        with self._lock:
            tokens = self._persist_pending() or self._load()
            if tokens.access_valid(self._clock(), self._margin):
                assert tokens.access_token is not None
                return tokens.access_token
            return self._refresh(tokens)

    def after_unauthorized(self, rejected: str) -> str:
        """A token QBO refused: refresh, unless another caller already replaced it."""
        with self._lock:
            tokens = self._persist_pending() or self._load()
            if tokens.access_token != rejected and tokens.access_valid(self._clock(), 0.0):
                assert tokens.access_token is not None
                return tokens.access_token
            return self._refresh(tokens)

    def _persist_pending(self) -> TokenSet | None:
        """Retry writing a rotated pair whose first write failed; raises if it fails again."""
        pending = self._unsaved
        if pending is None:
            return None
        self._store.save(pending)
        self._unsaved = None
        self._current = pending
        return pending

    def _refresh(self, tokens: TokenSet) -> str:
        try:
            answer = self._oauth.refresh(tokens.refresh_token)
        except InvalidGrant:
            # Another process may have rotated the token and stored its successor.
            stored = self._store.load()
            if stored is None or stored.refresh_token == tokens.refresh_token:
                raise
            log.info("the stored refresh token was rotated by another process; using it")
            self._current = stored
            if stored.access_valid(self._clock(), self._margin):
                assert stored.access_token is not None
                return stored.access_token
            answer = self._oauth.refresh(stored.refresh_token)
            tokens = stored
        return self._keep(tokens, answer)

    def _keep(self, tokens: TokenSet, answer: TokenResponse) -> str:
        fresh = tokens.rotated(
            refresh_token=answer.refresh_token,
            refresh_expires_in=answer.refresh_expires_in,
            access_token=answer.access_token,
            access_expires_in=answer.expires_in,
            hard_expires_in=answer.hard_expires_in,
            now=self._clock(),
        )
        self.refreshes += 1
        self._unsaved = fresh  # held until the store has it: never used before that
        self._store.save(fresh)
        self._unsaved = None
        self._current = fresh
        log.debug("QuickBooks tokens refreshed and stored in %s", self._store.where)
        return answer.access_token
