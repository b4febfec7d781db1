import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from indices.aggregation import total_from_components
from indices.models import Basis, Component, Index, IndexEdition, Score, Target
from indices.services.catalogue import edition_copy, index_definitions_load, target_save
from tests.factories import ComponentFactory, EditionFactory
from units.models import Unit
from units.selectors import unit_matcher_build

SHARED = Path(__file__).resolve().parents[2] / "indices" / "data" / "published"
PCI_COLUMNS = [
    "gia_nhap_thi_truong",
    "tiep_can_dat_dai",
    "tinh_minh_bach",
    "chi_phi_thoi_gian",
    "chi_phi_khong_chinh_thuc",
    "canh_tranh_binh_dang",
    "tinh_nang_dong",
    "ho_tro_doanh_nghiep",
    "dao_tao_lao_dong",
    "thiet_che_phap_ly",
]


def _edition(code: str, year: int) -> IndexEdition:
    return IndexEdition.objects.select_related("index").get(index__code=code, year=year)


@pytest.mark.django_db
def test_pci_weights_reproduce_the_real_2021_published_totals():
    edition = _edition("PCI", 2021)
    components = list(edition.components.all())
    with (SHARED / "pci_2021_top21.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    assert len(rows) == 21
    for row in rows:
        values = {str(i): Decimal(row[col]) for i, col in enumerate(PCI_COLUMNS, start=1)}
        total = total_from_components(edition=edition, components=components, values=values)
        assert abs(total - Decimal(row["pci_score"])) <= Decimal("0.05"), row


@pytest.mark.django_db
def test_published_only_edition_has_no_computed_total():
    edition = _edition("PCI", 2022)
    values = {str(i): Decimal(7) for i in range(1, 11)}
    components = list(edition.components.all())
    assert total_from_components(edition=edition, components=components, values=values) is None


@pytest.mark.django_db
def test_papi_total_is_the_sum_and_missing_dimension_gives_none():
    edition = _edition("PAPI", 2020)
    components = list(edition.components.all())
    values = {str(i): Decimal("5.5") for i in range(1, 9)}
    assert total_from_components(edition=edition, components=components, values=values) == 44
    values["8"] = None
    assert total_from_components(edition=edition, components=components, values=values) is None


@pytest.mark.django_db
def test_editions_carry_scale_breaks_and_not_run_years():
    assert _edition("PAPI", 2018).breaks_comparability
    assert _edition("PAPI", 2018).total_max == 80
    assert _edition("PAPI", 2017).total_max == 60
    assert _edition("PAPI", 2017).components.count() == 6
    assert _edition("PAPI", 2018).components.count() == 8
    assert _edition("PAR", 2022).breaks_comparability
    assert "876" in _edition("PAR", 2022).legal_basis
    assert _edition("ICT", 2021).status == IndexEdition.Status.NOT_RUN
    assert _edition("PCI", 2023).published_top_n == 30
    assert _edition("PCI", 2021).aggregation_confirmed
    assert _edition("PCI", 2022).aggregation == IndexEdition.Aggregation.PUBLISHED_ONLY
    weights = [c.weight for c in _edition("PCI", 2020).components.order_by("order")]
    assert weights == [5, 5, 20, 5, 10, 5, 5, 20, 20, 5]
    assert set(Index.objects.values_list("code", flat=True)) == {
        "PAR",
        "PAPI",
        "PCI",
        "ICT",
        "DTI",
        "PAR_DEPT",
        "PAR_DISTRICT",
        "PAR_COMMUNE",
        "DDCI",
    }


@pytest.mark.django_db
def test_loading_definitions_again_keeps_admin_edits():
    component = _edition("PAR", 2023).components.get(code="1")
    component.max_points = Decimal("12.5")
    component.save()
    summary = index_definitions_load()
    assert summary.editions_created == 0
    assert summary.components_created == 0
    component.refresh_from_db()
    assert component.max_points == Decimal("12.5")


@pytest.mark.django_db
def test_score_state_and_value_must_agree(home_province):
    edition = EditionFactory(year=2030)
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(
            unit=home_province, edition=edition, state="not_published", value=Decimal("1")
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(unit=home_province, edition=edition, state="value", value=None)
    Score.objects.create(unit=home_province, edition=edition, state="not_available")
    assert Score.objects.get(edition=edition).value is None


@pytest.mark.django_db
def test_one_total_and_one_value_per_component(home_province):
    edition = EditionFactory(year=2031)
    component = ComponentFactory(edition=edition)
    Score.objects.create(unit=home_province, edition=edition, state="value", value=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(unit=home_province, edition=edition, state="value", value=2)
    Score.objects.create(
        unit=home_province, edition=edition, component=component, state="value", value=1
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(
            unit=home_province, edition=edition, component=component, state="value", value=3
        )


@pytest.mark.django_db
def test_copying_an_edition_copies_its_tree_with_parents():
    source = EditionFactory(year=2040)
    area = ComponentFactory(edition=source, code="1", name="Lĩnh vực 1", max_points=20, order=1)
    ComponentFactory(edition=source, code="1.1", name="Tiêu chí 1.1", parent=area, max_points=8)
    ComponentFactory(edition=source, code="2", name="Lĩnh vực 2", max_points=30, order=2)
    copy = edition_copy(source=source, year=2041)
    assert copy.status == IndexEdition.Status.PLANNED
    assert copy.index == source.index
    assert sorted(copy.components.values_list("code", "max_points")) == [
        ("1", Decimal("20.00")),
        ("1.1", Decimal("8.00")),
        ("2", Decimal("30.00")),
    ]
    child = copy.components.get(code="1.1")
    assert child.parent.code == "1"
    assert child.parent.edition == copy
    assert Component.objects.filter(edition=source).count() == 3


@pytest.mark.django_db
def test_target_changes_are_kept_in_history(home_province, admin_user):
    index = Index.objects.get(code="PAR")
    target = target_save(
        unit=home_province,
        index=index,
        kind=Target.Kind.SCORE,
        component_code="1",
        target_value=Decimal("86"),
        baseline_year=2020,
        milestones={2024: Decimal("85")},
    )
    target_save(
        target=target,
        unit=home_province,
        index=index,
        kind=Target.Kind.SCORE,
        component_code="1",
        target_value=Decimal("88"),
        baseline_year=2020,
    )
    values = list(target.history.order_by("history_date").values_list("target_value", flat=True))
    assert values == [Decimal("86"), Decimal("88")]
    assert target.milestones.get(year=2024).value == Decimal("85")


@pytest.mark.django_db
def test_rank_target_needs_a_rank(home_province):
    with pytest.raises(ValidationError):
        target_save(
            unit=home_province, index=Index.objects.get(code="PCI"), kind="rank", baseline_year=2020
        )


# The demo dataset's invariants.


@pytest.mark.django_db
@pytest.mark.parametrize("year", [2016, 2017, 2018, 2019, 2020, 2021])
def test_demo_pci_totals_equal_weighted_sum(year):
    edition = _edition("PCI", year)
    components = list(edition.components.all())
    by_unit: dict[int, dict[str, Decimal]] = {}
    totals = {}
    for score in Score.objects.filter(edition=edition, state="value").select_related("component"):
        if score.component is None:
            totals[score.unit_id] = score.value
        else:
            by_unit.setdefault(score.unit_id, {})[score.component.code] = score.value
    assert len(totals) == 63
    for unit_id, total in totals.items():
        computed = total_from_components(
            edition=edition, components=components, values=by_unit[unit_id]
        )
        assert abs(computed - total) <= Decimal("0.05")


@pytest.mark.django_db
@pytest.mark.parametrize("year", [2016, 2017, 2019, 2023, 2024])
def test_demo_papi_totals_equal_sum_of_dimensions(year):
    edition = _edition("PAPI", year)
    for unit_id in Score.objects.filter(
        edition=edition, component__isnull=True, state="value"
    ).values_list("unit_id", flat=True):
        scores = Score.objects.filter(edition=edition, unit_id=unit_id)
        total = scores.get(component__isnull=True).value
        dims = [s.value for s in scores.filter(component__isnull=False)]
        assert abs(sum(dims) - total) <= Decimal("0.01")


@pytest.mark.django_db
@pytest.mark.parametrize("year", [2023, 2024])
def test_demo_pci_publishes_only_the_top_30(year):
    totals = Score.objects.filter(edition=_edition("PCI", year), component__isnull=True)
    assert totals.filter(state="value").count() == 30
    assert totals.filter(state="not_published").count() == 33
    assert max(totals.filter(state="value").values_list("published_rank", flat=True)) == 30


@pytest.mark.django_db
def test_demo_papi_2023_lacks_quang_ninh_and_binh_duong():
    missing = Score.objects.filter(
        edition=_edition("PAPI", 2023), component__isnull=True, state="not_available"
    ).values_list("unit__code", flat=True)
    assert sorted(missing) == ["22", "74"]


@pytest.mark.django_db
def test_demo_has_no_ict_2021_and_all_four_indices_for_63_provinces():
    assert not Score.objects.filter(edition=_edition("ICT", 2021)).exists()
    for code in ("PAR", "PAPI", "PCI", "ICT"):
        for edition in IndexEdition.objects.filter(index__code=code, status="published"):
            count = Score.objects.filter(edition=edition, component__isnull=True).count()
            assert count == 63, edition


@pytest.mark.django_db
def test_demo_uses_real_published_figures():
    qn = Unit.objects.get(code="49")

    def total(code, year):
        return Score.objects.get(unit=qn, edition=_edition(code, year), component__isnull=True)

    assert total("PCI", 2021).value == Decimal("66.24")
    assert total("PCI", 2021).published_rank == 19
    assert total("PCI", 2021).published_group == "Khá"
    assert total("PCI", 2021).basis == Basis.PUBLISHED
    assert (total("PCI", 2015).value, total("PCI", 2015).published_rank) == (Decimal("61.06"), 8)
    assert (total("PCI", 2019).value, total("PCI", 2019).published_rank) == (Decimal("69.42"), 6)
    assert total("PAR", 2023).value == Decimal("84.60")
    assert total("PAR", 2023).published_rank == 56
    assert total("PAR", 2023).basis == Basis.PUBLISHED
    assert total("PAR", 2023).source.startswith("https://www.vietnam.vn/")
    assert total("PAPI", 2022).value == Decimal("42.2377")
    assert total("PAPI", 2017).value == Decimal("37.08")
    assert total("PAPI", 2017).basis == Basis.PUBLISHED
    # The real PAPI files' gaps are kept as not available, never as zero.
    matcher = unit_matcher_build(on_date=_edition("PAPI", 2021).reference_date, kinds=["province"])
    bac_giang = matcher.resolve("Bắc Giang")
    gap = Score.objects.get(unit=bac_giang, edition=_edition("PAPI", 2021), component__isnull=True)
    assert gap.state == "not_available"
    assert gap.value is None


@pytest.mark.django_db
def test_demo_par_2023_all_provinces_above_80():
    values = Score.objects.filter(edition=_edition("PAR", 2023), component__isnull=True)
    assert min(values.values_list("value", flat=True)) > 80


@pytest.mark.django_db
def test_demo_internal_indices_cover_departments_and_districts_to_2024():
    districts = Score.objects.filter(edition__index__code="PAR_DISTRICT", component__isnull=True)
    assert districts.filter(edition__year=2024).count() == 18
    assert districts.filter(edition__year=2024, unit__code="519").exists()  # Nông Sơn, last year
    assert not districts.filter(edition__year__gt=2024).exists()
    leader = districts.filter(edition__year=2022).order_by("-value").first()
    assert (leader.unit.code, leader.value) == ("515", Decimal("91.44"))  # Bắc Trà My
    departments = Score.objects.filter(edition__index__code="PAR_DEPT", component__isnull=True)
    assert departments.filter(edition__year=2021).count() == 27


@pytest.mark.django_db
def test_demo_targets_for_quang_nam_on_every_index():
    codes = set(Target.objects.filter(unit__code="49").values_list("index__code", flat=True))
    assert {"PAR", "PAPI", "PCI", "ICT"} <= codes
    assert Target.objects.filter(unit__code="49", component_code="3", index__code="PCI").exists()
    assert Target.objects.get(unit__code="49", index__code="PCI", kind="rank").baseline_rank == 13


@pytest.mark.django_db
def test_loading_demo_again_adds_nothing_and_remove_keeps_real_figures():
    before = Score.objects.count()
    call_command("load_demo_data", stdout=io.StringIO())
    assert Score.objects.count() == before
    published = Score.objects.filter(basis=Basis.PUBLISHED).count()
    call_command("remove_demo_data", stdout=io.StringIO())
    assert not Score.objects.filter(basis=Basis.ILLUSTRATIVE).exists()
    assert Score.objects.filter(basis=Basis.PUBLISHED).count() == published
    assert Score.objects.filter(edition__index__code="PAPI", edition__year=2024).count() == 63 * 9
    assert not Target.objects.filter(is_demo=True).exists()
    # Loading again puts the same illustrative fill back around the real figures.
    call_command("load_demo_data", stdout=io.StringIO())
    assert Score.objects.count() == before


@pytest.mark.django_db
def test_component_names_with_commas_load_whole():
    """Flow-style YAML splits an unquoted value at its comma: every name must load in full."""
    papi = Component.objects.get(edition__index__code="PAPI", edition__year=2024, code="2")
    assert papi.name == "Công khai, minh bạch"
    par = Component.objects.get(edition__index__code="PAR", edition__year=2023, code="1")
    assert par.name == "Công tác chỉ đạo, điều hành cải cách hành chính"
    Component.objects.filter(pk=papi.pk).update(name="Công khai")
    call_command("load_index_definitions", "--update", stdout=io.StringIO())
    papi.refresh_from_db()
    assert papi.name == "Công khai, minh bạch"  # --update rewrites an existing tree's names
