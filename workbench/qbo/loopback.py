"""A one-shot listener on 127.0.0.1 that receives Intuit's redirect after consent.

The browser is sent to ``http://127.0.0.1:<port>/callback?code=…&state=…&realmId=…``; the
listener answers with a short page, hands the parameters to the waiting flow and stops. It binds
to the loopback address only, so nothing on the network can deliver a code, and it gives up
after a timeout rather than hang a terminal forever.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlsplit

from workbench.qbo.errors import QboAuthError

CALLBACK_PATH = "/callback"
HOST = "127.0.0.1"
PAGE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>workbench</title></head><body>"
    "<p>{message}</p><p>You can close this window and return to the terminal.</p></body></html>"
)


@dataclass(frozen=True)
class Callback:
    """The redirect's query: ``code``, ``state``, ``realmId``, or ``error``."""

    code: str | None
    state: str | None
    realm_id: str | None
    error: str | None
    params: dict[str, str] = field(default_factory=dict, repr=False)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path != CALLBACK_PATH or self.server.result is not None:
            self.send_error(404)
            return
        params = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        self.server.result = Callback(
            code=params.get("code"),
            state=params.get("state"),
            realm_id=params.get("realmId"),
            error=params.get("error"),
            params=params,
        )
        message = (
            "QuickBooks refused the connection." if params.get("error") else "workbench got it."
        )
        body = PAGE.format(message=message).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.server.done.set()

    def log_message(self, format: str, *args: object) -> None:
        return  # the query holds the authorization code: never write it to stderr


class _Server(HTTPServer):
    def __init__(self, port: int) -> None:
        super().__init__((HOST, port), _Handler)
        self.result: Callback | None = None
        self.done = threading.Event()


class LoopbackListener:
    """Start it, give Intuit :attr:`redirect_uri`, then :meth:`wait` for the redirect."""

    def __init__(self, port: int = 0) -> None:
        try:
            self._server = _Server(port)
        except OSError as exc:
            raise QboAuthError(
                f"cannot listen on {HOST}:{port} for the QuickBooks redirect ({exc.strerror}); "
                "choose another port with --port"
            ) from None
        self.port = int(self._server.server_address[1])
        self._closed = False
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    @property
    def redirect_uri(self) -> str:
        return f"http://{HOST}:{self.port}{CALLBACK_PATH}"

    def wait(self, timeout: float) -> Callback:
        try:
            if not self._server.done.wait(timeout):
                raise QboAuthError(
                    f"no answer from the browser within {timeout:.0f} s: run "
                    "`workbench connect qbo` again and finish the consent in the browser"
                )
            assert self._server.result is not None
            return self._server.result
        finally:
            self.close()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> LoopbackListener:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
