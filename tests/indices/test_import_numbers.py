"""Number parsing, property-based: Vietnamese and English notation, words that mean "not available",
and blanks that are never zero."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from tabular.cells import parse_cell


@given(st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False))
def test_vietnamese_and_english_decimals_parse_the_same(value):
    english = f"{value:.2f}"
    vietnamese = english.replace(".", ",")
    assert parse_cell(english).value == parse_cell(vietnamese).value == value
    assert parse_cell(vietnamese + "%").value == value
    assert parse_cell(english).decimals == 2


@given(st.integers(min_value=1000, max_value=10**9))
def test_thousands_separators_in_both_notations(number):
    assert parse_cell(f"{number:,}.5").value == Decimal(number) + Decimal("0.5")
    assert parse_cell(f"{number:,}".replace(",", ".") + ",5").value == Decimal(number) + Decimal(
        "0.5"
    )


@given(st.sampled_from(["N/A", "n/a", "-", "–", "Không có dữ liệu"]))
def test_not_available_words_are_never_numbers(word):
    cell = parse_cell(word)
    assert (cell.state, cell.value) == ("not_available", None)


@given(
    st.text(alphabet="abcdeghiklmnopqrstuvxyàáạăâđêôơư ", min_size=1, max_size=12).filter(
        lambda s: s.strip() and s.strip().lower() not in {"na", "x", "np"}
    )
)
def test_words_are_refused_as_numbers(word):
    assert parse_cell(word).state in {"invalid", "not_available", "not_published", "blank"}
    assert parse_cell(word).value is None


def test_blank_is_never_zero():
    assert parse_cell(None).state == "blank"
    assert parse_cell("  ").state == "blank"
    assert parse_cell(66.24).value == Decimal("66.24")
