"""The product side, prepared once per product key: what the matcher compares it by."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from workbench.domain.matching.attributes import Attributes, read, read_options
from workbench.domain.matching.index import ItemIndex, compare_words
from workbench.domain.matching.model import Product
from workbench.domain.matching.normalise import normalise_sku, sku_parts, tokens, variant_options


@dataclass(frozen=True, slots=True)
class Query:
    product: Product
    words: tuple[str, ...]  # compare words: the title's, then each option value's
    text: str
    title_words: tuple[str, ...]
    attributes: Attributes
    attribute_id: int
    sku: str
    stem: str  # the SKU's first part ("TSH" of "TSH-BLK-M"): a family hint for narrowing
    has_options: bool
    ignore: frozenset[str]  # the vendor's words, which an item name may carry for free
    values: tuple[tuple[str, ...], ...]  # each option value's compare words, in option order
    optional: frozenset[str]  # option words an item for the whole product may leave out

    @property
    def label(self) -> str:
        p = self.product
        return f"{p.product_title} - {p.variant_title}" if self.has_options else p.product_title


@dataclass(frozen=True, slots=True)
class _Title:
    raw: tuple[str, ...]
    words: tuple[str, ...]
    attributes: Attributes


@dataclass(frozen=True, slots=True)
class _Options:
    raw: tuple[str, ...]
    values: tuple[tuple[str, ...], ...]
    attributes: Attributes


@lru_cache(maxsize=100_000)
def _title(title: str) -> _Title:
    raw = tokens(title)
    return _Title(raw, compare_words(raw), read(raw))


@lru_cache(maxsize=100_000)
def _options(variant_title: str | None) -> _Options:
    values = tuple(tokens(option) for option in variant_options(variant_title))
    return _Options(
        tuple(word for value in values for word in value),
        tuple(compare_words(value) for value in values),
        read_options(values),
    )


@lru_cache(maxsize=100_000)
def _merge(title: Attributes, options: Attributes) -> Attributes:
    return title.merged(options) if options else title


@lru_cache(maxsize=100_000)
def _vendor(vendor: str | None) -> frozenset[str]:
    return frozenset(tokens(vendor)) if vendor else frozenset()


def prepare(product: Product, index: ItemIndex) -> Query:
    """Normalise a product once; its attributes are interned in the index's table.

    Titles and variant titles ("Black / M") repeat across thousands of variants, so each is
    normalised once (cached) and only the combination is built per product.
    """
    title = _title(product.product_title)
    options = _options(product.variant_title)
    attributes = _merge(title.attributes, options.attributes)
    words = compare_words(title.raw + options.raw) if options.raw else title.words
    parts = sku_parts(product.sku) if product.sku else ()
    chosen = set(words)
    return Query(
        product=product,
        words=words,
        text=" ".join(words),
        title_words=title.words,
        attributes=attributes,
        attribute_id=index.intern(attributes),
        sku=normalise_sku(product.sku),
        stem=parts[0] if len(parts) > 1 and len(parts[0]) >= 3 else "",
        has_options=bool(options.values),
        ignore=_vendor(product.vendor) - chosen if product.vendor else frozenset(),
        values=options.values,
        optional=frozenset(w for v in options.values for w in v if w not in title.words),
    )
