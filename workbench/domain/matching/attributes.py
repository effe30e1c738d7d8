"""What a name says about the variant, and the vetoes that keep look-alikes apart.

"Stoneware Mug 12oz" and "Stoneware Mug 16oz" score 94 on every string scorer, "Gift Card
$25" and "$50" 92, "Hoodie Black M" and "… L" 97: a string score cannot tell variants apart.
So the attributes that make a variant (size, colour, volume or weight, pack count,
denomination, any other number) are read out of both names, and a candidate that disagrees
on one of them is never offered. Only a disagreement vetoes: when one side does not say
(an item "Beanie" for the variant "Beanie / Charcoal"), the missing words cost score instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from workbench.domain.matching.vocab import (
    COLOUR_PAIRS,
    COLOURS,
    OZ_AS_GRAMS,
    OZ_AS_ML,
    SIZE_LETTERS,
    SIZE_WORDS,
    UNITS,
)

_MEASURE = re.compile(r"^(\d+(?:\.\d+)?)([a-z]+)$")
_PACK = re.compile(r"^(\d+)pk$")
_COMPOUND = re.compile(r"^(xxs|xs|s|m|l|xl|xxl|xxxl)/(s|m|l|xl|xxl|xxxl)$")
_LETTER_SIZES = {"xxs": "XXS", "xs": "XS", "s": "S", "m": "M", "l": "L", "xl": "XL"}
_LETTER_SIZES.update(xxl="XXL", xxxl="XXXL")


@dataclass(frozen=True, slots=True)
class Measure:
    """A quantity with a unit, kept in its family's base unit (g, ml, mm; oz stays oz)."""

    value: float
    family: str
    text: str

    def same_as(self, other: Measure) -> bool:
        if self.family == other.family:
            return _close(self.value, other.value, 0.015)
        pair = {self.family, other.family}
        if pair == {"oz", "mass"} or pair == {"oz", "volume"}:
            oz, base = (self, other) if self.family == "oz" else (other, self)
            factor = OZ_AS_GRAMS if base.family == "mass" else OZ_AS_ML
            return _close(oz.value * factor, base.value, 0.03)
        return False


def _close(a: float, b: float, tolerance: float) -> bool:
    return abs(a - b) <= tolerance * max(abs(a), abs(b))


@dataclass(frozen=True, slots=True)
class Attributes:
    """The variant-defining facts found in a name; empty fields mean "not said"."""

    sizes: frozenset[str] = frozenset()
    colours: frozenset[str] = frozenset()
    measures: tuple[Measure, ...] = ()
    packs: frozenset[int] = frozenset()
    money: frozenset[str] = frozenset()
    numbers: frozenset[str] = frozenset()

    def merged(self, other: Attributes) -> Attributes:
        return Attributes(
            self.sizes | other.sizes,
            self.colours | other.colours,
            tuple(sorted({*self.measures, *other.measures}, key=lambda m: m.text)),
            self.packs | other.packs,
            self.money | other.money,
            self.numbers | other.numbers,
        )

    def __bool__(self) -> bool:
        return bool(
            self.sizes or self.colours or self.measures or self.packs or self.money or self.numbers
        )


EMPTY = Attributes()


def _attribute_like(token: str) -> bool:
    """Could this token be part of a variant description (so a size letter may follow)?"""
    return (
        token in COLOURS
        or token in SIZE_WORDS
        or token in SIZE_LETTERS
        or token in _LETTER_SIZES
        or any(ch.isdigit() for ch in token)
        or token.startswith("$")
        or bool(_COMPOUND.match(token))
    )


@lru_cache(maxsize=100_000)
def read(words: tuple[str, ...], whole_option: bool = False) -> Attributes:
    """The attributes in a normalised token sequence.

    ``whole_option`` is true for one Shopify option value ("M"), where a lone letter is a
    size for certain. In free text a lone S, M or L counts as a size only at the end of the
    name, before other attributes ("Hoodie M Black"), or after "size": "M Series Watch" and
    "Vitamin D" keep their letters.
    """
    sizes: set[str] = set()
    colours: set[str] = set()
    measures: list[Measure] = []
    packs: set[int] = set()
    money: set[str] = set()
    numbers: set[str] = set()
    count = len(words)
    tail_is_attribute = [True] * (count + 1)
    for i in range(count - 1, -1, -1):
        tail_is_attribute[i] = tail_is_attribute[i + 1] and _attribute_like(words[i])
    skip = False
    for i, word in enumerate(words):
        if skip:
            skip = False
            continue
        if word.startswith("$"):
            money.add(word)
        elif word in SIZE_WORDS:
            sizes.add(SIZE_WORDS[word])
        elif word in _LETTER_SIZES and len(word) > 1:
            sizes.add(_LETTER_SIZES[word])
        elif word in SIZE_LETTERS:
            previous = words[i - 1] if i else ""
            if whole_option or previous == "size" or tail_is_attribute[i + 1]:
                sizes.add(SIZE_LETTERS[word])
        elif (compound := _COMPOUND.match(word)) is not None:
            sizes.add(f"{_LETTER_SIZES[compound[1]]}/{_LETTER_SIZES[compound[2]]}")
        elif i + 1 < count and (word, words[i + 1]) in COLOUR_PAIRS:
            colours.add(f"{word} {words[i + 1]}")
            skip = True
        elif word in COLOURS:
            colours.add(word)
        elif word[0].isdigit() or any(ch.isdigit() for ch in word):
            _number_like(word, measures, packs, numbers)
    return Attributes(
        frozenset(sizes),
        frozenset(colours),
        tuple(sorted(set(measures), key=lambda m: m.text)),
        frozenset(packs),
        frozenset(money),
        frozenset(numbers),
    )


def _number_like(word: str, measures: list[Measure], packs: set[int], numbers: set[str]) -> None:
    if (pack := _PACK.match(word)) is not None:
        packs.add(int(pack[1]))
        return
    measure = _MEASURE.match(word)
    if measure is not None and measure[2] in UNITS:
        _, family, factor = UNITS[measure[2]]
        measures.append(Measure(float(measure[1]) * factor, family, word))
        return
    numbers.add(word)


def read_options(options: tuple[tuple[str, ...], ...]) -> Attributes:
    """Attributes of a Shopify variant from its option values, one value at a time."""
    found = EMPTY
    for value in options:
        found = found.merged(read(value, whole_option=len(value) == 1))
    return found


def _show(values: frozenset[str] | frozenset[int], template: str = "{}") -> str:
    return "/".join(template.format(v) for v in sorted(values, key=str)) or "none"


@lru_cache(maxsize=200_000)
def veto(ours: Attributes, theirs: Attributes) -> str | None:
    """Why ``theirs`` cannot be the same variant as ``ours`` ("12oz ≠ 16oz"), or None."""
    if ours.sizes and theirs.sizes and ours.sizes != theirs.sizes:
        return f"{_show(ours.sizes)} ≠ {_show(theirs.sizes)}"
    if ours.colours and theirs.colours and ours.colours != theirs.colours:
        return f"{_show(ours.colours)} ≠ {_show(theirs.colours)}"
    if ours.money and theirs.money and ours.money != theirs.money:
        return f"{_show(ours.money)} ≠ {_show(theirs.money)}"
    if ours.packs and theirs.packs and ours.packs != theirs.packs:
        return f"{_show(ours.packs, 'pack of {}')} ≠ {_show(theirs.packs, 'pack of {}')}"
    if ours.measures and theirs.measures:
        mine = [m for m in ours.measures if not any(m.same_as(t) for t in theirs.measures)]
        other = [t for t in theirs.measures if not any(t.same_as(m) for m in ours.measures)]
        if mine or other:
            left = "/".join(m.text for m in mine or ours.measures)
            right = "/".join(t.text for t in other or theirs.measures)
            return f"{left} ≠ {right}"
    if ours.numbers and theirs.numbers and ours.numbers != theirs.numbers:
        return f"{_show(ours.numbers)} ≠ {_show(theirs.numbers)}"
    return None


def one_sided(ours: Attributes, theirs: Attributes) -> list[str]:
    """Attributes only one side states: not a veto, but not a certain match either."""
    missing = []
    for name in ("sizes", "colours", "measures", "packs", "money", "numbers"):
        if bool(getattr(ours, name)) != bool(getattr(theirs, name)):
            missing.append(name)
    return missing
