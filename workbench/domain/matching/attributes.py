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


_NONE, _MONEY, _SIZE, _LETTER, _COLOUR, _MEASURE_KIND, _PACK_KIND, _NUMBER = range(8)
_DIGITS = re.compile(r"\d")


@lru_cache(maxsize=200_000)
def _classify(word: str) -> tuple[int, object]:
    """What one word can say about a variant, without context (cached: words repeat)."""
    if word.startswith("$"):
        return _MONEY, word
    if word in SIZE_WORDS:
        return _SIZE, SIZE_WORDS[word]
    if word in _LETTER_SIZES and len(word) > 1:
        return _SIZE, _LETTER_SIZES[word]
    if word in SIZE_LETTERS:
        return _LETTER, SIZE_LETTERS[word]
    if (compound := _COMPOUND.match(word)) is not None:
        return _SIZE, f"{_LETTER_SIZES[compound[1]]}/{_LETTER_SIZES[compound[2]]}"
    if word in COLOURS:
        return _COLOUR, word
    if _DIGITS.search(word) is None:
        return _NONE, None
    if (pack := _PACK.match(word)) is not None:
        return _PACK_KIND, int(pack[1])
    measure = _MEASURE.match(word)
    if measure is not None and measure[2] in UNITS:
        _, family, factor = UNITS[measure[2]]
        return _MEASURE_KIND, Measure(float(measure[1]) * factor, family, word)
    return _NUMBER, word


def attribute_like(word: str) -> bool:
    """Could this word be part of a variant description (so a size letter may follow)?"""
    return _classify(word)[0] != _NONE


_PAIR_TAILS = frozenset(tail for _, tail in COLOUR_PAIRS)
_NO_STRINGS: frozenset[str] = frozenset()
_NO_INTS: frozenset[int] = frozenset()


@lru_cache(maxsize=100_000)
def read(words: tuple[str, ...], whole_option: bool = False) -> Attributes:
    """The attributes in a normalised token sequence.

    ``whole_option`` is true for one Shopify option value ("M"), where a lone letter is a
    size for certain. In free text a lone S, M or L counts as a size only at the end of the
    name, before other attributes ("Hoodie M Black"), or after "size": "M Series Watch" and
    "Vitamin D" keep their letters.
    """
    kinds = [_classify(word) for word in words]
    sizes: list[str] = []
    colours: list[str] = []
    measures: list[Measure] = []
    packs: list[int] = []
    money: list[str] = []
    numbers: list[str] = []
    last = len(words) - 1
    skip = False
    for i, (kind, value) in enumerate(kinds):
        if skip:
            skip = False
        elif i < last and words[i + 1] in _PAIR_TAILS and (words[i], words[i + 1]) in COLOUR_PAIRS:
            colours.append(f"{words[i]} {words[i + 1]}")
            skip = True
        elif kind == _NONE:
            continue
        elif kind == _SIZE:
            sizes.append(value)  # type: ignore[arg-type]
        elif kind == _COLOUR:
            colours.append(value)  # type: ignore[arg-type]
        elif kind == _LETTER:
            if (
                whole_option
                or (i and words[i - 1] == "size")
                or all(k != _NONE for k, _ in kinds[i + 1 :])
            ):
                sizes.append(value)  # type: ignore[arg-type]
        elif kind == _MEASURE_KIND:
            measures.append(value)  # type: ignore[arg-type]
        elif kind == _PACK_KIND:
            packs.append(value)  # type: ignore[arg-type]
        elif kind == _MONEY:
            money.append(value)  # type: ignore[arg-type]
        else:
            numbers.append(value)  # type: ignore[arg-type]
    if not (sizes or colours or measures or packs or money or numbers):
        return EMPTY
    return Attributes(
        frozenset(sizes) if sizes else _NO_STRINGS,
        frozenset(colours) if colours else _NO_STRINGS,
        tuple(sorted(set(measures), key=lambda m: m.text)) if measures else (),
        frozenset(packs) if packs else _NO_INTS,
        frozenset(money) if money else _NO_STRINGS,
        frozenset(numbers) if numbers else _NO_STRINGS,
    )


@lru_cache(maxsize=100_000)
def read_options(options: tuple[tuple[str, ...], ...]) -> Attributes:
    """Attributes of a Shopify variant from its option values, one value at a time."""
    found = EMPTY
    for value in options:
        found = found.merged(read(value, whole_option=len(value) == 1))
    return found


def _show(values: frozenset[str] | frozenset[int], template: str = "{}") -> str:
    return "/".join(template.format(v) for v in sorted(values, key=str)) or "none"


def conflicts(ours: Attributes, theirs: Attributes) -> bool:
    """True when ``theirs`` cannot be the same variant as ``ours`` (the fast form of veto)."""
    if ours.sizes and theirs.sizes and ours.sizes != theirs.sizes:
        return True
    if ours.colours and theirs.colours and ours.colours != theirs.colours:
        return True
    if ours.money and theirs.money and ours.money != theirs.money:
        return True
    if ours.packs and theirs.packs and ours.packs != theirs.packs:
        return True
    if (ours.measures and theirs.measures) or (ours.numbers and theirs.numbers):
        return veto(ours, theirs) is not None
    return False


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
    if (
        ours.numbers
        and theirs.numbers
        and not ours.numbers <= theirs.numbers
        and not theirs.numbers <= ours.numbers
    ):
        # One side saying more ("… 10 (2024)") is not a contradiction; 2025 vs 2026 is.
        return f"{_show(ours.numbers)} ≠ {_show(theirs.numbers)}"
    return None
