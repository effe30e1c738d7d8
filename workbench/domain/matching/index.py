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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA

from workbench.domain.matching.attributes import Attributes, attribute_like, conflicts, read
from workbench.domain.matching.model import Item
from workbench.domain.matching.normalise import (
    leaf,
    normalise_sku,
    parent_path,
    sku_parts,
    tokens,
)
from workbench.domain.matching.vocab import LABELS, SIZE_LETTERS, SIZE_WORDS

# Size words compared by their code, so "Small" and "S" are one word to the scorers.
_SIZE_CODES = {
    word: code.lower().replace(" ", "") for word, code in {**SIZE_WORDS, **SIZE_LETTERS}.items()
}


@lru_cache(maxsize=200_000)
def compare_words(words: tuple[str, ...]) -> tuple[str, ...]:
    """Words as the scorers compare them: sizes by code ("small" → "s"), and without the
    labels that only introduce a value ("Size M" is "M"; the attributes were read first)."""
    return tuple(_SIZE_CODES.get(word, word) for word in words if word not in LABELS)


def id_order(item_id: str) -> tuple[int, int, str]:
    """QBO Ids are numbers in strings: order "9" before "10", anything else after, by text."""
    return (0, int(item_id), item_id) if item_id.isdigit() else (1, 0, item_id)


class _FitRow(dict[int, bool]):
    """A lazily filled row of the veto table: ``row[aid]`` computes on first use."""

    def __init__(self, compute: Callable[[int], bool]) -> None:
        super().__init__()
        self.compute = compute

    def __missing__(self, theirs: int) -> bool:
        found = self[theirs] = self.compute(theirs)
        return found


@dataclass(frozen=True, slots=True)
class Entry:
    """One active item as the matcher sees it."""

    pos: int  # position in id order: ties are broken by it, so by item id
    item: Item
    words: tuple[str, ...]  # the compare words the item is scored by
    text: str  # the same, as the string handed to rapidfuzz
    names: tuple[tuple[str, ...], ...]  # exact-name keys: the leaf, and parent + leaf
    attributes: Attributes
    attribute_id: int  # the same id for every item (and product) with equal attributes
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
        self.position: dict[str, int] = {}
        self.by_sku: dict[str, list[int]] = defaultdict(list)
        self.by_name_sku: dict[str, list[int]] = defaultdict(list)
        self.by_words: dict[tuple[str, ...], list[int]] = defaultdict(list)
        self.attributes: list[Attributes] = []
        self._attribute_ids: dict[Attributes, int] = {}
        self._fits: dict[int, _FitRow] = {}
        postings: dict[str, list[int]] = defaultdict(list)
        for item in every:
            if not item.active or item.type == "Category":
                continue  # never offered: QBO refuses both on a transaction
            pos = len(self.entries)
            entry = _entry(self, pos, item, children.get(item.id, 0))
            self.entries.append(entry)
            self.position[item.id] = pos
            if entry.sku:
                self.by_sku[entry.sku].append(pos)
            name_sku = normalise_sku(leaf(item.name))
            if name_sku:
                self.by_name_sku[name_sku].append(pos)
            for name in entry.names:
                self.by_words[name].append(pos)
            keys = {word for name in entry.names for word in name}
            keys.update(f"#{part}" for part in sku_parts(item.sku) if len(part) >= 3)
            for key in keys:
                postings[key].append(pos)
        self.postings: dict[str, list[int]] = dict(postings)
        self._sets: dict[str, frozenset[int]] = {}
        self._common: dict[frozenset[str], frozenset[int]] = {}
        self._deletes: dict[str, list[str]] | None = None
        self._neighbours: dict[str, tuple[str, ...]] = {}

    def intern(self, attributes: Attributes) -> int:
        """One small id per distinct attribute set, so vetoes are cached per pair of ids."""
        found = self._attribute_ids.get(attributes)
        if found is None:
            found = self._attribute_ids[attributes] = len(self.attributes)
            self.attributes.append(attributes)
        return found

    def fit_row(self, ours: int) -> dict[int, bool]:
        """For one interned attribute set, whether each other set fits it: no veto between
        them. Filled lazily and kept: the same few hundred attribute sets meet again and
        again across thousands of variants."""
        row = self._fits.get(ours)
        if row is None:
            mine = self.attributes[ours]
            row = self._fits[ours] = _FitRow(
                lambda theirs: not conflicts(mine, self.attributes[theirs])
            )
        return row

    def common(self, words: frozenset[str]) -> frozenset[int]:
        """Items carrying all of ``words`` (each or a near miss), memoised: product titles
        share most of their words ("crew neck tshirt"), so their intersections recur."""
        found = self._common.get(words)
        if found is None:
            if len(words) == 1:
                found = self.posting_set(next(iter(words)))
            else:
                last = max(words, key=lambda w: (len(self.posting_set(w)), w))
                found = self.common(words - {last}) & self.posting_set(last)
            self._common[words] = found
        return found

    def posting_set(self, word: str) -> frozenset[int]:
        """Items carrying ``word`` or a word one keystroke from it (cached per word)."""
        found = self._sets.get(word)
        if found is None:
            items = set(self.postings.get(word, ()))
            for near in self.neighbours(word):
                items.update(self.postings[near])
            found = self._sets[word] = frozenset(items)
        return found

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


def _entry(index: ItemIndex, pos: int, item: Item, children: int) -> Entry:
    """Prepare one item. A sub-item is scored by its leaf when the leaf names the product
    ("Hoodies:Pullover Hoodie Black M": the parent is a category), and by parent and leaf
    together when the leaf only lists options ("Pullover Hoodie:Black M")."""
    own = leaf(item.name)
    fqn = item.fully_qualified_name or item.name
    raw = tokens(own)
    leaf_words = compare_words(raw)
    attributes = read(raw, whole_option=len(raw) == 1)
    head = parent_path(fqn)
    full_words = leaf_words
    if head:
        parent_words = [w for w in compare_words(tokens(head)) if w not in leaf_words]
        full_words = (*parent_words, *leaf_words)
        attributes = read(tokens(f"{head} {own}")).merged(attributes)
    naming = sum(1 for word in raw if not attribute_like(word))
    words = leaf_words if naming >= 2 else full_words
    names = (leaf_words,) if full_words == leaf_words else (leaf_words, full_words)
    return Entry(
        pos,
        item,
        words,
        " ".join(words),
        names,
        attributes,
        index.intern(attributes),
        normalise_sku(item.sku),
        children,
    )


def _deletion_index(postings: dict[str, list[int]]) -> dict[str, list[str]]:
    deletes: dict[str, list[str]] = defaultdict(list)
    for word in postings:
        if len(word) < 4 or not word.isalpha():
            continue
        deletes[word].append(word)
        for i in range(len(word)):
            deletes[word[:i] + word[i + 1 :]].append(word)
    return deletes
