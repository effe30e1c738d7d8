"""Customers and ship-to regions: the people and places that decide names and sales tax.

The names deliberately include the ones that break naive code (an apostrophe, a diaeresis, a
backslash), because QBO queries and CSV exports both have to survive them.
"""

from __future__ import annotations

import random
import unicodedata
from decimal import Decimal

from workbench.sandbox.dataset import JSON
from workbench.sandbox.generator_base import Ids
from workbench.sandbox.generator_model import Region, TaxJurisdiction


def _region(state: str, city: str, ship_taxed: bool, *taxes: tuple[str, str]) -> Region:
    return Region(state, city, tuple(TaxJurisdiction(t, Decimal(r)) for t, r in taxes), ship_taxed)


HOME = _region(
    "NY", "Brooklyn", True,
    ("NY State Tax", "0.04"), ("New York City Tax", "0.045"),
    ("Metropolitan Commuter Transportation District", "0.00375"),
)  # fmt: skip
REGIONS: tuple[tuple[Region, float], ...] = (
    (HOME, 30.0),
    (_region("NY", "Buffalo", True, ("NY State Tax", "0.04"), ("Erie County Tax", "0.0475")), 5.0),
    (_region("CA", "Los Angeles", False, ("CA State Tax", "0.0725"),
             ("Los Angeles County District Tax", "0.0225")), 12.0),
    (_region("TX", "Austin", True, ("TX State Tax", "0.0625"), ("Austin City Tax", "0.01"),
             ("Austin MTA Transit Tax", "0.01")), 8.0),
    (_region("WA", "Seattle", True, ("WA State Tax", "0.065"),
             ("Seattle City Tax", "0.0385")), 6.0),
    (_region("NJ", "Newark", True, ("NJ State Tax", "0.06625")), 6.0),
    (_region("PA", "Philadelphia", True, ("PA State Tax", "0.06"),
             ("Philadelphia City Tax", "0.02")), 5.0),
    (_region("FL", "Miami", False, ("FL State Tax", "0.06"),
             ("Miami-Dade County Tax", "0.01")), 6.0),
    (_region("IL", "Chicago", False, ("IL State Tax", "0.0625"), ("Chicago City Tax", "0.0125"),
             ("Cook County Tax", "0.0175"),
             ("Regional Transportation Authority Tax", "0.01")), 6.0),
    (_region("OR", "Portland", False), 5.0),
    (_region("MT", "Bozeman", False), 2.0),
)  # fmt: skip

# (first, last) pairs that must exist: apostrophe, diaeresis, backslash, accents, hyphens.
SPECIAL_NAMES = (
    ("Siobhan", "O'Brien"),
    ("Zoë", "Kowalski"),
    ("Priya", "Patel\\Shah"),
    ("José", "Álvarez"),
    ("Mary-Kate", "O'Connell"),
    ("Lars", "Øberg"),
)
_FIRST = (
    "Emma",
    "Liam",
    "Olivia",
    "Noah",
    "Ava",
    "Ethan",
    "Mia",
    "Lucas",
    "Amara",
    "Kenji",
    "Fatima",
    "Diego",
    "Hannah",
    "Omar",
    "Grace",
    "Mateo",
    "Chloé",
    "Tariq",
    "Nora",
    "Samuel",
    "Aisha",
    "Felix",
    "Ines",
    "Wei",
    "Rosa",
    "Declan",
    "Leah",
    "Arjun",
)
_LAST = (
    "Smith",
    "Johnson",
    "Nguyen",
    "Garcia",
    "Brown",
    "Kim",
    "Patel",
    "Rossi",
    "Murphy",
    "Cohen",
    "Okafor",
    "Schmidt",
    "Haddad",
    "Silva",
    "Walsh",
    "Tanaka",
    "Dubois",
    "Moreau",
    "Fischer",
    "Lindqvist",
    "Reyes",
    "Adeyemi",
    "Kaur",
    "Novak",
)
_DOMAINS = ("example.com", "example.org", "mail.example.net")


def _email(first: str, last: str, salt: int) -> str:
    raw = unicodedata.normalize("NFKD", f"{first}.{last}".lower())
    local = "".join(c for c in raw if c.isascii() and (c.isalnum() or c == "."))
    return f"{local}{salt if salt else ''}@{_DOMAINS[salt % len(_DOMAINS)]}"


def build_customers(rng: random.Random, ids: Ids, count: int) -> list[JSON]:
    """Shopify customers: the special names first, then ordinary ones."""
    names = list(SPECIAL_NAMES)
    while len(names) < count:
        names.append((rng.choice(_FIRST), rng.choice(_LAST)))
    customers: list[JSON] = []
    for index, (first, last) in enumerate(names):
        salt = index if index >= len(SPECIAL_NAMES) else 0
        customers.append(
            {
                "id": ids.gid("Customer"),
                "displayName": f"{first} {last}",
                "firstName": first,
                "lastName": last,
                "email": _email(first, last, salt),
            }
        )
    return customers


def guest_email(rng: random.Random) -> str:
    return _email(rng.choice(_FIRST), rng.choice(_LAST), rng.randint(100, 999))
