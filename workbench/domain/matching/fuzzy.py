"""Fuzzy candidates: narrow cheaply, veto, then score a shortlist with the expensive scorer.

Products are handled per title ("Organic Cotton T-Shirt" has a dozen variants). The title's
words pick, through set operations on the inverted index, at most ``shortlist`` items that
share most of its words or one of its rare ones: the title's pool. Each variant then keeps the
pool items whose attributes do not contradict its own (one cached check per distinct
attribute set, not per item), asks rapidfuzz for the best few of the first ``CANDIDATES`` by
token_set_ratio, and only those get the word-by-word scorer of score.py. No step compares a
product with every item, and no expensive scorer sees more than a handful per variant.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain, combinations

from rapidfuzz import fuzz, process

from workbench.domain.matching.attributes import attribute_like, veto
from workbench.domain.matching.index import ItemIndex
from workbench.domain.matching.query import Query
from workbench.domain.matching.score import Alignment, explain, score_pair

CANDIDATES = 40  # compatible pool items, best title weight first, shown to rapidfuzz
CLAIMED_PENALTY = 10.0  # an item another product already maps to exactly is a weaker guess
SKU_PENALTY = 10.0  # an item whose own Sku differs from the product's is probably another one
BETTER_ELSEWHERE_PENALTY = 5.0  # a candidate that fits another product strictly better

# Per option position: this variant's value, and the values its sibling variants have.
# "Cedarwood" is neither colour nor size, but it is the sibling of "Lavender", so an item
# that says "Cedarwood" (and not "Lavender") is not this variant's.
Siblings = tuple[tuple[tuple[str, ...], tuple[tuple[str, ...], ...]], ...]


@dataclass(frozen=True, slots=True)
class Scored:
    score: float
    closeness: float  # rapidfuzz token_set_ratio: orders equal word evidence
    pos: int
    alignment: Alignment
    notes: tuple[str, ...] = ()

    @property
    def reason(self) -> str:
        return "; ".join((explain(self.score, self.alignment), *self.notes))

    def penalised(self, points: float, note: str) -> Scored:
        score = max(0.0, self.score - points)
        return Scored(score, self.closeness, self.pos, self.alignment, (*self.notes, note))


@dataclass(frozen=True, slots=True)
class Ranking:
    ranked: tuple[Scored, ...]  # compatible candidates, best first, ties by item id
    pool: Pool
    vetoed: tuple[tuple[int, str], ...] = ()  # shortlisted items ruled out by a sibling


class Pool:
    """The items one product title may match, in narrowing order (best first)."""

    def __init__(self, index: ItemIndex, positions: list[int]) -> None:
        self.positions = positions
        # Pool indices by attribute set, parents apart: a variant takes the groups it fits.
        self.groups: dict[int, list[int]] = {}
        self.parents: list[int] = []
        entries = index.entries
        for i, pos in enumerate(positions):
            entry = entries[pos]
            if entry.children:
                self.parents.append(i)
            else:
                self.groups.setdefault(entry.attribute_id, []).append(i)


def narrow(
    index: ItemIndex, words: Iterable[str], keep: int, hints: Iterable[str] = ()
) -> list[int]:
    """Item positions, best first, for up to ``keep`` items that may be this title's.

    Only set operations, which run in C: the items carrying every title word, then those
    lacking one (a renamed line, an abbreviated or misspelt word), and when that finds few,
    those lacking two (a name shortened to its last words), through intersections memoised
    in the index because titles share most of their words; plus every item carrying a rare
    title word or a ``hints`` key (the SKU's stem). A word one keystroke away ("jounral")
    counts as the word. Groups come in order of the rarity of what they share, each in item
    id order, until ``keep`` items are in: the pool never depends on input order.
    """
    total = max(1, len(index))
    sizes = sorted((len(index.posting_set(word)), word) for word in set(words))
    sizes = [(size, word) for size, word in sizes if size]
    # A word on more than a quarter of all items ("tshirt" in a T-shirt shop) narrows
    # nothing; it is dropped unless it is all the title has.
    chosen = [(size, word) for size, word in sizes if size <= total // 4] or sizes[:1]
    rarity = {word: math.log(total / size) + 0.1 for size, word in chosen}
    everyone = frozenset(rarity)
    everything = sum(rarity.values())
    groups: list[tuple[float, frozenset[str]]] = []
    if everyone:
        groups.append((everything, everyone))
    if len(everyone) > 1:
        groups.extend((everything - rarity[w], everyone - {w}) for w in everyone)
    if len(everyone) >= 3 and sum(len(index.common(g)) for _, g in groups) < keep // 4:
        for a, b in combinations(sorted(everyone), 2):
            groups.append((everything - rarity[a] - rarity[b], everyone - {a, b}))
    for size, word in chosen:
        if size <= keep // 2:
            groups.append((rarity[word], frozenset((word,))))
    for key in set(hints):
        size = len(index.posting_set(key))
        if 0 < size <= keep // 2:
            groups.append((math.log(total / size) + 0.1, frozenset((key,))))
    groups.sort(key=lambda wg: (-wg[0], sorted(wg[1])))
    seen: set[int] = set()
    order: list[int] = []
    for _, group in groups:
        members = index.common(group)
        fresh = sorted(members - seen if seen else members)
        seen.update(fresh)
        order.extend(fresh)
        if len(order) >= keep:
            break
    return order[:keep]


def siblings_of(members: list[Query]) -> dict[str, Siblings]:
    """For each product key, its own option values beside its siblings' at each position."""
    by_position: dict[int, set[tuple[str, ...]]] = {}
    for query in members:
        for position, value in enumerate(query.values):
            by_position.setdefault(position, set()).add(value)
    found: dict[str, Siblings] = {}
    for query in members:
        found[query.product.key] = tuple(
            (value, others)
            for position, value in enumerate(query.values)
            if (others := tuple(sorted(v for v in by_position[position] if v != value)))
            # colours, sizes and measures are the attribute vetoes' business already
            and not all(attribute_like(word) for v in (value, *others) for word in v)
        )
    return found


def sibling_veto(item_words: tuple[str, ...], siblings: Siblings) -> str | None:
    """ "cedarwood ≠ lavender" when the item names a sibling variant's value, not ours."""
    said = set(item_words)
    for own, others in siblings:
        if not others or all(word in said for word in own):
            continue
        for other in others:
            distinct = [word for word in other if word not in own]
            if distinct and all(word in said for word in distinct):
                return f"{' '.join(other)} ≠ {' '.join(own)}"
    return None


def rank(
    query: Query,
    pool: Pool,
    index: ItemIndex,
    preselect: int,
    claimed: dict[int, str],
    siblings: Siblings = (),
) -> Ranking:
    """Compatible candidates scored and ordered, best first.

    ``claimed`` holds items other products already map to (alias or exact), with a label for
    the reason: one QBO item is usually one variant, so such an item is kept as a candidate
    but loses ``CLAIMED_PENALTY`` points to any unclaimed look-alike.
    """
    row = index.fit_row(query.attribute_id)
    fitting = [found for aid, found in pool.groups.items() if row[aid]]
    if not query.has_options:  # a parent never silently absorbs its variants
        entries = index.entries
        fitting.append([i for i in pool.parents if row[entries[pool.positions[i]].attribute_id]])
    chosen = sorted(chain.from_iterable(fitting))[:CANDIDATES]
    texts = [index.entries[pool.positions[i]].text for i in chosen]
    shortlist = process.extract(
        query.text, texts, scorer=fuzz.token_set_ratio, limit=preselect, score_cutoff=1
    )
    scored: list[Scored] = []
    vetoed: list[tuple[int, str]] = []
    for _, closeness, k in shortlist:
        entry = index.entries[pool.positions[chosen[k]]]
        why = sibling_veto(entry.words, siblings) if siblings else None
        if why is not None:
            vetoed.append((entry.pos, why))
            continue
        score, alignment = score_pair(query.words, entry.words, query.ignore, query.optional)
        found = Scored(score, closeness, entry.pos, alignment)
        if query.sku and entry.sku and entry.sku != query.sku:
            found = found.penalised(SKU_PENALTY, f"item SKU {entry.item.sku} ≠ {query.product.sku}")
        if entry.pos in claimed:
            found = found.penalised(CLAIMED_PENALTY, f"already mapped to {claimed[entry.pos]}")
        scored.append(found)
    scored.sort(key=lambda s: (-s.score, -s.closeness, s.pos))
    return Ranking(tuple(scored), pool, tuple(vetoed))


def closest_vetoed(
    query: Query, ranking: Ranking, index: ItemIndex
) -> tuple[float, int, str] | None:
    """The vetoed pool item most like the product (score, position, why), for the reason."""
    pool = ranking.pool
    out: list[int] = []
    fits = index.fit_row(query.attribute_id)
    for pos in pool.positions[:CANDIDATES]:
        entry = index.entries[pos]
        if (query.has_options and entry.children) or not fits[entry.attribute_id]:
            out.append(pos)
    out.extend(pos for pos, _ in ranking.vetoed)
    if not out:
        return None
    out.sort()
    texts = [index.entries[pos].text for pos in out]
    found = process.extractOne(query.text, texts, scorer=fuzz.token_sort_ratio)
    if found is None:
        return None
    pos = out[found[2]]
    entry = index.entries[pos]
    why = next((w for p, w in ranking.vetoed if p == pos), None)
    if why is None:
        why = veto(query.attributes, entry.attributes)
    if why is None:
        why = f"parent item of {entry.children} sub-items"
    return float(found[1]), pos, why


def prefer_unclaimed(
    rankings: dict[str, Ranking], labels: dict[str, str], depth: int
) -> dict[str, Ranking]:
    """Lower each candidate that another product scores strictly higher, and re-order.

    The one-to-one preference of the best importers (GnuCash, Actual): when two products
    both look like one item, the item belongs to the one it fits better, and the other should
    look at its remaining candidates first. Ties change nothing, so order never matters.
    Only each product's first ``depth`` candidates are compared.
    """
    best: dict[int, tuple[float, str]] = {}
    for key, ranking in rankings.items():
        for scored in ranking.ranked[:depth]:
            held = best.get(scored.pos)
            if held is None or (scored.score, key) > held:
                best[scored.pos] = (scored.score, key)
    refined: dict[str, Ranking] = {}
    for key, ranking in rankings.items():
        changed = False
        ranked: list[Scored] = []
        for scored in ranking.ranked:
            top, owner = best.get(scored.pos, (0.0, key))
            if owner != key and top > scored.score:
                changed = True
                note = f"fits {labels[owner]} better ({top:.0f})"
                scored = scored.penalised(BETTER_ELSEWHERE_PENALTY, note)
            ranked.append(scored)
        if changed:
            ranked.sort(key=lambda s: (-s.score, -s.closeness, s.pos))
            ranking = Ranking(tuple(ranked), ranking.pool, ranking.vetoed)
        refined[key] = ranking
    return refined
