"""QuickBooks Online Accounting API v3: OAuth 2.0, client, query builder, batch, faults, limits.

Follows reference/quickbooks-online.md. One module per job: ``errors`` (faults and hints),
``querylang`` (escaped statements), ``models`` (what QBO answers), ``entities`` (which write each
entity allows), ``batch``, ``limits`` (pacing and retry rules), ``tokens`` (where secrets live),
``oauth`` (Intuit's endpoints), ``session`` (refresh order), ``loopback`` (the redirect
listener), ``client`` (the API), ``refdata`` (what a sync reads), ``connect`` (from settings).
"""

from __future__ import annotations

from workbench.qbo.batch import BatchItem, BatchItemResult
from workbench.qbo.client import QboClient, derive_request_id
from workbench.qbo.errors import (
    QboAuthError,
    QboConfigError,
    QboError,
    QboFault,
    QboUnknownOutcome,
)
from workbench.qbo.models import CompanySettings, QboObject, QueryPage
from workbench.qbo.querylang import Select, quote

__all__ = [
    "BatchItem",
    "BatchItemResult",
    "CompanySettings",
    "QboAuthError",
    "QboClient",
    "QboConfigError",
    "QboError",
    "QboFault",
    "QboObject",
    "QboUnknownOutcome",
    "QueryPage",
    "Select",
    "derive_request_id",
    "quote",
]
