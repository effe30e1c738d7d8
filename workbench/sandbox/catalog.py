"""The shop's products and the QBO items the bookkeeper keyed in for them, years apart.

Real books never mirror the store: items were typed by hand, abbreviated, misspelt, nested
under a parent, renamed "(deleted)" when retired, and some variants were never entered at
all. Each style below reproduces one of those habits so that the matcher is tested against
the mess it will meet, and the ground truth (variant → item) is recorded as it is built.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal

from workbench.sandbox.dataset import JSON
from workbench.sandbox.generator_base import Ids

SHOP_NAME = "Fernwood Supply Co."

# Styles of item naming, one per bookkeeping habit.
STYLES = ("sku", "sku_messy", "exact", "name", "name_paren", "abbrev", "misspelt", "parent")

_ABBREV = {
    "Black": "Blk",
    "White": "Wht",
    "Navy": "Nvy",
    "Heather Grey": "Hthr Gry",
    "Charcoal": "Char",
    "Mustard": "Mstd",
    "Forest Green": "Frst Grn",
    "Natural": "Nat",
    "Slate": "Slt",
    "Oatmeal": "Oatml",
    "Lavender": "Lav",
    "Cedar": "Cdr",
    "Olive": "Olv",
    "Rust": "Rst",
    "Sand": "Snd",
    "Cream": "Crm",
    "Sage": "Sg",
    "Indigo": "Indg",
}
_CODES = {
    "Black": "BLK", "White": "WHT", "Navy": "NVY", "Heather Grey": "HGR", "Charcoal": "CHR",
    "Mustard": "MUS", "Forest Green": "FGR", "Natural": "NAT", "Slate": "SLT",
    "Oatmeal": "OAT", "Lavender": "LAV", "Cedar": "CDR", "Olive": "OLV", "Rust": "RST",
    "Sand": "SND", "Cream": "CRM", "Sage": "SGE", "Indigo": "IND", "Small": "SM", "Large": "LG",
}  # fmt: skip


@dataclass(frozen=True)
class Spec:
    """One product as the merchant set it up, plus how the books treat it."""

    title: str
    vendor: str
    style: str
    stem: str | None
    price: str
    axes: tuple[tuple[str, ...], ...] = ()
    short: str = ""
    parent: str = ""
    extra: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    inactive: tuple[str, ...] = ()
    upcharge: tuple[tuple[str, str], ...] = ()
    taxable: bool = True
    shipping: bool = True
    item_type: str = "Inventory"
    item_name: str = ""
    gift_card: bool = False


@dataclass(frozen=True)
class Variant:
    gid: str
    product_gid: str
    product_title: str
    title: str | None
    options: tuple[str, ...]
    sku: str | None
    price: Decimal
    vendor: str
    taxable: bool
    requires_shipping: bool
    gift_card: bool


@dataclass
class Catalog:
    variants: list[Variant] = field(default_factory=list)
    sellable: list[Variant] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)
    gift_cards: list[Variant] = field(default_factory=list)
    wrap: Variant | None = None
    specs: dict[str, Spec] = field(default_factory=dict)


_HANDMADE = (
    Spec("Organic Cotton T-Shirt", "Fernwood Apparel", "sku", "TSH", "28.00",
         (("Black", "White", "Navy"), ("S", "M", "L", "XL")), short="Organic Tee",
         extra=("XXL",), missing=("Navy / XL",), upcharge=(("XL", "2.00"),)),
    Spec("Pullover Hoodie", "Fernwood Apparel", "parent", "HD", "64.00",
         (("Black", "Heather Grey"), ("S", "M", "L", "XL")), short="Hoodie", parent="Hoodies",
         extra=("XXL",), inactive=("Heather Grey / M",), upcharge=(("XL", "4.00"),)),
    Spec("Stoneware Mug", "Kiln & Co.", "sku", "MUG", "18.00", (("12oz", "16oz"),),
         short="Stoneware Mug", extra=("20oz",), missing=("12oz",),
         upcharge=(("16oz", "4.00"),)),
    Spec("Canvas Tote Bag", "Fernwood Apparel", "name", None, "24.00",
         (("Natural", "Black"),), item_type="NonInventory"),
    Spec("Merino Wool Beanie", "Fernwood Apparel", "abbrev", "BNE", "32.00",
         (("Charcoal", "Mustard", "Forest Green"),), short="Beanie"),
    Spec("Beeswax Candle", "Hollow Oak Candle Co.", "misspelt", "CNDL", "16.00",
         (("Lavender", "Cedar"), ("8oz", "16oz")), upcharge=(("16oz", "10.00"),)),
    Spec("Leather Notebook", "Paper Mill Goods", "sku_messy", "NB", "30.00", (("A6", "A5"),),
         short="Notebook Leather", extra=("A4",), upcharge=(("A5", "8.00"),)),
    Spec("Enamel Pin Set", "Paper Mill Goods", "exact", "PIN-SET", "12.00"),
    Spec("Linen Apron", "Fernwood Apparel", "name_paren", "APR", "42.00",
         (("Natural", "Slate"),), inactive=("Slate",)),
    Spec("Sticker Pack", "Paper Mill Goods", "none", "STK-PACK", "6.00"),
    Spec("Single Origin Coffee Beans", "Third Wave Goods", "sku", "COF", "17.00",
         (("12oz", "2lb"),), short="Coffee Beans", extra=("5lb",), taxable=False,
         upcharge=(("2lb", "22.00"),)),
    Spec("Chunky Knit Throw Blanket", "Hollow Oak Home", "parent", "THR", "89.00",
         (("Oatmeal", "Charcoal"),), short="Throw Blanket", parent="Home Goods"),
    Spec("Gift Wrapping", "Fernwood Supply Co.", "exact", "GIFTWRAP", "5.00", shipping=False,
         item_type="NonInventory", item_name="Gift wrap service"),
    Spec("Gift Card", SHOP_NAME, "giftcard", None, "0", (("$25", "$50", "$100"),),
         taxable=False, shipping=False, gift_card=True),
)  # fmt: skip

_ADJ = (
    "Classic",
    "Everyday",
    "Heritage",
    "Coastal",
    "Alpine",
    "Studio",
    "Field",
    "Harbor",
    "Meadow",
    "Summit",
    "Urban",
    "Vintage",
    "Northern",
    "Island",
)
_MATERIAL = (
    "Cotton",
    "Linen",
    "Wool",
    "Canvas",
    "Leather",
    "Bamboo",
    "Ceramic",
    "Oak",
    "Walnut",
    "Brass",
    "Copper",
    "Hemp",
    "Cork",
    "Denim",
)
_COLOURS = ("Black", "White", "Olive", "Rust", "Sand", "Cream", "Sage", "Indigo", "Navy")
_NOUNS: tuple[tuple[str, tuple[tuple[str, ...], ...], str], ...] = (
    ("Shirt", (("COL",), ("S", "M", "L", "XL")), "34.00"),
    ("Scarf", (("COL",),), "38.00"),
    ("Tumbler", (("12oz", "20oz"),), "24.00"),
    ("Wallet", (("COL",),), "46.00"),
    ("Cap", (("COL",),), "26.00"),
    ("Socks", (("COL",), ("S/M", "L/XL")), "14.00"),
    ("Journal", (("A5", "A6"),), "22.00"),
    ("Serving Board", (("Small", "Large"),), "48.00"),
    ("Water Bottle", (("500ml", "750ml"),), "29.00"),
    ("Keychain", (), "9.00"),
    ("Art Print", (("8x10", "11x14"),), "25.00"),
)


# Decoys one size, volume or format up from the largest one sold.
_BIGGER = {
    "XL": "XXL",
    "20oz": "32oz",
    "750ml": "1L",
    "A6": "A4",
    "Large": "Extra Large",
    "11x14": "16x20",
    "L/XL": "XXL",
}


def _code(value: str) -> str:
    if value in _CODES:
        return _CODES[value]
    if value.startswith("$"):
        return value[1:]
    if value.isalpha() and len(value) > 3:
        return value[:3].upper()
    return value.upper().replace("/", "")


def _generated_specs(rng: random.Random, count: int) -> list[Spec]:
    """Extra products so that large data sets also carry large, varied catalogues."""
    specs: list[Spec] = []
    seen: set[str] = set()
    while len(specs) < count:
        noun, axes, price = rng.choice(_NOUNS)
        title = f"{rng.choice(_ADJ)} {rng.choice(_MATERIAL)} {noun}"
        if title in seen:
            title = f"{title} No. {len(specs) + 2}"
        seen.add(title)
        concrete = tuple(
            tuple(rng.sample(_COLOURS, rng.randint(2, 4))) if axis == ("COL",) else axis
            for axis in axes
        )
        stem = "".join(word[0] for word in title.split()).upper() + f"{len(specs) + 10:02d}"
        style = rng.choice((*STYLES, "sku", "sku", "name", "none"))
        short = " ".join(title.split()[-2:])
        extra: tuple[str, ...] = ()
        inactive: tuple[str, ...] = ()
        if concrete and rng.random() < 0.4:
            last = concrete[-1][-1]
            unsold = [c for c in _COLOURS if c not in concrete[-1]]
            extra = (_BIGGER.get(last) or rng.choice(unsold),)
        if concrete and rng.random() < 0.15:
            inactive = (" / ".join(axis[0] for axis in concrete),)
        specs.append(
            Spec(
                title,
                rng.choice(("Fernwood Apparel", "Hollow Oak Home", "Kiln & Co.")),
                style,
                None if style in ("name", "name_paren") and rng.random() < 0.5 else stem,
                price,
                concrete,
                short=short,
                parent=f"{noun}s" if style == "parent" else "",
                extra=extra,
                inactive=inactive,
            )
        )
    return specs


def build_catalog(rng: random.Random, ids: Ids, extra_products: int) -> Catalog:
    catalog = Catalog()
    for spec in (*_HANDMADE, *_generated_specs(rng, extra_products)):
        product_gid = ids.gid("Product")
        catalog.specs[product_gid] = spec
        combos: list[tuple[str, ...]] = [()]
        for axis in spec.axes:
            combos = [(*combo, value) for combo in combos for value in axis]
        upcharge = dict(spec.upcharge)
        for options in combos:
            price = Decimal(spec.price)
            for value in options:
                price += Decimal(upcharge.get(value, "0"))
            if spec.gift_card:
                price = Decimal(options[0][1:]).quantize(Decimal("0.01"))
            sku: str | None = None
            if spec.stem is not None:
                sku = "-".join((spec.stem, *(_code(v) for v in options)))
            elif not spec.gift_card and options and options[0] == spec.axes[0][0]:
                sku = ""  # Shopify keeps an emptied SKU field as "" and a never-set one as null.
            variant = Variant(
                gid=ids.gid("ProductVariant"),
                product_gid=product_gid,
                product_title=spec.title,
                title=" / ".join(options) if options else None,
                options=options,
                sku=sku,
                price=price,
                vendor=spec.vendor,
                taxable=spec.taxable,
                requires_shipping=spec.shipping,
                gift_card=spec.gift_card,
            )
            catalog.variants.append(variant)
            if spec.gift_card:
                catalog.gift_cards.append(variant)
            elif spec.title == "Gift Wrapping":
                catalog.wrap = variant
            else:
                catalog.sellable.append(variant)
                catalog.weights.append(rng.uniform(0.3, 3.0))
    return catalog


def _misspell(rng: random.Random, text: str) -> str:
    """One slip of the keyboard: two letters swapped or one doubled, in one longer word."""
    words = text.split(" ")
    candidates = [i for i, word in enumerate(words) if len(word) >= 5 and word.isalpha()]
    if not candidates:
        return text + "s"
    index = rng.choice(candidates)
    word = original = words[index]
    for _ in range(4):
        pos = rng.randint(1, len(original) - 3)
        if rng.random() < 0.5:
            word = original[:pos] + original[pos + 1] + original[pos] + original[pos + 2 :]
        else:
            word = original[:pos] + original[pos] + original[pos:]
        if word != original:
            break
    words[index] = word
    return " ".join(words)


def _messy_sku(rng: random.Random, sku: str) -> str:
    return rng.choice((sku.replace("-", ""), sku.lower(), sku.replace("-", " "), sku))


def _name_for(rng: random.Random, spec: Spec, options: tuple[str, ...]) -> tuple[str, bool]:
    """The item name the bookkeeper typed for these options, and whether it carries a Sku."""
    title_variant = " / ".join(options)
    words = " ".join(options)
    short = spec.short or spec.title
    style = spec.style
    if spec.item_name:
        return spec.item_name, False
    if style in ("sku", "sku_messy"):
        return f"{short} {words}".strip(), True
    if style == "exact":
        return (f"{spec.title} - {title_variant}" if options else spec.title), True
    if style == "name":
        return (f"{spec.title} - {title_variant}" if options else spec.title), False
    if style == "name_paren":
        return (f"{spec.title} ({title_variant})" if options else spec.title), False
    if style == "abbrev":
        return f"{short} {' '.join(_ABBREV.get(o, o) for o in options)}".strip(), False
    if style == "misspelt":
        return _misspell(rng, f"{spec.title} {words}".strip()), False
    return f"{short} {words}".strip(), rng.random() < 0.3  # parent style: the child's name


class ItemBook:
    """Builds the QBO Item list, keeping names unique the way QBO insists they are."""

    def __init__(self, rng: random.Random, refs: dict[str, JSON], meta: JSON) -> None:
        self.rng = rng
        self.refs = refs
        self.meta = meta
        self.items: list[JSON] = []
        self._names: set[str] = set()
        self._parents: dict[str, JSON] = {}

    def add(self, name: str, item_type: str, **extra: object) -> JSON | None:
        parent = extra.pop("parent", None)
        fqn = f"{parent['Name']}:{name}" if isinstance(parent, dict) else name
        if fqn.lower() in self._names:
            return None
        self._names.add(fqn.lower())
        item: JSON = {
            "Name": name,
            "FullyQualifiedName": fqn,
            "Active": True,
            "Type": item_type,
            "Taxable": True,
            "UnitPrice": 0,
            "TrackQtyOnHand": False,
            "SubItem": isinstance(parent, dict),
            "domain": "QBO",
            "sparse": False,
            "Id": str(len(self.items) + 1),
            "SyncToken": "0",
            "MetaData": dict(self.meta),
        }
        if isinstance(parent, dict):
            item["ParentRef"] = {"value": parent["Id"], "name": parent["Name"]}
            item["Level"] = 1
        item["IncomeAccountRef"] = dict(self.refs["income"])
        if item_type in ("Inventory", "NonInventory"):
            item["ExpenseAccountRef"] = dict(self.refs["cogs"])
        if item_type == "Inventory":
            item["AssetAccountRef"] = dict(self.refs["inventory"])
            item["TrackQtyOnHand"] = True
            item["QtyOnHand"] = self.rng.randint(0, 240)
            item["InvStartDate"] = self.meta["CreateTime"][:10]
        item.update(extra)
        self.items.append(item)
        return item

    def parent(self, name: str) -> JSON:
        found = self._parents.get(name)
        if found is None:
            found = self.add(name, "NonInventory", Description=f"{name} (all variants)")
            assert found is not None
            self._parents[name] = found
        return found

    def add_product(
        self, spec: Spec, variants: list[Variant], truth: dict[str, str | None]
    ) -> None:
        """Enter one product's items in the product's style and record which is right."""
        rng = self.rng
        parent = self.parent(spec.parent) if spec.style == "parent" else None
        for variant in variants:
            title = variant.title or ""
            if spec.style == "none" or title in spec.missing:
                truth[variant.gid] = None
                continue
            if spec.style not in ("sku", "exact", "parent") and rng.random() < 0.08:
                truth[variant.gid] = None  # the bookkeeper never got round to this one
                continue
            if title in spec.inactive:
                self._item_for(spec, variant.options, variant, parent, active=False)
            item = self._item_for(spec, variant.options, variant, parent, active=True)
            truth[variant.gid] = item["Id"] if item else None
        for value in spec.extra:
            options = (*(axis[0] for axis in spec.axes[:-1]), value)
            self._item_for(spec, options, None, parent, active=True)

    def _item_for(
        self,
        spec: Spec,
        options: tuple[str, ...],
        variant: Variant | None,
        parent: JSON | None,
        *,
        active: bool,
    ) -> JSON | None:
        rng = self.rng
        name, with_sku = _name_for(rng, spec, options)
        sku = variant.sku if variant else "-".join((spec.stem or "X", *map(_code, options)))
        price = variant.price if variant else Decimal(spec.price)
        extra: dict[str, object] = {
            "Description": f"{spec.title} {' '.join(options)}".strip(),
            "Taxable": spec.taxable,
            "UnitPrice": float(price if rng.random() > 0.1 else price - 2),
            "PurchaseCost": float((price * Decimal("0.42")).quantize(Decimal("0.01"))),
        }
        if with_sku and sku and spec.stem:
            extra["Sku"] = _messy_sku(rng, sku) if spec.style == "sku_messy" else sku
        if parent is not None:
            extra["parent"] = parent
        if not active:
            name = f"{name} (deleted)"
            extra["Active"] = False
            extra.pop("parent", None)
            if "Sku" in extra:
                extra["Sku"] = f"OLD-{extra['Sku']}"
        return self.add(name, spec.item_type, **extra)
