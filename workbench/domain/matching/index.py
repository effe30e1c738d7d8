"""The item side, prepared once per item list: normalised names, attributes and look-ups.

Matching 20,000 variants against 20,000 items cannot afford to compare every pair with a
token scorer (~150 s here). Everything that depends on one item only is computed here once:
its words, its attributes, its normalised SKU, and an inverted index from each word (and each
SKU part) to the items carrying it, so that the matcher can narrow a product to the few
hundred items sharing its rarer words with cheap set operations before scoring anything.
Inactive items are left out entirely: they can never be offered.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from workbench.domain.matching.attributes import Attributes, read
from workbench.domain.matching.model import Item
from workbench.domain.matching.normalise import (
    leaf,
    normalise_sku,
    parent_path,
    sku_parts,
    tokens,
)
from workbench.domain.matching.vocab import SIZE_LETTERS, SIZE_WORDS

# Size words compared by their code, so "Small" and "S" are one word to the scorers.
_SIZE_CODES = {word: code.lower() for word, code in {**SIZE_WORDS, **SIZE_LETTERS}.items()}


def compare_words(words: tuple[str, ...]) -> tuple[str, ...]:
    """Words as the scorers compare them: sizes by code ("small" → "s")."""
    return tuple(_SIZE_CODES.get(word, word) for word in words)


def id_order(item_id: str) -> tuple[int, int, str]:
    """QBO Ids are numbers in strings: order "9" before "10", anything else after, by text."""
    return (0, int(item_id), item_id) if item_id.isdigit() else (1, 0, item_id)


@dataclass(frozen=True, slots=True)
class Entry:
    """One active item as the matcher sees it."""

    pos: int  # position in id order: ties are broken by it, so by item id
    item: Item
    words: tuple[str, ...]  # compare words of the leaf name
    full_words: tuple[str, ...]  # the parent path's own words, then the leaf's
    texts: tuple[str, ...]  # strings handed to rapidfuzz: leaf, and parent + leaf
    attributes: Attributes
    sku: str
    children: int  # sub-items under it; a parent never silently absorbs its variants

    @property
    def label(self) -> str:
        return self.item.fully_qualified_name or self.item.name


class ItemIndex:
    """Look-ups over the active items of one QBO company, built once per item list."""

    def __init__(self, items: Iterable[Item]) -> None:
        every = sorted({item.id: item for item in items}.values(), key=lambda i: id_order(i.id))
        self.by_id: dict[str, Item] = {item.id: item for item in every}
        children: dict[str, int] = defaultdict(int)
        for item in every:
            if item.parent_id:
                children[item.parent_id] += 1
        self.entries: list[Entry] = []
        self.by_sku: dict[str, list[int]] = defaultdict(list)
        self.by_name_sku: dict[str, list[int]] = defaultdict(list)
        self.by_words: dict[tuple[str, ...], list[int]] = defaultdict(list)
        postings: dict[str, list[int]] = defaultdict(list)
        attribute_pool: dict[Attributes, Attributes] = {}
        for item in every:
            if not item.active:
                continue
            pos = len(self.entries)
            entry = _entry(pos, item, children.get(item.id, 0), attribute_pool)
            self.entries.append(entry)
            if entry.sku:
                self.by_sku[entry.sku].append(pos)
            name_sku = normalise_sku(leaf(item.name))
            if name_sku:
                self.by_name_sku[name_sku].append(pos)
            self.by_words[entry.words].append(pos)
            if entry.full_words != entry.words:
                self.by_words[entry.full_words].append(pos)
            keys = set(entry.full_words)
            keys.update(f"#{part}" for part in sku_parts(item.sku) if len(part) >= 3)
            for key in keys:
                postings[key].append(pos)
        self.postings: dict[str, frozenset[int]] = {k: frozenset(v) for k, v in postings.items()}
        self._deletes: dict[str, list[str]] | None = None
        self._neighbours: dict[str, tuple[str, ...]] = {}

    def __len__(self) -> int:
        return len(self.entries)

    def df(self, word: str) -> int:
        found = self.postings.get(word)
        return len(found) if found is not None else 0

    def neighbours(self, word: str) -> tuple[str, ...]:
        """Indexed words one keystroke away from ``word`` (swap, slip, extra or lost letter).

        Found through a deletion index (SymSpell): two words within one edit share a
        one-letter deletion, so only a handful of dictionary look-ups are needed per word.
        """
        if len(word) < 4 or not word.isalpha():
            return ()
        cached = self._neighbours.get(word)
        if cached is not None:
            return cached
        if self._deletes is None:
            self._deletes = _deletion_index(self.postings)
        found: set[str] = set()
        for key in (word, *(word[:i] + word[i + 1 :] for i in range(len(word)))):
            found.update(self._deletes.get(key, ()))
        found.discard(word)
        result = tuple(sorted(w for w in found if OSA.distance(word, w, score_cutoff=1) <= 1))
        self._neighbours[word] = result
        return result


def _entry(
    pos: int, item: Item, children: int, pool: dict[Attributes, Attributes]
) -> Entry:
    own = leaf(item.name)
    fqn = item.fully_qualified_name or item.name
    words = compare_words(tokens(own))
    parent_words = [w for w in compare_words(tokens(parent_path(fqn))) if w not in words]
    full_words = (*parent_words, *words)
    raw = tokens(own)
    attributes = read(raw, whole_option=len(raw) == 1)
    if parent_words:
        attributes = read(tokens(f"{parent_path(fqn)} {own}")).merged(attributes)
    attributes = pool.setdefault(attributes, attributes)
    texts = (" ".join(words),) if not parent_words else (" ".join(words), " ".join(full_words))
    return Entry(pos, item, words, full_words, texts, attributes, normalise_sku(item.sku), children)


def _deletion_index(postings: dict[str, frozenset[int]]) -> dict[str, list[str]]:
    deletes: dict[str, list[str]] = defaultdict(list)
    for word in postings:
        if len(word) < 4 or not word.isalpha():
            continue
        deletes[word].append(word)
        for i in range(len(word)):
            deletes[word[:i] + word[i + 1 :]].append(word)
    return deletes
