"""How far each sheet of a workbook reaches, measured from its XML before any reader loads it.

calamine loads a sheet as a dense grid from A1 to its farthest cell: a 5 KB .xlsx with values in
A1 and XFD1048576 asks for 549 GB, one ending at J1048576 holds a reader for 25 seconds at
770 MB. The declared extent (`<dimension ref>`) and the actual one (every cell that holds
something) are read here as a stream and refused over the row and column limits.

Excel, LibreOffice and openpyxl write every cell as `<c r="B7"…`: those sheets are measured by
byte searches for the few references past the limits, a fraction of a second for 200,000 rows.
A sheet written otherwise (cells without references, namespace prefixes, odd spacing) is walked
with expat, element by element, as calamine would number it."""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any
from xml.parsers import expat

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from tabular.archive import ArchiveRefused, declarations_check, part_chunks
from tabular.headers import column_letter

MAX_COLUMN_LETTERS = 3  # XFD, Excel's last column, has three
_CELL_STARTS = (b"<c ", b"<c>", b"<c/", b"<c\t", b"<c\n", b"<c\r")
_CANONICAL_START = b'<c r="'
_PREFIXED_CELL = re.compile(rb"<[A-Za-z_][\w.\-]*:c[\s/>]")
_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?dimension\s[^>]*?\bref\s*=\s*[\"']([^\"']*)")
_REFERENCE = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,9})$")
_MAX_CARRY = 4 << 20  # a tag longer than this is no spreadsheet's
_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_OFFICE_DOCUMENT = "/officeDocument"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


class SheetTooLarge(ValueError):
    """A sheet reaches past the limits; the message names it and says how far, in Vietnamese."""


@dataclass(frozen=True)
class SheetLimits:
    max_rows: int
    max_columns: int


def vn_count(number: int) -> str:
    """1048576 → "1.048.576", as Vietnamese readers group digits."""
    return f"{number:,}".replace(",", ".")


def column_number(letters: str) -> int:
    """ "A" → 1, "XFD" → 16384."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def cell_position(reference: str) -> tuple[int, int] | None:
    """(row, column), both from 1, of a reference such as "XFD1048576"; None if it is not one."""
    match = _REFERENCE.match(reference.strip())
    if match is None:
        return None
    return int(match.group(2)), column_number(match.group(1))


def _too_far(sheet: str, reference: str, limits: SheetLimits, *, declared: bool) -> None:
    """Refuse a reference past the limits (one that is no reference is left to the reader)."""
    position = cell_position(reference)
    if position is not None:
        _position_check(sheet, *position, limits, declared=declared)


def _position_check(
    sheet: str, row: int, column: int, limits: SheetLimits, *, declared: bool
) -> None:
    if row <= limits.max_rows and column <= limits.max_columns:
        return
    # A column past XFD has no letters a reader would show: say its number.
    where = f"ô {column_letter(column - 1)}{row}" if column <= 16384 else f"cột {vn_count(column)}"
    what = f"khai báo vùng dữ liệu đến {where}" if declared else f"có dữ liệu ở {where}"
    raise SheetTooLarge(
        f"Trang tính “{sheet}” {what} ({vn_count(row)} dòng × {vn_count(column)} cột), vượt "
        f"giới hạn {vn_count(limits.max_rows)} dòng × {vn_count(limits.max_columns)} cột; hãy "
        "xóa các dòng, cột thừa (kể cả ô trống đã định dạng) rồi lưu lại."
    )


# The byte searches ---------------------------------------------------------------------------


def _greater_number(limit: int) -> str:
    """A regular expression for the decimal numbers (no leading zero) greater than `limit`."""
    digits = str(limit)
    options = [f"[1-9][0-9]{{{len(digits)},}}"]
    for i, digit in enumerate(digits):
        if digit != "9":
            options.append(f"{digits[:i]}[{int(digit) + 1}-9][0-9]{{{len(digits) - i - 1}}}")
    return "|".join(options)


def _greater_letters(limit: int) -> str:
    """A regular expression for the column letters past column number `limit`."""
    letters = column_letter(limit - 1)
    options = []
    if len(letters) < MAX_COLUMN_LETTERS:
        options.append(f"[A-Z]{{{len(letters) + 1},{MAX_COLUMN_LETTERS}}}")
    for i, letter in enumerate(letters):
        if letter != "Z":
            rest = len(letters) - i - 1
            options.append(f"{letters[:i]}[{chr(ord(letter) + 1)}-Z][A-Z]{{{rest}}}")
    return "|".join(options) or "(?!)"


@cache
def _suspects(limits: SheetLimits) -> re.Pattern[bytes]:
    """A cell start `<c r="` followed by what is not a plain reference (the first group is then
    empty), or by a reference past the last row or column allowed (the first group, with the
    rest of the tag in the second)."""
    rows = _greater_number(limits.max_rows)
    columns = _greater_letters(limits.max_columns)
    past = rf"(?:{columns})[1-9][0-9]{{0,6}}|[A-Z]{{1,3}}(?:{rows})"
    return re.compile(
        rf'<c r="(?:(?![A-Z]{{1,3}}[1-9][0-9]{{0,6}}")|({past})"([^>]*)>)'.encode("ascii")
    )


def _tags(chunks: Iterator[bytes], name: str) -> Iterator[bytes]:
    """The chunks cut after their last ">", so that no tag is split between two."""
    carry = b""
    for chunk in chunks:
        data = carry + chunk
        cut = data.rfind(b">") + 1
        carry = data[cut:]
        if len(carry) > _MAX_CARRY:
            raise ArchiveRefused(f"Phần “{name}” của tệp có cấu trúc XML bất thường.")
        if cut:
            yield data[:cut]
    if carry:
        yield carry


def _canonical_scan(name: str, sheet: str, chunks: Iterator[bytes], limits: SheetLimits) -> bool:
    """Measure a sheet whose cells are all written `<c r="A1"…`; False as soon as one is not
    (the caller walks the sheet instead)."""
    suspects = _suspects(limits)
    before_data = True  # <dimension> comes before <sheetData>
    for data in _tags(chunks, name):
        if before_data:
            end = data.find(b"sheetData")
            before_data = end < 0
            if match := _DIMENSION.search(data, 0, len(data) if end < 0 else end):
                reference = match.group(1).decode("ascii", "replace").split(":")[-1]
                _too_far(sheet, reference, limits, declared=True)
        cells = data.count(_CANONICAL_START)
        # Other tags start "<c" too (<cols>, <cfRule>): count the cell starts only if needed.
        if data.count(b"<c") != cells and sum(map(data.count, _CELL_STARTS)) != cells:
            return False
        if b":c" in data and _PREFIXED_CELL.search(data):
            return False
        found = []
        for reference, rest in suspects.findall(data):
            if not reference:
                return False
            # `<c r="J1048576" s="1"/>` is formatting without a value: readers skip it.
            if not rest.endswith(b"/"):
                found.append(reference.decode("ascii"))
        if found:
            farthest = max(found, key=lambda ref: cell_position(ref) or (0, 0))
            _too_far(sheet, farthest, limits, declared=False)
    return True


# The walk ------------------------------------------------------------------------------------


def _number(text: str | None, default: int) -> int:
    """An attribute's count; a number too long to be real counts as more than any limit."""
    if not text or not text.isascii() or not text.isdigit():
        return default
    return int(text) if len(text) <= 9 else 10**9


class _Walk:
    """Numbers rows and cells as a reader does (a reference where there is one, the next place
    otherwise) and checks each cell that holds something."""

    def __init__(self, sheet: str, limits: SheetLimits) -> None:
        self.sheet, self.limits = sheet, limits
        self.row = self.column = self.cell_row = 0
        self.in_cell = self.counted = False

    def check(self, row: int, column: int) -> None:
        _position_check(self.sheet, row, column, self.limits, declared=False)

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        local = tag.rpartition(" ")[2]
        if local == "row":
            self.row = _number(attributes.get("r"), self.row + 1)
            self.column = 0
        elif local == "c":
            position = cell_position(attributes.get("r") or "")
            if position:
                self.cell_row, self.column = position
            else:
                self.cell_row, self.column = self.row, self.column + 1
            self.in_cell, self.counted = True, False
        elif local == "dimension":
            _too_far(
                self.sheet, (attributes.get("ref") or "").split(":")[-1], self.limits, declared=True
            )
        elif self.in_cell and not self.counted:
            self.counted = True  # a value, an inline string or a formula
            self.check(self.cell_row, self.column)

    def end(self, tag: str) -> None:
        if tag.rpartition(" ")[2] == "c":
            self.in_cell = False


class _OdsWalk(_Walk):
    """OpenDocument tables: rows and cells carry repeat counts instead of references."""

    def __init__(self, limits: SheetLimits) -> None:
        super().__init__("", limits)
        self.repeat_rows = 1
        self.cell_end = 0

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        namespace, _space, local = tag.rpartition(" ")
        if namespace == _TABLE and local == "table":
            self.sheet = attributes.get(f"{_TABLE} name", "")
            self.row = 0
        elif namespace == _TABLE and local == "table-row":
            self.repeat_rows = _number(attributes.get(f"{_TABLE} number-rows-repeated"), 1)
            self.column = 0
        elif namespace == _TABLE and local in {"table-cell", "covered-table-cell"}:
            repeat = _number(attributes.get(f"{_TABLE} number-columns-repeated"), 1)
            self.column += repeat
            self.in_cell, self.counted = True, False
            if f"{_OFFICE} value-type" in attributes:
                self.counted = True
                self.check(self.row + self.repeat_rows, self.column)
        elif self.in_cell and not self.counted:
            self.counted = True
            self.check(self.row + self.repeat_rows, self.column)

    def end(self, tag: str) -> None:
        namespace, _space, local = tag.rpartition(" ")
        if namespace != _TABLE:
            return
        if local == "table-row":
            self.row += self.repeat_rows
        elif local in {"table-cell", "covered-table-cell"}:
            self.in_cell = False


def _refuse_declaration(*_args: Any) -> None:
    raise ArchiveRefused("Tệp chứa khai báo XML không được phép (DOCTYPE/ENTITY).")


def _walk(
    name: str,
    chunks: Iterator[bytes],
    start: Callable[[str, dict[str, str]], None],
    end: Callable[[str], None],
) -> None:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = _refuse_declaration
    parser.EntityDeclHandler = _refuse_declaration
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as error:
        raise ArchiveRefused(f"Phần “{name}” của tệp không phải XML hợp lệ ({error}).") from error


# Workbooks -----------------------------------------------------------------------------------


def _xml(archive: zipfile.ZipFile, name: str) -> Any:
    data = b"".join(declarations_check(name, part_chunks(archive, name)))
    return SafeET.fromstring(data)


def _part(base: str, target: str) -> str:
    """A relationship's target as a part name: absolute from the package root, or relative to
    the folder of the part that names it."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(base, target))


def _relationships(archive: zipfile.ZipFile, name: str) -> dict[str, tuple[str, str]]:
    """A relationships part: Id → (Type, Target); empty when the part is missing."""
    if name not in archive.namelist():
        return {}
    return {
        rel.get("Id") or "": (rel.get("Type") or "", rel.get("Target") or "")
        for rel in _xml(archive, name).iter(_RELATIONSHIP)
    }


def _listed_sheets(archive: zipfile.ZipFile) -> dict[str, str]:
    """The worksheet parts the workbook lists, by the package's relationships."""
    # Readers differ: the package's relationships name the workbook, or it is xl/workbook.xml.
    workbooks = {"xl/workbook.xml"}
    for kind, target in _relationships(archive, "_rels/.rels").values():
        if kind.endswith(_OFFICE_DOCUMENT):
            workbooks.add(_part("", target))
    parts: dict[str, str] = {}
    for workbook in sorted(workbooks & set(archive.namelist())):
        folder = posixpath.dirname(workbook)
        rels = posixpath.join(folder, "_rels", posixpath.basename(workbook) + ".rels")
        targets = {rid: target for rid, (_kind, target) in _relationships(archive, rels).items()}
        for element in _xml(archive, workbook).iter():
            if element.tag.rpartition("}")[2] != "sheet":
                continue
            rid = next((v for k, v in element.attrib.items() if k.endswith("}id")), "")
            target = targets.get(rid, "")
            # And on a target's base: take both the workbook's folder and xl/.
            for part in {_part(folder, target), _part("xl", target.lstrip("/"))}:
                parts.setdefault(part, element.get("name") or part)
    return parts


def xlsx_sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each worksheet part and the name of its sheet (the part's own name when the workbook
    does not say): every part the workbook lists and every part in xl/worksheets/."""
    try:
        parts = _listed_sheets(archive)
    except (DefusedXmlException, SafeET.ParseError):
        parts = {}  # a workbook without a readable sheet list: the folder below still counts
    names = set(archive.namelist())
    for name in names:
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            parts.setdefault(name, name)
    return {part: sheet for part, sheet in parts.items() if part in names}


class _Finder:
    """Whether something occurs in chunks passing through, across their boundaries too."""

    OVERLAP = 4096  # bytes searched again at each boundary: longer than what is searched for

    def __init__(self, occurs: Callable[[bytes], bool] | None) -> None:
        self.occurs, self.found = occurs, False

    def through(self, chunks: Iterator[bytes]) -> Iterator[bytes]:
        tail = b""
        for chunk in chunks:
            if self.occurs is not None and not self.found:
                self.found = self.occurs(tail + chunk)
            tail = chunk[-self.OVERLAP :]
            yield chunk


def xlsx_extents_check(
    archive: zipfile.ZipFile,
    limits: SheetLimits,
    *,
    parts: dict[str, str] | None = None,
    find: Callable[[bytes], bool] | None = None,
) -> bool:
    """Refuse a worksheet whose declared or actual extent passes the limits. Each worksheet
    (`parts`, by default xlsx_sheet_parts) is read once, through declarations_check: a DOCTYPE
    in it is refused on the way. True when `find` is true of any worksheet's bytes."""
    finder = _Finder(find)
    for part, sheet in sorted((xlsx_sheet_parts(archive) if parts is None else parts).items()):
        chunks = finder.through(declarations_check(part, part_chunks(archive, part)))
        if _canonical_scan(part, sheet, chunks, limits):
            continue
        walk = _Walk(sheet, limits)
        chunks = finder.through(declarations_check(part, part_chunks(archive, part)))
        _walk(part, chunks, walk.start, walk.end)
    return finder.found


def ods_extents_check(archive: zipfile.ZipFile, limits: SheetLimits) -> None:
    """Refuse a table of an OpenDocument spreadsheet that holds a cell past the limits."""
    if "content.xml" not in archive.namelist():
        return
    walk = _OdsWalk(limits)
    _walk("content.xml", part_chunks(archive, "content.xml"), walk.start, walk.end)
