"""The matching rules, one at a time, on item lists small enough to read.

Every expectation here comes from the rule it names (DESIGN.md §5, issue 6), never from a
previous run of the matcher.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from workbench.domain.matching import (
    Item,
    MatchResult,
    MatchSettings,
    MatchState,
    Product,
    match_products,
    normalise_sku,
    tokens,
)
from workbench.domain.matching.attributes import read, veto
from workbench.domain.matching.normalise import leaf, variant_options
from workbench.domain.records import LineItem


def product(
    title: str, variant: str | None = None, sku: str | None = None, key: str = ""
) -> Product:
    return Product(key or f"title:{title}|{variant or ''}", sku, title, variant, "Fernwood")


def item(id: str, name: str, sku: str | None = None, **extra: object) -> Item:
    parent = extra.pop("parent", None)
    fqn = f"{parent}:{name}" if isinstance(parent, str) else name
    return Item(id, name, fqn, sku, **extra)  # type: ignore[arg-type]


def one(p: Product, items: list[Item], **kwargs: object) -> MatchResult:
    [result] = match_products([p], items, **kwargs)  # type: ignore[arg-type]
    return result


# -- normalisers ---------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["TSH-BLK-M", "tsh blk m", "TSHBLKM", "tsh_blk.m", " Tsh/Blk-M "])
def test_sku_normaliser_drops_case_spaces_and_separators(raw: str) -> None:
    assert normalise_sku(raw) == "TSHBLKM"


def test_sku_normaliser_keeps_what_tells_skus_apart() -> None:
    assert normalise_sku("TSH-BLK-M") != normalise_sku("TSH-BLK-L")
    assert normalise_sku(None) == normalise_sku("") == ""


def test_title_variant_forms_read_the_same() -> None:
    forms = [
        "Organic Tee - Black / M",
        "Organic Tee (Black / M)",
        "Organic Tee / Black / M",
        "organic tee black m",
        "ORGANIC TEE, Black, M",
    ]
    assert len({tokens(form) for form in forms}) == 1


def test_leaf_of_parent_child_name() -> None:
    assert leaf("Hoodies:Pullover Hoodie Black M") == "Pullover Hoodie Black M"
    assert leaf("Apparel:Hoodies:Hoodie Black M") == "Hoodie Black M"
    assert leaf("Gift Card") == "Gift Card"


def test_accents_case_and_abbreviations() -> None:
    assert tokens("Café Mug BLK") == tokens("cafe mug black")
    assert tokens("Hoodie Blk Sm") == tokens("Hoodie Black Small")
    assert tokens("Beanie Hthr Gry") == tokens("Beanie Heather Grey")
    assert tokens("Hoodie Lg") == tokens("Hoodie Large")


def test_units_packs_and_money_have_one_spelling() -> None:
    assert tokens("Mug 12 oz.") == tokens("Mug 12oz") == tokens("Mug 12-oz")
    assert tokens("Pens Pack of 6") == tokens("Pens 6-Pack") == tokens("Pens 6 pk")
    assert tokens("Gift Card $25.00") == tokens("Gift Card - $25")
    assert tokens("Bottle 0.75 L") == ("bottle", "0.75l")


def test_default_title_means_no_options() -> None:
    assert variant_options("Default Title") == ()
    assert variant_options("Black / S/M") == ("Black", "S/M")


# -- attributes ----------------------------------------------------------------------------


def test_size_letters_need_context() -> None:
    assert read(tokens("Hoodie Black M")).sizes == {"M"}
    assert read(tokens("Hoodie M Black")).sizes == {"M"}
    assert read(tokens("Tee Size L")).sizes == {"L"}
    assert read(tokens("M Series Watch")).sizes == frozenset()
    assert read(tokens("Vitamin D Drops")).sizes == frozenset()
    assert read(("m",), whole_option=True).sizes == {"M"}


def test_size_words_and_codes_agree() -> None:
    assert read(tokens("Board Small")).sizes == read(tokens("Board S")).sizes == {"S"}
    assert read(tokens("Tee Extra Large")).sizes == read(tokens("Tee XL")).sizes == {"XL"}
    assert read(tokens("Socks S/M")).sizes == {"S/M"}


def test_measures_compare_across_units() -> None:
    assert veto(read(tokens("Coffee 2lb")), read(tokens("Coffee 32 oz"))) is None
    assert veto(read(tokens("Bottle 750ml")), read(tokens("Bottle 0.75 L"))) is None
    assert veto(read(tokens("Coffee 12oz")), read(tokens("Coffee 2lb"))) == "12oz ≠ 2lb"


def test_one_side_saying_more_is_not_a_veto() -> None:
    assert veto(read(tokens("Beanie Charcoal")), read(tokens("Beanie"))) is None
    assert veto(read(tokens("Sneaker 9")), read(tokens("Sneaker 9 (2024)"))) is None
    assert veto(read(tokens("Calendar 2026")), read(tokens("Calendar 2025"))) == "2026 ≠ 2025"


# -- the stages ----------------------------------------------------------------------------


def test_alias_wins_over_exact_sku() -> None:
    items = [item("1", "Tee Black M", sku="TSH-BLK-M"), item("2", "House Tee")]
    p = product("Organic Tee", "Black / M", sku="TSH-BLK-M", key="gid://v/1")
    result = one(p, items, aliases={"gid://v/1": "2"})
    assert (result.state, result.item_id, result.score) == (MatchState.ALIAS, "2", 100)
    assert result.reason == "learned alias"


def test_alias_to_an_inactive_item_is_ignored() -> None:
    items = [item("1", "Tee Black M", sku="TSH-BLK-M"), item("2", "Old Tee", active=False)]
    p = product("Organic Tee", "Black / M", sku="TSH-BLK-M", key="gid://v/1")
    result = one(p, items, aliases={"gid://v/1": "2"})
    assert (result.state, result.item_id) == (MatchState.EXACT, "1")


def test_exact_sku_on_the_items_sku_field() -> None:
    items = [
        item("1", "Something Else Entirely", sku="tsh blk m"),
        item("2", "Organic Tee Black M"),
    ]
    result = one(product("Organic Tee", "Black / M", sku="TSH-BLK-M"), items)
    assert (result.state, result.item_id, result.reason) == (MatchState.EXACT, "1", "exact SKU")


def test_exact_sku_on_an_item_named_as_the_sku() -> None:
    result = one(product("Mug", "12oz", sku="MUG-12OZ"), [item("7", "MUG12OZ")])
    assert (result.state, result.item_id) == (MatchState.EXACT, "7")


def test_sku_match_that_contradicts_the_variant_is_not_taken() -> None:
    items = [item("1", "Organic Tee Black L", sku="TSH-BLK-M")]
    result = one(product("Organic Tee", "Black / M", sku="TSH-BLK-M"), items)
    assert result.item_id is None
    assert "vetoed: M ≠ L" in result.reason


def test_sku_on_several_shopify_variants_decides_nothing() -> None:
    items = [item("1", "Pens Pack of 6", sku="PEN-PAC")]
    six = product("Gel Pens", "Pack of 6", sku="PEN-PAC", key="a")
    twelve = product("Gel Pens", "Pack of 12", sku="PEN-PAC", key="b")
    by_key = {r.key: r for r in match_products([six, twelve], items)}
    assert by_key["b"].item_id is None  # never the pack of 6
    assert by_key["a"].state is not MatchState.EXACT


@pytest.mark.parametrize(
    "name",
    [
        "Linen Apron (Natural)",
        "Linen Apron - Natural",
        "linen apron / natural",
        "LINEN APRON NATURAL",
    ],
)
def test_exact_name(name: str) -> None:
    result = one(
        product("Linen Apron", "Natural"), [item("3", name), item("4", "Linen Apron Slate")]
    )
    assert (result.state, result.item_id, result.reason) == (MatchState.EXACT, "3", "exact name")


def test_exact_name_on_the_leaf_of_a_sub_item() -> None:
    items = [
        item("10", "Hoodies"),
        item("11", "Pullover Hoodie Black M", parent="Hoodies", parent_id="10"),
    ]
    result = one(product("Pullover Hoodie", "Black / M"), items)
    assert (result.state, result.item_id) == (MatchState.EXACT, "11")
    assert result.item_name == "Hoodies:Pullover Hoodie Black M"


def test_exact_name_with_a_different_sku_is_only_a_suggestion() -> None:
    items = [item("1", "Stoneware Mug 12oz", sku="OLD-MUG-9")]
    result = one(product("Stoneware Mug", "12oz", sku="MUG-12OZ"), items)
    assert result.state is MatchState.SUGGESTED
    assert result.candidates[0].item_id == "1"


# -- vetoes --------------------------------------------------------------------------------


def test_veto_12oz_vs_16oz() -> None:
    result = one(product("Stoneware Mug", "12oz"), [item("1", "Stoneware Mug 16oz")])
    assert result.state is MatchState.UNMATCHED
    assert result.candidates == ()
    assert result.reason.startswith("vetoed: 12oz ≠ 16oz")


def test_veto_gift_card_denominations() -> None:
    items = [item("1", "Gift Card $50"), item("2", "Gift Card - $100.00")]
    result = one(product("Gift Card", "$25"), items)
    assert result.item_id is None and result.candidates == ()
    assert "$25 ≠ $50" in result.reason


def test_veto_sizes_m_vs_l() -> None:
    result = one(product("Pullover Hoodie", "Black / M"), [item("1", "Pullover Hoodie Black L")])
    assert result.candidates == ()
    assert "vetoed: M ≠ L" in result.reason


def test_veto_colours() -> None:
    items = [item("1", "Canvas Tote Bag - Black"), item("2", "Canvas Tote Bag White")]
    result = one(product("Canvas Tote Bag", "Natural"), items)
    assert result.candidates == ()
    assert "natural ≠ black" in result.reason


def test_veto_pack_of_6_vs_12() -> None:
    result = one(product("Gel Pens", "Pack of 6"), [item("1", "Gel Pens 12-Pack")])
    assert result.candidates == ()
    assert "pack of 6 ≠ pack of 12" in result.reason


def test_a_sibling_value_that_is_no_attribute_still_vetoes() -> None:
    products = [
        product("Soy Candle", "Lavender / 8oz", key="a"),
        product("Soy Candle", "Cedarwood / 8oz", key="b"),
    ]
    items = [item("1", "Soy Candle Cedarwood 8oz")]
    by_key = {r.key: r for r in match_products(products, items)}
    assert by_key["b"].item_id == "1"
    assert all(c.item_id != "1" for c in by_key["a"].candidates)


def test_parent_item_never_absorbs_its_variants() -> None:
    items = [
        item("10", "Hoodies"),
        item("11", "Pullover Hoodie Black S", parent="Hoodies", parent_id="10"),
        item("12", "Pullover Hoodie Black L", parent="Hoodies", parent_id="10"),
    ]
    result = one(product("Hoodies", "Black / M"), items)
    assert result.item_id is None
    assert all(c.item_id != "10" for c in result.candidates)


def test_a_parent_item_is_at_most_a_suggestion() -> None:
    items = [item("10", "Hoodies"), item("11", "Zip Hoodie", parent="Hoodies", parent_id="10")]
    result = one(product("Hoodies"), items)
    assert result.item_id is None
    assert result.candidates and result.candidates[0].item_id == "10"
    assert "parent item" in result.reason


def test_inactive_items_are_never_offered() -> None:
    items = [
        item("1", "Linen Apron (Slate)", active=False),
        item("2", "Linen Apron (Slate) (deleted)", active=False),
    ]
    result = one(product("Linen Apron", "Slate"), items)
    assert (result.state, result.candidates) == (MatchState.UNMATCHED, ())


# -- fuzzy, thresholds, reasons ------------------------------------------------------------


def test_reordered_words_auto_accept_with_a_clear_lead() -> None:
    items = [item("1", "Black Pullover Hoodie M"), item("2", "Black Pullover Hoodie S")]
    result = one(product("Pullover Hoodie", "Black / M"), items)
    assert (result.state, result.item_id, result.score) == (MatchState.AUTO, "1", 100)
    assert result.reason.startswith("name 100, tokens pullover hoodie black m")


def test_safe_typo_auto_accepts_but_another_word_does_not() -> None:
    typo = one(
        product("Beeswax Candle", "Lavender / 8oz"), [item("1", "Beesawx Candle Lavender 8oz")]
    )
    assert (typo.state, typo.item_id) == (MatchState.AUTO, "1")
    assert "typo" in typo.reason and typo.score >= 95
    skirt = one(
        product("Classic Cotton Shirt", "Black / M"), [item("1", "Classic Cotton Skirt Black M")]
    )
    assert skirt.state is MatchState.SUGGESTED and skirt.score < 95


def test_no_auto_accept_without_the_margin() -> None:
    items = [item("1", "Black Pullover Hoodie M"), item("2", "Pullover Hoodie M Black")]
    result = one(product("Pullover Hoodie", "Black / M"), items)
    assert result.state is MatchState.SUGGESTED and result.item_id is None
    assert [c.item_id for c in result.candidates] == ["1", "2"]  # a tie goes to the lower id
    assert "runner-up 100" in result.reason


def test_auto_accept_threshold_and_margin_are_settings() -> None:
    items = [item("1", "Beesawx Candle Lavender 8oz")]
    p = product("Beeswax Candle", "Lavender / 8oz")
    assert one(p, items).state is MatchState.AUTO
    strict = MatchSettings(auto_accept=99.5)
    assert one(p, items, settings=strict).state is MatchState.SUGGESTED
    with pytest.raises(ValueError):
        MatchSettings(auto_accept=50, floor=60)


def test_a_subset_name_is_only_suggested() -> None:
    result = one(product("Merino Wool Beanie", "Charcoal"), [item("1", "Beanie Charcoal")])
    assert (result.state, result.candidates[0].item_id) == (MatchState.SUGGESTED, "1")
    assert result.score <= 90
    assert "item lacks merino wool" in result.reason


def test_suggestions_stop_at_the_floor_and_at_five() -> None:
    items = [item(str(i), f"Stoneware Mug 12oz Batch {i}") for i in range(1, 9)]
    items.append(item("99", "Garden Hose"))
    result = one(product("Stoneware Mug", "12oz"), items)
    assert len(result.candidates) == 5
    assert all(c.score >= 60 for c in result.candidates)
    lonely = one(product("Stoneware Mug", "12oz"), [item("99", "Garden Hose Reel")])
    assert (lonely.state, lonely.candidates) == (MatchState.UNMATCHED, ())
    assert lonely.reason == "no candidate above 60"


def test_candidates_carry_id_name_score_reason() -> None:
    result = one(product("Merino Wool Beanie", "Charcoal"), [item("5", "Beanie Chrcl")])
    [candidate] = result.candidates
    assert (candidate.item_id, candidate.item_name) == ("5", "Beanie Chrcl")
    assert 60 <= candidate.score < 95
    assert candidate.reason.startswith(f"name {candidate.score:.0f}, tokens beanie")


def test_an_item_mapped_exactly_elsewhere_is_not_auto_accepted_again() -> None:
    items = [item("1", "Organic Tee Black M", sku="TSH-BLK-M")]
    exact = product("Organic Tee", "Black / M", sku="TSH-BLK-M", key="a")
    other = product("Organic Tee", "M / Black", key="b")  # a second listing, no SKU
    by_key = {r.key: r for r in match_products([exact, other], items)}
    assert by_key["a"].state is MatchState.EXACT
    assert by_key["b"].item_id is None
    assert "already mapped to" in by_key["b"].reason


def test_ties_break_by_numeric_item_id() -> None:
    items = [item("10", "Pullover Hoodie Black M"), item("9", "Pullover Hoodie - Black / M (old)")]
    items.append(item("11", "Pullover Hoodie (Black / M) (old)"))
    result = one(product("Pullover Hoodie", "Black / M", key="k"), items)
    assert result.item_id == "10"


def test_results_follow_the_input_and_repeat_for_a_repeated_key() -> None:
    p = product("Stoneware Mug", "12oz", key="k")
    q = product("Gift Card", "$25", key="g")
    results = match_products([p, q, p], [item("1", "Stoneware Mug 12oz")])
    assert [r.key for r in results] == ["k", "g", "k"]
    assert results[0] == results[2]


def test_product_from_a_shopify_line_uses_its_product_key() -> None:
    line = LineItem(
        id="gid://shopify/LineItem/1", order_id="o", position=0, sku="TSH-BLK-M",
        title="Organic Tee", variant_title="Black / M",
        variant_id="gid://shopify/ProductVariant/5", product_id="p", vendor="Fernwood",
        quantity=1, unit_price=Decimal("28"), original_total=Decimal("28"),
        discount=Decimal("0"), is_gift_card=False, taxable=True,
    )  # fmt: skip
    p = Product.from_line(line)
    assert (p.key, p.sku, p.product_title, p.variant_title, p.vendor) == (
        "gid://shopify/ProductVariant/5", "TSH-BLK-M", "Organic Tee", "Black / M", "Fernwood"
    )  # fmt: skip


def test_blank_names_match_nothing() -> None:
    items = [item("1", "—"), item("2", "Gift Card")]
    result = one(product("  ", None), items)
    assert (result.state, result.candidates) == (MatchState.UNMATCHED, ())


def test_non_latin_titles_are_words_too() -> None:
    items = [item("1", "茶杯 350ml"), item("2", "茶杯 500ml")]
    result = one(product("茶杯", "350 ml"), items)
    assert (result.state, result.item_id) == (MatchState.EXACT, "1")


def test_category_items_are_never_offered_nor_aliased() -> None:
    items = [item("1", "Hoodies", type="Category"), item("2", "Zip Hoodie Black M")]
    p = product("Hoodies", key="k")
    result = one(p, items, aliases={"k": "1"})
    assert all(c.item_id != "1" for c in result.candidates)
    assert result.reason.startswith("alias to a category item 1 ignored")


def test_a_size_label_is_not_a_word() -> None:
    items = [item("1", "Pullover Hoodie Black Size M")]
    result = one(product("Pullover Hoodie", "Black / M"), items)
    assert (result.state, result.item_id) == (MatchState.EXACT, "1")


def test_narrowing_hands_over_at_most_the_shortlist() -> None:
    from workbench.domain.matching import ItemIndex
    from workbench.domain.matching.fuzzy import narrow

    items = [item(str(i), f"Crew Neck Tee Line{i} Black M") for i in range(1, 2001)]
    index = ItemIndex(items)
    pool = narrow(index, tokens("Crew Neck Tee"), keep=50)
    assert len(pool) == 50
    assert pool == sorted(pool)  # equal evidence: lowest item ids first, whatever the order
