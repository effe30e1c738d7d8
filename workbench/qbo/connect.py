"""From settings to a working connection: the consent flow, the client factory, the status.

``connect`` runs the authorization-code flow once (browser → Intuit → loopback redirect → code
exchange) and stores what it gets. ``open_client`` is what every command uses afterwards; it
seeds the token store from WORKBENCH_QBO_REFRESH_TOKEN for headless use. Whatever is missing is
reported with the names of the variables to set.
"""

from __future__ import annotations

import secrets
import time
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from workbench.config import Settings
from workbench.qbo.client import QboClient
from workbench.qbo.errors import QboAuthError, QboConfigError, QboError
from workbench.qbo.loopback import LoopbackListener
from workbench.qbo.oauth import IntuitOAuth
from workbench.qbo.session import TokenManager
from workbench.qbo.tokens import TokenSet, open_token_store, stored_connection

CONSENT_TIMEOUT = 300.0


def _app_credentials(settings: Settings) -> tuple[str, str]:
    missing = [
        name
        for name, value in (
            ("WORKBENCH_QBO_CLIENT_ID", settings.qbo_client_id),
            ("WORKBENCH_QBO_CLIENT_SECRET", settings.qbo_client_secret),
        )
        if not value
    ]
    if missing:
        raise QboConfigError(
            f"QuickBooks needs the app's credentials: set {' and '.join(missing)} (from the "
            "Intuit developer portal, Keys & credentials)"
        )
    assert settings.qbo_client_id is not None and settings.qbo_client_secret is not None
    return settings.qbo_client_id, settings.qbo_client_secret.get_secret_value()


def intuit_oauth(
    settings: Settings, *, transport: httpx.BaseTransport | None = None
) -> IntuitOAuth:
    client_id, client_secret = _app_credentials(settings)
    return IntuitOAuth(
        client_id=client_id,
        client_secret=client_secret,
        token_url=settings.qbo_token_url,
        authorize_url=settings.qbo_authorize_url,
        transport=transport,
    )


def open_client(
    settings: Settings,
    *,
    transport: httpx.BaseTransport | None = None,
    wall_clock: Callable[[], float] = time.time,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> QboClient:
    """A client for the configured company, or QboConfigError saying what to set."""
    oauth = intuit_oauth(settings, transport=transport)
    store = open_token_store(settings.data_dir)
    tokens = stored_connection(settings, store)
    if tokens is None:
        raise QboConfigError(
            "QuickBooks is not connected: run `workbench connect qbo`, or set "
            "WORKBENCH_QBO_REFRESH_TOKEN and WORKBENCH_QBO_REALM_ID"
        )
    manager = TokenManager(store, oauth, clock=wall_clock)
    realm = settings.qbo_realm_id or tokens.realm_id
    return QboClient(
        settings.qbo_api_url, realm, manager, transport=transport, clock=clock, sleep=sleep
    )


def _open_browser(url: str) -> bool:
    try:
        return bool(webbrowser.open(url))
    except webbrowser.Error:
        return False


def connect(
    settings: Settings,
    *,
    transport: httpx.BaseTransport | None = None,
    open_browser: Callable[[str], bool] | None = _open_browser,
    echo: Callable[[str], None] = print,
    port: int = 0,
    timeout: float = CONSENT_TIMEOUT,
    wall_clock: Callable[[], float] = time.time,
) -> TokenSet:
    """The authorization-code flow, end to end; stores and returns the new connection.

    ``open_browser=None`` only prints the address (for machines without a browser).
    """
    oauth = intuit_oauth(settings, transport=transport)
    store = open_token_store(settings.data_dir)
    state = secrets.token_urlsafe(24)
    with LoopbackListener(port) as listener:
        redirect_uri = listener.redirect_uri
        url = oauth.authorize_url(redirect_uri=redirect_uri, state=state)
        echo("Approve workbench's access to your company in the browser. If no browser opens,")
        echo(f"open this address yourself (it is valid for {timeout / 60:.0f} minutes):")
        echo(f"  {url}")
        if open_browser is not None and not open_browser(url):
            echo("No browser could be opened here; use the address above on this machine.")
        answer = listener.wait(timeout)
    if answer.error:
        raise QboAuthError(
            f"QuickBooks did not grant access ({answer.error}); run `workbench connect qbo` "
            "again and choose Connect"
        )
    if not answer.state or not secrets.compare_digest(answer.state, state):
        raise QboAuthError(
            "the answer from the browser does not belong to this connection attempt (state "
            "mismatch); run `workbench connect qbo` again"
        )
    if not answer.code or not answer.realm_id:
        raise QboAuthError("the answer from the browser carries no code or company id")
    response = oauth.exchange_code(answer.code, redirect_uri=redirect_uri)
    tokens = TokenSet(
        realm_id=answer.realm_id, api_url=settings.qbo_api_url, refresh_token=""
    ).rotated(
        refresh_token=response.refresh_token,
        refresh_expires_in=response.refresh_expires_in,
        access_token=response.access_token,
        access_expires_in=response.expires_in,
        hard_expires_in=response.hard_expires_in,
        now=wall_clock(),
    )
    store.save(tokens)
    if settings.qbo_realm_id and settings.qbo_realm_id != answer.realm_id:
        echo(
            f"Note: you connected company {answer.realm_id}, but WORKBENCH_QBO_REALM_ID is "
            f"{settings.qbo_realm_id}; change or unset it."
        )
    return tokens


@dataclass(frozen=True)
class ConnectionStatus:
    realm_id: str | None
    company: str | None
    works: bool
    problem: str | None
    refresh_expires_at: datetime | None
    stored_in: str

    def describe(self) -> list[str]:
        lines = []
        if self.works:
            lines.append(f"Connected to {self.company} (company {self.realm_id}).")
        elif self.realm_id:
            lines.append(f"Not working: company {self.realm_id}: {self.problem}")
        else:
            lines.append(f"Not connected: {self.problem}")
        if self.refresh_expires_at is not None:
            lines.append(
                "The connection (refresh token) expires on "
                f"{self.refresh_expires_at.astimezone().strftime('%Y-%m-%d %H:%M %Z')}; "
                "every sync renews it."
            )
        elif self.realm_id:
            lines.append("When the connection expires is known after its first refresh.")
        lines.append(f"Stored in {self.stored_in}.")
        return lines


def status(
    settings: Settings,
    *,
    transport: httpx.BaseTransport | None = None,
    wall_clock: Callable[[], float] = time.time,
) -> ConnectionStatus:
    """Whether the connection works (one CompanyInfo call) and when it expires."""
    store = open_token_store(settings.data_dir)
    try:
        client = open_client(settings, transport=transport, wall_clock=wall_clock)
    except QboConfigError as exc:
        tokens = store.load()
        return ConnectionStatus(
            tokens.realm_id if tokens else None, None, False, str(exc), None, store.where
        )
    company: str | None = None
    problem: str | None = None
    try:
        with client:
            company = str(client.company_info().get("CompanyName") or "?")
    except QboError as exc:
        problem = str(exc)
    tokens = store.load()
    expires = (
        datetime.fromtimestamp(tokens.refresh_expires_at, UTC)
        if tokens and tokens.refresh_expires_at
        else None
    )
    return ConnectionStatus(
        client.realm_id, company, problem is None, problem, expires, store.where
    )
