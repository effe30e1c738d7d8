"""Query statements: literals escaped exactly as QBO's grammar requires (reference §9).

The emulator's own parser is the independent judge: whatever text we put in a literal must
come back out of its parser unchanged.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.qbo.querylang import Select, literal, quote
from workbench.sandbox.qbo_emulator import query as emulator_query


def test_quote_escapes_quote_and_backslash() -> None:
    assert quote("O'Brien") == r"'O\'Brien'"
    assert quote("C:\\Temp") == r"'C:\\Temp'"
    # The backslash is doubled before the quote gets its own backslash, never the reverse.
    assert quote("\\'") == r"'\\\''"
    assert quote("Amy's Bird Sanctuary") == r"'Amy\'s Bird Sanctuary'"


def test_literals_by_type() -> None:
    assert literal(True) == "true" and literal(False) == "false"
    assert literal(Decimal("300.00")) == "'300.00'"
    assert literal(42) == "'42'"
    assert literal(date(2026, 11, 2)) == "'2026-11-02'"
    moment = datetime(2026, 11, 2, 9, 30, tzinfo=timezone(timedelta(hours=-8)))
    assert literal(moment) == "'2026-11-02T09:30:00-08:00'"
    with pytest.raises(ValueError, match="UTC offset"):
        literal(datetime(2026, 11, 2, 9, 30))


def test_select_renders_the_grammar() -> None:
    statement = (
        Select("Item", extra_fields=("Sku",))
        .where("Name", "=", "O'Brien & Sons")
        .where("Active", "in", [True, False])
        .order_by("Id")
    )
    assert statement.render() == (
        r"SELECT *, Sku FROM Item WHERE Name = 'O\'Brien & Sons' AND Active IN (true, false) "
        "ORDERBY Id"
    )
    assert statement.page(1001, 1000).endswith("ORDERBY Id STARTPOSITION 1001 MAXRESULTS 1000")
    assert statement.counting().render() == (
        r"SELECT COUNT(*) FROM Item WHERE Name = 'O\'Brien & Sons' AND Active IN (true, false)"
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: Select("Item; DROP"), "not a QBO entity"),
        (lambda: Select("Item").where("Name' OR 1", "=", "x"), "not a QBO entity or field"),
        (lambda: Select("Item").where("Name", "OR", "x"), "operator"),
        (lambda: Select("Item").where("Id", "IN", []), "at least one"),
        (lambda: Select("Item").where("Id", "IN", "12"), "list"),
        (lambda: Select("Item").page(0, 10), "STARTPOSITION"),
        (lambda: Select("Item").page(1, 1001), "MAXRESULTS"),
    ],
)
def test_refuses_what_would_break_the_statement(call: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()  # type: ignore[operator]


@given(
    st.one_of(
        st.text(alphabet="ab'\\\" %&()=,", max_size=20),  # the characters that matter most
        st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40),
    )
)
def test_every_text_survives_the_emulator_parser(text: str) -> None:
    statement = Select("Customer").where("DisplayName", "=", text).where("Id", "IN", [text, "7"])
    parsed = emulator_query.parse(statement.page(1, 10))
    assert parsed.where[0].values == (text,)
    assert parsed.where[1].values == (text, "7")
