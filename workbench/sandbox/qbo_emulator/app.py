"""Starlette routes: Intuit's OAuth endpoints and the Accounting API under /v3/company/{realm}.

Both hosts of the reference (API and OAuth) are served by this one app, whatever the Host header.
Authentication and throttling happen here, before :func:`service.handle`; every response carries
an ``intuit_tid`` (and the recorded ``Intuit-Tid`` spelling) trace id.
"""

from __future__ import annotations

import uuid
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from . import faults, jsonio, service, timefmt
from .emulator import QboEmulator
from .faultplan import ResponseLost
from .oauth import HttpAnswer


def _tid() -> str:
    return f"1-{uuid.uuid4().hex[:8]}-{uuid.uuid4().hex[:24]}"


def _headers(extra: dict[str, str] | None = None) -> dict[str, str]:
    tid = _tid()
    out = {"intuit_tid": tid, "Intuit-Tid": tid}
    out.update(extra or {})
    return out


class _LostResponse(Response):
    """Starts the response, then fails: the write happened but the client never hears of it."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": self.status_code,
                "headers": self.raw_headers,
            }
        )
        raise ResponseLost("emulator fault plan: connection dropped after the write was applied")


def _emulator(request: Request) -> QboEmulator:
    em: QboEmulator = request.app.state.emulator
    return em


def _oauth_response(answer: HttpAnswer) -> Response:
    if answer.location is not None:
        return RedirectResponse(
            answer.location, status_code=answer.status, headers=_headers(answer.headers)
        )
    if answer.body is None:
        return Response(b"", status_code=answer.status, headers=_headers(answer.headers))
    return JSONResponse(answer.body, status_code=answer.status, headers=_headers(answer.headers))


async def authorize(request: Request) -> Response:
    em = _emulator(request)
    with em.lock:
        return _oauth_response(em.oauth.authorize(dict(request.query_params)))


async def token(request: Request) -> Response:
    em = _emulator(request)
    raw = await request.body()
    from urllib.parse import parse_qsl

    try:
        form = dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
    except UnicodeDecodeError:
        form = {}
    include_hard = request.headers.get("x-include-refresh-token-hard-expires-in", "").lower()
    with em.lock:
        answer = em.oauth.token(
            form,
            authorization=request.headers.get("authorization"),
            content_type=request.headers.get("content-type", ""),
            include_hard_expiry=include_hard == "true",
        )
    return _oauth_response(answer)


async def revoke(request: Request) -> Response:
    em = _emulator(request)
    try:
        payload: Any = jsonio.loads(await request.body())
    except jsonio.BodyError:
        payload = None
    if not isinstance(payload, dict) or not payload.get("token"):
        return JSONResponse(
            {"error": "invalid_request", "error_description": "token missing"},
            status_code=400,
            headers=_headers(),
        )
    with em.lock:
        answer = em.oauth.revoke(
            str(payload["token"]), authorization=request.headers.get("authorization")
        )
    return _oauth_response(answer)


async def discovery(request: Request) -> Response:
    """OpenID discovery (fixtures/qbo/oauth_openid_discovery.json) pointing at this app."""
    base = str(request.base_url).rstrip("/")
    return JSONResponse(
        {
            "issuer": "https://oauth.platform.intuit.com/op/v1",
            "authorization_endpoint": f"{base}/connect/oauth2",
            "token_endpoint": f"{base}/oauth2/v1/tokens/bearer",
            "revocation_endpoint": f"{base}/v2/oauth2/tokens/revoke",
            "response_types_supported": ["code"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        },
        headers=_headers(),
    )


async def api(request: Request) -> Response:
    em = _emulator(request)
    realm_id = request.path_params["realm_id"]
    now = em.wall_clock()
    with em.lock:
        grant = em.oauth.check_access(request.headers.get("authorization"))
    if isinstance(grant, str):
        epoch_ms = int(now.timestamp() * 1000)
        return Response(
            jsonio.dumps(faults.auth_body(grant, epoch_ms)),
            status_code=401,
            media_type="application/json",
            headers=_headers({"WWW-Authenticate": faults.WWW_AUTHENTICATE}),
        )
    if grant.realm_id != realm_id or realm_id not in em.realms:
        reply = service.fault_reply(em, faults.wrong_realm())
        return Response(
            reply.body, status_code=reply.status, media_type=reply.content_type, headers=_headers()
        )
    rest = request.path_params["rest"]
    with em.lock:
        admitted = em.limiter.admit(realm_id, batch=request.method == "POST" and rest == "batch")
    if not admitted:
        return Response(
            faults.throttle_xml(timefmt.body_time(now)),
            status_code=429,
            media_type="application/xml",
            headers=_headers(),
        )
    body = await request.body()
    api_request = service.ApiRequest(
        realm_id=realm_id,
        method=request.method,
        rest=rest,
        params=dict(request.query_params),
        body=body,
        full_url=str(request.url.replace(query="")),
    )
    with em.lock:
        reply = service.handle(em, api_request)
    response_class = _LostResponse if reply.lost else Response
    return response_class(
        reply.body,
        status_code=reply.status,
        media_type=None,
        headers=_headers({"Content-Type": reply.content_type}),
    )


async def not_found(request: Request) -> Response:
    return JSONResponse(
        {"error": "not_found", "path": request.url.path}, status_code=404, headers=_headers()
    )


def create_app(emulator: QboEmulator) -> Starlette:
    """The ASGI app; ``app.state.emulator`` is the live state tests inspect and steer."""
    methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]
    app = Starlette(
        routes=[
            Route("/connect/oauth2", authorize, methods=["GET"]),
            Route("/oauth2/v1/tokens/bearer", token, methods=["POST"]),
            Route("/v2/oauth2/tokens/revoke", revoke, methods=["POST"]),
            Route("/.well-known/openid_configuration", discovery, methods=["GET"]),
            Route("/.well-known/openid_sandbox_configuration", discovery, methods=["GET"]),
            Route("/v3/company/{realm_id}/{rest:path}", api, methods=methods),
            Route("/{anything:path}", not_found, methods=methods),
        ]
    )
    app.state.emulator = emulator
    return app
