"""A labelled matching set: a Shopify catalogue and the QBO item list a bookkeeper keyed for it.

Every label comes from how the data was built: when an item is entered *for* a variant, that
variant's truth is the item's Id; when a variant's item is never entered (or only an inactive
one exists), its truth is None. Nothing here asks the matcher anything, and the vocabulary and
abbreviations below are this module's own, written from how real books look, not copied from
the matcher's tables (some abbreviations here are deliberately ones the matcher does not know).

How the books differ from the shop, one habit per product (with per-variant noise on top):
SKU copied exactly or reformatted, an item named after the SKU, "Title - Variant",
"Title (Variant)", plain words, words reordered, abbreviated, shortened titles, misspellings,
``Parent:Child`` sub-items, vendor-prefixed names, one item for a whole product, gift-card
denominations; and, against all of them, decoys (sizes and volumes never sold, near-namesake
products, inactive "(deleted)" copies, parent items, services) and variants with no item.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from tests.domain.matching_data.words import (
    BIGGER,
    CODES,
    COLOURS,
    EXTRA_WORDS,
    FAMILIES,
    FLAVOURS,
    LINES,
    MATERIALS,
    NEAR_KEYS,
    OLD_LINES,
    ROASTS,
    SCENTS,
    SHORT,
    VENDORS,
    WRITTEN,
)
from workbench.domain.matching import Item, Product

HABITS = (
    ("sku", 14), ("sku_format", 7), ("sku_as_name", 5), ("name_dash", 10), ("name_paren", 7),
    ("name_plain", 8), ("reordered", 8), ("abbreviated", 9), ("short_title", 7),
    ("misspelt", 8), ("sub_item", 9), ("vendor_prefix", 4), ("one_item", 2), ("missing", 2),
    ("typed", 8), ("extra_words", 5), ("renamed", 3),
)  # fmt: skip


@dataclass(frozen=True)
class Case:
    product: Product
    truth: str | None  # the QBO Item Id the variant must map to, None if it has no item
    habit: str


@dataclass
class Dataset:
    cases: list[Case] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)

    @property
    def truth(self) -> dict[str, str | None]:
        return {case.product.key: case.truth for case in self.cases}


@dataclass
class _Variant:
    key: str
    options: tuple[str, ...]
    sku: str | None


class _Books:
    """The QBO item list: Ids in entry order, names unique the way QBO insists."""

    def __init__(self) -> None:
        self.items: list[Item] = []
        self.names: set[str] = set()

    def add(
        self,
        name: str,
        *,
        sku: str | None = None,
        parent: Item | None = None,
        active: bool = True,
        kind: str = "Inventory",
    ) -> Item | None:
        fqn = f"{parent.fully_qualified_name}:{name}" if parent else name
        if fqn.lower() in self.names:
            return None
        self.names.add(fqn.lower())
        item = Item(
            str(len(self.items) + 1), name, fqn, sku, active, parent.id if parent else None, kind
        )
        self.items.append(item)
        return item


def _axis(rng: random.Random, axis: object) -> tuple[str, ...]:
    if isinstance(axis, tuple):
        return axis
    if axis == "size":
        return tuple(rng.choice((("S", "M", "L", "XL"), ("XS", "S", "M", "L", "XL"))))
    pools = {"colour": COLOURS, "scent": SCENTS, "flavour": FLAVOURS, "roast": ROASTS}
    pool = pools[str(axis)]
    return tuple(rng.sample(pool, min(len(pool), rng.randint(2, 4))))


def _code(value: str) -> str:
    if value in CODES:
        return CODES[value]
    compact = value.replace(" ", "").replace("/", "").replace("-", "").upper()
    if len(compact) <= 5:
        return compact
    digits = "".join(ch for ch in compact if ch.isdigit())
    return compact[:3] + digits


def _typo(rng: random.Random, text: str) -> str:
    """One slip in one longer word: swapped, doubled or dropped letter."""
    words = text.split(" ")
    spots = [i for i, w in enumerate(words) if len(w) >= 6 and w.isalpha()]
    if not spots:
        return text
    i = rng.choice(spots)
    w = words[i]
    k = rng.randint(1, len(w) - 3)
    kind = rng.choice(("swap", "double", "drop", "near"))
    if kind == "near" and w[k].lower() in NEAR_KEYS:
        w = w[:k] + NEAR_KEYS[w[k].lower()] + w[k + 1 :]
    elif kind == "swap" and w[k] != w[k + 1]:
        w = w[:k] + w[k + 1] + w[k] + w[k + 2 :]
    elif kind == "drop":
        w = w[:k] + w[k + 1 :]
    else:
        w = w[: k + 1] + w[k:]
    words[i] = w
    return " ".join(words)


def _shorten(text: str) -> str:
    for long, short in SHORT.items():
        text = text.replace(long, short)
    return text


def _item_name(
    rng: random.Random, habit: str, title: str, short: str, opts: tuple[str, ...]
) -> str:
    joined = " / ".join(opts)
    words = " ".join(opts)
    if not opts:
        return {"short_title": short, "abbreviated": _shorten(title)}.get(habit, title)
    if habit in ("sku", "sku_format"):
        return rng.choice((f"{title} {words}", f"{short} {words}", f"{title} - {joined}"))
    if habit == "name_dash":
        return f"{title} - {joined}"
    if habit == "name_paren":
        return rng.choice((f"{title} ({joined})", f"{title} ({', '.join(opts)})"))
    if habit == "reordered":
        return rng.choice(
            (f"{opts[0]} {title} {' '.join(opts[1:])}", f"{title} {' '.join(reversed(opts))}")
        ).strip()
    if habit == "abbreviated":
        return _shorten(rng.choice((f"{title} {words}", f"{short} {words}")))
    if habit == "short_title":
        return f"{short} {words}"
    if habit == "misspelt":
        return _typo(rng, f"{title} {words}")
    if habit == "typed":
        spelled = [WRITTEN.get(o, o) if rng.random() < 0.5 else o for o in opts]
        text = rng.choice(
            (f"{title} {'/'.join(spelled)}", f"{title} - {'-'.join(spelled)}",
             f"{title}, {', '.join(spelled)}", f"{title} {' '.join(spelled)}")
        )  # fmt: skip
        if any(o in WRITTEN for o in opts) and rng.random() < 0.3:
            text = f"{title} Size {' '.join(spelled)}"
        return rng.choice((text.upper(), text.lower(), text))
    if habit == "extra_words":
        extra = rng.choice(EXTRA_WORDS)
        return rng.choice((f"{title} {words} {extra}", f"{extra} {title} {words}"))
    return f"{title} {words}"


def build(seed: int = 11, products: int = 300) -> Dataset:
    """``products`` Shopify products (≈5 variants each) and the books kept for them."""
    rng = random.Random(f"matching-dataset:{seed}")
    books = _Books()
    data = Dataset()
    for name, kind in (("Shipping", "Service"), ("Discount", "Service"), ("Gift Wrap", "Service")):
        books.add(name, kind=kind)
    books.add("Wholesale Mixed Case", kind="NonInventory")
    parents: dict[str, Item] = {}
    titles: set[str] = set()
    shorts: dict[str, int] = {}
    habits, weights = zip(*HABITS, strict=True)
    renamed: set[str] = set()
    variant_no = 40_000_000_000
    plan: list[tuple[str, str, str, str, tuple[tuple[str, ...], ...], str]] = []
    while len(plan) < products:
        base, axes, stem, category = rng.choice(FAMILIES)
        line = rng.choice(LINES)
        if products > 600 and rng.random() < 0.85:
            line = f"{line} {rng.choice(MATERIALS)}"
        title = f"{line} {base}"
        if title in titles:
            continue
        titles.add(title)
        shorts[base] = shorts.get(base, 0) + 1
        concrete = tuple(_axis(rng, axis) for axis in axes)
        plan.append((title, base, f"{stem}{len(plan) + 10}", category, concrete, line))
    for title, base, stem, category, axes, line in plan:
        habit = rng.choices(habits, weights)[0]
        if habit == "renamed" and base in renamed:
            habit = "name_plain"
        if habit == "renamed":
            # The shop renamed the product; the books still say the old name, no SKU. One
            # per kind of product: two renamed "Dog Collar" lines could not be told apart
            # by anyone, so their labels would test luck.
            renamed.add(base)
            title_in_books = f"{rng.choice(OLD_LINES)} {base}"
        else:
            title_in_books = title
        vendor = rng.choice(VENDORS)
        has_sku = habit in ("sku", "sku_format", "sku_as_name") or rng.random() < 0.6
        # A short title is only used when it still names one product: two "Crew Neck T-Shirt"
        # lines shortened to "Crew Neck Tee" would make the label a coin toss, not a test.
        short = _shorten(base) if shorts[base] == 1 else title
        combos: list[tuple[str, ...]] = [()]
        for axis in axes:
            combos = [(*c, v) for c in combos for v in axis]
        variants = []
        for opts in combos:
            variant_no += 1
            sku = "-".join((stem, *(_code(o) for o in opts))) if has_sku else None
            if sku is None and rng.random() < 0.3:
                sku = ""  # Shopify keeps a cleared SKU field as ""
            variants.append(_Variant(f"gid://shopify/ProductVariant/{variant_no}", opts, sku))
        truths = _enter(
            rng, books, parents, habit, title_in_books, short, category, vendor, axes, variants
        )
        assert line in title
        for variant in variants:
            product = Product(
                variant.key, variant.sku, title, " / ".join(variant.options) or None, vendor
            )
            if not variant.options and rng.random() < 0.5:
                product = Product(variant.key, variant.sku, title, "Default Title", vendor)
            data.cases.append(Case(product, truths.get(variant.key), habit))
    _gift_cards(rng, books, data)
    data.items = books.items
    return data


def _enter(
    rng: random.Random,
    books: _Books,
    parents: dict[str, Item],
    habit: str,
    title: str,
    short: str,
    category: str,
    vendor: str,
    axes: tuple[tuple[str, ...], ...],
    variants: list[_Variant],
) -> dict[str, str | None]:
    """Enter the product's items in the bookkeeper's habit; return variant key → item Id."""
    truth: dict[str, str | None] = {}
    if habit == "missing":
        return truth
    if habit == "one_item":
        item = books.add(title, kind="NonInventory")
        for variant in variants:
            truth[variant.key] = item.id if item else None
        return truth
    # Sub-items come two ways: under a category ("Hoodies:Canyon Pullover Hoodie Pink S"),
    # where the child must carry the product's name, or under the product itself
    # ("Canyon Pullover Hoodie:Pink S"), where the options alone name the child.
    parent: Item | None = None
    under_product = False
    if habit == "sub_item":
        under_product = rng.random() < 0.5 and bool(axes)
        if under_product:
            parent = books.add(title, kind="NonInventory")
        else:
            parent = parents.get(category) or books.add(category, kind="NonInventory")
            if parent is not None:
                parents[category] = parent
    for variant in variants:
        if rng.random() < 0.1:
            continue  # never entered
        opts = variant.options
        sku_field: str | None = None
        name = _item_name(rng, habit, title, short, opts)
        if habit == "sku" and variant.sku:
            sku_field = variant.sku
        elif habit == "sku_format" and variant.sku:
            sku_field = rng.choice(
                (variant.sku.lower(), variant.sku.replace("-", ""), variant.sku.replace("-", " "),
                 variant.sku.replace("-", "_"), variant.sku.replace("-", "."))
            )  # fmt: skip
        elif habit == "sku_as_name" and variant.sku:
            name = rng.choice((variant.sku, variant.sku.lower(), variant.sku.replace("-", "")))
        elif habit == "sub_item" and under_product:
            name = rng.choice((" ".join(opts), " / ".join(opts), f"{short} {' '.join(opts)}"))
        elif habit == "sub_item":
            name = f"{short} {' '.join(opts)}".strip()
        elif habit == "vendor_prefix":
            name = f"{vendor} {title} {' '.join(opts)}".strip()
        if rng.random() < 0.08:
            books.add(f"{name} (deleted)", sku=f"OLD-{sku_field}" if sku_field else None,
                      active=False)  # fmt: skip
        if rng.random() < 0.04:
            # Only a retired item exists: the variant has no usable item.
            books.add(name, sku=sku_field, active=False)
            continue
        item = books.add(name, sku=sku_field, parent=parent)
        truth[variant.key] = item.id if item else None
    _decoys(rng, books, habit, title, short, axes, parent)
    return truth


def _decoys(
    rng: random.Random,
    books: _Books,
    habit: str,
    title: str,
    short: str,
    axes: tuple[tuple[str, ...], ...],
    parent: Item | None,
) -> None:
    """Items nobody sells online but the books keep: a bigger size, an unsold colour."""
    if not axes or rng.random() < 0.4:
        return
    last = axes[-1][-1]
    bigger = BIGGER.get(last) or rng.choice([c for c in COLOURS if c not in axes[-1]] or ["Tan"])
    opts = (*(axis[0] for axis in axes[:-1]), bigger)
    name = _item_name(rng, "name_plain" if habit == "sub_item" else habit, title, short, opts)
    books.add(name, parent=parent)


def _gift_cards(rng: random.Random, books: _Books, data: Dataset) -> None:
    """Gift cards: one item per denomination, one of them never entered."""
    denominations = ("$10", "$25", "$50", "$100")
    missing = rng.choice(denominations)
    for value in denominations:
        key = f"gid://shopify/ProductVariant/{39_000_000_000 + int(value[1:])}"
        item = None
        if value != missing:
            item = books.add(rng.choice((f"Gift Card {value}", f"Gift Card - {value}.00")),
                             kind="Service")  # fmt: skip
        product = Product(key, None, "Gift Card", value, "Fernwood Supply Co.")
        data.cases.append(Case(product, item.id if item else None, "gift_card"))
