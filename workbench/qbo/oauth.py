"""Intuit's OAuth 2.0 endpoints: the authorize URL, the code exchange and the refresh grant.

Only the HTTP conversation lives here (reference §2): Basic client authentication, form-encoded
bodies, and errors turned into sentences that say what to do. Deciding *when* to refresh and
keeping the rotated token safe is :mod:`workbench.qbo.session`'s job.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx

from workbench.config import check_url
from workbench.qbo.errors import QboAuthError, QboError, scrub

SCOPE = "com.intuit.quickbooks.accounting"
TIMEOUT = httpx.Timeout(30.0, connect=10.0)
TRANSPORT_RETRIES = 2
log = logging.getLogger("workbench.qbo.oauth")


@dataclass(frozen=True)
class TokenResponse:
    """The token endpoint's answer (``fixtures/qbo/oauth_token_response.json``)."""

    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_in: float
    refresh_expires_in: float | None
    hard_expires_in: float | None = None
    token_type: str = "bearer"

    @classmethod
    def from_json(cls, body: Mapping[str, Any]) -> TokenResponse:
        try:
            access = str(body["access_token"])
            refresh = str(body["refresh_token"])
        except KeyError as exc:
            raise QboAuthError(f"the token answer has no {exc.args[0]}") from None

        def seconds(key: str) -> float | None:
            value = body.get(key)
            return float(value) if value is not None else None

        return cls(
            access_token=access,
            refresh_token=refresh,
            expires_in=seconds("expires_in") or 3600.0,
            refresh_expires_in=seconds("x_refresh_token_expires_in"),
            hard_expires_in=seconds("x_refresh_token_hard_expires_in"),
            token_type=str(body.get("token_type") or "bearer"),
        )


@dataclass(frozen=True)
class OAuthErrorBody:
    """``{"error", "error_description"}`` (``fixtures/qbo/oauth_token_error_response.json``)."""

    error: str
    description: str

    @classmethod
    def from_json(cls, body: Any) -> OAuthErrorBody | None:
        if not isinstance(body, Mapping) or "error" not in body:
            return None
        return cls(str(body["error"]), scrub(str(body.get("error_description") or "")))


@dataclass(frozen=True)
class Discovery:
    """The OpenID discovery document: where the authorize, token and revoke endpoints are."""

    authorization_endpoint: str
    token_endpoint: str
    revocation_endpoint: str | None = None
    issuer: str | None = None

    @classmethod
    def from_json(cls, body: Mapping[str, Any]) -> Discovery:
        return cls(
            authorization_endpoint=str(body["authorization_endpoint"]),
            token_endpoint=str(body["token_endpoint"]),
            revocation_endpoint=body.get("revocation_endpoint"),
            issuer=body.get("issuer"),
        )


class InvalidGrant(QboAuthError):
    """The refresh token (or code) is dead: rotated out, expired or revoked."""


class IntuitOAuth:
    """One app's client credentials against Intuit's authorize and token endpoints."""

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        token_url: str,
        authorize_url: str,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client_id = client_id
        self._secret = client_secret
        self.token_url = check_url(token_url, what="the QuickBooks token URL")
        self.authorize_endpoint = check_url(authorize_url, what="the QuickBooks authorize URL")
        self._sleep = sleep
        self._http = httpx.Client(transport=transport, timeout=TIMEOUT)
        self.calls = 0

    def __repr__(self) -> str:
        return f"IntuitOAuth(client_id={self.client_id!r}, token_url={self.token_url!r})"

    def close(self) -> None:
        self._http.close()

    def authorize_url(self, *, redirect_uri: str, state: str) -> str:
        query = urlencode(
            {
                "client_id": self.client_id,
                "response_type": "code",
                "scope": SCOPE,
                "redirect_uri": redirect_uri,
                "state": state,
            }
        )
        return f"{self.authorize_endpoint}?{query}"

    def exchange_code(self, code: str, *, redirect_uri: str) -> TokenResponse:
        return self._token(
            {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
        )

    def refresh(self, refresh_token: str) -> TokenResponse:
        return self._token({"grant_type": "refresh_token", "refresh_token": refresh_token})

    def _token(self, form: dict[str, str]) -> TokenResponse:
        headers = {
            "Accept": "application/json",
            "Content-Type": "application/x-www-form-urlencoded",
            "x-include-refresh-token-hard-expires-in": "true",
        }
        auth = httpx.BasicAuth(self.client_id, self._secret)
        for attempt in range(TRANSPORT_RETRIES + 1):
            try:
                self.calls += 1
                response = self._http.post(self.token_url, data=form, headers=headers, auth=auth)
            except httpx.TransportError as exc:
                # Retrying is harmless: if the first call did rotate the token, the retry gets
                # invalid_grant, which is what we would have to report anyway.
                if attempt == TRANSPORT_RETRIES:
                    raise QboError(
                        f"Intuit's token service did not answer ({type(exc).__name__}): check "
                        "the network, or WORKBENCH_QBO_TOKEN_URL"
                    ) from None
                self._sleep(1.0 + attempt)
                continue
            if response.status_code >= 500 and attempt < TRANSPORT_RETRIES:
                self._sleep(1.0 + attempt)
                continue
            return self._answer(response, form["grant_type"])
        raise AssertionError("unreachable")  # pragma: no cover

    def _answer(self, response: httpx.Response, grant: str) -> TokenResponse:
        tid = response.headers.get("intuit_tid")
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code == 200 and isinstance(body, Mapping):
            log.debug("token %s grant succeeded (intuit_tid %s)", grant, tid)
            return TokenResponse.from_json(body)
        error = OAuthErrorBody.from_json(body)
        name = error.error if error else f"HTTP {response.status_code}"
        log.warning("token %s grant refused: %s (intuit_tid %s)", grant, name, tid)
        if error and error.error == "invalid_grant":
            raise InvalidGrant(
                "QuickBooks no longer accepts the stored connection (invalid_grant: the refresh "
                "token expired, was revoked or was replaced): run `workbench connect qbo`"
                if grant == "refresh_token"
                else "Intuit refused the authorization code (invalid_grant): it expired or was "
                "already used; run `workbench connect qbo` again"
            )
        if response.status_code == 401 or (error and error.error == "invalid_client"):
            raise QboAuthError(
                "Intuit refused the app's credentials (invalid_client): check "
                "WORKBENCH_QBO_CLIENT_ID and WORKBENCH_QBO_CLIENT_SECRET"
            )
        detail = f"{name}: {error.description}" if error and error.description else name
        raise QboAuthError(f"Intuit's token service refused the request ({detail})")
