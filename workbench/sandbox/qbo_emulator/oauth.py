"""Intuit's OAuth 2.0 authorisation-code flow and token endpoint (reference §2).

The consent screen is skipped: ``/connect/oauth2`` approves at once and redirects with ``code``,
``state`` and ``realmId``. Refresh tokens ROTATE on every refresh and the previous one is dead at
once (``invalid_grant``), the reference's emulator default for a documented conflict: a client that
loses the newest token must re-consent, which is exactly what the tests have to prove it never
does. All expiries run on the injected monotonic clock.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

ACCOUNTING_SCOPE = "com.intuit.quickbooks.accounting"
KNOWN_SCOPES = frozenset(
    {
        ACCOUNTING_SCOPE,
        "com.intuit.quickbooks.payment",
        "openid",
        "profile",
        "email",
        "phone",
        "address",
    }
)
CODE_TTL = 300.0
HARD_CAP_SECONDS = 5 * 365 * 86_400  # the 5-year hard cap announced 2025-11-12


@dataclass
class OAuthClient:
    client_id: str
    client_secret: str
    realms: list[str] = field(default_factory=list)


@dataclass
class _Code:
    client_id: str
    redirect_uri: str
    realm_id: str
    scope: str
    expires_at: float


@dataclass
class _Refresh:
    client_id: str
    realm_id: str
    scope: str
    expires_at: float
    hard_expires_at: float


@dataclass
class AccessGrant:
    """What an access token is good for."""

    token: str
    realm_id: str
    client_id: str
    expires_at: float


@dataclass(frozen=True)
class HttpAnswer:
    """A status, JSON body or redirect location, and extra headers for the app to send."""

    status: int
    body: dict[str, Any] | None = None
    location: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


def _oauth_error(
    status: int, error: str, description: str, headers: dict[str, str] | None = None
) -> HttpAnswer:
    # Shape of fixtures/qbo/oauth_token_error_response.json: {error, error_description}.
    return HttpAnswer(
        status, {"error": error, "error_description": description}, None, headers or {}
    )


def _with_query(url: str, params: Mapping[str, str]) -> str:
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class OAuthServer:
    """Clients, authorisation codes, refresh and access tokens of every realm."""

    def __init__(
        self,
        clock: Callable[[], float],
        *,
        access_token_ttl: int = 3600,
        refresh_token_ttl: int = 8_640_000,
    ) -> None:
        self.clock = clock
        self.access_token_ttl = access_token_ttl
        self.refresh_token_ttl = refresh_token_ttl
        self.clients: dict[str, OAuthClient] = {}
        self._codes: dict[str, _Code] = {}
        self._refresh: dict[str, _Refresh] = {}
        self._access: dict[str, AccessGrant] = {}
        self._first_consent: dict[tuple[str, str], float] = {}
        self.refresh_count = 0

    # -- setup ---------------------------------------------------------------------------------

    def register(
        self, realm_id: str, client_id: str, client_secret: str, refresh_token: str
    ) -> None:
        """Make a company's client known and its seeded refresh token valid."""
        client = self.clients.setdefault(client_id, OAuthClient(client_id, client_secret))
        if client.client_secret != client_secret:
            raise ValueError(f"client {client_id} registered with two different secrets")
        client.realms.append(realm_id)
        now = self.clock()
        self._first_consent[(client_id, realm_id)] = now
        self._refresh[refresh_token] = _Refresh(
            client_id,
            realm_id,
            ACCOUNTING_SCOPE,
            now + self.refresh_token_ttl,
            now + HARD_CAP_SECONDS,
        )

    def _client_for_realm(self, realm_id: str) -> OAuthClient:
        for client in self.clients.values():
            if realm_id in client.realms:
                return client
        raise KeyError(realm_id)

    def issue_refresh_token(self, realm_id: str) -> str:
        """A fresh refresh token for a headless connection (as if consent had just happened)."""
        client = self._client_for_realm(realm_id)
        return self._new_refresh(client.client_id, realm_id, ACCOUNTING_SCOPE)

    def issue_access_token(self, realm_id: str) -> str:
        client = self._client_for_realm(realm_id)
        return self._new_access(client.client_id, realm_id)

    def _new_refresh(self, client_id: str, realm_id: str, scope: str) -> str:
        now = self.clock()
        first = self._first_consent.setdefault((client_id, realm_id), now)
        token = "RT1-" + secrets.token_urlsafe(24)
        hard = first + HARD_CAP_SECONDS
        self._refresh[token] = _Refresh(
            client_id, realm_id, scope, min(now + self.refresh_token_ttl, hard), hard
        )
        return token

    def _new_access(self, client_id: str, realm_id: str) -> str:
        token = "eyJ-" + secrets.token_urlsafe(48)
        self._access[token] = AccessGrant(
            token, realm_id, client_id, self.clock() + self.access_token_ttl
        )
        return token

    # -- authorize -----------------------------------------------------------------------------

    def authorize(self, params: Mapping[str, str]) -> HttpAnswer:
        """Auto-consent. Unknown client or missing redirect_uri: error page, no redirect
        (RFC 6749 §4.1.2.1: never redirect to an unverified URI). Other errors redirect back with
        ``error`` and ``state``. ``realmId`` (emulator extension) picks among several companies."""
        client_id = params.get("client_id", "")
        redirect_uri = params.get("redirect_uri", "")
        client = self.clients.get(client_id)
        if client is None:
            return _oauth_error(400, "invalid_client", f"unknown client_id {client_id!r}")
        if not redirect_uri:
            return _oauth_error(400, "invalid_request", "redirect_uri is required")
        state = params.get("state", "")

        def back(error: str) -> HttpAnswer:
            return HttpAnswer(
                302, None, _with_query(redirect_uri, {"error": error, "state": state})
            )

        if params.get("response_type") != "code":
            return back("unsupported_response_type")
        scopes = set(params.get("scope", "").split())
        if (
            not scopes
            or not scopes <= KNOWN_SCOPES
            or not (scopes & {ACCOUNTING_SCOPE, "com.intuit.quickbooks.payment"})
        ):
            return back("invalid_scope")
        realm_id = params.get("realmId") or client.realms[0]
        if realm_id not in client.realms:
            return back("access_denied")
        code = "AB11" + secrets.token_urlsafe(24)
        self._codes[code] = _Code(
            client_id, redirect_uri, realm_id, " ".join(sorted(scopes)), self.clock() + CODE_TTL
        )
        return HttpAnswer(
            302,
            None,
            _with_query(redirect_uri, {"code": code, "state": state, "realmId": realm_id}),
        )

    # -- token endpoint ------------------------------------------------------------------------

    def _authenticate(
        self, authorization: str | None, form: Mapping[str, str]
    ) -> OAuthClient | None:
        client_id = secret = None
        if authorization and authorization.lower().startswith("basic "):
            try:
                raw = base64.b64decode(authorization[6:].strip(), validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                return None
            client_id, _, secret = raw.partition(":")
        elif "client_id" in form:  # client_secret_post, listed in the discovery document
            client_id, secret = form.get("client_id"), form.get("client_secret")
        client = self.clients.get(client_id or "")
        if client is None or not secrets.compare_digest(client.client_secret, secret or ""):
            return None
        return client

    def token(
        self,
        form: Mapping[str, str],
        *,
        authorization: str | None,
        content_type: str,
        include_hard_expiry: bool = False,
    ) -> HttpAnswer:
        if not content_type.lower().startswith("application/x-www-form-urlencoded"):
            return _oauth_error(400, "invalid_request", "body must be form-encoded")
        client = self._authenticate(authorization, form)
        if client is None:
            return _oauth_error(
                401,
                "invalid_client",
                "client authentication failed",
                {"WWW-Authenticate": 'Basic realm="Intuit"'},
            )
        grant_type = form.get("grant_type", "")
        now = self.clock()
        if grant_type == "authorization_code":
            code = self._codes.pop(form.get("code", ""), None)  # single use, even on failure
            if code is None or code.client_id != client.client_id or code.expires_at <= now:
                return _oauth_error(400, "invalid_grant", "authorization code invalid or used")
            if form.get("redirect_uri", "") != code.redirect_uri:
                return _oauth_error(400, "invalid_grant", "redirect_uri does not match")
            refresh = self._new_refresh(client.client_id, code.realm_id, code.scope)
            return self._token_answer(refresh, include_hard_expiry)
        if grant_type == "refresh_token":
            old_token = form.get("refresh_token", "")
            old = self._refresh.get(old_token)
            if old is None or old.client_id != client.client_id or old.expires_at <= now:
                return _oauth_error(
                    400, "invalid_grant", "refresh token invalid, expired or rotated"
                )
            del self._refresh[old_token]  # rotation: the old token dies at once
            self.refresh_count += 1
            refresh = self._new_refresh(client.client_id, old.realm_id, old.scope)
            return self._token_answer(refresh, include_hard_expiry)
        return _oauth_error(400, "unsupported_grant_type", f"grant_type {grant_type!r}")

    def _token_answer(self, refresh_token: str, include_hard_expiry: bool) -> HttpAnswer:
        grant = self._refresh[refresh_token]
        now = self.clock()
        body: dict[str, Any] = {
            "token_type": "bearer",
            "expires_in": self.access_token_ttl,
            "refresh_token": refresh_token,
            "x_refresh_token_expires_in": int(grant.expires_at - now),
            "access_token": self._new_access(grant.client_id, grant.realm_id),
        }
        if "openid" in grant.scope.split():
            claims = {"realmid": grant.realm_id, "aud": [grant.client_id], "sub": "sandbox-user"}
            body["id_token"] = ".".join(
                [
                    _b64url(json.dumps({"alg": "none"}).encode()),
                    _b64url(json.dumps(claims).encode()),
                    "",
                ]
            )
        if include_hard_expiry:
            body["x_refresh_token_hard_expires_in"] = int(grant.hard_expires_at - now)
        return HttpAnswer(200, body)

    def revoke(self, token: str, *, authorization: str | None) -> HttpAnswer:
        """Revoke a refresh token (and the connection's access tokens) or one access token."""
        client = self._authenticate(authorization, {})
        if client is None:
            return _oauth_error(401, "invalid_client", "client authentication failed")
        grant = self._refresh.pop(token, None)
        if grant is not None:
            for key in [
                k
                for k, a in self._access.items()
                if a.realm_id == grant.realm_id and a.client_id == grant.client_id
            ]:
                del self._access[key]
        else:
            self._access.pop(token, None)
        return HttpAnswer(200, None)

    # -- API check -----------------------------------------------------------------------------

    def check_access(self, authorization: str | None) -> AccessGrant | str:
        """The grant behind a Bearer header, or the ``detail`` text of the 401."""
        if not authorization or not authorization.startswith("Bearer "):
            return "Authorization header missing or not Bearer"
        token = authorization[7:].strip()
        grant = self._access.get(token)
        if grant is None:
            return f"Token invalid: {token[:50]}"
        if grant.expires_at <= self.clock():
            return f"Token expired: {token[:50]}"
        return grant
