"""Safe reading of uploaded spreadsheets into plain grids of cells.

Checks happen before any parser sees the bytes: a size limit, the archive's total uncompressed
size and compression ratio (real index sheets compress about 3:1; a zip bomb compresses
thousands to one), macro-enabled workbooks, XML entity declarations anywhere in any part, and
how far each sheet reaches (`tabular.extent`: rows and columns are limited before a sheet is
loaded, since a reader allocates a grid from A1 to the farthest cell). All of it, and the parsing,
runs in a child process limited in memory and CPU time (`tabular.sandbox`), so a file that still
overwhelms the parser costs that child, not the web or worker process.

Cells are read as values: calamine never evaluates formulas or follows external links. It reads
a formula as the result Excel stored with it; a formula saved without one (a workbook written by
a program and never opened in Excel) reads as an empty cell, so those cells are listed on the
sheet.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django.conf import settings
from openpyxl import load_workbook
from python_calamine import CalamineError, CalamineWorkbook

from tabular.archive import (
    ArchiveLimits,
    ArchiveRefused,
    declarations_scan,
    open_archive,
    package_check,
)
from tabular.extent import (
    SheetLimits,
    SheetTooLarge,
    ods_extents_check,
    vn_count,
    xlsx_extents_check,
    xlsx_sheet_parts,
)
from tabular.sandbox import MEMORY, LimitExceeded, run_limited

SUPPORTED = {".xlsx", ".xls", ".ods", ".csv"}
logger = logging.getLogger(__name__)


class UnreadableFile(ValueError):
    """The file cannot be read at all; the message says why, in Vietnamese."""


@dataclass
class Sheet:
    name: str
    rows: list[list[Any]]  # cells as read: str, int, float, datetime or None
    # Formulas with no stored result, which read as None: (row index, column index) → formula.
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)


@dataclass(frozen=True)
class ReadLimits:
    max_upload: int  # bytes
    archive: ArchiveLimits
    sheets: SheetLimits
    memory_mb: int  # of the child process that reads, beyond the libraries it starts with
    seconds: int  # of CPU time

    @classmethod
    def from_settings(cls) -> ReadLimits:
        return cls(
            max_upload=settings.IMPORT_MAX_UPLOAD_MB * 1024 * 1024,
            archive=ArchiveLimits(
                max_uncompressed=settings.IMPORT_MAX_UNCOMPRESSED_MB * 1024 * 1024,
                max_ratio=settings.IMPORT_MAX_COMPRESSION_RATIO,
            ),
            sheets=SheetLimits(
                max_rows=settings.IMPORT_MAX_ROWS, max_columns=settings.IMPORT_MAX_COLUMNS
            ),
            memory_mb=settings.IMPORT_READ_MEMORY_MB,
            seconds=settings.IMPORT_READ_SECONDS,
        )


# A formula element closing its cell with no stored result after it (none, or an empty <v>).
_FORMULA_WITHOUT_RESULT = re.compile(
    rb"(?:</(?:\w+:)?f>|<(?:\w+:)?f\b[^>]*/>)\s*"
    rb"(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>"
)


def _formula_without_result(data: bytes) -> bool:
    # Most sheets hold no formula at all: a byte search settles them before the pattern runs.
    return (b"<f" in data or b":f" in data) and _FORMULA_WITHOUT_RESULT.search(data) is not None


def _check_archive(data: bytes, suffix: str, limits: ReadLimits) -> bool:
    """The package's checks, each worksheet read once for its declarations, its extent and
    formulas stored without a result; True when there may be such formulas."""
    try:
        with open_archive(data, f"bảng tính {suffix}") as archive:
            package_check(archive, limits.archive)
            if suffix != ".xlsx":
                declarations_scan(archive)
                ods_extents_check(archive, limits.sheets)
                return False
            parts = xlsx_sheet_parts(archive)
            declarations_scan(archive, skip=parts)
            return xlsx_extents_check(
                archive, limits.sheets, parts=parts, find=_formula_without_result
            )
    except (ArchiveRefused, SheetTooLarge) as error:
        raise UnreadableFile(str(error)) from error


# How a spreadsheet package begins (.xlsx and .ods are zip archives; .xls an OLE2 compound
# file): a CSV that begins so is a workbook renamed, not a text file in another encoding.
WORKBOOK_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


def _decode_csv(data: bytes) -> str:
    if data.startswith(WORKBOOK_MAGIC):
        raise UnreadableFile(
            "Tệp có đuôi .csv nhưng thực chất là bảng tính Excel hoặc ODS: hãy đổi lại đuôi "
            "(.xlsx, .ods) hoặc mở tệp và lưu thành CSV UTF-8."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFile(
            "Tệp CSV không ở mã UTF-8; hãy lưu lại với mã hóa UTF-8 (CSV UTF-8)."
        ) from error


def _read_csv(data: bytes, limits: SheetLimits) -> list[Sheet]:
    text = _decode_csv(data)
    if not text.strip():
        raise UnreadableFile("Tệp trống, không có dòng dữ liệu nào.")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    rows: list[list[Any]] = []
    try:
        for row in csv.reader(io.StringIO(text), delimiter=delimiter):
            if len(rows) == limits.max_rows:
                raise UnreadableFile(
                    f"Tệp CSV có hơn {vn_count(limits.max_rows)} dòng, vượt giới hạn "
                    f"{vn_count(limits.max_rows)} dòng."
                )
            if len(row) > limits.max_columns:
                raise UnreadableFile(
                    f"Dòng {vn_count(len(rows) + 1)} của tệp CSV có {vn_count(len(row))} cột, "
                    f"vượt giới hạn {vn_count(limits.max_columns)} cột."
                )
            rows.append([cell if cell != "" else None for cell in row])
    except csv.Error as error:
        raise UnreadableFile(
            f"Tệp CSV không đọc được ở dòng {vn_count(len(rows) + 1)} ({error})."
        ) from error
    return [Sheet(name="CSV", rows=rows)]


def _cell(value: Any) -> Any:
    """A cell as calamine gives it, the way pandas' reader converts it (a whole float is an int,
    a date a datetime) but for text: "N/A", "NA" or "NULL" stay words, which pandas would turn
    into empty cells. An empty cell is None; NaN and infinity stay floats, for parse_cell to
    refuse."""
    if value == "":
        return None
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)  # noqa: DTZ001 - a calendar date
    return value


def _read_workbook(data: bytes) -> list[Sheet]:
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        for name in book.sheet_names:
            rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            sheets.append(Sheet(name=str(name), rows=[[_cell(v) for v in row] for row in rows]))
    except CalamineError as error:
        raise UnreadableFile(f"Không đọc được bảng tính: {error}") from error
    return sheets


def _empty_formulas(
    data: bytes, by_name: dict[str, Sheet]
) -> dict[str, dict[tuple[int, int], str]]:
    """By sheet, the formula cells (row, column → formula) that were read as empty."""
    candidates: dict[str, dict[tuple[int, int], str]] = {}
    formulas = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        for worksheet in formulas.worksheets:
            sheet = by_name.get(worksheet.title)
            if sheet is None:
                continue
            for row in worksheet.iter_rows():
                for cell in row:
                    if getattr(cell, "data_type", None) != "f":
                        continue
                    index = (cell.row - 1, cell.column - 1)
                    if _grid_value(sheet, *index) is None:
                        text = getattr(cell.value, "text", cell.value)
                        candidates.setdefault(sheet.name, {})[index] = str(text)
    finally:
        formulas.close()
    return candidates


def _note_uncached_formulas(data: bytes, sheets: list[Sheet], *, may_miss: bool) -> None:
    """Find the formula cells that read as empty because no result was stored with them.

    openpyxl shows formulas with data_only=False and stored results with data_only=True; a
    formula whose stored result is an empty string (Excel's `=IF(…;"";…)`) is typed "str" and
    is a real empty result, not a missing one."""
    if not may_miss:  # the first look, at the worksheets' XML, found no formula without result
        return
    by_name = {sheet.name: sheet for sheet in sheets}
    candidates = _empty_formulas(data, by_name)
    if not candidates:
        return
    results = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        for worksheet in results.worksheets:
            wanted = candidates.get(worksheet.title)
            if not wanted:
                continue
            for row in worksheet.iter_rows():
                for cell in row:
                    index = (getattr(cell, "row", 0) - 1, getattr(cell, "column", 0) - 1)
                    if index in wanted and cell.value is None and cell.data_type != "str":
                        by_name[worksheet.title].formulas[index] = wanted[index]
    finally:
        results.close()


def _grid_value(sheet: Sheet, row: int, column: int) -> Any:
    if row >= len(sheet.rows) or column >= len(sheet.rows[row]):
        return None
    return sheet.rows[row][column]


def _suffix_of(filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".xlsm":
        raise UnreadableFile("Tệp là bảng tính có macro (.xlsm); hãy lưu lại dưới dạng .xlsx.")
    if suffix not in SUPPORTED:
        raise UnreadableFile(
            f"Định dạng {suffix or '(không có đuôi)'} không được hỗ trợ; "
            "dùng .xlsx, .xls, .ods hoặc .csv."
        )
    return suffix


def _limit_message(error: LimitExceeded, limits: ReadLimits) -> str:
    reason = (
        f"cần hơn {vn_count(limits.memory_mb)} MB bộ nhớ"
        if error.kind == MEMORY
        else f"cần hơn {vn_count(limits.seconds)} giây"
    )
    return (
        f"Tệp vượt giới hạn bộ nhớ/thời gian đọc ({reason}); tệp quá lớn hoặc có cấu trúc bất "
        "thường. Hãy xóa các trang, dòng, cột thừa rồi lưu lại, hoặc tách thành tệp nhỏ hơn."
    )


def read_untrusted(data: bytes, suffix: str, limits: ReadLimits) -> list[Sheet]:
    """The reading itself, in whatever process calls it (read_spreadsheet calls it in a limited
    child). Any failure on the bytes is an UnreadableFile: a file that breaks a parser in a way
    nobody foresaw is still only a file that cannot be read."""
    try:
        if suffix == ".csv":
            sheets = _read_csv(data, limits.sheets)
        else:
            may_miss = False
            if suffix in {".xlsx", ".ods"}:
                may_miss = _check_archive(data, suffix, limits)
            elif not data.startswith(b"\xd0\xcf\x11\xe0"):
                raise UnreadableFile("Tệp không phải bảng tính .xls hợp lệ.")
            sheets = _read_workbook(data)
            if suffix == ".xlsx":
                _note_uncached_formulas(data, sheets, may_miss=may_miss)
    except (UnreadableFile, MemoryError):
        raise
    except Exception as error:
        logger.warning("unreadable %s upload", suffix, exc_info=True)
        raise UnreadableFile(
            f"Không đọc được bảng tính ({error.__class__.__name__}); hãy mở tệp bằng Excel, "
            "lưu lại dưới dạng .xlsx rồi nhập lại."
        ) from error
    sheets = [
        s for s in sheets if s.formulas or any(any(c is not None for c in row) for row in s.rows)
    ]
    if not sheets:
        raise UnreadableFile("Tệp trống, không có dòng dữ liệu nào.")
    return sheets


def read_spreadsheet(*, data: bytes, filename: str) -> list[Sheet]:
    """Every sheet of the file as rows of raw cells, read in a child process within the memory
    and time limits. Raises UnreadableFile with a reason."""
    limits = ReadLimits.from_settings()
    suffix = _suffix_of(filename)
    if len(data) > limits.max_upload:
        raise UnreadableFile(
            f"Tệp {len(data) // (1024 * 1024)} MB vượt giới hạn "
            f"{limits.max_upload // (1024 * 1024)} MB."
        )
    if not data:
        raise UnreadableFile("Tệp trống, không có dòng dữ liệu nào.")
    try:
        sheets: list[Sheet] = run_limited(
            read_untrusted, data, suffix, limits, memory_mb=limits.memory_mb, seconds=limits.seconds
        )
    except LimitExceeded as error:
        raise UnreadableFile(_limit_message(error, limits)) from None
    return sheets
