import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.factories import UnitFactory
from units.models import Unit
from units.naming import normalize_name
from units.selectors import UnitNameError, unit_matcher_build, unit_resolve

D2024 = dt.date(2024, 12, 31)
PROVINCES = [Unit.Kind.PROVINCE]


@pytest.mark.usefixtures("reference_units")
@pytest.mark.parametrize(
    ("published", "code"),
    [
        ("TP.HCM", "79"),
        ("HCMC", "79"),
        ("TP. Hồ Chí Minh", "79"),
        ("Thành phố Hồ Chí Minh", "79"),
        ("BRVT", "77"),
        ("Bà Rịa – Vũng Tàu", "77"),
        ("Bà Rịa - Vũng Tàu", "77"),
        ("TT-Huế", "46"),
        ("TT-Hue", "46"),
        ("Thừa Thiên - Huế", "46"),
        ("Quang Nam", "49"),
        ("Tỉnh Quảng Nam", "49"),
        ("QUẢNG NAM", "49"),
        ("Đăk Lăk", "66"),
        ("Đắk Lắk", "66"),
        ("Ha Noi", "01"),
        ("Hà Nội", "01"),
        ("Hoà Bình", "17"),
        ("Hòa Bình", "17"),
        ("  Đà   Nẵng ", "48"),
    ],
)
def test_resolves_published_variants(published, code):
    assert unit_resolve(name=published, on_date=D2024, kinds=PROVINCES).code == code


@pytest.mark.usefixtures("reference_units")
def test_date_rule_picks_the_unit_that_existed_then():
    assert unit_resolve(name="Quảng Nam", on_date=dt.date(2024, 1, 1)).code == "49"
    assert unit_resolve(name="Đà Nẵng", on_date=dt.date(2024, 1, 1), kinds=PROVINCES).code == "48"
    new_da_nang = unit_resolve(name="Đà Nẵng", on_date=dt.date(2026, 1, 1), kinds=PROVINCES)
    assert new_da_nang.code == "48-2025"
    with pytest.raises(UnitNameError) as error:
        unit_resolve(name="Quảng Nam", on_date=dt.date(2026, 1, 1), kinds=PROVINCES)
    assert "01/01/2026" in str(error.value)


@pytest.mark.usefixtures("reference_units")
def test_unknown_name_is_refused_with_the_closest_candidates():
    with pytest.raises(UnitNameError) as error:
        unit_resolve(name="Quảng Nan", on_date=D2024, kinds=PROVINCES)
    assert error.value.candidates[0] == "Tỉnh Quảng Nam (49)"
    assert "Không tìm thấy" in error.value.reason


@pytest.mark.usefixtures("reference_units")
def test_ambiguous_name_is_refused_never_guessed():
    # "Huyện Châu Thành" exists in several provinces; two units with one name must not be guessed.
    UnitFactory(code="T-PN-1", name="Huyện Phú Ninh", kind=Unit.Kind.DISTRICT)
    matcher = unit_matcher_build(on_date=D2024, kinds=[Unit.Kind.DISTRICT])
    with pytest.raises(UnitNameError) as error:
        matcher.resolve("Phú Ninh")
    assert "nhiều đơn vị" in error.value.reason
    assert len(error.value.candidates) == 2


@pytest.mark.usefixtures("reference_units")
def test_empty_name_is_refused():
    with pytest.raises(UnitNameError):
        unit_resolve(name="  ", on_date=D2024)


names = st.sampled_from(
    ["Tỉnh Quảng Nam", "Thành phố Hồ Chí Minh", "Bà Rịa - Vũng Tàu", "Thừa Thiên Huế", "Đắk Lắk"]
)


@given(names, st.sampled_from([str.upper, str.lower, str.title, lambda s: s]))
def test_normalisation_is_stable_under_case(name, change_case):
    assert normalize_name(change_case(name)) == normalize_name(name)


@given(names, st.text(alphabet=" \t\n", min_size=0, max_size=3))
def test_normalisation_is_stable_under_whitespace(name, padding):
    spaced = padding + name.replace(" ", " " + padding) + padding
    assert normalize_name(spaced) == normalize_name(name)


@given(names, st.sampled_from(["-", "–", "—", " - ", " – ", "‐"]))
def test_normalisation_is_stable_under_dashes(name, dash):
    assert normalize_name(name.replace(" - ", dash)) == normalize_name(name)


@given(st.text(max_size=40))
def test_normalisation_is_idempotent(text):
    assert normalize_name(normalize_name(text)) == normalize_name(text)
