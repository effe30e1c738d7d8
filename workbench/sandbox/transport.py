"""Drive an ASGI app from synchronous httpx code, in-process.

httpx ships only an async ASGI transport; our clients are synchronous (they run in worker
threads). This transport owns one event loop on a daemon thread and hands each request to it,
so the emulators serve the real client code with no sockets and no per-request loop start-up.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from typing import Any

import httpx


class SyncASGITransport(httpx.BaseTransport):
    def __init__(self, app: Any, *, client: tuple[str, int] = ("127.0.0.1", 50000)) -> None:
        self._inner = httpx.ASGITransport(app=app, client=client)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="asgi-transport", daemon=True
        )
        self._closed = False
        self._thread.start()

    async def _send(self, request: httpx.Request) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        response = await self._inner.handle_async_request(request)
        content = await response.aread()
        await response.aclose()
        return response.status_code, list(response.headers.raw), content

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        forwarded = httpx.Request(
            request.method, request.url, headers=request.headers, content=body
        )
        if self._closed:
            raise httpx.ConnectError("the in-process emulator has been shut down", request=request)
        future = asyncio.run_coroutine_threadsafe(self._send(forwarded), self._loop)
        # Poll rather than block: a caller must not wait forever on a loop that was stopped
        # while its request was in flight (e.g. the app quit during a sync).
        while True:
            try:
                status, headers, content = future.result(timeout=0.1)
            except concurrent.futures.TimeoutError:
                if self._closed:
                    future.cancel()
                    raise httpx.ReadError(
                        "the in-process emulator shut down mid-request", request=request
                    ) from None
                continue
            return httpx.Response(status, headers=headers, content=content, request=request)

    def close(self) -> None:
        """Clients come and go (each ``with client:`` closes its transport); the emulator's
        loop lives until its owner calls :meth:`shutdown`."""

    def shutdown(self) -> None:
        self._closed = True
        if self._loop.is_running():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)
