"""Safe reading of uploaded spreadsheets into plain grids of cells.

Checks happen before any parser sees the bytes: a size limit, the archive's total uncompressed
size and compression ratio (real index sheets compress about 3:1; a zip bomb compresses
thousands to one), macro-enabled workbooks, and XML entity declarations (defusedxml). Cells are
read as values: calamine never evaluates formulas or follows external links. It reads a formula
as the result Excel stored with it; a formula saved without one (a workbook written by a program
and never opened in Excel) reads as an empty cell, so those cells are listed on the sheet.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

import defusedxml.ElementTree as SafeET
import pandas as pd
from defusedxml import DefusedXmlException
from django.conf import settings
from openpyxl import load_workbook

SUPPORTED = {".xlsx", ".xls", ".ods", ".csv"}
MACRO_CONTENT_TYPES = ("macroEnabled", "vbaProject")


class UnreadableFile(ValueError):
    """The file cannot be read at all; the message says why, in Vietnamese."""


@dataclass
class Sheet:
    name: str
    rows: list[list[Any]]  # cells as read: str, int, float, datetime or None
    # Formulas with no stored result, which read as None: (row index, column index) → formula.
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)


def _limits() -> tuple[int, int, int]:
    return (
        settings.IMPORT_MAX_UPLOAD_MB * 1024 * 1024,
        settings.IMPORT_MAX_UNCOMPRESSED_MB * 1024 * 1024,
        settings.IMPORT_MAX_COMPRESSION_RATIO,
    )


def _check_archive(data: bytes, suffix: str) -> None:
    _max_upload, max_uncompressed, max_ratio = _limits()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise UnreadableFile(
            f"Tệp không phải bảng tính {suffix} hợp lệ (không đọc được cấu trúc tệp)."
        ) from error
    with archive:
        members = archive.infolist()
        total = sum(member.file_size for member in members)
        compressed = sum(member.compress_size for member in members) or 1
        if total > max_uncompressed:
            raise UnreadableFile(
                f"Tệp giải nén ra {total // (1024 * 1024)} MB, vượt giới hạn "
                f"{max_uncompressed // (1024 * 1024)} MB."
            )
        if total / compressed > max_ratio:
            raise UnreadableFile(
                f"Tỷ lệ nén {total / compressed:.0f}:1 bất thường (giới hạn {max_ratio}:1); "
                "tệp có thể là một “zip bomb”."
            )
        names = {member.filename for member in members}
        if any(name.lower().endswith("vbaproject.bin") for name in names):
            raise UnreadableFile("Tệp có chứa macro (VBA); hãy lưu lại dưới dạng .xlsx thường.")
        for name in names:
            if not name.endswith((".xml", ".rels")):
                continue
            with archive.open(name) as handle:
                head = handle.read(4096)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise UnreadableFile("Tệp chứa khai báo XML không được phép (DOCTYPE/ENTITY).")
        if "[Content_Types].xml" in names:
            try:
                root = SafeET.fromstring(archive.read("[Content_Types].xml"))
            except (DefusedXmlException, SafeET.ParseError) as error:
                raise UnreadableFile("Tệp có phần mô tả nội dung không hợp lệ.") from error
            for element in root:
                if any(m in (element.get("ContentType") or "") for m in MACRO_CONTENT_TYPES):
                    raise UnreadableFile(
                        "Tệp là bảng tính có macro (.xlsm); hãy lưu lại dưới dạng .xlsx thường."
                    )


def _decode_csv(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFile(
            "Tệp CSV không ở mã UTF-8; hãy lưu lại với mã hóa UTF-8 (CSV UTF-8)."
        ) from error


def _read_csv(data: bytes) -> list[Sheet]:
    text = _decode_csv(data)
    if not text.strip():
        raise UnreadableFile("Tệp trống, không có dòng dữ liệu nào.")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    rows = [
        [cell if cell != "" else None for cell in row]
        for row in csv.reader(io.StringIO(text), delimiter=delimiter)
    ]
    return [Sheet(name="CSV", rows=rows)]


def _read_workbook(data: bytes) -> list[Sheet]:
    try:
        frames = pd.read_excel(
            io.BytesIO(data), sheet_name=None, header=None, engine="calamine", dtype=object
        )
    except Exception as error:  # calamine raises several types for a broken file
        raise UnreadableFile(f"Không đọc được bảng tính: {error}") from error
    sheets = []
    for name, frame in frames.items():
        frame = frame.astype(object).where(frame.notna(), None)
        sheets.append(Sheet(name=str(name), rows=frame.to_numpy().tolist()))
    return sheets


# A formula element closing its cell with no stored result after it (none, or an empty <v>).
_FORMULA_WITHOUT_RESULT = re.compile(
    rb"(?:</(?:\w+:)?f>|<(?:\w+:)?f\b[^>]*/>)\s*"
    rb"(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>"
)


def _may_miss_results(data: bytes) -> bool:
    """A cheap first look at the worksheets' XML: is any formula stored without its result?
    Most files have no formula, and Excel stores a result with every one."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                with archive.open(name) as handle:
                    if _FORMULA_WITHOUT_RESULT.search(handle.read()):
                        return True
    return False


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


def _note_uncached_formulas(data: bytes, sheets: list[Sheet]) -> None:
    """Find the formula cells that read as empty because no result was stored with them.

    openpyxl shows formulas with data_only=False and stored results with data_only=True; a
    formula whose stored result is an empty string (Excel's `=IF(…;"";…)`) is typed "str" and
    is a real empty result, not a missing one."""
    if not _may_miss_results(data):
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


def read_spreadsheet(*, data: bytes, filename: str) -> list[Sheet]:
    """Every sheet of the file as rows of raw cells. Raises UnreadableFile with a reason."""
    max_upload, _max_uncompressed, _ratio = _limits()
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".xlsm":
        raise UnreadableFile("Tệp là bảng tính có macro (.xlsm); hãy lưu lại dưới dạng .xlsx.")
    if suffix not in SUPPORTED:
        raise UnreadableFile(
            f"Định dạng {suffix or '(không có đuôi)'} không được hỗ trợ; "
            "dùng .xlsx, .xls, .ods hoặc .csv."
        )
    if len(data) > max_upload:
        raise UnreadableFile(
            f"Tệp {len(data) // (1024 * 1024)} MB vượt giới hạn {max_upload // (1024 * 1024)} MB."
        )
    if not data:
        raise UnreadableFile("Tệp trống, không có dòng dữ liệu nào.")
    if suffix == ".csv":
        sheets = _read_csv(data)
    else:
        if suffix in {".xlsx", ".ods"}:
            _check_archive(data, suffix)
        elif not data.startswith(b"\xd0\xcf\x11\xe0"):
            raise UnreadableFile("Tệp không phải bảng tính .xls hợp lệ.")
        sheets = _read_workbook(data)
        if suffix == ".xlsx":
            _note_uncached_formulas(data, sheets)
    sheets = [
        s for s in sheets if s.formulas or any(any(c is not None for c in row) for row in s.rows)
    ]
    if not sheets:
        raise UnreadableFile("Tệp trống, không có dòng dữ liệu nào.")
    return sheets
