import csv
import io
import json
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from indices.models import AnalysisRun, ImportBatch, IndexEdition, Score
from indices.services.catalogue import edition_copy
from indices.services.imports.service import (
    ConfirmationRequired,
    ImportRejected,
    import_restore,
    import_stage,
    scores_import,
    scores_preview,
)
from indices.services.imports.vocabulary import ComponentVocabulary
from tabular.cells import parse_cell

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PUBLISHED = Path(settings.BASE_DIR) / "indices" / "data" / "published"


def _edition(code: str, year: int) -> IndexEdition:
    return IndexEdition.objects.select_related("index").get(index__code=code, year=year)


def _snapshot(edition: IndexEdition) -> list[tuple]:
    return sorted(
        Score.objects.filter(edition=edition).values_list(
            "unit_id", "component_id", "state", "value", "published_rank", "published_group"
        ),
        key=str,
    )


def _import(name: str, code: str = "PCI", year: int = 2021, **kwargs):
    # The demo dataset scores every unit and the fixtures are excerpts: replacing the demo's
    # values is confirmed here; the tests of that confirmation call scores_import themselves.
    kwargs.setdefault("allow_missing", True)
    data = (FIXTURES / name).read_bytes()
    return scores_import(edition=_edition(code, year), data=data, filename=name, **kwargs)


def _errors_of(name: str, code: str = "PCI", year: int = 2021) -> list[str]:
    edition = _edition(code, year)
    before = _snapshot(edition)
    batches = ImportBatch.objects.count()
    with pytest.raises(ImportRejected) as rejected:
        _import(name, code, year)
    assert _snapshot(edition) == before, "a failed import must change nothing"
    assert ImportBatch.objects.count() == batches
    return [p.as_line() for p in rejected.value.result.errors]


@pytest.mark.django_db
def test_published_pci_table_with_title_rows_imports():
    outcome = _import("pci_2021_published.xlsx")
    result = outcome.result
    assert (result.layout, result.sheet, result.header_row) == ("wide", "PCI 2021", 4)
    assert len(result.records) == 21
    assert result.value_count == 21 * 11
    edition = _edition("PCI", 2021)
    quang_nam = Score.objects.get(edition=edition, unit__code="49", component__isnull=True)
    assert (quang_nam.value, quang_nam.decimals) == (Decimal("66.24"), 2)
    assert (quang_nam.published_rank, quang_nam.published_group) == (19, "Khá")
    transparency = Score.objects.get(edition=edition, unit__code="49", component__code="3")
    assert transparency.value == Decimal("5.32")
    assert outcome.batch.sha256
    assert outcome.batch.status == ImportBatch.Status.COMMITTED
    assert outcome.batch.file.name
    # The 42 provinces the table leaves out now have no score in this edition.
    assert Score.objects.filter(edition=edition, component__isnull=True).count() == 21


@pytest.mark.django_db
def test_ascii_names_and_english_headers_give_the_same_scores():
    _import("pci_2021_published.xlsx")
    first = _snapshot(_edition("PCI", 2021))
    outcome = _import("pci_2021_ascii_english.csv")
    assert outcome.committed
    assert _snapshot(_edition("PCI", 2021)) == first


@pytest.mark.django_db
def test_transposed_papi_sheet_imports_every_province():
    outcome = _import("papi_2020_transposed.xlsx", "PAPI", 2020)
    assert outcome.result.layout == "transposed"
    assert len(outcome.result.records) == 63
    score = Score.objects.get(
        edition=_edition("PAPI", 2020), unit__code="49", component__isnull=True
    )
    assert score.value == Decimal("43.2623")
    assert score.decimals == 4


@pytest.mark.django_db
def test_long_layout_with_decimal_commas_and_na():
    outcome = _import("par_district_2023_long.csv", "PAR_DISTRICT", 2023)
    assert outcome.result.layout == "long"
    edition = _edition("PAR_DISTRICT", 2023)
    assert Score.objects.get(
        edition=edition, unit__code="515", component__code="3"
    ).value == Decimal("16.9")
    na = Score.objects.get(edition=edition, unit__code="519", component__code="1")
    assert (na.state, na.value) == ("not_available", None)


@pytest.mark.django_db
def test_percentages_not_published_and_aliases_in_a_totals_only_file():
    outcome = _import("par_2023_percent_totals.csv", "PAR", 2023)
    infos = [p.message for p in outcome.result.problems if p.severity == "info"]
    assert any("chỉ có điểm tổng" in m for m in infos)
    edition = _edition("PAR", 2023)
    totals = {s.unit.code: s for s in Score.objects.filter(edition=edition).select_related("unit")}
    assert totals["79"].value == Decimal("89.50")  # TP.HCM
    assert totals["49"].value == Decimal("84.60")
    assert totals["77"].state == "not_published"  # BRVT: KCB
    assert totals["46"].state == "not_available"  # TT-Huế: N/A


@pytest.mark.django_db
def test_unknown_province_is_refused_with_suggestions():
    assert _errors_of("pci_2021_unknown_province.xlsx") == [
        'row 7, column "Tỉnh, thành phố": Không tìm thấy đơn vị "Quảng Nan" tồn tại ngày '
        "31/12/2021. Gợi ý: Tỉnh Quảng Nam (49), Tỉnh Quảng Ninh (22), Tỉnh Quảng Ngãi (51). "
        '(value: "Quảng Nan")'
    ]


@pytest.mark.django_db
def test_duplicate_row_is_refused():
    assert _errors_of("pci_2021_duplicate_row.xlsx") == [
        'row 23: Đơn vị Tỉnh Quảng Nam xuất hiện nhiều lần (dòng 23, 26) (value: "Tỉnh Quảng Nam")'
    ]


@pytest.mark.django_db
def test_total_that_disagrees_with_weighted_sub_indices_is_refused():
    assert _errors_of("pci_2021_total_disagrees.xlsx") == [
        'row 23, column "Điểm số PCI": Tỉnh Quảng Nam: tổng 67,24 không khớp với tổng có trọng '
        'số của các thành phần (66,24; sai số cho phép 0,05) (value: "67.24")'
    ]


@pytest.mark.django_db
def test_published_only_edition_does_not_check_totals():
    # PCI 2022 totals do not follow the 2019–2021 weights: never reject a real file for that.
    data = (FIXTURES / "pci_2021_total_disagrees.xlsx").read_bytes()
    result = scores_preview(edition=_edition("PCI", 2022), data=data, filename="x.xlsx")
    assert result.errors == []


@pytest.mark.django_db
def test_text_in_a_number_cell_is_refused():
    assert _errors_of("pci_2021_text_in_number.xlsx") == [
        'row 5, column "Tính minh bạch": Không phải số (value: "sáu phẩy ba")'
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.csv", "Tệp trống, không có dòng dữ liệu nào."),
        ("empty.xlsx", "Tệp trống, không có dòng dữ liệu nào."),
        (
            "not_a_spreadsheet.xlsx",
            "Tệp không phải bảng tính .xlsx hợp lệ (không đọc được cấu trúc tệp).",
        ),
        (
            "zip_bomb.xlsx",
            "Tỷ lệ nén 1028:1 bất thường (giới hạn 100:1); tệp có thể là một “zip bomb”.",
        ),
    ],
)
def test_unreadable_files_are_refused_before_parsing(name, message):
    assert _errors_of(name) == [message]


@pytest.mark.django_db
def test_value_outside_scale_and_zero_on_a_one_to_ten_scale():
    csv_text = (
        "Tỉnh,Chỉ số nội dung 1,Chỉ số nội dung 2,Chỉ số nội dung 3,Chỉ số nội dung 4,"
        "Chỉ số nội dung 5,Chỉ số nội dung 6,Chỉ số nội dung 7,Chỉ số nội dung 8,Tổng điểm\n"
        "Quảng Nam,0,5,5,5,5,5,5,5,35\n"
        "Đà Nẵng,11,5,5,5,5,5,5,5,46\n"
    )
    result = scores_preview(
        edition=_edition("PAPI", 2022), data=csv_text.encode(), filename="p.csv"
    )
    assert [p.as_line() for p in result.errors] == [
        'row 3, column "Chỉ số nội dung 1": Giá trị ngoài thang điểm 1–10 (value: "11")'
    ]
    assert [p.as_line() for p in result.warnings if p.row] == [
        'row 2, column "Chỉ số nội dung 1": Giá trị 0 nằm ngoài thang 1–10: ghi nhận là không có '
        'dữ liệu (value: "0")'
    ]


@pytest.mark.django_db
def test_unit_that_did_not_exist_on_the_edition_date_is_refused():
    csv_text = "Tỉnh,Điểm số PCI\nQuảng Nam,66\n"
    edition = _edition("PCI", 2021)
    edition.reference_date = edition.reference_date.replace(year=2026)
    result = scores_preview(edition=edition, data=csv_text.encode(), filename="p.csv")
    assert [p.message for p in result.errors] == [
        "Đơn vị Tỉnh Quảng Nam không tồn tại vào ngày 31/12/2026 (ngày đối chiếu của kỳ PCI 2021)"
    ]


@pytest.mark.django_db
def test_published_rank_that_disagrees_is_a_warning():
    csv_text = "Tỉnh,Điểm số PCI,Xếp hạng\nQuảng Nam,66,2\nĐà Nẵng,70,1\nQuảng Ngãi,67,4\n"
    result = scores_preview(edition=_edition("PCI", 2022), data=csv_text.encode(), filename="p.csv")
    assert result.errors == []
    assert [p.message for p in result.warnings if "thứ hạng công bố" in p.message] == [
        "Tỉnh Quảng Nam: thứ hạng công bố 2 khác thứ hạng suy ra từ điểm (3)",
        "Tỉnh Quảng Ngãi: thứ hạng công bố 4 khác thứ hạng suy ra từ điểm (2)",
    ]


@pytest.mark.django_db
def test_top_30_edition_records_missing_units_as_not_published():
    csv_text = "Tỉnh,Điểm số PCI,Xếp hạng\nQuảng Ninh,72,1\nĐà Nẵng,70,2\n"
    outcome = scores_import(
        edition=_edition("PCI", 2023), data=csv_text.encode(), filename="t.csv", allow_missing=True
    )
    totals = Score.objects.filter(edition=_edition("PCI", 2023), component__isnull=True)
    assert totals.filter(state="value").count() == 2
    assert totals.filter(state="not_published").count() == 61
    assert outcome.committed


@pytest.mark.django_db
def test_reimporting_the_same_file_changes_nothing_and_says_so():
    first = _import("pci_2021_published.xlsx")
    snapshot = _snapshot(_edition("PCI", 2021))
    again = _import("pci_2021_published.xlsx")
    assert again.unchanged
    assert not again.committed
    assert again.batch.pk == first.batch.pk
    assert _snapshot(_edition("PCI", 2021)) == snapshot
    assert (
        ImportBatch.objects.filter(edition=_edition("PCI", 2021), sha256=first.batch.sha256).count()
        == 1
    )


@pytest.mark.django_db
def test_a_new_file_replaces_and_the_old_batch_can_be_restored():
    first = _import("pci_2021_published.xlsx")
    first_scores = _snapshot(_edition("PCI", 2021))
    second = _import("par_2023_percent_totals.csv", "PAR", 2023)  # another edition: untouched
    csv_text = "Tỉnh,Điểm số PCI,Xếp hạng\nQuảng Ninh,73.02,1\n"
    replaced = scores_import(
        edition=_edition("PCI", 2021), data=csv_text.encode(), filename="r.csv", allow_missing=True
    )
    first.batch.refresh_from_db()
    assert first.batch.status == ImportBatch.Status.SUPERSEDED
    assert Score.objects.filter(edition=_edition("PCI", 2021)).count() == 1
    restored = import_restore(batch=first.batch)
    assert restored.batch.pk == first.batch.pk
    assert _snapshot(_edition("PCI", 2021)) == first_scores
    replaced.batch.refresh_from_db()
    assert replaced.batch.status == ImportBatch.Status.SUPERSEDED
    second.batch.refresh_from_db()
    assert second.batch.status == ImportBatch.Status.COMMITTED


@pytest.mark.django_db
def test_dry_run_writes_nothing():
    before = _snapshot(_edition("PCI", 2021))
    outcome = _import("pci_2021_published.xlsx", dry_run=True)
    assert outcome.batch is None
    assert not outcome.committed
    assert _snapshot(_edition("PCI", 2021)) == before


@pytest.mark.django_db
def test_rebuild_is_queued_on_commit_not_before(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        outcome = _import("pci_2021_published.xlsx")
    assert len(callbacks) == 1
    run = AnalysisRun.objects.get(batch=outcome.batch)
    assert run.status == AnalysisRun.Status.QUEUED
    assert run.scope == [_edition("PCI", 2021).pk]
    callbacks[0]()  # eager in tests: the worker's task runs here
    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.SUCCEEDED


@pytest.mark.django_db
def test_import_command_prints_errors_and_exits_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        call_command(
            "import_scores",
            str(FIXTURES / "pci_2021_unknown_province.xlsx"),
            "--index",
            "PCI",
            "--year",
            "2021",
        )
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert 'row 7, column "Tỉnh, thành phố": Không tìm thấy đơn vị "Quảng Nan"' in err


@pytest.mark.django_db
def test_import_and_export_commands_round_trip():
    out = io.StringIO()
    call_command(
        "import_scores",
        str(FIXTURES / "pci_2021_published.xlsx"),
        "--index",
        "PCI",
        "--year",
        "2021",
        "--allow-missing",
        stdout=out,
    )
    assert "21 đơn vị khớp, 231 giá trị" in out.getvalue()
    out = io.StringIO()
    call_command(
        "export_scores", "--index", "PCI", "--year", "2021", "--format", "json", stdout=out
    )
    rows = json.loads(out.getvalue())
    total = next(r for r in rows if r["unit_code"] == "49" and r["component"] == "total")
    assert (
        total.items()
        >= {
            "unit_code": "49",
            "unit_name": "Tỉnh Quảng Nam",
            "component": "total",
            "value": "66.24",
            "state": "value",
            "published_rank": 19,
            "published_group": "Khá",
        }.items()
    )
    out = io.StringIO()
    call_command("export_scores", "--index", "PCI", "--year", "2021", stdout=out)
    lines = list(csv.DictReader(io.StringIO(out.getvalue())))
    transparency = next(r for r in lines if r["unit_code"] == "49" and r["component"] == "3")
    assert (transparency["value"], transparency["state"]) == ("5.32", "value")


# The publishers' own files, without hand mapping.

PCI_2021_QUANG_NAM = {
    None: Decimal("66.24"),
    "1": Decimal("7.05"),
    "2": Decimal("7.16"),
    "3": Decimal("5.32"),
    "10": Decimal("7.87"),
}


def _values(edition: IndexEdition, unit_code: str) -> dict[str | None, Decimal]:
    scores = Score.objects.filter(edition=edition, unit__code=unit_code, state="value")
    return dict(scores.values_list("component__code", "value"))


def _pci_2015() -> IndexEdition:
    # PCI 2015 (nine published sub-indices) may not be in the catalogue: a copy of 2016 serves.
    edition = IndexEdition.objects.filter(index__code="PCI", year=2015).first()
    return edition or edition_copy(source=_edition("PCI", 2016), year=2015)


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
    vocabulary = ComponentVocabulary(list(_edition("PCI", 2021).components.all()))
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
    vocabulary = ComponentVocabulary(list(_edition(code, year).components.all()))
    assert vocabulary.role_of(header) == role


@pytest.mark.django_db
def test_vcci_english_table_imports_without_mapping():
    outcome = _import("pci_2021_vcci_english.xlsx")
    result = outcome.result
    assert (result.layout, result.header_row, len(result.records)) == ("wide", 3, 21)
    assert all(c.auto_role for c in result.columns), "every English header is recognised"
    assert result.errors == []
    edition = _edition("PCI", 2021)
    assert PCI_2021_QUANG_NAM.items() <= _values(edition, "49").items()
    total = Score.objects.get(edition=edition, unit__code="49", component__isnull=True)
    assert total.published_rank == 19


@pytest.mark.django_db
def test_papi_sheet_with_a_label_in_its_corner_is_read_as_transposed():
    # One row per dimension, one column per province, "Chỉ số nội dung" top left.
    outcome = _import("papi_2019_dimensions_by_province.xlsx", "PAPI", 2019)
    result = outcome.result
    assert (result.layout, result.header_row, len(result.records)) == ("transposed", 1, 63)
    assert [c.auto_role for c in result.columns] == [
        "component:1",
        "",  # "Nội dung thành phần 1.1", an indicator: set aside with a warning
        *[f"component:{n}" for n in range(2, 9)],
        "total",
    ]
    assert [p.value for p in result.warnings] == ["Nội dung thành phần 1.1: Tri thức công dân"]
    quang_nam = _values(_edition("PAPI", 2019), "49")
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
        edition=_edition("PAPI", 2022), data="\n".join(lines).encode(), filename="p.csv"
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
    result = scores_preview(edition=_edition("PAPI", 2022), data=text.encode(), filename="p.csv")
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
    result = scores_preview(edition=_edition("PCI", 2022), data=csv_text.encode(), filename="p.csv")
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
    edition = _pci_2015() if (code, year) == ("PCI", 2015) else _edition(code, year)
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
        edition=_edition("PAPI", 2020), data=path.read_bytes(), filename=path.name
    )
    infos = [p.message for p in result.problems if p.severity == "info"]
    assert (
        "Bỏ qua 315 dòng của năm khác (2018, 2019, 2021, 2022, 2024); chỉ nhập các dòng năm "
        "2020." in infos
    )


@pytest.mark.django_db
def test_partial_table_keeps_totals_and_published_ranks():
    edition = _edition("PCI", 2022)
    path = FIXTURES / "pci_2022_partial.csv"
    scores_import(edition=edition, data=path.read_bytes(), filename=path.name, allow_missing=True)
    phu_tho = _values(edition, "25")
    assert (phu_tho[None], phu_tho["1"], phu_tho["10"]) == (
        Decimal("66.30"),
        Decimal("6.95"),
        Decimal("7.51"),
    )
    quang_ninh = Score.objects.filter(edition=edition, unit__code="22")
    assert [(s.component_id, s.value) for s in quang_ninh] == [(None, Decimal("72.95"))]
    ha_noi = Score.objects.get(edition=edition, unit__code="01")  # rank only, from the press
    assert (ha_noi.state, ha_noi.published_rank) == ("not_published", 20)


@pytest.mark.django_db
def test_row_with_numbers_but_no_unit_name_is_an_error():
    csv_text = "Tỉnh,Điểm số PCI,Xếp hạng\nQuảng Ninh,72,1\n,70,2\n"
    result = scores_preview(edition=_edition("PCI", 2022), data=csv_text.encode(), filename="p.csv")
    assert [p.as_line() for p in result.errors] == [
        'row 3, column "Tỉnh": Dòng có số liệu nhưng ô tên đơn vị trống (value: "")'
    ]


@pytest.mark.django_db
def test_two_columns_for_one_score_keep_the_edition_year_or_are_refused():
    ranks = "Tỉnh,Điểm số PCI,Xếp hạng 2020,Xếp hạng 2021\nQuảng Ninh,73.02,3,1\n"
    result = scores_preview(edition=_edition("PCI", 2021), data=ranks.encode(), filename="p.csv")
    assert result.errors == []
    assert result.records[0].rank == 1
    assert any("bỏ qua “Xếp hạng 2020”" in p.message for p in result.warnings)
    twice = "Tỉnh,Điểm số PCI,Tính minh bạch,Minh bạch\nQuảng Ninh,73.02,6.31,6.4\n"
    result = scores_preview(edition=_edition("PCI", 2022), data=twice.encode(), filename="p.csv")
    assert [p.message for p in result.errors] == [
        "Các cột “Tính minh bạch”, “Minh bạch” cùng được nhận là thành phần 3. Tính minh bạch; "
        "hãy chọn “Bỏ qua” cho phần thừa trong phần ánh xạ"
    ]


# Formulas saved without their result.


def _with_stored_result(data: bytes, cell: str, xml_value: str, cell_type: str) -> bytes:
    """What Excel writes on saving: the formula's result beside it."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                pattern = rf'<c r="{cell}"( [^>]*)?>(<f>.*?</f>)<v\s*/>'.encode()
                replacement = f'<c r="{cell}" t="{cell_type}">\\2<v>{xml_value}</v>'.encode()
                content, count = re.subn(pattern, replacement, content)
                assert count == 1
            target.writestr(item, content)
    return out.getvalue()


@pytest.mark.django_db
def test_formula_without_a_stored_result_is_an_error_naming_its_cell():
    # openpyxl wrote =HYPERLINK(…) around Quảng Nam's name; only Excel computes its result.
    # Read as empty, the row would vanish and the commit would delete Quảng Nam's values.
    assert _errors_of("pci_2021_hyperlink_name.xlsx") == [
        'row 23, column "B": Ô B23: công thức chưa có giá trị tính sẵn; hãy mở tệp bằng Excel, '
        'lưu lại rồi nhập lại (value: "=HYPERLINK("https://pcivietnam.vn/ho-so-tinh/quang-nam", '
        '"Quảng Nam")")'
    ]


@pytest.mark.django_db
def test_formula_saved_with_its_result_reads_as_that_result():
    data = (FIXTURES / "pci_2021_hyperlink_name.xlsx").read_bytes()
    saved = _with_stored_result(data, "B23", "Quảng Nam", "str")
    result = scores_preview(edition=_edition("PCI", 2021), data=saved, filename="x.xlsx")
    assert result.errors == []
    assert "49" in {r.unit.code for r in result.records}


@pytest.mark.django_db
def test_formula_whose_stored_result_is_empty_text_is_not_an_error():
    book = Workbook()
    sheet = book.active
    sheet.append(["Tỉnh", "Điểm số PCI", "Ghi chú"])
    sheet.append(["Quảng Ninh", 72.95, '=IF(B2>70,"","thấp")'])
    buffer = io.BytesIO()
    book.save(buffer)
    saved = _with_stored_result(buffer.getvalue(), "C2", "", "str")
    result = scores_preview(edition=_edition("PCI", 2022), data=saved, filename="x.xlsx")
    assert result.errors == []
    unsaved = scores_preview(
        edition=_edition("PCI", 2022), data=buffer.getvalue(), filename="x.xlsx"
    )
    assert [p.message for p in unsaved.errors] == [
        "Ô C2: công thức chưa có giá trị tính sẵn; hãy mở tệp bằng Excel, lưu lại rồi nhập lại"
    ]


# A file that leaves out a unit with stored values.

QUANG_NAM_WARNING = (
    "Quảng Nam có 11 giá trị đang lưu (tổng 66,24; 1: 7,05; 2: 7,16; 3: 5,32; 4: 7,79; "
    "5: 7,48; 6: 6,63; 7: 6,55; 8: 7,06; 9: 6,24; 10: 7,87) nhưng không có trong tệp mới: "
    "nếu ghi, các giá trị này sẽ bị xóa"
)


@pytest.mark.django_db
def test_dropping_a_unit_with_values_is_a_warning_and_needs_confirmation():
    _import("pci_2021_published.xlsx")
    edition = _edition("PCI", 2021)
    data = (FIXTURES / "pci_2021_without_quang_nam.xlsx").read_bytes()
    preview = scores_preview(edition=edition, data=data, filename="without.xlsx")
    assert preview.errors == []
    assert [p.message for p in preview.warnings] == [QUANG_NAM_WARNING]
    assert [d.unit.code for d in preview.dropped] == ["49"]

    before, batches = _snapshot(edition), ImportBatch.objects.count()
    with pytest.raises(ConfirmationRequired) as refused:
        scores_import(edition=edition, data=data, filename="without.xlsx")
    assert str(refused.value) == (
        "Tệp mới không có 1 đơn vị đang có giá trị lưu trữ (Quảng Nam); cần xác nhận xóa giá trị "
        "của các đơn vị này trước khi ghi. Chưa ghi dữ liệu nào."
    )
    assert _snapshot(edition) == before, "a refused commit changes nothing"
    assert ImportBatch.objects.count() == batches

    outcome = scores_import(edition=edition, data=data, filename="without.xlsx", allow_missing=True)
    assert outcome.committed
    assert not Score.objects.filter(edition=edition, unit__code="49").exists()
    assert Score.objects.filter(edition=edition, component__isnull=True).count() == 20


@pytest.mark.django_db
def test_restoring_a_batch_without_a_unit_needs_confirmation_too():
    older = _import("pci_2021_without_quang_nam.xlsx")
    _import("pci_2021_published.xlsx")
    with pytest.raises(ConfirmationRequired):
        import_restore(batch=older.batch)
    assert _values(_edition("PCI", 2021), "49")[None] == Decimal("66.24")
    assert import_restore(batch=older.batch, allow_missing=True).committed
    assert _values(_edition("PCI", 2021), "49") == {}


@pytest.mark.django_db
def test_top_n_file_needs_no_confirmation_for_units_already_not_published():
    # The demo's PCI 2023 has values for its top 30 and "not published" for the rest.
    edition = _edition("PCI", 2023)
    top = Score.objects.filter(edition=edition, component__isnull=True, state="value")
    lines = ["Tỉnh,Điểm số PCI,Xếp hạng"] + [
        f"{s.unit.name},{s.value},{s.published_rank}" for s in top.select_related("unit")
    ]
    assert len(lines) == 31
    outcome = scores_import(edition=edition, data="\n".join(lines).encode(), filename="top.csv")
    assert outcome.committed
    assert outcome.result.dropped == []
    totals = Score.objects.filter(edition=edition, component__isnull=True)
    assert (totals.filter(state="value").count(), totals.count()) == (30, 63)


@pytest.mark.django_db
def test_top_n_file_without_a_unit_that_had_values_says_they_become_not_published():
    edition = _edition("PCI", 2023)
    top = Score.objects.filter(edition=edition, component__isnull=True, state="value")
    kept, left_out = list(top.select_related("unit")[1:]), top.select_related("unit")[0]
    lines = ["Tỉnh,Điểm số PCI"] + [f"{s.unit.name},{s.value}" for s in kept]
    result = scores_preview(edition=edition, data="\n".join(lines).encode(), filename="t.csv")
    assert [d.unit.pk for d in result.dropped] == [left_out.unit_id]
    assert any(
        p.message.endswith("nếu ghi, các giá trị này sẽ được thay bằng “không công bố”")
        for p in result.warnings
    )


@pytest.mark.django_db
def test_import_command_refuses_to_drop_values_without_allow_missing(capsys):
    _import("pci_2021_published.xlsx")
    before = _snapshot(_edition("PCI", 2021))
    arguments = [str(FIXTURES / "pci_2021_without_quang_nam.xlsx"), "--index", "PCI"]
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_scores", *arguments, "--year", "2021")
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "Quảng Nam: 11 giá trị đang lưu (tổng 66,24; 1: 7,05;" in err
    assert "Chạy lại với --allow-missing để xác nhận xóa các giá trị này." in err
    assert _snapshot(_edition("PCI", 2021)) == before
    out = io.StringIO()
    call_command("import_scores", *arguments, "--year", "2021", "--allow-missing", stdout=out)
    assert "Đã ghi lần nhập" in out.getvalue()
    assert _values(_edition("PCI", 2021), "49") == {}


@pytest.mark.django_db
def test_preview_page_asks_for_the_confirmation_and_commit_honours_it(client, admin_user):
    _import("pci_2021_published.xlsx")
    client.force_login(admin_user)
    edition = _edition("PCI", 2021)
    data = (FIXTURES / "pci_2021_without_quang_nam.xlsx").read_bytes()
    batch = import_stage(edition=edition, data=data, filename="without.xlsx", user=admin_user)
    page = client.get(reverse("indices:import_preview", args=[batch.pk]))
    assert page.context["result"].dropped[0].unit.code == "49"
    assert "Tôi xác nhận xóa giá trị của các đơn vị không có trong tệp mới" in page.content.decode()
    assert QUANG_NAM_WARNING in page.content.decode()

    before = _snapshot(edition)
    refused = client.post(reverse("indices:import_commit", args=[batch.pk]), follow=True)
    assert "Đánh dấu ô xác nhận xóa" in refused.content.decode()
    assert _snapshot(edition) == before
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED

    client.post(reverse("indices:import_commit", args=[batch.pk]), {"allow_missing": "on"})
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED
    assert _values(edition, "49") == {}


# Number parsing, property-based.


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
