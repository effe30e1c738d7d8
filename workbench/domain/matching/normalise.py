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

from rapidfuzz.distance import OSA

from workbench.domain.matching.vocab import (
    ABBREVIATIONS,
    COLOUR_PAIRS,
    COLOURS,
    PLURALS,
    SIZE_WORDS,
    STOPWORDS,
    UNITS,
)

_SKU_JUNK = re.compile(r"[\s\-_./]+")
_SKU_DELETE = str.maketrans("", "", " \t\n\r-_./")
_DIGIT = re.compile(r"\d")
_UNIT_WORDS = "|".join(sorted((re.escape(u) for u in UNITS), key=len, reverse=True))
# Money, pack counts, dimensions and measures, rewritten to one token each ("$25", "6pk",
# "8x10", "12oz") before punctuation is dropped. One pattern, one pass.
_NUMERIC = re.compile(
    r"[$£€]\s*(?P<money>\d+(?:\.\d+)?)"
    r"|(?<![\w.])(?P<dollars>\d+(?:\.\d{2})?)\s*(?:usd|dollars?|eur|euros?|gbp)\b"
    r"|\b(?:pack|pk|set|box|case|bundle|bag|tin|lot|carton|pkg)s?\s*of\s*(?P<packof>\d+)\b"
    r"|(?<![\w.])(?P<width>\d+(?:\.\d+)?)\s*[x×]\s*(?P<height>\d+(?:\.\d+)?)(?![\d.])"
    r"|(?<![\w.])(?P<amount>\d+(?:\.\d+)?)\s*-?\s*"
    r"(?P<unit>fl\.?\s*oz|fluid\s*ounces?|" + _UNIT_WORDS + r")\.?(?!\w)"
    r"|(?<![\w.])(?P<count>\d+)\s*-?\s*(?:pack|pk|pcs?|pieces?|ct|count|pkg)s?(?!\w)"
)
_PHRASE = re.compile(
    r"\b(?:(?P<tshirt>t[\s-]?shirts?)"
    r"|(?P<xxxl>(?:xxx|3x|extra[\s-]?extra[\s-]?extra)[\s-]?large)"
    r"|(?P<xxl>(?:xx|2x|extra[\s-]?extra)[\s-]?large)"
    r"|(?P<xl>(?:extra|x)[\s-]?large)"
    r"|(?P<xs>(?:extra|x)[\s-]?small)"
    r"|(?P<onesize>one[\s-]?size(?:\s*fits\s*(?:all|most))?)"
    r"|(?P<giftcard>gift[\s-]?cards?))\b"
)
_PHRASE_HINT = re.compile(r"shirt|large|small|size|gift")
# Punctuation separates words; apostrophes join them ("men's" → "mens"). "$", "." and "/"
# survive the first pass because "$25", "2.5l" and "S/M" are single tokens.
_PUNCTUATION = str.maketrans(
    {**dict.fromkeys('!"#%&()*+,-:;<=>?@[\\]^_{|}~–—…•·«»“”', " "), **dict.fromkeys("'’‘`´")}
)
_COMPOUND_SIZE = re.compile(r"(?:xxs|xs|s|m|l|xl|xxl|xxxl)/(?:s|m|l|xl|xxl|xxxl)")
_DECIMAL = re.compile(r"\$?\d+\.\d+[^\W\d_]*|\$\d+")


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
    if sku.isascii():
        return sku.translate(_SKU_DELETE).upper()
    return "".join(fold(sku).translate(_SKU_DELETE).split()).upper()


def sku_parts(sku: str | None) -> tuple[str, ...]:
    """The pieces of a SKU between its separators ("TSH-BLK-M" → tsh, blk, m), for the index."""
    if not sku:
        return ()
    return tuple(part for part in _SKU_JUNK.split(fold(sku)) if part)


def _number(text: str) -> str:
    """ "25.00" → "25", "2.50" → "2.5", "007" → "7": one spelling per value."""
    whole, _, fraction = text.partition(".")
    fraction = fraction.rstrip("0")
    whole = whole.lstrip("0") or "0"
    return f"{whole}.{fraction}" if fraction else whole


def _numeric(match: re.Match[str]) -> str:
    found = match.groupdict()
    if found["money"] or found["dollars"]:
        return f" ${_number(found['money'] or found['dollars'])} "
    if found["packof"] or found["count"]:
        return f" {_number(found['packof'] or found['count'])}pk "
    if found["width"]:
        return f" {_number(found['width'])}x{_number(found['height'])} "
    unit = re.sub(r"[\s.]", "", found["unit"])
    if unit.startswith(("fl", "fluid")):
        unit = "oz"
    return f" {_number(found['amount'])}{UNITS[unit][0]} "


def _pieces(text: str) -> list[str]:
    """Split on whitespace; then on "/" and "." unless they belong to a size or a number."""
    words = text.split()
    if "/" not in text and "." not in text and "$" not in text:
        return words
    out: list[str] = []
    for word in words:
        if _COMPOUND_SIZE.fullmatch(word) or _DECIMAL.fullmatch(word):
            out.append(word)
            continue
        parts = word.replace(".", " ").replace("$", " ").replace("/", " ").split()
        i = 0
        while i < len(parts):
            pair = f"{parts[i]}/{parts[i + 1]}" if i + 1 < len(parts) else ""
            if "/" in word and _COMPOUND_SIZE.fullmatch(pair):
                out.append(pair)  # "black/l/xl": the L/XL inside is one size
                i += 2
            else:
                out.append(parts[i])
                i += 1
    return out


# Colour and size words are what the vetoes read, so a slip in one ("Lagre", "Blakc",
# "Laavender") is put right before anything else sees it. Only these words: correcting every
# word would turn "Skirt" into "Shirt".
_KNOWN = frozenset(
    word
    for word in (*COLOURS, *SIZE_WORDS, *(w for pair in COLOUR_PAIRS for w in pair))
    if len(word) >= 4
)
_KNOWN_DELETES: dict[str, set[str]] = {}
for _word in _KNOWN:
    for _key in (_word, *(_word[:i] + _word[i + 1 :] for i in range(len(_word)))):
        _KNOWN_DELETES.setdefault(_key, set()).add(_word)


def _slip_of_known(token: str) -> str | None:
    found: set[str] = set()
    for key in (token, *(token[:i] + token[i + 1 :] for i in range(len(token)))):
        found.update(_KNOWN_DELETES.get(key, ()))
    for word in sorted(found):
        if OSA.distance(token, word) == 1 and _is_slip(token, word):
            return word
    return None


def _is_slip(a: str, b: str) -> bool:
    """Swapped or doubled letters (4+ letters), a lost or extra one (5+), a changed one (7+)."""
    if len(a) == len(b):
        return sorted(a) == sorted(b) or len(a) >= 7
    long, short = (a, b) if len(a) > len(b) else (b, a)
    i = next((k for k in range(len(short)) if long[k] != short[k]), len(short))
    doubled = (i > 0 and long[i] == long[i - 1]) or (i + 1 < len(long) and long[i] == long[i + 1])
    return doubled or len(short) >= 5


@lru_cache(maxsize=100_000)
def _canonical(token: str) -> str:
    token = ABBREVIATIONS.get(token, token)
    if token in PLURALS:
        return PLURALS[token]
    if not (token.isascii() and token.isalpha()) or len(token) < 4:
        return token
    if token[-1] == "s" and token[-2] not in "su" and not token.endswith("is"):
        token = ABBREVIATIONS.get(token[:-1], token[:-1])
    if token in _KNOWN or token in COLOURS:
        return token
    return _slip_of_known(token) or token


@lru_cache(maxsize=200_000)
def tokens(text: str) -> tuple[str, ...]:
    """The words of a name, each in its one spelling, in their original order.

    "Beeswax Candle (Lavender, 8 oz.)" → beeswax candle lavender 8oz;
    "Gift Card - $25.00" → giftcard $25; "T-Shirt Pack of 6 / XL" → tshirt 6pk xl.
    Punctuation separates words and is then gone, so "Title - Variant", "Title (Variant)" and
    "Title / Variant" all read the same. Cached: titles and option values repeat a lot.
    """
    text = fold(text)
    if _DIGIT.search(text):
        text = _NUMERIC.sub(_numeric, text)
    if _PHRASE_HINT.search(text):
        text = _PHRASE.sub(lambda m: f" {m.lastgroup} ", text)
    out = []
    for raw in _pieces(text.translate(_PUNCTUATION)):
        token = _canonical(raw)
        if token not in STOPWORDS:
            out.append(token)
    for i in range(len(out) - 1):
        if out[i + 1] in _PAIR_HEADS and (out[i], out[i + 1]) not in COLOUR_PAIRS:
            out[i] = _pair_head(out[i], out[i + 1])
    return tuple(out)


# "Fotest Green": a slip in the first word of a two-word colour, put right by its partner.
_PAIR_HEADS: dict[str, tuple[str, ...]] = {}
for _head, _tail in sorted(COLOUR_PAIRS):
    _PAIR_HEADS[_tail] = (*_PAIR_HEADS.get(_tail, ()), _head)


def _pair_head(word: str, tail: str) -> str:
    if len(word) < 4 or not word.isalpha():
        return word
    for head in _PAIR_HEADS[tail]:
        if OSA.distance(word, head, score_cutoff=1) <= 1:
            return head
    return word


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
