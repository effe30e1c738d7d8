"""Normalisers: the one spelling of a SKU and of a product name that the matcher compares.

Books and shops spell the same thing many ways ("TSH-BLK-M", "tsh blk m", "TSHBLKM";
"Organic Tee (Black / M)", "organic tee - blk/m", "Organic Tee Black M"). Every comparison in
the matcher goes through these functions on both sides, so a difference that only lies in
case, accents, punctuation, separators, common abbreviations or the way units, pack counts
and money are written never costs a point, while every real word still does.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from workbench.domain.matching.vocab import ABBREVIATIONS, PLURALS, STOPWORDS, UNITS

_SKU_JUNK = re.compile(r"[\s\-_./]+")
_APOSTROPHES = re.compile(r"['’‘`´]")
_DIGIT = re.compile(r"\d")
_MONEY = re.compile(r"[$£€]\s*(\d+(?:\.\d+)?)|(\d+(?:\.\d{2})?)\s*(?:usd|dollars?|eur|euros?|gbp)\b")
_UNIT_WORDS = "|".join(sorted((re.escape(u) for u in UNITS), key=len, reverse=True))
_MEASURE = re.compile(
    r"(?<![\w.])(\d+(?:\.\d+)?)\s*-?\s*(fl\.?\s*oz|fluid\s*ounces?|" + _UNIT_WORDS + r")\.?(?!\w)"
)
_PACK = re.compile(
    r"\b(?:pack|pk|set|box|case|bundle|bag|tin|lot|carton|pkg)s?\s*of\s*(\d+)\b"
    r"|(?<![\w.])(\d+)\s*-?\s*(?:pack|pk|pcs?|pieces?|ct|count|pkg)s?(?!\w)"
)
_DIMENSION = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s*[x×]\s*(\d+(?:\.\d+)?)(?![\d.])")
_PHRASES = (
    (re.compile(r"\bt[\s-]?shirts?\b"), " tshirt "),
    (re.compile(r"\b(?:xxx|3x|extra[\s-]?extra[\s-]?extra)[\s-]?large\b"), " xxxl "),
    (re.compile(r"\b(?:xx|2x|extra[\s-]?extra)[\s-]?large\b"), " xxl "),
    (re.compile(r"\b(?:extra|x)[\s-]?large\b"), " xl "),
    (re.compile(r"\b(?:extra|x)[\s-]?small\b"), " xs "),
    (re.compile(r"\bone[\s-]?size(?:\s*fits\s*(?:all|most))?\b"), " onesize "),
    (re.compile(r"\bgift[\s-]?cards?\b"), " giftcard "),
)
_PHRASE_HINT = re.compile(r"shirt|large|small|size|gift")
_TOKEN = re.compile(
    r"(?<![^\W_])(?:xxs|xs|s|m|l|xl|xxl|xxxl)/(?:s|m|l|xl|xxl|xxxl)(?![^\W_])"  # S/M, L/XL
    r"|\$\d+(?:\.\d+)?"  # money, already rewritten as $25
    r"|\d+(?:\.\d+)?(?:x\d+(?:\.\d+)?)?[^\W\d_]*"  # 12oz, 2.5l, 8x10, 6pk, 10
    r"|[^\W\d_][^\W_]*"  # words and codes: tote, a5, nos15
)


def fold(text: str) -> str:
    """Case- and accent-free text: "Zoë's CAFÉ" → "zoe's cafe"."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def normalise_sku(sku: str | None) -> str:
    """The SKU with case, spaces and ``-_./`` gone: "tsh-blk m" → "TSHBLKM".

    SKUs are codes, not words: token scorers see "TSH-BLK-M" and "TSHBLKM" as different
    (token_set 50), so they get their own exact normaliser instead.
    """
    if not sku:
        return ""
    return _SKU_JUNK.sub("", fold(sku)).upper()


def sku_parts(sku: str | None) -> tuple[str, ...]:
    """The pieces of a SKU between its separators ("TSH-BLK-M" → tsh, blk, m), for the index."""
    if not sku:
        return ()
    return tuple(part for part in _SKU_JUNK.split(fold(sku)) if part)


def _number(text: str) -> str:
    """"25.00" → "25", "2.50" → "2.5", "007" → "7": one spelling per value."""
    whole, dot, fraction = text.partition(".")
    fraction = fraction.rstrip("0")
    whole = whole.lstrip("0") or "0"
    return f"{whole}.{fraction}" if fraction else whole


def _money(match: re.Match[str]) -> str:
    return f" ${_number(match.group(1) or match.group(2))} "


def _measure(match: re.Match[str]) -> str:
    unit = re.sub(r"[\s.]", "", match.group(2))
    if unit.startswith(("fl", "fluid")):
        unit = "oz"
    return f" {_number(match.group(1))}{UNITS[unit][0]} "


def _pack(match: re.Match[str]) -> str:
    return f" {_number(match.group(1) or match.group(2))}pk "


def _dimension(match: re.Match[str]) -> str:
    return f" {_number(match.group(1))}x{_number(match.group(2))} "


def _canonical(token: str) -> str:
    token = ABBREVIATIONS.get(token, token)
    if token in PLURALS:
        return PLURALS[token]
    if (
        len(token) >= 4
        and token[-1] == "s"
        and token[-2] not in "su'"
        and not token.endswith("is")
        and token.isascii()
        and token.isalpha()
    ):
        return ABBREVIATIONS.get(token[:-1], token[:-1])
    return token


@lru_cache(maxsize=200_000)
def tokens(text: str) -> tuple[str, ...]:
    """The words of a name, each in its one spelling, in their original order.

    "Beeswax Candle (Lavender, 8 oz.)" → beeswax candle lavender 8oz;
    "Gift Card - $25.00" → giftcard $25; "T-Shirt Pack of 6 / XL" → tshirt 6pk xl.
    Punctuation separates words and is then gone, so "Title - Variant", "Title (Variant)" and
    "Title / Variant" all read the same. Cached: titles and option values repeat a lot.
    """
    text = _APOSTROPHES.sub("", fold(text))
    if _DIGIT.search(text):
        text = _MONEY.sub(_money, text)
        text = _MEASURE.sub(_measure, text)
        text = _PACK.sub(_pack, text)
        text = _DIMENSION.sub(_dimension, text)
    if _PHRASE_HINT.search(text):
        for pattern, replacement in _PHRASES:
            text = pattern.sub(replacement, text)
    out = []
    for raw in _TOKEN.findall(text):
        token = _canonical(raw)
        if token not in STOPWORDS:
            out.append(token)
    return tuple(out)


def leaf(name: str) -> str:
    """The last part of a QBO ``Parent:Child`` name: the item's own name."""
    return name.rsplit(":", 1)[-1].strip()


def parent_path(fully_qualified_name: str) -> str:
    """Everything before the leaf of a ``Parent:Child`` name ("" for a top-level item)."""
    head, _, _ = fully_qualified_name.rpartition(":")
    return head.replace(":", " ")


def variant_options(variant_title: str | None) -> tuple[str, ...]:
    """Shopify joins option values with " / "; "Default Title" means the product has none."""
    if not variant_title or variant_title.strip().lower() == "default title":
        return ()
    return tuple(part.strip() for part in variant_title.split(" / ") if part.strip())
