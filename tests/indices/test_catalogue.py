import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from indices.aggregation import total_from_components
from indices.models import Component, Index, IndexEdition, Score, Target
from indices.services.catalogue import edition_copy, index_definitions_load, target_save
from tests.factories import ComponentFactory, EditionFactory

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
