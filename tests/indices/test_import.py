import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from indices.models import AnalysisRun, ImportBatch, IndexEdition, Score
from indices.services.imports.cells import parse_cell
from indices.services.imports.service import (
    ImportRejected,
    import_restore,
    scores_import,
    scores_preview,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


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
    assert [p.as_line() for p in result.warnings] == [
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
    assert [p.message for p in result.warnings] == [
        "Tỉnh Quảng Nam: thứ hạng công bố 2 khác thứ hạng suy ra từ điểm (3)",
        "Tỉnh Quảng Ngãi: thứ hạng công bố 4 khác thứ hạng suy ra từ điểm (2)",
    ]


@pytest.mark.django_db
def test_top_30_edition_records_missing_units_as_not_published():
    csv_text = "Tỉnh,Điểm số PCI,Xếp hạng\nQuảng Ninh,72,1\nĐà Nẵng,70,2\n"
    outcome = scores_import(edition=_edition("PCI", 2023), data=csv_text.encode(), filename="t.csv")
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
        edition=_edition("PCI", 2021), data=csv_text.encode(), filename="r.csv"
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
        stdout=out,
    )
    assert "21 đơn vị khớp, 231 giá trị" in out.getvalue()
    out = io.StringIO()
    call_command(
        "export_scores", "--index", "PCI", "--year", "2021", "--format", "json", stdout=out
    )
    rows = json.loads(out.getvalue())
    total = next(r for r in rows if r["unit_code"] == "49" and r["component"] == "total")
    assert total == {
        "unit_code": "49",
        "unit_name": "Tỉnh Quảng Nam",
        "component": "total",
        "value": "66.24",
        "state": "value",
        "published_rank": 19,
        "published_group": "Khá",
    }
    out = io.StringIO()
    call_command("export_scores", "--index", "PCI", "--year", "2021", stdout=out)
    header, *lines = out.getvalue().splitlines()
    assert header == "unit_code,unit_name,component,value,state,published_rank,published_group"
    assert "49,Tỉnh Quảng Nam,3,5.32,value,," in lines


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
