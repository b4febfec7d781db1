"""Hostile spreadsheets against the reader: sheets that reach too far, DOCTYPEs hidden past the
first bytes of a part, parts in UTF-16, and the child process that reads every upload within a
memory and time limit. Every one ends in UnreadableFile with a reason, never in a crash."""

import io
import multiprocessing.util
import os
import random
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from django.test import override_settings

from tabular.archive import CHUNK
from tabular.extent import SheetLimits, cell_position, xlsx_extents_check
from tabular.reading import UnreadableFile, read_spreadsheet
from tabular.sandbox import MEMORY, TIME, LimitExceeded, run_limited

FILES = Path(__file__).resolve().parent / "fixtures_files"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
LIMITS = "250.000 dòng × 200 cột"


def _read(name: str):
    return read_spreadsheet(data=(FILES / name).read_bytes(), filename=name)


def _refusal(name: str) -> str:
    with pytest.raises(UnreadableFile) as refused:
        _read(name)
    return str(refused.value)


def _workbook(sheet_xml: str | bytes) -> bytes:
    """A one-sheet workbook around the given sheet XML (see fixtures_files/build.py)."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(FILES / "extent_declared_only.xlsx") as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for name in source.namelist():
            if name != "xl/worksheets/sheet1.xml":
                target.writestr(name, source.read(name))
        target.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return buffer.getvalue()


def _noise(length: int) -> str:
    """Text that does not compress (so that no zip-bomb check refuses the padding first)."""
    return random.Random(length).randbytes(length // 2 + 1).hex()[:length]


def _sheet(cells: str, prefix: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}"><sheetData>'
        f"{prefix}{cells}</sheetData></worksheet>"
    )


# How far a sheet reaches -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "extent_xfd1048576.xlsx",
            "Trang tính “Dữ liệu” khai báo vùng dữ liệu đến ô XFD1048576 "
            f"(1.048.576 dòng × 16.384 cột), vượt giới hạn {LIMITS}",
        ),
        (
            "extent_cv1048576.xlsx",
            "Trang tính “Dữ liệu” khai báo vùng dữ liệu đến ô CV1048576 "
            f"(1.048.576 dòng × 100 cột), vượt giới hạn {LIMITS}",
        ),
        (
            "extent_j1048576.xlsx",
            "Trang tính “Dữ liệu” khai báo vùng dữ liệu đến ô J1048576 "
            f"(1.048.576 dòng × 10 cột), vượt giới hạn {LIMITS}",
        ),
        (
            "extent_declared_only.xlsx",
            "Trang tính “Dữ liệu” khai báo vùng dữ liệu đến ô XFD1048576",
        ),
        (
            "extent_xfd1048576_undeclared.xlsx",
            "Trang tính “Dữ liệu” có dữ liệu ở ô XFD1048576 (1.048.576 dòng × 16.384 cột)",
        ),
        (
            "extent_unreferenced_cells.xlsx",
            "Trang tính “Dữ liệu” có dữ liệu ở ô A1048576 (1.048.576 dòng × 1 cột)",
        ),
        (
            "extent_sheet_outside_worksheets.xlsx",
            "Trang tính “Dữ liệu” có dữ liệu ở ô XFD1048576 (1.048.576 dòng × 16.384 cột)",
        ),
        (
            "extent_prefixed_cells.xlsx",
            "Trang tính “Dữ liệu” có dữ liệu ở ô XFD1048576 (1.048.576 dòng × 16.384 cột)",
        ),
        (
            "extent_repeated_columns.ods",
            "Trang tính “Dữ liệu” có dữ liệu ở ô XFD1 (1 dòng × 16.384 cột)",
        ),
    ],
)
def test_sheet_past_the_row_or_column_limit_is_refused_before_loading(name, message):
    started = time.perf_counter()
    refusal = _refusal(name)
    assert refusal.startswith(message)
    assert "hãy xóa các dòng, cột thừa" in refusal
    # Measured before loading: the XFD1048576 sheet would otherwise ask for 549 GB.
    assert time.perf_counter() - started < 5


@override_settings(IMPORT_MAX_ROWS=3, IMPORT_MAX_COLUMNS=2)
@pytest.mark.parametrize("prefix", ["", '<row r="9" spans="1:2"/>'])
def test_limits_come_from_settings_and_allow_the_last_row_and_column(prefix):
    inside = '<row r="3"><c r="B3"><v>1</v></c></row>'
    assert read_spreadsheet(data=_workbook(_sheet(inside, prefix)), filename="a.xlsx")
    for far in (
        '<row r="4"><c r="A4"><v>1</v></c></row>',
        '<row r="1"><c r="C1"><v>1</v></c></row>',
    ):
        with pytest.raises(UnreadableFile, match="vượt giới hạn 3 dòng × 2 cột"):
            read_spreadsheet(data=_workbook(_sheet(far)), filename="a.xlsx")


@override_settings(IMPORT_MAX_ROWS=3, IMPORT_MAX_COLUMNS=2)
def test_cells_written_oddly_are_walked_and_measured_the_same():
    # Attribute order, spacing and quotes no byte search expects: the sheet is walked instead.
    odd = "<row r='4'><c t=\"n\"  r='A4'><v>1</v></c></row>"
    with pytest.raises(UnreadableFile, match="có dữ liệu ở ô A4"):
        read_spreadsheet(data=_workbook(_sheet(odd)), filename="a.xlsx")
    fine = "<row r='3'><c t=\"n\"  r='B3'><v>1</v></c></row>"
    assert read_spreadsheet(data=_workbook(_sheet(fine)), filename="a.xlsx")


def test_a_formatted_empty_cell_far_away_is_not_data():
    # Excel writes formatting without a value as <c r="…" s="…"/>; readers skip it.
    styled = '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="J1048576" s="1"/></row>'
    [sheet] = read_spreadsheet(data=_workbook(_sheet(styled)), filename="a.xlsx")
    assert sheet.rows == [[1]]


def test_extent_is_measured_across_chunk_boundaries():
    # The far cell's tag straddles the reader's 1 MB chunks.
    padding = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>' + _noise(CHUNK - 60) + "</t></is></c></row>"
    )
    far = '<row r="1048576"><c r="XFD1048576"><v>2</v></c></row>'
    data = _workbook(_sheet(padding + far))
    with (
        zipfile.ZipFile(io.BytesIO(data)) as archive,
        pytest.raises(ValueError, match="XFD1048576"),
    ):
        xlsx_extents_check(archive, SheetLimits(max_rows=250_000, max_columns=200))


def _ods(table: str) -> bytes:
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(FILES / "extent_repeated_columns.ods") as source,
        zipfile.ZipFile(buffer, "w") as target,
    ):
        for name in source.namelist():
            data = source.read(name)
            if name == "content.xml":
                start, end = data.index(b"<table:table "), data.index(b"</table:table>") + 14
                data = data[:start] + table.encode() + data[end:]
            target.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            '<table:table-cell table:number-columns-repeated="100000" office:value-type="float"'
            ' office:value="1"/>',
            "có dữ liệu ở cột 100.000 (1 dòng × 100.000 cột)",
        ),
        (
            '<table:table-cell office:value-type="float" office:value="1"/></table:table-row>'
            '<table:table-row table:number-rows-repeated="99999999999"><table:table-cell '
            'office:value-type="string"><text:p>x</text:p></table:table-cell>',
            "có dữ liệu ở ô A1000000001",
        ),
    ],
)
def test_opendocument_repeats_are_counted(table, message):
    content = (
        f'<table:table table:name="T"><table:table-row>{table}</table:table-row></table:table>'
    )
    with pytest.raises(UnreadableFile, match=re.escape(message)):
        read_spreadsheet(data=_ods(content), filename="a.ods")


def test_opendocument_trailing_empty_rows_are_not_data():
    # LibreOffice writes the rest of the sheet as one repeated empty row.
    content = (
        '<table:table table:name="T"><table:table-row><table:table-cell office:value-type="float"'
        ' office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>'
        '<table:table-row table:number-rows-repeated="1048575"><table:table-cell '
        'table:number-columns-repeated="1024"/></table:table-row></table:table>'
    )
    [sheet] = read_spreadsheet(data=_ods(content), filename="a.ods")
    assert sheet.rows == [[1]]


def test_cell_positions():
    assert cell_position("A1") == (1, 1)
    assert cell_position("XFD1048576") == (1048576, 16384)
    assert cell_position("$B$7") == (7, 2)
    assert cell_position("7B") is None


@override_settings(IMPORT_MAX_ROWS=3, IMPORT_MAX_COLUMNS=2)
def test_csv_rows_and_columns_are_limited_while_reading():
    assert read_spreadsheet(data=b"a,b\n1,2\n3,4\n", filename="a.csv")
    with pytest.raises(UnreadableFile, match="Tệp CSV có hơn 3 dòng"):
        read_spreadsheet(data=b"a,b\n1,2\n3,4\n5,6\n", filename="a.csv")
    with pytest.raises(UnreadableFile, match="Dòng 2 của tệp CSV có 3 cột, vượt giới hạn 2 cột"):
        read_spreadsheet(data=b"a,b\n1,2,3\n", filename="a.csv")


def test_csv_that_breaks_the_csv_module_is_unreadable_not_an_error():
    huge_field = b'a\n"' + b"x" * 200_000 + b'"\n'
    with pytest.raises(UnreadableFile, match="Tệp CSV không đọc được"):
        read_spreadsheet(data=huge_field, filename="a.csv")


# DOCTYPE and encodings ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["doctype_after_comment.xlsx", "doctype_lower_case.xlsx"])
def test_doctype_anywhere_in_a_part_is_refused(name):
    assert _refusal(name) == (
        "Tệp chứa khai báo XML không được phép (DOCTYPE/ENTITY) trong phần "
        "“xl/worksheets/sheet1.xml”."
    )


def test_doctype_split_across_chunks_is_refused():
    head = '<?xml version="1.0" encoding="UTF-8"?>'
    for before_boundary in range(1, 9):  # "<!DOCTYPE" starts this many bytes before 1 MB
        padding = "<!--" + _noise(CHUNK - before_boundary - len(head) - 7) + "-->"
        assert len(head + padding) == CHUNK - before_boundary
        data = _workbook(head + padding + "<!DOCTYPE x []>" + _sheet("").replace(head, ""))
        with pytest.raises(UnreadableFile, match="DOCTYPE/ENTITY"):
            read_spreadsheet(data=data, filename="a.xlsx")


def test_part_in_utf16_is_refused():
    assert _refusal("part_in_utf16.xlsx") == (
        "Phần “xl/worksheets/sheet1.xml” của tệp không ở mã UTF-8; tệp không hợp lệ."
    )


def test_macro_enabled_content_type_is_refused_without_a_vba_part():
    assert "macro" in _refusal("evidence_macro_enabled.xlsx")


# The child process --------------------------------------------------------------------------------


def _allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * 1024 * 1024))


def _spin() -> None:
    while True:
        pass


def _sleep() -> None:
    time.sleep(60)


def _abort() -> None:
    os.abort()  # what Rust's allocator does when an allocation fails


def _refuse() -> None:
    raise UnreadableFile("lý do")


def test_child_returns_its_result():
    assert run_limited(_allocate, 10, memory_mb=200, seconds=10) == 10 * 1024 * 1024


def test_child_over_its_memory_is_stopped():
    with pytest.raises(LimitExceeded) as stopped:
        run_limited(_allocate, 2048, memory_mb=100, seconds=10)
    assert stopped.value.kind == MEMORY


def test_child_over_its_cpu_time_is_stopped():
    started = time.perf_counter()
    with pytest.raises(LimitExceeded) as stopped:
        run_limited(_spin, memory_mb=100, seconds=1)
    assert stopped.value.kind == TIME
    assert time.perf_counter() - started < 15


def test_child_that_hangs_is_killed_at_the_wall_clock_deadline():
    with pytest.raises(LimitExceeded) as stopped:
        run_limited(_sleep, memory_mb=100, seconds=1, wall_seconds=0.5)
    assert stopped.value.kind == TIME


def test_child_that_aborts_is_reported_not_fatal():
    with pytest.raises(LimitExceeded) as stopped:
        run_limited(_abort, memory_mb=100, seconds=5)
    assert stopped.value.kind == MEMORY


class _Registered:
    """Something a library registers an after-fork hook for, as Celery registers its app."""


def test_child_runs_no_after_fork_hook_of_multiprocessing(tmp_path):
    """Celery's hook closes its Redis subscription over the socket the child shares with its
    parent, and waits forever: the child must not run such hooks."""
    marker = tmp_path / "hook-ran"
    owner = _Registered()
    multiprocessing.util.register_after_fork(owner, lambda _owner: marker.touch())
    assert run_limited(_allocate, 1, memory_mb=100, seconds=5) == 1024 * 1024
    assert not marker.exists()


def test_child_exception_is_raised_in_the_caller():
    with pytest.raises(UnreadableFile, match="lý do"):
        run_limited(_refuse, memory_mb=100, seconds=5)


@override_settings(IMPORT_MAX_ROWS=2_000_000, IMPORT_MAX_COLUMNS=20_000)
def test_file_past_the_checks_costs_the_child_not_the_process():
    """With the extent limits lifted, calamine asks for 549 GB: the child aborts, this process
    goes on and the reader says why."""
    assert _refusal("extent_xfd1048576.xlsx").startswith(
        "Tệp vượt giới hạn bộ nhớ/thời gian đọc (cần hơn 1.024 MB bộ nhớ)"
    )


# Run in a fresh interpreter: the budget is address space on top of the parent's, and a long
# test session leaves the parent with freed heap the child could reuse without counting it.
SMALL_LIMIT_READ = """
import django
django.setup()
from tabular.reading import UnreadableFile, read_spreadsheet
rows = "\\n".join(f"Đơn vị {n},{n}.5,{n}" for n in range(150_000))
try:
    read_spreadsheet(data=rows.encode(), filename="a.csv")
except UnreadableFile as error:
    print("REFUSED", error)
else:
    print("READ")
"""


def test_reading_within_a_small_memory_limit_fails_cleanly():
    env = os.environ | {
        "IMPORT_READ_MEMORY_MB": "40",
        "DJANGO_SETTINGS_MODULE": "reform_portal.settings.test",
    }
    done = subprocess.run(
        [sys.executable, "-c", SMALL_LIMIT_READ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr  # the reading process itself carries on
    assert "REFUSED Tệp vượt giới hạn bộ nhớ/thời gian đọc" in done.stdout, done.stdout


def test_a_workbook_renamed_csv_is_named_as_such_not_as_an_encoding_problem():
    """An .xlsx saved under a .csv name: the reason says what the file is (the new-user review
    was told to re-save it as UTF-8, which would not have helped)."""
    with pytest.raises(UnreadableFile, match="thực chất là bảng tính Excel hoặc ODS"):
        read_spreadsheet(
            data=_workbook(_sheet('<row r="1"><c r="A1"><v>1</v></c></row>')), filename="diem.csv"
        )
