"""The demo dataset's invariants: what `make run` loads (illustrative tables around the real
published figures, Quảng Nam's targets) and what `make clean-demo` leaves."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from indices.aggregation import total_from_components
from indices.models import Basis, IndexEdition, Score, Target
from units.models import Unit
from units.selectors import unit_matcher_build

pytestmark = pytest.mark.demo


def _edition(code: str, year: int) -> IndexEdition:
    return IndexEdition.objects.select_related("index").get(index__code=code, year=year)


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
def test_demo_has_no_ict_2021_and_all_four_indices_for_63_then_34_provinces():
    assert not Score.objects.filter(edition=_edition("ICT", 2021)).exists()
    for code in ("PAR", "PAPI", "PCI", "ICT"):
        for edition in IndexEdition.objects.filter(index__code=code, status="published"):
            totals = Score.objects.filter(edition=edition, component__isnull=True)
            # 63 provinces before the 1/7/2025 merger, the 34 after it, all of them illustrative
            # (no 2025 table is held yet) and the new Đà Nẵng among them.
            if edition.year < 2025:
                assert totals.count() == 63, edition
                continue
            assert totals.count() == 34, edition
            assert set(totals.values_list("basis", flat=True)) == {"illustrative"}
            assert totals.filter(unit__code="48-2025").exists()
            assert not totals.filter(unit__code="49").exists()


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
