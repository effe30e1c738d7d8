"""An emulator of the QuickBooks Online Accounting API v3 and Intuit's OAuth 2.0 endpoints.

Follows reference/quickbooks-online.md (§15 is its checklist) and is checked against the public
samples in fixtures/qbo/. Serve it in process with ``httpx.ASGITransport(create_app(emulator))``
or over real HTTP with uvicorn; inspect and steer it through the :class:`QboEmulator`.
"""

from __future__ import annotations

from .app import create_app
from .emulator import QboEmulator, StoredReply
from .faultplan import FaultPlan, ResponseLost
from .operations import AppliedWrite

__all__ = [
    "AppliedWrite",
    "FaultPlan",
    "QboEmulator",
    "ResponseLost",
    "StoredReply",
    "create_app",
]
