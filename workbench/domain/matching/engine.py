"""``match_products``: every Shopify product key to a QBO item, or to a question.

Stages, stopping at the first decisive one (DESIGN.md §5): the bookkeeper's own earlier
decision (alias) → exact normalised SKU (the item's Sku, or an item named as the SKU) → exact
normalised name → fuzzy candidates. Only the fuzzy stage can be wrong, so only it is hedged:
it auto-accepts at ``auto_accept`` with a ``margin`` over the runner-up, never a parent item,
and never an item that another product also claims; everything else is a suggestion with its
reasons, and the bookkeeper decides.

Results depend on the *set* of products and items only, never on their order: items are
ranked by id, ties go to the lower id, and cross-product checks look at all products at once.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from workbench.domain.matching.attributes import veto
from workbench.domain.matching.fuzzy import (
    Pool,
    Ranking,
    Siblings,
    closest_vetoed,
    narrow,
    prefer_unclaimed,
    rank,
    siblings_of,
)
from workbench.domain.matching.index import ItemIndex
from workbench.domain.matching.model import (
    Candidate,
    Item,
    MatchResult,
    MatchSettings,
    MatchState,
    Product,
)
from workbench.domain.matching.query import Query, prepare


@dataclass(slots=True)
class _Outcome:
    state: MatchState
    pos: int | None
    score: float
    reason: str
    ranked: list[tuple[float, int, str]] = field(default_factory=list)


def match_products(
    products: Iterable[Product],
    items: Iterable[Item] | ItemIndex,
    aliases: Mapping[str, str] | None = None,
    settings: MatchSettings | None = None,
) -> list[MatchResult]:
    """One result per product, in the order given (a repeated key gets the same result).

    ``items`` may be a prebuilt :class:`ItemIndex` when the same item list serves many
    calls. ``aliases`` maps a product key to the QBO Item Id the bookkeeper chose for it.
    """
    # The run builds hundreds of thousands of small acyclic objects over a large live heap;
    # letting the cyclic collector rescan that heap meanwhile costs more than the matching
    # and finds nothing. It is paused for the run and restored (the sandbox does the same).
    paused = gc.isenabled()
    gc.disable()
    try:
        return _match(list(products), items, aliases or {}, settings or MatchSettings())
    finally:
        if paused:
            gc.enable()


def _match(
    given: list[Product],
    items: Iterable[Item] | ItemIndex,
    aliases: Mapping[str, str],
    settings: MatchSettings,
) -> list[MatchResult]:
    index = items if isinstance(items, ItemIndex) else ItemIndex(items)
    unique: dict[str, Product] = {}
    for product in given:
        held = unique.get(product.key)
        if held is None or _product_order(product) < _product_order(held):
            unique[product.key] = product
    queries = {key: prepare(unique[key], index) for key in sorted(unique)}
    outcomes: dict[str, _Outcome] = {}
    notes: dict[str, str] = {}
    pending: list[Query] = []
    sku_users: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    for query in queries.values():
        if query.sku:
            sku_users[query.sku].add(query.words)
    shared = {sku for sku, names in sku_users.items() if len(names) > 1}
    for key, query in queries.items():
        decided, note = _decisive(query, index, aliases.get(key), query.sku in shared)
        if decided is not None:
            outcomes[key] = decided
        else:
            pending.append(query)
            if note:
                notes[key] = note
    claimed = {o.pos: queries[k].label for k, o in sorted(outcomes.items()) if o.pos is not None}
    families: dict[tuple[tuple[str, ...], str], list[Query]] = defaultdict(list)
    for query in queries.values():
        families[(query.title_words, query.stem)].append(query)
    siblings: dict[str, Siblings] = {}
    for members in families.values():
        siblings.update(siblings_of(members))
    fuzzy = _fuzzy(pending, index, settings, claimed, siblings)
    rankings = {q.product.key: r for q, r in fuzzy}
    labels = {key: queries[key].label for key in rankings}
    refined = prefer_unclaimed(rankings, labels, settings.suggestions + 1)
    for key, ranking in refined.items():
        query = queries[key]
        outcome = _judge(query, ranking, index, settings)
        if query.product.key in notes:
            outcome.reason = f"{notes[query.product.key]}; {outcome.reason}"
        outcomes[query.product.key] = outcome
    _settle_claims(outcomes, queries, settings)
    results = {
        key: _result(queries[key], outcome, index, settings) for key, outcome in outcomes.items()
    }
    return [results[product.key] for product in given]


def _product_order(product: Product) -> tuple[str, str, str, str]:
    return (
        product.sku or "",
        product.product_title,
        product.variant_title or "",
        product.vendor or "",
    )


def _decisive(
    query: Query, index: ItemIndex, alias: str | None, sku_shared: bool
) -> tuple[_Outcome | None, str]:
    """Alias, then exact SKU, then exact name; or None and a note on why they did not decide.

    A SKU that several different Shopify variants carry (merchants do reuse SKUs) identifies
    none of them, so it is skipped and the names decide.
    """
    notes: list[str] = []
    if alias is not None:
        if alias in index.position:
            return _Outcome(MatchState.ALIAS, index.position[alias], 100.0, "learned alias"), ""
        item = index.by_id.get(alias)
        kind = "an unknown" if item is None else "an inactive" if not item.active else "a category"
        notes.append(f"alias to {kind} item {alias} ignored")
    if sku_shared:
        notes.append(f"SKU {query.product.sku} is on several Shopify variants")
    elif len(query.sku) >= 2:
        # An item *named* as the SKU says nothing else about itself, so only an item whose
        # Sku field matches has a name to check against the variant's attributes.
        by_field = bool(index.by_sku.get(query.sku))
        hits = index.by_sku.get(query.sku) or index.by_name_sku.get(query.sku) or []
        hits = [pos for pos in hits if not index.entries[pos].children]
        if len(hits) == 1:
            entry = index.entries[hits[0]]
            conflict = veto(query.attributes, entry.attributes) if by_field else None
            if conflict is None:
                return _Outcome(MatchState.EXACT, entry.pos, 100.0, "exact SKU"), ""
            notes.append(f"SKU matches {entry.label} but vetoed: {conflict}")
        elif len(hits) > 1:
            notes.append(f"SKU shared by {len(hits)} items")
    named = index.by_words.get(query.words, ()) if query.words else ()
    hits = [pos for pos in named if not index.entries[pos].children]
    if len(set(hits)) == 1:
        entry = index.entries[hits[0]]
        if not (query.sku and entry.sku and entry.sku != query.sku):
            return _Outcome(MatchState.EXACT, entry.pos, 100.0, "exact name"), ""
        # Same name, different SKUs: two things that share a name, or a SKU that changed.
        notes.append(f"name matches {entry.label} but its SKU {entry.item.sku} differs")
    return None, "; ".join(notes)


def _fuzzy(
    pending: list[Query],
    index: ItemIndex,
    settings: MatchSettings,
    claimed: dict[int, str],
    siblings: dict[str, Siblings],
) -> Iterable[tuple[Query, Ranking]]:
    """Rank candidates for the undecided products, one pool per product title."""
    groups: dict[tuple[tuple[str, ...], str], list[Query]] = defaultdict(list)
    for query in pending:
        groups[(query.title_words, query.stem)].append(query)
    preselect = settings.suggestions + 3
    for (title_words, stem), members in sorted(groups.items()):
        hints = [f"#{stem}"] if stem else []
        pool = Pool(index, narrow(index, title_words, settings.shortlist, hints))
        for query in members:
            mine = siblings[query.product.key]
            yield query, rank(query, pool, index, preselect, claimed, mine)


def _judge(query: Query, ranking: Ranking, index: ItemIndex, settings: MatchSettings) -> _Outcome:
    ranked = ranking.ranked
    shown = ranked[: settings.suggestions]
    offered = [(s.score, s.pos, s.reason) for s in shown if s.score >= settings.floor]
    if not offered:
        reason = f"no candidate above {settings.floor:g}"
        closest = closest_vetoed(query, ranking, index)
        if closest is not None and closest[0] >= settings.floor:
            _, pos, why = closest
            reason = f"vetoed: {why} ({index.entries[pos].label}); {reason}"
        return _Outcome(MatchState.UNMATCHED, None, 0.0, reason, offered)
    score, pos, reason = offered[0]
    runner = ranked[1].score if len(ranked) > 1 else 0.0
    lead = score - runner
    parent = index.entries[pos].children > 0
    if score >= settings.auto_accept and lead >= settings.margin and not parent:
        return _Outcome(MatchState.AUTO, pos, score, reason, offered)
    if parent:
        reason += f"; a parent item (of {index.entries[pos].children} sub-items): confirm"
    elif score >= settings.auto_accept:
        reason += f"; runner-up {runner:.0f}, lead {lead:.0f} < {settings.margin:g}"
    return _Outcome(MatchState.SUGGESTED, None, score, reason, offered)


def _settle_claims(
    outcomes: dict[str, _Outcome], queries: dict[str, Query], settings: MatchSettings
) -> None:
    """Demote a fuzzy auto-accept whose item another product also claims.

    One QBO item is normally one variant. When another product is exactly mapped to the item,
    or also has it as a near-certain best candidate, the look-alike is a question for the
    bookkeeper (a renamed copy, a sibling without its own item), not a silent merge.
    """
    claims: dict[int, list[str]] = defaultdict(list)
    threshold = settings.auto_accept - settings.margin
    for key, outcome in outcomes.items():
        if outcome.state in (MatchState.ALIAS, MatchState.EXACT) and outcome.pos is not None:
            claims[outcome.pos].append(key)
        elif outcome.ranked and outcome.ranked[0][0] >= threshold:
            claims[outcome.ranked[0][1]].append(key)
    for key, outcome in outcomes.items():
        if outcome.state is not MatchState.AUTO or outcome.pos is None:
            continue
        rivals = sorted(k for k in claims[outcome.pos] if k != key)
        if rivals:
            more = f" and {len(rivals) - 1} more" if len(rivals) > 1 else ""
            outcome.reason += f"; also claimed by {queries[rivals[0]].label}{more}"
            outcome.state = MatchState.SUGGESTED
            outcome.pos = None


def _result(
    query: Query, outcome: _Outcome, index: ItemIndex, settings: MatchSettings
) -> MatchResult:
    product = query.product
    if outcome.pos is not None and not outcome.ranked:
        outcome.ranked = [(outcome.score, outcome.pos, outcome.reason)]
    candidates = tuple(
        Candidate(index.entries[pos].item.id, index.entries[pos].label, score, reason)
        for score, pos, reason in outcome.ranked[: settings.suggestions]
    )
    chosen = index.entries[outcome.pos] if outcome.pos is not None else None
    return MatchResult(
        key=product.key,
        sku=product.sku,
        product_title=product.product_title,
        variant_title=product.variant_title,
        state=outcome.state,
        item_id=chosen.item.id if chosen else None,
        item_name=chosen.label if chosen else None,
        score=outcome.score,
        reason=outcome.reason,
        candidates=candidates,
    )
