"""The books' QBO emulator served over real HTTP on 127.0.0.1, for committers in other
processes (or threads with their own connections) to talk to."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import uvicorn

from workbench.sandbox.qbo_emulator import QboEmulator, create_app
from workbench.sandbox.serve import free_port


@dataclass
class Served:
    url: str
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def serve_qbo(emulator: QboEmulator) -> Served:
    port = free_port()
    config = uvicorn.Config(
        create_app(emulator), host="127.0.0.1", port=port, log_level="error", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the QBO emulator did not start on loopback")
        time.sleep(0.02)
    return Served(f"http://127.0.0.1:{port}", server, thread)
