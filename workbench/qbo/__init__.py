"""QuickBooks Online Accounting API v3: OAuth 2.0, client, query builder, batch, faults, limits.

Follows reference/quickbooks-online.md. One module per job: ``errors`` (faults and hints),
``querylang`` (escaped statements), ``models`` (what QBO answers), ``entities`` (which write each
entity allows), ``batch``, ``limits`` (pacing and retry rules), ``tokens`` (where secrets live),
``oauth`` (Intuit's endpoints), ``session`` (refresh order), ``loopback`` (the redirect
listener), ``client`` (the API), ``refdata`` (what a sync reads), ``connect`` (from settings).

Import the modules themselves: the package re-exports nothing, so that reading the token store
at start-up does not load the HTTP client.
"""
