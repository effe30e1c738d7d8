"""The HTTP face of the Shopify emulator: Shopify's paths, headers, status codes and bodies.

``POST /admin/api/{version}/graphql.json`` with ``X-Shopify-Access-Token`` runs a query (HTTP
200 even when throttled, as Shopify does); ``POST /admin/oauth/access_token`` is the
client-credentials grant; ``GET /bulk/{name}`` serves bulk operation results behind signed
links. Anything else is a JSON 404.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from workbench.sandbox.shopify_emulator.engine import Engine
from workbench.sandbox.shopify_emulator.state import ShopifyEmulator

# Versions Shopify supports as of the reference (Oct 2026); older ones fall forward.
SUPPORTED_VERSIONS = (
    "2024-10",
    "2025-01",
    "2025-04",
    "2025-07",
    "2025-10",
    "2026-01",
    "2026-04",
    "2026-07",
    "2026-10",
)
_VERSION = re.compile(r"^(\d{4}-(0[1-9]|1[0-2])|unstable)$")
INVALID_TOKEN = {
    "errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"
}
MISSING_QUERY = {"errors": {"query": "Required parameter missing or invalid"}}
INVALID_CLIENT = {
    "error": "invalid_client",
    "error_description": (
        "Client authentication failed due to unknown client, no client authentication "
        "included, or unsupported authentication method."
    ),
}
UNSUPPORTED_GRANT = {
    "error": "unsupported_grant_type",
    "error_description": "The authorization grant type is not supported by the authorization "
    "server.",
}


STORAGE_MESSAGES = {
    "AccessDenied": "Access denied.",
    "SignatureDoesNotMatch": "The request signature we calculated does not match the signature "
    "you provided.",
    "ExpiredToken": "The provided token has expired.",
    "NoSuchKey": "The specified key does not exist.",
}


def served_version(requested: str) -> str:
    """The version Shopify answers with: the requested one, or the oldest still supported."""
    if requested == "unstable" or requested >= SUPPORTED_VERSIONS[0]:
        return requested
    return SUPPORTED_VERSIONS[0]


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    content = json.dumps(
        body, ensure_ascii=False, separators=(",", ":"), check_circular=False
    ).encode("utf-8")
    return Response(content, status_code=status, headers=headers, media_type="application/json")


async def _graphql(request: Request) -> Response:
    version = request.path_params["version"]
    if not _VERSION.match(version):
        return _json({"errors": "Not Found"}, 404)
    headers = {"X-Shopify-API-Version": served_version(version)}
    emulator: ShopifyEmulator = request.app.state.emulator
    token = request.headers.get("X-Shopify-Access-Token")
    if token is None or not emulator.token_valid(token):
        return _json(INVALID_TOKEN, 401, headers)
    raw = await request.body()
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    query: Any
    variables: Any = None
    operation_name: Any = None
    if content_type == "application/graphql":
        query = raw.decode("utf-8", errors="replace")
    else:
        try:
            payload = json.loads(raw or b"null")
        except (ValueError, UnicodeDecodeError):
            return _json(MISSING_QUERY, 400, headers)
        if not isinstance(payload, dict):
            return _json(MISSING_QUERY, 400, headers)
        query = payload.get("query")
        variables = payload.get("variables")
        operation_name = payload.get("operationName")
    if not isinstance(query, str) or not query.strip():
        return _json(MISSING_QUERY, 400, headers)
    if variables is not None and not isinstance(variables, dict):
        return _json(MISSING_QUERY, 400, headers)
    engine: Engine = request.app.state.engine
    body = engine.execute(
        query,
        variables,
        operation_name if isinstance(operation_name, str) else None,
        token=token,
        base_url=str(request.base_url),
    )
    return _json(body, 200, headers)


def _storage_error(code: str) -> Response:
    """A refused download, in the XML shape of the storage service Shopify's links point to."""
    body = (
        "<?xml version='1.0' encoding='UTF-8'?>"
        f"<Error><Code>{code}</Code><Message>{STORAGE_MESSAGES.get(code, code)}</Message></Error>"
    )
    status = 404 if code == "NoSuchKey" else 403
    return Response(body, status_code=status, media_type="application/xml")


async def _bulk_download(request: Request) -> Response:
    """A bulk result file, streamed. Signed links need no API token, as on Shopify."""
    emulator: ShopifyEmulator = request.app.state.emulator
    name = request.path_params["name"]
    found = emulator.bulk.open(
        name, request.query_params.get("expires"), request.query_params.get("signature")
    )
    if isinstance(found, str):
        return _storage_error(found)
    headers = {
        "Content-Length": str(found.size),
        "Content-Disposition": f'attachment; filename="bulk-{name.removesuffix(".jsonl")}.jsonl"',
    }
    return StreamingResponse(found.chunks(), headers=headers, media_type="application/jsonl")


async def _access_token(request: Request) -> Response:
    emulator: ShopifyEmulator = request.app.state.emulator
    raw = await request.body()
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    fields: dict[str, Any] = {}
    if content_type == "application/json":
        try:
            payload = json.loads(raw or b"null")
        except (ValueError, UnicodeDecodeError):
            payload = None
        if isinstance(payload, dict):
            fields = payload
    else:
        parsed = parse_qs(raw.decode("utf-8", errors="replace"))
        fields = {key: values[-1] for key, values in parsed.items()}
        for key, value in request.query_params.items():
            fields.setdefault(key, value)
    if fields.get("grant_type") != "client_credentials":
        return _json(UNSUPPORTED_GRANT, 400)
    client_id, client_secret = fields.get("client_id"), fields.get("client_secret")
    if not isinstance(client_id, str) or not isinstance(client_secret, str):
        return _json(INVALID_CLIENT, 400)
    issued = emulator.issue_token(client_id, client_secret)
    if issued is None:
        return _json(INVALID_CLIENT, 400)
    return _json(
        {"access_token": issued.token, "scope": emulator.scope, "expires_in": emulator.token_ttl}
    )


async def _not_found(request: Request, exc: Exception) -> Response:
    if isinstance(exc, HTTPException) and exc.status_code == 405:
        return _json({"errors": "Method Not Allowed"}, 405)
    return _json({"errors": "Not Found"}, 404)


def create_app(emulator: ShopifyEmulator) -> Starlette:
    """An ASGI app serving ``emulator``; ``app.state.emulator`` is the same object."""
    app = Starlette(
        routes=[
            Route("/admin/api/{version}/graphql.json", _graphql, methods=["POST"]),
            Route("/admin/oauth/access_token", _access_token, methods=["POST"]),
            Route("/bulk/{name}", _bulk_download, methods=["GET"]),
        ],
        exception_handlers={404: _not_found, 405: _not_found},
    )
    app.state.emulator = emulator
    app.state.engine = Engine(emulator)
    return app
