"""Cell values that passed the preview and failed at the database or in a template: ranks the
rank column cannot hold, groups too long or equal to COPY's NULL marker, numbers that are not
finite or too large. Each is now a row error in the preview, naming row, column and reason, and
nothing is written; text of any content survives COPY."""

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from openpyxl import Workbook

from indices.models import ImportBatch, RatingBand, RatingScheme, Score
from indices.services.imports.service import (
    SCORE_FIELDS,
    ImportRejected,
    scores_import,
    scores_preview,
)
from indices.templatetags.scores import fig, num
from tabular.bulk import copy_line, copy_rows
from tabular.cells import parse_cell, parse_rank
from tests.factories import EditionFactory, IndexFactory
from units.models import Unit

FILES = Path(__file__).resolve().parent / "fixtures_files"


@pytest.fixture
def edition(reference_units):
    """A province-level edition of totals only (0–100), with no rating scheme."""
    return EditionFactory(index=IndexFactory(code="HARDV"), year=2021)


@pytest.fixture
def rated_edition(edition):
    scheme = RatingScheme.objects.create(index=edition.index, method="published")
    for order, (code, name, name_en) in enumerate(
        [("tot", "Tốt", "Good"), ("kha", "Khá", "Fairly good")], start=1
    ):
        RatingBand.objects.create(scheme=scheme, code=code, name=name, name_en=name_en, order=order)
    return edition


def _errors(edition, name: str) -> list[str]:
    """The file's errors in the preview; committing it is refused and writes nothing."""
    data = (FILES / name).read_bytes()
    result = scores_preview(edition=edition, data=data, filename=name)
    with pytest.raises(ImportRejected):
        scores_import(edition=edition, data=data, filename=name)
    assert not Score.objects.filter(edition=edition).exists()
    assert not ImportBatch.objects.filter(edition=edition).exists()
    return [p.as_line() for p in result.errors]


@pytest.mark.parametrize(
    ("name", "line"),
    [
        (
            "rank_40000.csv",
            'dòng 2, cột "Xếp hạng": Thứ hạng 40000 vượt giới hạn 32767 (giá trị: "40000")',
        ),
        (
            "rank_20_digits.csv",
            'dòng 2, cột "Xếp hạng": Thứ hạng 99999999999999999999 vượt giới hạn 32767 '
            '(giá trị: "99999999999999999999")',
        ),
        (
            "rank_superscript.csv",
            'dòng 2, cột "Xếp hạng": Thứ hạng phải là số nguyên dương (giá trị: "²")',
        ),
        (
            "group_41_characters.csv",
            'dòng 2, cột "Xếp loại": Xếp loại dài 41 ký tự, vượt giới hạn 40 ký tự '
            f'(giá trị: "{"K" * 41}")',
        ),
        (
            "number_too_large.csv",
            'dòng 2, cột "Điểm số": Số quá lớn (quá 15 chữ số phần nguyên) '
            f'(giá trị: "1{"0" * 40}")',
        ),
    ],
)
def test_value_the_database_cannot_hold_is_a_row_error_in_the_preview(edition, name, line):
    assert _errors(edition, name) == [line]


def test_numbers_that_are_not_finite_are_row_errors(edition):
    errors = _errors(edition, "numbers_not_finite.xlsx")
    not_finite = "Giá trị vô cực hoặc NaN, không phải số"
    assert errors[:4] == [
        f'dòng 2, cột "Điểm số": {not_finite} (giá trị: "inf")',
        f'dòng 3, cột "Điểm số": {not_finite} (giá trị: "-inf")',
        f'dòng 4, cột "Điểm số": {not_finite} (giá trị: "nan")',
        f'dòng 5, cột "Điểm số": {not_finite} (giá trị: "inf")',  # written 1e999
    ]
    assert errors[4].startswith('dòng 6, cột "Điểm số": Số quá lớn')  # 1e308
    assert len(errors) == 5


def test_words_for_no_data_stay_words_in_a_workbook(edition):
    """pandas' reader turned "N/A", "NA" and "NULL" cells into empty ones (an error: a value is
    missing); they are the words for "no data" and read as such."""
    book = Workbook()
    book.active.append(["Tỉnh", "Điểm số"])
    book.active.append(["Quảng Nam", "N/A"])
    book.active.append(["Đà Nẵng", 70])
    buffer = io.BytesIO()
    book.save(buffer)
    result = scores_preview(edition=edition, data=buffer.getvalue(), filename="a.xlsx")
    assert result.errors == []
    [quang_nam] = [r for r in result.records if r.unit.code == "49"]
    assert quang_nam.values[None].state == "not_available"


def test_group_outside_the_rating_scheme_is_a_row_error(rated_edition):
    assert _errors(rated_edition, "group_unknown.csv") == [
        'dòng 2, cột "Xếp loại": Xếp loại “Xuất sắc nhất” không có trong cách xếp loại của '
        'chỉ số (Tốt, Khá) (giá trị: "Xuất sắc nhất")'
    ]


def test_group_is_stored_under_the_schemes_own_name(rated_edition):
    csv_text = "Tỉnh,Điểm số,Xếp hạng,Xếp loại\nQuảng Nam,66,2,kha\nĐà Nẵng,70,1,GOOD\n"
    scores_import(edition=rated_edition, data=csv_text.encode(), filename="a.csv")
    groups = dict(
        Score.objects.filter(edition=rated_edition).values_list("unit__code", "published_group")
    )
    assert groups == {"49": "Khá", "48": "Tốt"}


def test_group_with_control_characters_is_a_row_error(edition):
    csv_text = 'Tỉnh,Điểm số,Xếp hạng,Xếp loại\nQuảng Nam,66,1,"Kh\x00á"\n'
    result = scores_preview(edition=edition, data=csv_text.encode(), filename="a.csv")
    assert [p.message for p in result.errors] == ["Xếp loại chứa ký tự điều khiển"]


def test_group_equal_to_copys_null_marker_is_stored_as_written(edition):
    """Before the fix PostgreSQL's COPY read "\\N" as NULL and the commit failed (a 500)."""
    outcome = scores_import(
        edition=edition,
        data=(FILES / "group_backslash_n.csv").read_bytes(),
        filename="group_backslash_n.csv",
    )
    assert outcome.committed
    stored = Score.objects.get(edition=edition, unit__code="49", component__isnull=True)
    assert (stored.published_group, stored.published_rank) == ("\\N", 2)


def test_copy_keeps_any_text_as_written(edition):
    hostile = ["\\N", "a\tb", "dòng 1\ndòng 2", "\r\n", "\\.", 'ngoặc "kép"', "\\", "a,b", ""]
    units = list(Unit.objects.filter(kind="province").order_by("code")[: len(hostile)])
    rows = [
        (unit.pk, edition.pk, None, "value", Decimal("50.5"), 1, None, text, None, "published", "")
        for unit, text in zip(units, hostile, strict=True)
    ]
    fields = SCORE_FIELDS
    assert copy_rows(Score, fields, rows) == len(hostile)
    stored = dict(Score.objects.filter(edition=edition).values_list("unit_id", "published_group"))
    assert [stored[unit.pk] for unit in units] == hostile
    assert Score.objects.filter(edition=edition, published_rank__isnull=True).count() == len(
        hostile
    )


def test_copy_line_escapes_only_what_needs_it():
    assert copy_line((1, None, "a", True, Decimal("1.50"))) == "1\t\\N\ta\tt\t1.50\n"
    assert copy_line(("\\N", "a\tb", None)) == "\\\\N\ta\\tb\t\\N\n"
    with pytest.raises(ValueError, match="NUL"):
        copy_line(("a\x00b",))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_copy_refuses_nul_before_postgresql_does(edition):
    unit = Unit.objects.get(code="49")
    row = (unit.pk, edition.pk, None, "value", 1, 0, None, "a\x00", None, "published", "")
    with pytest.raises(ValueError, match="NUL"):
        copy_rows(
            Score,
            SCORE_FIELDS,
            [row],
        )


# The reading of one cell, and the figure shown for it ------------------------------------------


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        (float("inf"), "Giá trị vô cực hoặc NaN, không phải số"),
        (float("-inf"), "Giá trị vô cực hoặc NaN, không phải số"),
        (float("nan"), "Giá trị vô cực hoặc NaN, không phải số"),
        (1e300, "Số quá lớn (quá 15 chữ số phần nguyên)"),
        (10**40, "Số quá lớn (quá 15 chữ số phần nguyên)"),
        ("1" + "0" * 400, "Số quá lớn (quá 15 chữ số phần nguyên)"),
    ],
)
def test_cell_that_is_not_a_finite_number_of_sane_size_is_invalid(cell, reason):
    parsed = parse_cell(cell)
    assert (parsed.state, parsed.reason) == ("invalid", reason)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("²", (None, "Thứ hạng phải là số nguyên dương")),
        ("٣", (None, "Thứ hạng phải là số nguyên dương")),
        ("0", (None, "Thứ hạng phải là số nguyên dương")),
        ("40000", (None, "Thứ hạng 40000 vượt giới hạn 32767")),
        (1e20, (None, "Thứ hạng 10000000000000000000… vượt giới hạn 32767")),
        ("9" * 5000, (None, "Thứ hạng 99999999999999999999… vượt giới hạn 32767")),
        ("13/63", (13, "")),
        (13.0, (13, "")),
        ("32767", (32767, "")),
    ],
)
def test_rank_is_ascii_digits_within_the_column(cell, expected):
    assert parse_rank(cell, maximum=32767) == expected


@pytest.mark.parametrize(
    "value", [Decimal("Infinity"), Decimal("NaN"), float("inf"), float("nan"), Decimal("1E+300")]
)
def test_figure_filters_never_fail_on_a_value(value):
    assert num(value, 2) == "—"
    assert "—" in fig(value, 2, "published")
