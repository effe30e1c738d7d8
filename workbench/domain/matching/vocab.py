"""Word lists the normalisers and the vetoes share.

Kept apart from the code so that a bookkeeper's house abbreviations can be reviewed (and grown)
without reading the matcher. Every entry maps what people type in QBO item names to the one
spelling the matcher compares; both sides of a comparison go through the same table, so an
entry can never make two different words equal unless they really are the same thing.
"""

from __future__ import annotations

# Token → canonical token. Applied to single tokens after case and accent folding.
ABBREVIATIONS: dict[str, str] = {
    # colours
    "blk": "black", "blck": "black", "bk": "black",
    "wht": "white", "wh": "white", "wte": "white",
    "nvy": "navy",
    "gry": "grey", "gray": "grey", "gy": "grey",
    "hthr": "heather", "heathr": "heather", "htr": "heather",
    "char": "charcoal", "chrcl": "charcoal", "charc": "charcoal",
    "mstd": "mustard", "mstrd": "mustard",
    "grn": "green", "gn": "green",
    "frst": "forest",
    "nat": "natural", "ntrl": "natural", "natl": "natural",
    "slt": "slate",
    "oatml": "oatmeal", "oat": "oatmeal",
    "lav": "lavender", "lvndr": "lavender",
    "cdr": "cedar",
    "olv": "olive",
    "rst": "rust",
    "snd": "sand",
    "crm": "cream",
    "sg": "sage",
    "indg": "indigo", "ind": "indigo",
    "brn": "brown", "brwn": "brown",
    "rd": "red",
    "blu": "blue",
    "pnk": "pink",
    "prpl": "purple", "purp": "purple",
    "orng": "orange", "ornge": "orange",
    "ylw": "yellow", "yel": "yellow", "yllw": "yellow",
    "slv": "silver", "slvr": "silver",
    "gld": "gold",
    "burg": "burgundy", "brgndy": "burgundy",
    "trq": "turquoise", "turq": "turquoise",
    "colour": "color", "clr": "color",
    # sizes
    "sm": "small", "sml": "small", "smll": "small",
    "med": "medium", "md": "medium", "mdm": "medium",
    "lg": "large", "lrg": "large", "lge": "large",
    "xlg": "xl", "xlrg": "xl", "xlarge": "xl",
    "xxlarge": "xxl", "2xl": "xxl", "xxlg": "xxl",
    "3xl": "xxxl", "xxxlarge": "xxxl",
    "xsmall": "xs", "xsm": "xs",
    "sz": "size",
    # counts and quantities
    "qty": "quantity", "pck": "pack", "pk": "pack", "pkg": "pack", "pks": "pack",
    "pc": "piece", "pcs": "piece", "ct": "count",
    # product words people shorten
    "tee": "tshirt", "tees": "tshirt", "hoody": "hoodie", "sweatshirts": "sweatshirt",
    "lthr": "leather", "ctn": "cotton", "cttn": "cotton", "org": "organic",
    "asst": "assorted", "asstd": "assorted", "assrtd": "assorted",
    "btl": "bottle", "bttl": "bottle", "crd": "card", "gc": "giftcard",
    "ss": "shortsleeve", "ls": "longsleeve",
}  # fmt: skip

# Irregular plurals; regular ones lose their final "s" in the normaliser.
PLURALS: dict[str, str] = {
    "scarves": "scarf", "knives": "knife", "leaves": "leaf", "shelves": "shelf",
    "wolves": "wolf", "loaves": "loaf", "halves": "half", "boxes": "box", "glasses": "glass",
    "dresses": "dress", "brushes": "brush", "watches": "watch", "pouches": "pouch",
    "matches": "match", "candies": "candy", "berries": "berry", "accessories": "accessory",
}  # fmt: skip

# Words that carry no identity in an item name.
STOPWORDS = frozenset({"the", "and", "of", "with", "for", "a", "an", "by", "w", "in", "on", "to"})

# Dropped from the compared name once the attributes have been read ("Size M" is "M").
LABELS = frozenset({"size", "color"})

COLOURS = frozenset(
    {
        "black", "white", "navy", "grey", "charcoal", "mustard", "green", "natural", "slate",
        "oatmeal", "lavender", "olive", "rust", "sand", "cream", "sage", "indigo", "red",
        "blue", "yellow", "orange", "purple", "pink", "brown", "beige", "tan", "khaki",
        "ivory", "maroon", "burgundy", "teal", "turquoise", "gold", "silver", "bronze",
        "coral", "mint", "lilac", "plum", "camel", "taupe", "stone", "clay", "terracotta",
        "emerald", "ruby", "cobalt", "mauve", "peach", "rose", "blush", "fuchsia", "magenta",
        "aqua", "cyan", "lime", "chocolate", "mocha", "espresso", "ecru", "oyster", "pewter",
        "graphite", "smoke", "wine", "berry", "cherry",
        "multicolor", "clear", "transparent", "violet", "amber", "caramel", "cinnamon",
        "honey", "lemon", "pearl", "platinum", "rosegold", "seafoam", "sienna",
    }
)  # fmt: skip

# Two-word colours compared as one value ("heather grey" is not "grey").
COLOUR_PAIRS = frozenset(
    {
        ("heather", "grey"), ("forest", "green"), ("navy", "blue"), ("light", "blue"),
        ("dark", "blue"), ("light", "grey"), ("dark", "grey"), ("dark", "green"),
        ("light", "green"), ("off", "white"), ("rose", "gold"), ("sky", "blue"),
        ("olive", "green"), ("royal", "blue"), ("baby", "blue"), ("hot", "pink"),
        ("dusty", "rose"), ("army", "green"), ("burnt", "orange"), ("mint", "green"),
        ("heather", "navy"), ("heather", "black"), ("dark", "brown"), ("light", "pink"),
        ("pale", "pink"), ("steel", "blue"), ("sea", "green"), ("jet", "black"),
        ("bright", "white"), ("heather", "blue"), ("heather", "green"), ("dark", "red"),
    }
)  # fmt: skip

# Canonical size codes, in order; words and spellings people use for them.
SIZE_CODES = ("xxs", "xs", "s", "m", "l", "xl", "xxl", "xxxl", "xxxxl")
SIZE_WORDS: dict[str, str] = {
    "xxs": "XXS", "xs": "XS", "small": "S", "medium": "M", "large": "L", "xl": "XL",
    "xxl": "XXL", "xxxl": "XXXL", "xxxxl": "XXXXL", "4xl": "XXXXL", "onesize": "One Size",
    "os": "One Size", "petite": "Petite", "regular": "Regular", "tall": "Tall",
}  # fmt: skip
# Single letters are sizes only in context (a whole option, the end of a name, "size M").
SIZE_LETTERS: dict[str, str] = {"s": "S", "m": "M", "l": "L"}

# Units: spelling → (canonical unit, family, factor to the family's base unit).
# "oz" is weight or fluid depending on what it is compared with; see attributes.py.
UNITS: dict[str, tuple[str, str, float]] = {
    "oz": ("oz", "oz", 1.0), "ounce": ("oz", "oz", 1.0), "ounces": ("oz", "oz", 1.0),
    "floz": ("oz", "oz", 1.0),
    "lb": ("lb", "mass", 453.59237), "lbs": ("lb", "mass", 453.59237),
    "pound": ("lb", "mass", 453.59237), "pounds": ("lb", "mass", 453.59237),
    "g": ("g", "mass", 1.0), "gr": ("g", "mass", 1.0), "gram": ("g", "mass", 1.0),
    "grams": ("g", "mass", 1.0), "kg": ("kg", "mass", 1000.0), "kgs": ("kg", "mass", 1000.0),
    "kilo": ("kg", "mass", 1000.0), "kilos": ("kg", "mass", 1000.0),
    "kilogram": ("kg", "mass", 1000.0), "kilograms": ("kg", "mass", 1000.0),
    "ml": ("ml", "volume", 1.0), "milliliter": ("ml", "volume", 1.0),
    "millilitre": ("ml", "volume", 1.0), "milliliters": ("ml", "volume", 1.0),
    "millilitres": ("ml", "volume", 1.0), "cl": ("cl", "volume", 10.0),
    "l": ("l", "volume", 1000.0), "ltr": ("l", "volume", 1000.0),
    "liter": ("l", "volume", 1000.0), "litre": ("l", "volume", 1000.0),
    "liters": ("l", "volume", 1000.0), "litres": ("l", "volume", 1000.0),
    "in": ("in", "length", 25.4), "inch": ("in", "length", 25.4),
    "inches": ("in", "length", 25.4), "cm": ("cm", "length", 10.0),
    "mm": ("mm", "length", 1.0), "ft": ("ft", "length", 304.8),
    "feet": ("ft", "length", 304.8), "foot": ("ft", "length", 304.8),
}  # fmt: skip
OZ_AS_GRAMS = 28.349523125
OZ_AS_ML = 29.5735295625
