"""Every import message in the reader's language: a problem keeps its message as written and its
parameters, so one staged (or stored) batch reads Vietnamese on a Vietnamese page and English on
an English one, with the same sheet, row, column and value in both (values are never
translated). A problem stored before messages had parameters still reads as it was written."""

import html
import re

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from indices.models import ImportBatch
from indices.services.imports.service import import_stage, scores_import, scores_preview
from tabular.problems import Problem
from tests.leagues import edition_of

# Row 1: a column no role matches; row 3: a name that matches no unit; row 4: a total outside
# PCI's 0–100 scale; row 5: a unit with no value at all (a warning).
PROBLEMS_CSV = (
    "Tỉnh,Điểm số PCI,Ghi chú lạ\nQuảng Ninh,72,a\nQuảng Nan,70,b\nĐà Nẵng,170,c\nHải Phòng,,d\n"
)
UNKNOWN_COLUMN = {
    "vi": "Không nhận ra cột này; hãy chọn vai trò của cột trong phần ánh xạ (hoặc “bỏ qua”)",
    "en": "Column not recognised; choose its role in the mapping (or “ignore”)",
}
UNKNOWN_UNIT = {
    "vi": 'Không tìm thấy đơn vị "Quảng Nan" tồn tại ngày 31/12/2021. Gợi ý: Tỉnh Quảng Nam, '
    "Tỉnh Quảng Ninh, Tỉnh Quảng Ngãi.",
    "en": 'No unit "Quảng Nan" existing on 31/12/2021 was found. Suggestions: Tỉnh Quảng Nam, '
    "Tỉnh Quảng Ninh, Tỉnh Quảng Ngãi.",
}
OUT_OF_SCALE = {
    "vi": "Giá trị ngoài thang điểm 0–100",
    "en": "Value outside the 0–100 scale",
}
EMPTY_ROW = {
    "vi": "Thành phố Hải Phòng: cả dòng trống, ghi nhận là không có dữ liệu",
    "en": "Thành phố Hải Phòng: the whole row is empty; recorded as no data",
}
_PROBLEM_ROW = re.compile(
    r'<tr class="problem-(\w+)"><td>(.*?)</td><td>(.*?)</td><td class="num">(.*?)</td>'
    r"<td>(.*?)</td><td><code>(.*?)</code></td><td>(.*?)</td></tr>",
    re.S,
)


def _problem_rows(page: str) -> list[dict[str, str]]:
    """The preview's problem table: where (sheet, row, column, value) and the message."""
    return [
        {
            "severity": severity,
            "where": tuple(html.unescape(cell) for cell in (sheet, row, column, value)),
            "message": html.unescape(message),
        }
        for severity, _level, sheet, row, column, value, message in _PROBLEM_ROW.findall(page)
    ]


def _preview(client, batch: ImportBatch, language: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("indices:import_preview", args=[batch.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_one_staged_file_reads_vietnamese_and_english_with_the_same_cells(client, admin_user):
    batch = import_stage(
        edition=edition_of("PCI", 2021),
        data=PROBLEMS_CSV.encode(),
        filename="loi.csv",
        user=admin_user,
    )
    client.force_login(admin_user)
    rows = {language: _problem_rows(_preview(client, batch, language)) for language in ("vi", "en")}

    messages = {language: [r["message"] for r in rows[language]] for language in rows}
    for language in ("vi", "en"):
        for expected in (UNKNOWN_COLUMN, UNKNOWN_UNIT, OUT_OF_SCALE, EMPTY_ROW):
            assert expected[language] in messages[language]
    assert UNKNOWN_COLUMN["vi"] not in messages["en"]
    assert UNKNOWN_UNIT["en"] not in messages["vi"]
    # The same problems, where they were, with the file's values as written.
    assert [(r["severity"], r["where"]) for r in rows["vi"]] == [
        (r["severity"], r["where"]) for r in rows["en"]
    ]
    where = {r["message"]: r["where"] for r in rows["en"]}
    assert where[UNKNOWN_COLUMN["en"]] == ("CSV", "1", "Ghi chú lạ", "Ghi chú lạ")
    assert where[UNKNOWN_UNIT["en"]] == ("CSV", "3", "Tỉnh", "Quảng Nan")
    assert where[OUT_OF_SCALE["en"]] == ("CSV", "4", "Điểm số PCI", "170")


@pytest.mark.django_db
def test_a_problem_keeps_its_message_and_parameters_and_reads_in_the_active_language():
    result = scores_preview(
        edition=edition_of("PCI", 2021), data=PROBLEMS_CSV.encode(), filename="loi.csv"
    )
    [unknown] = [p for p in result.errors if p.row == 3]
    stored = unknown.as_dict()
    assert stored["message"] == (
        'Không tìm thấy đơn vị "%(name)s" tồn tại ngày %(date)s. Gợi ý: %(suggestions)s.'
    )
    assert stored["params"]["name"] == "Quảng Nan"
    again = Problem.from_dict(stored)
    with translation.override("vi"):
        assert again.text == UNKNOWN_UNIT["vi"]
        assert again.as_line() == (
            f'dòng 3, cột "Tỉnh": {UNKNOWN_UNIT["vi"]} (giá trị: "Quảng Nan")'
        )
    with translation.override("en"):
        assert again.text == UNKNOWN_UNIT["en"]
        assert again.as_line() == f'row 3, column "Tỉnh": {UNKNOWN_UNIT["en"]} (value: "Quảng Nan")'


@pytest.mark.django_db
def test_warnings_stored_with_a_committed_batch_read_in_either_language():
    csv_text = "Tỉnh,Chỉ số nội dung 1\nQuảng Nam,0\nĐà Nẵng,5\n"
    outcome = scores_import(
        edition=edition_of("PAPI", 2022),
        data=csv_text.encode(),
        filename="papi.csv",
        allow_missing=True,
    )
    batch = ImportBatch.objects.get(pk=outcome.current_batch.pk)
    [zero] = [Problem.from_dict(d) for d in batch.warnings if d.get("row") == 2]
    assert zero.params == {
        "low": {"number": "1", "decimals": None},
        "high": {"number": "10", "decimals": None},
    }
    with translation.override("vi"):
        assert zero.text == "Giá trị 0 nằm ngoài thang 1–10: ghi nhận là không có dữ liệu"
    with translation.override("en"):
        assert zero.text == "The value 0 is outside the 1–10 scale: recorded as no data"
    assert zero.value == "0"


@pytest.mark.django_db
def test_numbers_in_a_message_are_written_in_the_readers_format():
    csv_text = "Tỉnh,Điểm số PCI\nQuảng Ninh,100.5\n"
    result = scores_preview(
        edition=edition_of("PCI", 2021), data=csv_text.encode(), filename="p.csv"
    )
    [problem] = result.errors
    problem.params = {"low": {"number": "0.5", "decimals": 2}, "high": problem.params["high"]}
    with translation.override("vi"):
        assert problem.text == "Giá trị ngoài thang điểm 0,50–100"
    with translation.override("en"):
        assert problem.text == "Value outside the 0.50–100 scale"


def test_a_problem_stored_without_parameters_still_renders_as_written():
    """Batches stored before messages had parameters keep the finished Vietnamese text."""
    old = {
        "severity": "warning",
        "message": "Tỉnh Quảng Nam: thứ hạng công bố 2 khác thứ hạng suy ra từ điểm (3) 100%",
        "sheet": "Sheet1",
        "row": 2,
        "column": "Xếp hạng",
        "value": "2",
    }
    problem = Problem.from_dict(old)
    assert problem.params is None
    assert problem.as_dict() == old
    for language in ("vi", "en"):
        with translation.override(language):
            page = render_to_string("indices/includes/problems.html", {"problems": [problem]})
            [row] = _problem_rows(page)
            assert row["message"] == old["message"]
            assert row["where"] == ("Sheet1", "2", "Xếp hạng", "2")
    with translation.override("en"):
        assert problem.as_line() == f'row 2, column "Xếp hạng": {old["message"]} (value: "2")'


def test_a_message_that_needs_no_parameters_is_translated_too():
    problem = Problem.from_dict(
        {"severity": "error", "message": "Không có dòng dữ liệu nào", "sheet": "Sheet1"}
    )
    with translation.override("en"):
        assert problem.text == "There are no data rows"
        assert problem.as_line() == "There are no data rows"
    with translation.override("vi"):
        assert problem.text == "Không có dòng dữ liệu nào"


@pytest.mark.django_db
def test_the_import_forms_errors_are_in_the_pages_language(client, admin_user):
    client.force_login(admin_user)
    data = {"index": "PCI", "year": 2021, "level": "province"}
    for language, text in (("vi", "Hãy chọn tệp bảng tính."), ("en", "Choose a spreadsheet file.")):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = client.post(reverse("indices:import_list"), data)
        assert response.status_code == 200
        assert text in response.content.decode()
