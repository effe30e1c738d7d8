"""Proposals: the QuickBooks entry we would post for one Shopify record, and its review state.

The key is deterministic and versioned (``shopify:order:1001:v1``) because it is written into the
posted entry's PrivateNote: it is how we recognise our own work in QuickBooks forever after, so
it must never depend on anything but the Shopify id and the key format's version.
"""

from __future__ import annotations

import re
from enum import StrEnum

KEY_VERSION = 1
# Ids are Shopify's numeric legacy ids, or ``csv-…`` for records only a CSV export described.
_ID = r"(\d+|csv-[\w-]+)"
_KEY_RE = re.compile(rf"^shopify:(order|refund|payout):{_ID}:v(\d+)$")
# A key inside free text must stand alone: "shopify:order:10:v1" must not match inside
# "shopify:order:100:v1" or "xshopify:order:10:v12".
_KEY_IN_TEXT_RE = re.compile(rf"(?<![\w:])shopify:(order|refund|payout):{_ID}:v(\d+)(?![\w:])")


class SourceType(StrEnum):
    ORDER = "order"
    REFUND = "refund"
    PAYOUT = "payout"


class ProposalState(StrEnum):
    """Where a proposal is in review. ``needs_attention`` is pending with at least one flag."""

    PENDING = "pending"
    NEEDS_ATTENTION = "needs_attention"
    APPROVED = "approved"
    REJECTED = "rejected"
    POSTED = "posted"
    FAILED = "failed"
    LINKED = "linked"
    SKIPPED = "skipped"


def legacy_id(gid: str) -> str:
    """``gid://shopify/Order/42`` → ``42``; a bare number passes through."""
    return gid.rsplit("/", 1)[-1]


def proposal_key(source_type: SourceType, shopify_id: str, version: int = KEY_VERSION) -> str:
    return f"shopify:{source_type.value}:{legacy_id(shopify_id)}:v{version}"


def parse_key(key: str) -> tuple[SourceType, str, int]:
    match = _KEY_RE.match(key)
    if not match:
        raise ValueError(f"not a workbench key: {key!r} (expected shopify:order:<id>:v<n>)")
    return SourceType(match.group(1)), match.group(2), int(match.group(3))


def keys_in_text(text: str | None) -> list[tuple[SourceType, str, int]]:
    """Every workbench key written in a memo, as exact tokens (never a substring match)."""
    if not text:
        return []
    return [
        (SourceType(m.group(1)), m.group(2), int(m.group(3)))
        for m in _KEY_IN_TEXT_RE.finditer(text)
    ]
