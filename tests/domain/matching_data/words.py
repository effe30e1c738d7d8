"""The vocabulary of the labelled matching set: what the shop sells and how books spell it.

Written from how real catalogues and QBO item lists look; deliberately *not* derived from the
matcher's own tables (workbench/domain/matching/vocab.py), so that the test measures the
matcher against books it has not seen. Some abbreviations here are ones it does not know.
"""

from __future__ import annotations

COLOURS = (
    "Black", "White", "Navy", "Heather Grey", "Charcoal", "Forest Green", "Olive", "Sand",
    "Rust", "Cream", "Burgundy", "Dusty Rose", "Sky Blue", "Mustard", "Red", "Pink",
)  # fmt: skip
SCENTS = (
    "Lavender", "Cedarwood", "Eucalyptus", "Vanilla", "Sandalwood", "Citrus", "Peppermint",
    "Fig", "Sea Salt", "Unscented", "Bergamot", "Tobacco",
)  # fmt: skip
FLAVOURS = ("Mint", "Honey", "Vanilla", "Cherry", "Coconut", "Grapefruit")
ROASTS = ("Whole Bean", "Ground")

# (title words, axes, SKU code stem, QBO category parent, item type)
# Axes: "colour", "size", "scent", "flavour", "roast", or a literal tuple of option values.
FAMILIES: tuple[tuple[str, tuple[object, ...], str, str], ...] = (
    ("Crew Neck T-Shirt", ("colour", "size"), "TEE", "T-Shirts"),
    ("V-Neck T-Shirt", ("colour", "size"), "VTEE", "T-Shirts"),
    ("Pullover Hoodie", ("colour", "size"), "HOOD", "Hoodies"),
    ("Zip Hoodie", ("colour", "size"), "ZHOOD", "Hoodies"),
    ("Crewneck Sweatshirt", ("colour", "size"), "SWT", "Sweatshirts"),
    ("Joggers", ("colour", "size"), "JOG", "Bottoms"),
    ("Leggings", ("colour", ("XS", "S", "M", "L")), "LEG", "Bottoms"),
    ("Tank Top", ("colour", "size"), "TNK", "Tops"),
    ("Flannel Shirt", ("colour", "size"), "FLN", "Shirts"),
    ("Rain Jacket", ("colour", ("S", "M", "L", "XL", "XXL")), "RJK", "Outerwear"),
    ("Baseball Cap", ("colour",), "CAP", "Hats"),
    ("Knit Beanie", ("colour",), "BNE", "Hats"),
    ("Crew Socks", ("colour", ("S/M", "L/XL")), "SCK", "Socks"),
    ("Wool Scarf", ("colour",), "SCF", "Accessories"),
    ("Work Gloves", (("S", "M", "L"),), "GLV", "Accessories"),
    ("Canvas Apron", ("colour",), "APR", "Kitchen"),
    ("Ceramic Mug", (("11oz", "15oz"),), "MUG", "Drinkware"),
    ("Travel Tumbler", (("12oz", "20oz", "30oz"), "colour"), "TMB", "Drinkware"),
    ("Water Bottle", (("500ml", "750ml", "1L"),), "BTL", "Drinkware"),
    ("Wine Glass Set", (("Set of 2", "Set of 4"),), "WGS", "Drinkware"),
    ("Coffee Beans", (("12oz", "2lb", "5lb"), "roast"), "COF", "Coffee"),
    ("Loose Leaf Tea", (("50g", "100g", "250g"),), "TEA", "Tea"),
    ("Maple Syrup", (("250ml", "500ml", "1L"),), "SYR", "Pantry"),
    ("Raw Honey", (("8oz", "16oz"),), "HNY", "Pantry"),
    ("Soy Candle", ("scent", ("8oz", "16oz")), "CDL", "Candles"),
    ("Reed Diffuser", ("scent", ("100ml", "200ml")), "DIF", "Home Fragrance"),
    ("Linen Napkins", ("colour", ("Set of 4", "Set of 6")), "NAP", "Table Linen"),
    ("Throw Pillow Cover", (("16x16", "18x18", "20x20"), "colour"), "PIL", "Home Decor"),
    ("Bath Towel", ("colour",), "TWL", "Bath"),
    ("Cutting Board", (("Small", "Medium", "Large"),), "CBD", "Kitchen"),
    ("Ceramic Planter", (("4in", "6in", "8in"), "colour"), "PLN", "Garden"),
    ("Dot Grid Notebook", (("A5", "A6"), "colour"), "NBK", "Stationery"),
    ("Art Print", (("8x10", "11x14", "16x20"),), "PRT", "Art"),
    ("Gel Pens", (("Pack of 6", "Pack of 12"),), "PEN", "Stationery"),
    ("Greeting Cards", (("Pack of 4", "Pack of 8"),), "GRC", "Stationery"),
    ("Bar Soap", ("scent", ("Single", "3-Pack")), "SOAP", "Bath"),
    ("Body Lotion", ("scent", ("8 fl oz", "16 fl oz")), "LOT", "Bath"),
    ("Lip Balm", ("flavour", ("Single", "3 Pack")), "LIP", "Bath"),
    ("Beard Oil", (("1oz", "2oz"),), "BRD", "Grooming"),
    ("Dog Collar", ("colour", ("S", "M", "L")), "DCL", "Pet"),
    ("Dog Treats", (("8oz", "16oz"),), "DTR", "Pet"),
    ("Canvas Sneaker", ("colour", ("7", "8", "9", "10", "11")), "SNK", "Shoes"),
    ("Enamel Pin", (), "PIN", "Accessories"),
    ("Sticker Sheet", (), "STK", "Stationery"),
    ("Tote Bag", ("colour",), "TOT", "Bags"),
    ("Wall Calendar 2026", (), "CAL26", "Stationery"),
)  # fmt: skip
LINES = (
    "Classic", "Heritage", "Everyday", "Essential", "Organic", "Recycled", "Trail", "Harbor",
    "Studio", "Alpine", "Coastal", "Meadow", "Summit", "Woodland", "Prairie", "Canyon",
    "Northern", "Island", "Vintage", "Urban", "Field", "Orchard", "Ridge", "Lakeside",
)  # fmt: skip
# A second word for large catalogues, so 4,000 products still have distinct titles.
MATERIALS = (
    "Cotton", "Linen", "Wool", "Hemp", "Bamboo", "Oak", "Walnut", "Cork", "Canvas", "Leather",
    "Ceramic", "Stoneware", "Copper", "Brass", "Denim", "Fleece", "Merino", "Recycled",
    "Organic", "Waxed", "Suede", "Velvet", "Jute", "Slate", "Marble", "Glass", "Steel",
)  # fmt: skip
VENDORS = ("Kiln & Co", "Hollow Oak", "Fernwood Apparel", "Third Wave", "Paper Mill Goods")

# How bookkeepers shorten words (some the matcher knows, some it does not).
SHORT = {
    "Black": "Blk", "White": "Wht", "Navy": "Nvy", "Heather Grey": "Hthr Gry",
    "Charcoal": "Chrcl", "Forest Green": "Frst Grn", "Olive": "Olv", "Burgundy": "Burg",
    "Mustard": "Mstrd", "Small": "Sm", "Medium": "Med", "Large": "Lg", "Lavender": "Lav",
    "Eucalyptus": "Euc", "Vanilla": "Van", "Peppermint": "Pepmt", "Sandalwood": "Sndlwd",
    "Whole Bean": "WB", "Ground": "Grnd", "Pack of 6": "6pk", "Pack of 12": "12pk",
    "Pack of 4": "4pk", "Pack of 8": "8pk", "Set of 2": "2pc", "Set of 4": "4pc",
    "Set of 6": "6pc", "3-Pack": "3pk", "3 Pack": "3pk", "T-Shirt": "Tee",
    "Notebook": "Ntbk", "Sweatshirt": "Swtshrt", "Organic": "Org", "Cotton": "Ctn",
    "Sneaker": "Snkr", "Collar": "Clr", "Diffuser": "Diff", "Tumbler": "Tmblr",
}  # fmt: skip
CODES = {"Heather Grey": "HGR", "Forest Green": "FGR", "Dusty Rose": "DRS", "Sky Blue": "SKB"}

# Words bookkeepers add that the shop never says.
EXTRA_WORDS = ("Unisex", "NEW", "(2024)", "- Retail", "Online", "Mens", "- Cotton", "Std")
# Product lines that no longer exist in the shop: a renamed product keeps its old QBO name.
OLD_LINES = ("Signature", "Original", "Premium", "Basic", "Legacy", "Standard")
# Sizes written out, the way some people type them.
WRITTEN = {"S": "Small", "M": "Medium", "L": "Large", "XL": "Extra Large", "XS": "X-Small"}
# Letters next to each other on a keyboard, for substitution slips.
NEAR_KEYS = {"a": "s", "e": "r", "i": "o", "o": "i", "n": "m", "r": "t", "t": "r", "s": "a",
             "l": "k", "c": "v", "u": "y", "d": "f", "m": "n", "h": "j", "g": "h"}  # fmt: skip


BIGGER = {"XL": "XXL", "XXL": "3XL", "L": "XL", "L/XL": "XXL", "30oz": "40oz", "1L": "2L",
           "5lb": "10lb", "250g": "500g", "16oz": "32oz", "20x20": "24x24", "16x20": "18x24",
           "8in": "10in", "Large": "Extra Large", "Pack of 12": "Pack of 24", "2oz": "4oz",
           "200ml": "500ml", "11": "12", "Set of 4": "Set of 8", "Set of 6": "Set of 8",
           "A6": "A4", "15oz": "20oz", "Pack of 8": "Pack of 12", "3-Pack": "6-Pack",
           "3 Pack": "6 Pack"}  # fmt: skip
