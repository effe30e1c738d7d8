"""An emulator of Shopify's Admin GraphQL API (reference/shopify.md §1–3, §10).

``ShopifyEmulator`` holds the shop and everything tests may want to change or inspect;
``create_app`` serves it over ASGI with Shopify's paths, auth, cost and throttling; ``Engine``
runs the same GraphQL pipeline without HTTP. ``samples`` builds single nodes in the
generator's shape for tests that need a handful of orders rather than a whole shop.

Modules: ``schema.graphql`` (the SDL subset), ``engine`` (request pipeline), ``executor``
(compiled execution), ``resolvers``, ``paging`` (cursors, 250 cap), ``search`` (``query:``
syntax), ``cost`` (query cost, leaky bucket), ``errors`` (Shopify's error wording), ``state``
(indexes, tokens, buckets), ``wire`` (money, time and id formats), ``app`` (HTTP). Bulk
operations: ``bulk_query`` (Shopify's bulk rules, row plan), ``bulk_run`` (execution into
JSONL), ``bulk_ops`` (states on the clock, result files, signed links), ``bulk_resolvers``.
"""

from workbench.sandbox.shopify_emulator.app import create_app
from workbench.sandbox.shopify_emulator.engine import Engine, load_schema
from workbench.sandbox.shopify_emulator.state import ShopifyEmulator

__all__ = ["Engine", "ShopifyEmulator", "create_app", "load_schema"]
