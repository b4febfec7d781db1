"""The publishers' own files, without hand mapping: headers in Vietnamese, English or snake case,
with or without their numbering, wide or transposed, one province or all of them."""

from decimal import Decimal

import pytest

from indices.models import IndexEdition, Score
from indices.services.catalogue import edition_copy
from indices.services.imports.service import scores_import, scores_preview
from indices.services.imports.vocabulary import ComponentVocabulary
from tests.indices.spreadsheets import FIXTURES, PUBLISHED, import_fixture, values_of
from tests.leagues import edition_of

PCI_2021_QUANG_NAM = {
    None: Decimal("66.24"),
    "1": Decimal("7.05"),
    "2": Decimal("7.16"),
    "3": Decimal("5.32"),
    "10": Decimal("7.87"),
}


def _pci_2015() -> IndexEdition:
    # PCI 2015 (nine published sub-indices) may not be in the catalogue: a copy of 2016 serves.
    edition = IndexEdition.objects.filter(index__code="PCI", year=2015).first()
    return edition or edition_copy(source=edition_of("PCI", 2016), year=2015)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("header", "role"),
    [
        ("Province", "unit"),
        ("Entry Costs", "component:1"),
        ("entry_costs", "component:1"),
        ("gia_nhap_thi_truong", "component:1"),
        ("1. Gia nhập thị trường", "component:1"),
        ("Land Access and Security of Tenure", "component:2"),
        ("Access to land", "component:2"),
        ("access_to_land", "component:2"),
        ("Land access", "component:2"),
        ("Transparency and Access to Information", "component:3"),
        ("Tính minh bạch (CS3)", "component:3"),
        ("Time Costs of Regulatory Compliance", "component:4"),
        ("Informal Charges", "component:5"),
        ("Policy Bias / Equal Competition", "component:6"),
        ("canh_tranh_binh_dang", "component:6"),
        ("Proactivity of Provincial Leadership", "component:7"),
        ("Business Support Services / Business Support Policy", "component:8"),
        ("business_support_policy", "component:8"),
        ("Labor Training / Labor Policy", "component:9"),
        ("labour_policy", "component:9"),
        ("Legal Institutions / Law & Order", "component:10"),
        ("Law and Order", "component:10"),
        ("law_and_order", "component:10"),
        ("THIẾT CHẾ PHÁP LÝ & AN NINH TRẬT TỰ", "component:10"),
        ("PCI", "total"),
        ("pci_score", "total"),
        ("pci_rank", "rank"),
        ("Rank", "rank"),
        ("pci_tier", "group"),
        ("Xếp loại", "group"),
        ("Tier", "group"),
        ("Ranking group", "group"),
        ("source_url", "ignore"),
        ("year", "year"),
        ("CS3 (2021)", ""),
    ],
)
def test_pci_headers_in_vietnamese_english_and_snake_case(header, role):
    vocabulary = ComponentVocabulary(list(edition_of("PCI", 2021).components.all()))
    assert vocabulary.role_of(header) == role


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "year", "header", "role"),
    [
        ("PAPI", 2022, "Chỉ số nội dung 5: Thủ tục hành chính công", "component:5"),
        ("PAPI", 2022, "Dimension 8: E-governance", "component:8"),
        ("PAPI", 2022, "Dimension 2: Transparency in Local Decision-making", "component:2"),
        ("PAPI", 2022, "Vertical Accountability Towards Citizens", "component:3"),
        ("PAPI", 2022, "Kiểm soát tham nhũng trong khu vực công", "component:4"),
        ("PAPI", 2022, "d6_public_service_delivery", "component:6"),
        ("PAPI", 2022, "Quản trị môi trường", "component:7"),
        ("PAPI", 2022, "Dimension 1.1: Civic knowledge", ""),
        ("PAPI", 2022, "PAPI tổng hợp (không trọng số)", "total"),
        ("PAR", 2023, "Cải cách chế độ công vụ", "component:5"),
        ("PAR", 2023, "E-government and Digital Government", "component:7"),
        (
            "PAR",
            2023,
            "Tác động của CCHC đến người dân, tổ chức và phát triển KT-XH",
            "component:8",
        ),
        ("PAR", 2023, "par_index_pct", "total"),
        ("PAR", 2023, "rank_of_63", "rank"),
        ("PAR", 2019, "Công tác chỉ đạo, điều hành CCHC", "component:1"),
        ("PAR", 2019, "Xây dựng và nâng cao chất lượng đội ngũ CBCCVC", "component:5"),
        ("PAR", 2019, "Administrative Modernisation", "component:7"),
        ("PAR", 2019, "Thực hiện cơ chế một cửa, một cửa liên thông", "component:8"),
    ],
)
def test_papi_and_par_headers_with_or_without_their_numbering(code, year, header, role):
    vocabulary = ComponentVocabulary(list(edition_of(code, year).components.all()))
    assert vocabulary.role_of(header) == role


@pytest.mark.django_db
def test_vcci_english_table_imports_without_mapping():
    outcome = import_fixture("pci_2021_vcci_english.xlsx")
    result = outcome.result
    assert (result.layout, result.header_row, len(result.records)) == ("wide", 3, 21)
    assert all(c.auto_role for c in result.columns), "every English header is recognised"
    assert result.errors == []
    edition = edition_of("PCI", 2021)
    assert PCI_2021_QUANG_NAM.items() <= values_of(edition, "49").items()
    total = Score.objects.get(edition=edition, unit__code="49", component__isnull=True)
    assert total.published_rank == 19


@pytest.mark.django_db
def test_papi_sheet_with_a_label_in_its_corner_is_read_as_transposed():
    # One row per dimension, one column per province, "Chỉ số nội dung" top left.
    outcome = import_fixture("papi_2019_dimensions_by_province.xlsx", "PAPI", 2019)
    result = outcome.result
    assert (result.layout, result.header_row, len(result.records)) == ("transposed", 1, 63)
    assert [c.auto_role for c in result.columns] == [
        "component:1",
        "",  # "Nội dung thành phần 1.1", an indicator: set aside with a warning
        *[f"component:{n}" for n in range(2, 9)],
        "total",
    ]
    assert [p.value for p in result.warnings] == ["Nội dung thành phần 1.1: Tri thức công dân"]
    quang_nam = values_of(edition_of("PAPI", 2019), "49")
    assert (quang_nam[None], quang_nam["1"], quang_nam["8"]) == (
        Decimal("44.3318"),
        Decimal("4.8771"),
        Decimal("2.9474"),
    )


@pytest.mark.django_db
def test_english_papi_dimensions_by_province_with_an_indicator_corner():
    dimensions = [
        "Participation at Local Levels",
        "Transparency in Local Decision-making",
        "Vertical Accountability",
        "Control of Corruption in the Public Sector",
        "Public Administrative Procedures",
        "Public Service Delivery",
        "Environmental Governance",
        "E-governance",
    ]
    lines = ["Indicator,Quang Nam,Da Nang,Thua Thien Hue"]
    lines += [f"Dimension {n}: {name},5,6,7" for n, name in enumerate(dimensions, start=1)]
    lines.append("Total PAPI score,40,48,56")
    result = scores_preview(
        edition=edition_of("PAPI", 2022), data="\n".join(lines).encode(), filename="p.csv"
    )
    assert result.errors == []
    assert result.layout == "transposed"
    assert [c.auto_role for c in result.columns] == [
        *[f"component:{n}" for n in range(1, 9)],
        "total",
    ]
    assert {r.unit.code: r.values[None].value for r in result.records} == {
        "49": Decimal(40),
        "48": Decimal(48),
        "46": Decimal(56),
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "layout"),
    [
        ("Tỉnh,Chỉ số nội dung 1,Tổng điểm\nQuảng Nam,5,40\n", "wide"),
        ("Chỉ số nội dung,Quảng Nam\nChỉ số nội dung 1,5\nTổng điểm,40\n", "transposed"),
    ],
)
def test_one_province_alone_is_read_the_right_way_round(text, layout):
    result = scores_preview(edition=edition_of("PAPI", 2022), data=text.encode(), filename="p.csv")
    assert result.layout == layout
    record = result.records[0]
    assert (record.unit.code, record.values["1"].value, record.values[None].value) == (
        "49",
        Decimal(5),
        Decimal(40),
    )


@pytest.mark.django_db
def test_unit_column_is_found_by_its_names_whatever_its_header():
    csv_text = "Địa bàn,Điểm số PCI,Xếp hạng\nQuảng Ninh,72,1\nĐà Nẵng,70,2\nQuảng Nam,66,3\n"
    result = scores_preview(
        edition=edition_of("PCI", 2022), data=csv_text.encode(), filename="p.csv"
    )
    assert result.errors == []
    assert (result.layout, result.columns[0].auto_role, len(result.records)) == ("wide", "unit", 3)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "code", "year", "units"),
    [
        (PUBLISHED / "pci_2021_top21.csv", "PCI", 2021, 21),
        (PUBLISHED / "pci_2015_top25.csv", "PCI", 2015, 25),
        (FIXTURES / "pci_2022_partial.csv", "PCI", 2022, 19),
        (PUBLISHED / "papi_provinces.csv", "PAPI", 2020, 63),
        (PUBLISHED / "papi_provinces.csv", "PAPI", 2024, 63),
        (FIXTURES / "par_index_2021_2023_partial.csv", "PAR", 2023, 10),
        (FIXTURES / "par_index_2021_2023_partial.csv", "PAR", 2022, 7),
        (FIXTURES / "par_index_2021_2023_partial.csv", "PAR", 2021, 2),
    ],
)
def test_publishers_files_import_without_any_mapping(path, code, year, units):
    edition = _pci_2015() if (code, year) == ("PCI", 2015) else edition_of(code, year)
    outcome = scores_import(
        edition=edition, data=path.read_bytes(), filename=path.name, allow_missing=True
    )
    assert outcome.committed
    result = outcome.result
    assert all(c.auto_role for c in result.columns), [c.header for c in result.columns]
    assert len(result.records) == units
    assert Score.objects.filter(edition=edition, component__isnull=True).count() >= units


@pytest.mark.django_db
def test_rows_of_other_years_are_counted_not_lost_silently():
    path = PUBLISHED / "papi_provinces.csv"
    result = scores_preview(
        edition=edition_of("PAPI", 2020), data=path.read_bytes(), filename=path.name
    )
    infos = [p.message for p in result.problems if p.severity == "info"]
    assert (
        "Bỏ qua 315 dòng của năm khác (2018, 2019, 2021, 2022, 2024); chỉ nhập các dòng năm "
        "2020." in infos
    )


@pytest.mark.django_db
def test_partial_table_keeps_totals_and_published_ranks():
    edition = edition_of("PCI", 2022)
    path = FIXTURES / "pci_2022_partial.csv"
    scores_import(edition=edition, data=path.read_bytes(), filename=path.name, allow_missing=True)
    phu_tho = values_of(edition, "25")
    assert (phu_tho[None], phu_tho["1"], phu_tho["10"]) == (
        Decimal("66.30"),
        Decimal("6.95"),
        Decimal("7.51"),
    )
    quang_ninh = Score.objects.filter(edition=edition, unit__code="22")
    assert [(s.component_id, s.value) for s in quang_ninh] == [(None, Decimal("72.95"))]
    ha_noi = Score.objects.get(edition=edition, unit__code="01")  # rank only, from the press
    assert (ha_noi.state, ha_noi.published_rank) == ("not_published", 20)
