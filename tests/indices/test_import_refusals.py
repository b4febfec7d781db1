"""What an import refuses, or warns about, before it writes anything: unknown and duplicate units,
totals that disagree, cells that are not numbers, unreadable files, formulas without results."""

import io
import re
import zipfile

import pytest
from openpyxl import Workbook

from indices.services.imports.service import scores_preview
from tests.indices.spreadsheets import FIXTURES, errors_of
from tests.leagues import edition_of


@pytest.mark.django_db
def test_unknown_province_is_refused_with_suggestions():
    assert errors_of("pci_2021_unknown_province.xlsx") == [
        'dòng 7, cột "Tỉnh, thành phố": Không tìm thấy đơn vị "Quảng Nan" tồn tại ngày '
        "31/12/2021. Gợi ý: Tỉnh Quảng Nam, Tỉnh Quảng Ninh, Tỉnh Quảng Ngãi. "
        '(giá trị: "Quảng Nan")'
    ]


@pytest.mark.django_db
def test_duplicate_row_is_refused():
    assert errors_of("pci_2021_duplicate_row.xlsx") == [
        "dòng 23: Đơn vị Tỉnh Quảng Nam xuất hiện nhiều lần (dòng 23, 26) "
        '(giá trị: "Tỉnh Quảng Nam")'
    ]


@pytest.mark.django_db
def test_total_that_disagrees_with_weighted_sub_indices_is_refused():
    assert errors_of("pci_2021_total_disagrees.xlsx") == [
        'dòng 23, cột "Điểm số PCI": Tỉnh Quảng Nam: tổng 67,24 không khớp với tổng có trọng '
        'số của các thành phần (66,24; sai số cho phép 0,05) (giá trị: "67.24")'
    ]


@pytest.mark.django_db
def test_published_only_edition_does_not_check_totals():
    # PCI 2022 totals do not follow the 2019–2021 weights: never reject a real file for that.
    data = (FIXTURES / "pci_2021_total_disagrees.xlsx").read_bytes()
    result = scores_preview(edition=edition_of("PCI", 2022), data=data, filename="x.xlsx")
    assert result.errors == []


@pytest.mark.django_db
def test_text_in_a_number_cell_is_refused():
    assert errors_of("pci_2021_text_in_number.xlsx") == [
        'dòng 5, cột "Tính minh bạch": Không phải số (giá trị: "sáu phẩy ba")'
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
    assert errors_of(name) == [message]


@pytest.mark.django_db
def test_value_outside_scale_and_zero_on_a_one_to_ten_scale():
    csv_text = (
        "Tỉnh,Chỉ số nội dung 1,Chỉ số nội dung 2,Chỉ số nội dung 3,Chỉ số nội dung 4,"
        "Chỉ số nội dung 5,Chỉ số nội dung 6,Chỉ số nội dung 7,Chỉ số nội dung 8,Tổng điểm\n"
        "Quảng Nam,0,5,5,5,5,5,5,5,35\n"
        "Đà Nẵng,11,5,5,5,5,5,5,5,46\n"
    )
    result = scores_preview(
        edition=edition_of("PAPI", 2022), data=csv_text.encode(), filename="p.csv"
    )
    assert [p.as_line() for p in result.errors] == [
        'dòng 3, cột "Chỉ số nội dung 1": Giá trị ngoài thang điểm 1–10 (giá trị: "11")'
    ]
    assert [p.as_line() for p in result.warnings if p.row] == [
        'dòng 2, cột "Chỉ số nội dung 1": Giá trị 0 nằm ngoài thang 1–10: ghi nhận là không có '
        'dữ liệu (giá trị: "0")'
    ]


@pytest.mark.django_db
def test_unit_that_did_not_exist_on_the_edition_date_is_refused():
    csv_text = "Tỉnh,Điểm số PCI\nQuảng Nam,66\n"
    edition = edition_of("PCI", 2021)
    edition.reference_date = edition.reference_date.replace(year=2026)
    result = scores_preview(edition=edition, data=csv_text.encode(), filename="p.csv")
    assert [p.message for p in result.errors] == [
        "Đơn vị Tỉnh Quảng Nam không tồn tại vào ngày 31/12/2026 (ngày đối chiếu của kỳ PCI 2021)"
    ]


@pytest.mark.django_db
def test_published_rank_that_disagrees_is_a_warning():
    csv_text = "Tỉnh,Điểm số PCI,Xếp hạng\nQuảng Nam,66,2\nĐà Nẵng,70,1\nQuảng Ngãi,67,4\n"
    result = scores_preview(
        edition=edition_of("PCI", 2022), data=csv_text.encode(), filename="p.csv"
    )
    assert result.errors == []
    assert [p.message for p in result.warnings if "thứ hạng công bố" in p.message] == [
        "Tỉnh Quảng Nam: thứ hạng công bố 2 khác thứ hạng suy ra từ điểm (3)",
        "Tỉnh Quảng Ngãi: thứ hạng công bố 4 khác thứ hạng suy ra từ điểm (2)",
    ]


@pytest.mark.django_db
def test_row_with_numbers_but_no_unit_name_is_an_error():
    csv_text = "Tỉnh,Điểm số PCI,Xếp hạng\nQuảng Ninh,72,1\n,70,2\n"
    result = scores_preview(
        edition=edition_of("PCI", 2022), data=csv_text.encode(), filename="p.csv"
    )
    assert [p.as_line() for p in result.errors] == [
        'dòng 3, cột "Tỉnh": Dòng có số liệu nhưng ô tên đơn vị trống (giá trị: "")'
    ]


@pytest.mark.django_db
def test_two_columns_for_one_score_keep_the_edition_year_or_are_refused():
    ranks = "Tỉnh,Điểm số PCI,Xếp hạng 2020,Xếp hạng 2021\nQuảng Ninh,73.02,3,1\n"
    result = scores_preview(edition=edition_of("PCI", 2021), data=ranks.encode(), filename="p.csv")
    assert result.errors == []
    assert result.records[0].rank == 1
    assert any("bỏ qua “Xếp hạng 2020”" in p.message for p in result.warnings)
    twice = "Tỉnh,Điểm số PCI,Tính minh bạch,Minh bạch\nQuảng Ninh,73.02,6.31,6.4\n"
    result = scores_preview(edition=edition_of("PCI", 2022), data=twice.encode(), filename="p.csv")
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
    assert errors_of("pci_2021_hyperlink_name.xlsx") == [
        'dòng 23, cột "B": Ô B23: công thức chưa có giá trị tính sẵn; hãy mở tệp bằng Excel, '
        'lưu lại rồi nhập lại (giá trị: "=HYPERLINK("https://pcivietnam.vn/ho-so-tinh/quang-nam", '
        '"Quảng Nam")")'
    ]


@pytest.mark.django_db
def test_formula_saved_with_its_result_reads_as_that_result():
    data = (FIXTURES / "pci_2021_hyperlink_name.xlsx").read_bytes()
    saved = _with_stored_result(data, "B23", "Quảng Nam", "str")
    result = scores_preview(edition=edition_of("PCI", 2021), data=saved, filename="x.xlsx")
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
    result = scores_preview(edition=edition_of("PCI", 2022), data=saved, filename="x.xlsx")
    assert result.errors == []
    unsaved = scores_preview(
        edition=edition_of("PCI", 2022), data=buffer.getvalue(), filename="x.xlsx"
    )
    assert [p.message for p in unsaved.errors] == [
        "Ô C2: công thức chưa có giá trị tính sẵn; hãy mở tệp bằng Excel, lưu lại rồi nhập lại"
    ]
