"""The shapes the sandbox generator hands to the two emulators.

The generator speaks each vendor's own wire format (Shopify GraphQL node dicts, QBO JSON
entities) so that the emulators serve what the real services would, and the clients and
normalisers downstream are exercised exactly as in production. Nothing here is our domain
model: it is deliberately vendor-shaped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]


@dataclass
class ShopifyStore:
    """One Shopify shop as the Admin GraphQL API would describe it.

    ``orders`` hold Order node dicts whose connection fields (``lineItems``, ``shippingLines``,
    ``discountApplications``, and inside refunds ``refundLineItems``, ``refundShippingLines``,
    ``orderAdjustments``, ``transactions``) are plain lists: the emulator wraps them into
    Relay connections when a query asks for them.
    """

    shop: JSON
    orders: list[JSON] = field(default_factory=list)
    payouts: list[JSON] = field(default_factory=list)
    balance_transactions: list[JSON] = field(default_factory=list)
    disputes: list[JSON] = field(default_factory=list)
    access_token: str = "shpat_sandbox_token"
    client_id: str = "sandbox-shopify-client"
    client_secret: str = "sandbox-shopify-secret"


@dataclass
class QboCompany:
    """One QuickBooks Online company (realm) as the Accounting API v3 would return it.

    ``entities`` maps an entity name as QBO spells it ("Account", "Item", "TaxCode", "TaxRate",
    "PaymentMethod", "Customer", "Deposit", ...) to the list of its JSON objects, each with
    string ``Id`` and ``SyncToken``.
    """

    realm_id: str
    company_info: JSON
    preferences: JSON
    entities: dict[str, list[JSON]] = field(default_factory=dict)
    client_id: str = "sandbox-qbo-client"
    client_secret: str = "sandbox-qbo-secret"
    refresh_token: str = "sandbox-qbo-refresh-token"


@dataclass
class SandboxData:
    """A store and the company its books are kept in, generated together so they agree."""

    store: ShopifyStore
    company: QboCompany
    seed: int = 0
    # Ground truth for matching quality: Shopify variant GID -> QBO Item Id, or None where the
    # books hold no item for that variant. Only tests and benchmarks read it.
    item_truth: dict[str, str | None] = field(default_factory=dict)
