"""The real published tables in the demo dataset, and the illustrative fill around them."""

import io
from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import call_command

from indices.demo.published import PUBLISHED_DIR
from indices.models import Basis, IndexEdition, Score
from units.services import read_data_csv

pytestmark = pytest.mark.demo


def _totals(code: str, year: int):
    return Score.objects.filter(
        edition__index__code=code, edition__year=year, component__isnull=True
    ).select_related("unit", "batch")


def _total(code: str, year: int, unit_code: str) -> Score:
    return _totals(code, year).get(unit__code=unit_code)


def _ranked_editions():
    return IndexEdition.objects.filter(
        index__publishes_ranks=True, index__kind="national", status="published"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "code", "year", "rows"),
    [
        ("pci_2015_top25.csv", "PCI", 2015, 25),
        ("pci_2022_partial.csv", "PCI", 2022, 19),
        ("dti_2022_provinces_ranks_63.csv", "DTI", 2022, 63),
    ],
)
def test_every_row_of_a_published_table_is_stored_as_published(name, code, year, rows):
    assert len(list(read_data_csv(PUBLISHED_DIR / name))) == rows
    stored = _totals(code, year).filter(batch__original_name=name)
    assert stored.count() == rows
    assert set(stored.values_list("basis", flat=True)) == {Basis.PUBLISHED}
    assert not stored.filter(batch__is_demo=True).exists()


@pytest.mark.django_db
def test_pci_2015_top25_is_published_with_nine_sub_indices():
    da_nang = _total("PCI", 2015, "48")
    assert (da_nang.value, da_nang.published_rank, da_nang.published_group) == (
        Decimal("68.34"),
        1,
        "Rất tốt",
    )
    assert "pcivietnam.org" in da_nang.batch.source_note
    parts = Score.objects.filter(unit__code="48", edition=da_nang.edition, component__isnull=False)
    assert parts.filter(state="value", basis=Basis.PUBLISHED).count() == 9
    assert parts.get(component__code="3").value == Decimal("7.33")
    # "Cạnh tranh bình đẳng" is not on the source page: not available, never a number.
    policy_bias = parts.get(component__code="6")
    assert (policy_bias.state, policy_bias.value) == ("not_available", None)
    edition = da_nang.edition
    assert edition.aggregation == IndexEdition.Aggregation.PUBLISHED_ONLY
    illustrative = _totals("PCI", 2015).filter(basis=Basis.ILLUSTRATIVE)
    assert sorted(illustrative.values_list("published_rank", flat=True)) == list(range(26, 64))


@pytest.mark.django_db
def test_par_partial_tables_are_published_with_each_rows_source():
    quang_ninh = _total("PAR", 2023, "22")
    assert (quang_ninh.value, quang_ninh.published_rank) == (Decimal("92.18"), 1)
    assert quang_ninh.basis == Basis.PUBLISHED
    assert quang_ninh.source.startswith("https://shipbolt.vn/")
    an_giang = _total("PAR", 2023, "89")
    assert (an_giang.value, an_giang.published_rank) == (Decimal("81.32"), 63)
    # A rank named in a "top five" list without its score: a published rank, score not published.
    bac_giang = _total("PAR", 2022, "24")
    assert (bac_giang.state, bac_giang.value, bac_giang.published_rank) == (
        "not_published",
        None,
        4,
    )
    assert bac_giang.basis == Basis.PUBLISHED


@pytest.mark.django_db
def test_par_bottom_three_keep_their_scores_without_a_published_rank():
    totals = _totals("PAR", 2023).filter(state="value")
    for unit_code, place in (("60", 61), ("94", 62)):  # Bình Thuận, Sóc Trăng
        score = totals.get(unit__code=unit_code)
        assert score.basis == Basis.PUBLISHED
        assert score.published_rank is None
        # The illustrative fill leaves them where the source puts them: among the last three.
        assert totals.filter(value__gt=score.value).count() + 1 == place


@pytest.mark.django_db
def test_pci_2022_partial_is_published_and_the_rest_fills_around_it():
    quang_ninh = _total("PCI", 2022, "22")
    assert (quang_ninh.value, quang_ninh.published_rank, quang_ninh.published_group) == (
        Decimal("72.95"),
        1,
        "Rất tốt",
    )
    assert quang_ninh.source == "https://investinquangninh.vn/vi/pci"
    ha_noi = _total("PCI", 2022, "01")
    assert (ha_noi.state, ha_noi.published_rank, ha_noi.basis) == ("not_published", 20, "published")
    phu_tho = Score.objects.filter(
        unit__code="25", edition__index__code="PCI", edition__year=2022, component__isnull=False
    )
    assert phu_tho.filter(basis=Basis.PUBLISHED, state="value").count() == 10
    assert phu_tho.get(component__code="6").value == Decimal("5.28")
    # Illustrative provinces take ranks 11–19 between Long An (68.45) and Nghệ An (66.60).
    between = _totals("PCI", 2022).filter(published_rank__gt=10, published_rank__lt=20)
    assert set(between.values_list("basis", flat=True)) == {Basis.ILLUSTRATIVE}
    assert all(
        Decimal("66.60") < v < Decimal("68.45") for v in between.values_list("value", flat=True)
    )


@pytest.mark.django_db
def test_dti_2022_ranks_all_63_provinces_with_the_published_tie():
    totals = _totals("DTI", 2022)
    assert totals.count() == 63
    assert set(totals.values_list("basis", flat=True)) == {Basis.PUBLISHED}
    ranks = Counter(totals.values_list("published_rank", flat=True))
    assert ranks[15] == 2
    assert 16 not in ranks
    assert sorted(ranks) == [r for r in range(1, 64) if r != 16]
    assert {s.unit.code for s in totals.filter(published_rank=15)} == {
        "38",
        "15",
    }  # Thanh Hóa, Yên Bái
    # A rank without a readable score is "not published", never a zero.
    assert totals.filter(state="not_published", value__isnull=True).count() == 57
    quang_nam = totals.get(unit__code="49")
    assert (quang_nam.state, quang_nam.published_rank) == ("not_published", 31)
    da_nang = totals.get(unit__code="48")
    assert (da_nang.value, da_nang.published_rank) == (Decimal("0.8002"), 1)
    assert "dti.gov.vn" in da_nang.batch.source_note


@pytest.mark.django_db
def test_dti_components_are_stored_only_where_published():
    scores = Score.objects.filter(
        edition__index__code="DTI", edition__year=2022, component__isnull=False
    )
    assert not scores.exclude(basis=Basis.PUBLISHED).exists()
    assert scores.filter(unit__code="48", component__code="1").get().value == Decimal("1.0000")
    tra_vinh = scores.get(unit__code="84", component__code="CQS")
    assert (tra_vinh.value, tra_vinh.published_rank) == (Decimal("0.6683"), 29)
    assert "travinh.gov.vn" in tra_vinh.source
    hcm = scores.get(unit__code="79", component__code="CQS")
    assert (hcm.state, hcm.value, hcm.published_rank) == ("not_published", None, 3)
    assert not scores.filter(unit__code="49").exists()  # nothing published beyond the rank


@pytest.mark.django_db
def test_dti_has_no_illustrative_data():
    assert not Score.objects.filter(edition__index__code="DTI", basis=Basis.ILLUSTRATIVE).exists()
    assert not Score.objects.filter(edition__index__code="DTI").exclude(edition__year=2022).exists()


@pytest.mark.django_db
def test_no_illustrative_rank_repeats_a_real_rank_in_the_same_edition():
    for edition in _ranked_editions():
        totals = Score.objects.filter(edition=edition, component__isnull=True)
        real = set(
            totals.exclude(basis=Basis.ILLUSTRATIVE)
            .exclude(published_rank=None)
            .values_list("published_rank", flat=True)
        )
        illustrative = list(
            totals.filter(basis=Basis.ILLUSTRATIVE)
            .exclude(published_rank=None)
            .values_list("published_rank", flat=True)
        )
        assert not real & set(illustrative), edition
        assert len(illustrative) == len(set(illustrative)), edition


@pytest.mark.django_db
def test_illustrative_totals_follow_the_published_order():
    """Ordered by value, every edition's published ranks increase: an illustrative total never
    sits above a better-ranked real one or below a worse-ranked one."""
    for edition in _ranked_editions():
        rows = list(
            Score.objects.filter(edition=edition, component__isnull=True, state="value")
            .exclude(published_rank=None)
            .values_list("value", "published_rank")
        )
        ranks = [rank for _value, rank in sorted(rows, key=lambda r: (-r[0], r[1]))]
        assert ranks == sorted(ranks), edition


@pytest.mark.django_db
def test_illustrative_pci_tiers_never_contradict_real_ones():
    order = ["Rất tốt", "Tốt", "Khá", "Trung bình", "Tương đối thấp", "Thấp"]
    for year in (2015, 2021, 2022):
        rows = sorted(
            _totals("PCI", year)
            .exclude(published_group="")
            .values_list("published_rank", "published_group")
        )
        levels = [order.index(group) for _rank, group in rows]
        assert levels == sorted(levels), year


@pytest.mark.django_db
def test_no_illustrative_par_province_is_perfect_in_every_area():
    areas = Score.objects.filter(
        edition__index__code="PAR", component__isnull=False, basis=Basis.ILLUSTRATIVE
    )
    assert not areas.filter(value__gte=98).exists()
    perfect = Counter(areas.filter(value=100).values_list("edition_id", "unit_id"))
    assert not perfect
    leader = _total("PAR", 2023, "22")  # Quảng Ninh, real 92.18, illustrative areas
    values = list(
        Score.objects.filter(
            unit=leader.unit, edition=leader.edition, component__isnull=False
        ).values_list("value", flat=True)
    )
    assert len(values) == 8
    assert max(values) - min(values) > 2


@pytest.mark.django_db
def test_remove_demo_keeps_every_real_row():
    real = Counter(
        Score.objects.exclude(basis=Basis.ILLUSTRATIVE).values_list("edition_id", flat=True)
    )
    call_command("remove_demo_data", stdout=io.StringIO())
    assert not Score.objects.filter(basis=Basis.ILLUSTRATIVE).exists()
    kept = Counter(Score.objects.values_list("edition_id", flat=True))
    assert kept == real
    assert _total("PAR", 2023, "22").value == Decimal("92.18")
    assert _totals("DTI", 2022).count() == 63
    assert _totals("PCI", 2015).count() == 25
