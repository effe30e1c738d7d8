"""The expensive scorer, run only on a shortlist: the words of two names, paired one by one.

rapidfuzz sees characters, so it forgives a typo ("Jounral") but also a different word one
letter away ("Skirt" for "Shirt": 96), and it gives 100 to a bare subset such as a parent
name. So the score here comes from pairing words: exact (after normalising), a safe typo, a
known measure in another unit, an abbreviation or acronym, a near miss, or nothing, each with
a cost. Anything left unpaired keeps the score at or below ``UNPAIRED_CEILING``, so only
names that say the same thing word for word can reach the auto-accept threshold (rapidfuzz's
token_set_ratio, from the shortlisting, only orders candidates whose word evidence is equal).
The pairing is also the reason shown, so the bookkeeper sees what the matcher used.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from workbench.domain.matching.attributes import read

LACKS_COST = 7.0  # each product word the item does not say: the item is less specific
ADDS_COST = 10.0  # each item word the product does not say: the item may be another thing
OPTION_LACKS_COST = 4.0  # each option value word the item does not say: a whole-product item
TYPO_COST = 2.0  # each word matched through a safe one-keystroke slip
ABBREVIATION_COST = 6.0  # each word matched only as an unknown abbreviation ("Chrcl")
NEAR_COST = 8.0  # each pair of similar words that may be a typo or another word (Shirt/Skirt)
NEAR_RATIO = 75.0  # how alike (rapidfuzz ratio) two words must be to count as near
UNPAIRED_CEILING = 90.0  # any word left unpaired: a suggestion at best, never certain


@dataclass(frozen=True, slots=True)
class Alignment:
    """How the words of a product name and an item name pair up; ``cap`` is the score."""

    shared: tuple[str, ...]
    typos: tuple[tuple[str, str], ...]
    abbreviations: tuple[tuple[str, str], ...]
    only_ours: tuple[str, ...]
    only_theirs: tuple[str, ...]
    options_missing: tuple[str, ...] = ()
    near: tuple[tuple[str, str], ...] = ()

    @property
    def cap(self) -> float:
        score = (
            100.0
            - LACKS_COST * len(self.only_ours)
            - OPTION_LACKS_COST * len(self.options_missing)
            - ADDS_COST * len(self.only_theirs)
            - TYPO_COST * len(self.typos)
            - ABBREVIATION_COST * len(self.abbreviations)
            - NEAR_COST * len(self.near)
        )
        if self.only_ours or self.only_theirs or self.options_missing:
            score = min(score, UNPAIRED_CEILING)
        return max(0.0, score)


@lru_cache(maxsize=1 << 18)
def safe_typo(a: str, b: str) -> bool:
    """One slip of the keyboard that cannot plausibly be another word.

    Swapped or doubled letters in words of 4+ letters; a lost or extra letter in words of 6+;
    any one-letter change only in words of 8+ ("Lavendar"). "Shirt"/"Skirt" (one letter in
    five) is not a typo but a different product.
    """
    if not (a.isalpha() and b.isalpha()):
        return False
    shorter = min(len(a), len(b))
    if shorter < 4 or abs(len(a) - len(b)) > 1 or OSA.distance(a, b, score_cutoff=1) > 1:
        return False
    if len(a) == len(b):
        return sorted(a) == sorted(b) or shorter >= 8
    long, short = (a, b) if len(a) > len(b) else (b, a)
    i = next((k for k in range(len(short)) if long[k] != short[k]), len(short))
    doubled = (i > 0 and long[i] == long[i - 1]) or (i + 1 < len(long) and long[i] == long[i + 1])
    return doubled or shorter >= 6


@lru_cache(maxsize=1 << 18)
def abbreviates(short: str, long: str) -> bool:
    """``short`` is a plausible abbreviation of ``long``: same first letter, letters in order."""
    if not (2 <= len(short) < len(long) and short[0] == long[0]):
        return False
    if not (short.isalpha() and long.isalpha()):
        return False
    rest = iter(long[1:])
    return all(ch in rest for ch in short[1:])


@lru_cache(maxsize=1 << 16)
def _same_measure(a: str, b: str) -> bool:
    mine, theirs = read((a,)).measures, read((b,)).measures
    return bool(mine and theirs and mine[0].same_as(theirs[0]))


_SAME, _TYPO, _ABBREVIATION, _NEAR = 1, 2, 3, 4


@lru_cache(maxsize=1 << 18)
def relation(ours: str, theirs: str) -> int:
    """How a product word and an item word that differ relate: 0 when they do not.

    Lower is stronger: the same measure in other units, a safe typo, an abbreviation, a near
    miss that may be another word. Cached: the same few thousand words meet again and again.
    """
    if ours[0].isdigit() or theirs[0].isdigit():
        return _SAME if _same_measure(ours, theirs) else 0
    if safe_typo(ours, theirs):
        return _TYPO
    if abbreviates(theirs, ours) or abbreviates(ours, theirs):
        return _ABBREVIATION
    if (
        len(ours) >= 4
        and len(theirs) >= 4
        and ours.isalpha()
        and theirs.isalpha()
        and fuzz.ratio(ours, theirs) >= NEAR_RATIO
    ):
        return _NEAR
    return 0


def _acronyms(ours: tuple[str, ...], left: list[str], right: list[str]) -> list[tuple[str, str]]:
    """Item words that are the initials of consecutive unmatched product words ("WB")."""
    found: list[tuple[str, str]] = []
    for short in [w for w in right if 2 <= len(w) <= 4 and w.isalpha()]:
        for start in range(len(ours) - len(short) + 1):
            window = ours[start : start + len(short)]
            if "".join(w[0] for w in window) == short and all(w in left for w in window):
                found.append((" ".join(window), short))
                for w in window:
                    left.remove(w)
                right.remove(short)
                break
    return found


def align(
    ours: tuple[str, ...],
    theirs: tuple[str, ...],
    ignore: frozenset[str] = frozenset(),
    optional: frozenset[str] = frozenset(),
) -> Alignment:
    """Pair the words of two names.

    ``ignore`` holds item words that cost nothing (the vendor's name); ``optional`` holds
    product words that cost less when the item lacks them (option values: an item for the
    whole product is less specific, not wrong).
    """
    mine, other = set(ours), set(theirs)
    shared = [w for w in ours if w in other]
    left = [w for w in ours if w not in other]
    right = [w for w in theirs if w not in mine]
    if not left and not right:
        return Alignment(tuple(shared), (), (), (), ())
    paired: dict[int, list[tuple[str, str]]] = {_TYPO: [], _ABBREVIATION: [], _NEAR: []}
    if left and right:
        abbreviations = _acronyms(ours, left, right)
        for word in list(left):
            best, kind = "", 0
            for candidate in right:
                found = relation(word, candidate)
                if found and (not kind or found < kind):
                    best, kind = candidate, found
            if kind:
                left.remove(word)
                right.remove(best)
                if kind == _SAME:
                    shared.append(word)
                else:
                    paired[kind].append((word, best))
                if not right:
                    break
        paired[_ABBREVIATION] = abbreviations + paired[_ABBREVIATION]
    return Alignment(
        tuple(shared),
        tuple(paired[_TYPO]),
        tuple(paired[_ABBREVIATION]),
        tuple(w for w in left if w not in optional),
        tuple(w for w in right if w not in ignore),
        tuple(w for w in left if w in optional),
        tuple(paired[_NEAR]),
    )


def explain(score: float, alignment: Alignment) -> str:
    """The reason shown beside a candidate: "name 97, tokens hoodie black m; typo …"."""
    parts = [f"name {score:.0f}, tokens {' '.join(alignment.shared) or '-'}"]
    if alignment.typos:
        parts.append("typo " + ", ".join(f"{a}≈{b}" for a, b in alignment.typos))
    if alignment.abbreviations:
        parts.append("abbrev " + ", ".join(f"{a}≈{b}" for a, b in alignment.abbreviations))
    if alignment.near:
        parts.append("unsure " + ", ".join(f"{a}≈{b}" for a, b in alignment.near))
    lacks = alignment.only_ours + alignment.options_missing
    if lacks:
        parts.append("item lacks " + " ".join(lacks))
    if alignment.only_theirs:
        parts.append("item adds " + " ".join(alignment.only_theirs))
    return "; ".join(parts)


def score_pair(
    ours_words: tuple[str, ...],
    theirs_words: tuple[str, ...],
    ignore: frozenset[str] = frozenset(),
    optional: frozenset[str] = frozenset(),
) -> tuple[float, Alignment]:
    """Score 0–100 for one product/item pair of normalised names, and the pairing behind it
    (``explain`` turns it into the reason, only for the candidates that are shown).

    ``ignore`` is the vendor's name (less any words the product title uses): an item named
    "Kiln & Co Stoneware Mug 12oz" for Kiln & Co's "Stoneware Mug" loses nothing for it, but
    only when the item carries the whole vendor name, so a vendor called "Hollow Oak" does
    not make "Oak" free for every item.
    """
    if ignore and not ignore.issubset(theirs_words):
        ignore = frozenset()
    alignment = align(ours_words, theirs_words, ignore, optional)
    return round(alignment.cap, 1), alignment
