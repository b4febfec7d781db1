"""From grids of cells to validated unit records: header and layout detection, column mapping,
unit matching, value checks. Nothing here writes to the database."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from indices.aggregation import total_from_components, total_is_checked
from indices.models import LEVEL_UNIT_KINDS, Component, IndexEdition
from indices.services.imports.cells import Cell, parse_cell, parse_rank, raw_text
from indices.services.imports.reading import Sheet
from units.models import Unit
from units.naming import normalize_name, strip_diacritics
from units.selectors import UnitMatcher, UnitNameError, unit_matcher_build

HEADER_SCAN_ROWS = 30
TOTAL = "total"
ROLE_UNIT, ROLE_TOTAL, ROLE_RANK, ROLE_GROUP, ROLE_IGNORE = (
    "unit",
    "total",
    "rank",
    "group",
    "ignore",
)
ROLE_LABEL, ROLE_VALUE = "component_label", "value"
COMPONENT_PREFIX = "component:"

_UNIT_WORDS = {
    "tinh",
    "tinh thanh pho",
    "tinh thanh",
    "ten tinh",
    "ten tinh thanh pho",
    "tinh tp",
    "dia phuong",
    "don vi",
    "ten don vi",
    "co quan",
    "co quan don vi",
    "ten co quan",
    "so ban nganh",
    "huyen thi xa thanh pho",
    "province",
    "provinces",
    "province name",
    "province name as published",
    "unit",
    "unit name",
    "district",
    "department",
    "locality",
}
_TOTAL_WORDS = {
    "",
    "tong",
    "tong diem",
    "diem tong",
    "diem",
    "diem so",
    "score",
    "total",
    "total score",
    "chi so",
    "chi so tong hop",
    "diem tong hop",
    "tong hop",
    "ket qua",
    "index",
    "overall",
}
_RANK_WORDS = {"xep hang", "thu hang", "rank", "hang", "ranking", "vi tri", "thu tu xep hang"}
_GROUP_WORDS = {
    "xep loai",
    "nhom",
    "tier",
    "group",
    "nhom xep hang",
    "ranking group",
    "phan loai",
    "xep nhom",
    "muc xep hang",
    "rating",
    "band",
    "quartile",
    "nhom tu phan vi",
}
_STT_WORDS = {"stt", "tt", "no", "so thu tu", "ma"}
_LABEL_WORDS = {
    "chi so thanh phan",
    "thanh phan",
    "component",
    "noi dung",
    "linh vuc",
    "chi tieu",
    "indicator",
    "dimension",
    "tieu chi",
    "sub index",
    "chi so",
}
_VALUE_WORDS = {"gia tri", "value", "diem", "score", "diem so", "ket qua"}
_CODED = re.compile(
    r"^(?:chi so noi dung|noi dung|dimension|linh vuc|chi so thanh phan|thanh phan|sub index|"
    r"subindex|component|tieu chi|cstp|d)\s*(\d+)\b"
)
_INDEX_TOKENS = {"pci", "papi", "par", "index", "ict", "cchc", "sipas", "ddci", "vietnam"}
_NOTE_PREFIXES = ("nguon", "ghi chu", "note", "source", "chu thich", "*")


def normalize_header(text: Any) -> str:
    key = strip_diacritics(raw_text(text)).lower()
    key = re.sub(r"[^0-9a-z]+", " ", key)
    return " ".join(key.split())


def _without_index_tokens(key: str) -> str:
    words = [w for w in key.split() if w not in _INDEX_TOKENS and not re.fullmatch(r"\d{4}", w)]
    return " ".join(words)


@dataclass
class Problem:
    severity: str  # error, warning, info
    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""
    value: str = ""

    def as_line(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f'column "{self.column}"')
        prefix = ", ".join(where)
        suffix = f' (value: "{self.value}")' if self.value or self.row is not None else ""
        return f"{prefix + ': ' if prefix else ''}{self.message}{suffix}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "message": self.message,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": self.value,
        }


@dataclass
class UnitRecord:
    unit: Unit
    sheet: str
    row: int
    rank: int | None = None
    group: str = ""
    values: dict[str | None, Cell] = field(default_factory=dict)  # component code, None = total


@dataclass
class ColumnInfo:
    key: str  # column index (wide/long) or row number (transposed)
    header: str
    role: str
    auto_role: str


@dataclass
class ParseResult:
    layout: str = ""
    sheet: str = ""
    header_row: int | None = None
    columns: list[ColumnInfo] = field(default_factory=list)
    records: list[UnitRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    missing_units: list[Unit] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def value_count(self) -> int:
        return sum(1 for r in self.records for c in r.values.values() if c.state == "value")

    @property
    def mapping(self) -> dict[str, str]:
        return {c.key: c.role for c in self.columns}


class ComponentVocabulary:
    """Maps header text to a role: a component code, the total, the rank, the group, the unit."""

    def __init__(self, components: list[Component]) -> None:
        self.codes = {c.code for c in components}
        self.keys: dict[str, str] = {}
        for component in components:
            texts = [component.name, component.name_en, *component.aliases.split("|")]
            for text in texts:
                if text and (key := normalize_header(text)):
                    self.keys.setdefault(key, component.code)

    def component_of(self, key: str) -> str | None:
        if key in self.keys:
            return self.keys[key]
        match = _CODED.match(key)
        if match and match.group(1) in self.codes:
            return match.group(1)
        if key in self.codes:
            return key
        for known, code in self.keys.items():
            # "Chỉ số nội dung 3: Trách nhiệm giải trình …" or a name with a suffix.
            if len(known) > 8 and key.startswith(known + " "):
                return code
        return None

    def role_of(self, header: Any) -> str:
        key = normalize_header(header)
        if not key:
            return ROLE_IGNORE
        stripped = _without_index_tokens(key)
        if key in _STT_WORDS:
            return ROLE_IGNORE
        if stripped in _RANK_WORDS or key in _RANK_WORDS or key.endswith(" rank"):
            return ROLE_RANK
        if stripped in _GROUP_WORDS or key in _GROUP_WORDS or key.endswith(" tier"):
            return ROLE_GROUP
        component = self.component_of(key)
        if component:
            return COMPONENT_PREFIX + component
        if key in _UNIT_WORDS or stripped in _UNIT_WORDS:
            return ROLE_UNIT
        if stripped in _TOTAL_WORDS or (key.endswith(" score") and stripped in {"", "score"}):
            return ROLE_TOTAL
        return ""  # unknown


def _is_note_row(cells: list[Any]) -> bool:
    """A notes line under a table ("Nguồn: …", "Ghi chú: …"): one filled cell of text."""
    filled = [c for c in cells if c is not None and not (isinstance(c, str) and not c.strip())]
    if len(filled) != 1 or not isinstance(filled[0], str):
        return False
    text = filled[0].strip()
    return len(text) > 60 or normalize_header(text).startswith(_NOTE_PREFIXES)


def _column_name(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        name = chr(65 + remainder) + name
    return name


class EditionParser:
    def __init__(
        self, *, edition: IndexEdition, sheets: list[Sheet], overrides: dict[str, str] | None
    ) -> None:
        self.edition = edition
        self.sheets = sheets
        self.overrides = overrides or {}
        self.components = list(edition.components.all())
        self.top_codes = [c.code for c in self.components if c.parent_id is None]
        self.by_code = {c.code: c for c in self.components}
        self.vocabulary = ComponentVocabulary(self.components)
        self.kinds = LEVEL_UNIT_KINDS[edition.level]
        self.matcher: UnitMatcher = unit_matcher_build(
            on_date=edition.reference_date, kinds=self.kinds
        )
        self._any_date_matcher: UnitMatcher | None = None
        self.column_names: dict[str | None, str] = {}  # component code (None = total) → header
        self._bound_cache: dict[str | None, tuple[Decimal, Decimal]] = {}
        self.result = ParseResult()

    # Detection --------------------------------------------------------------------------------

    def _unit_hits(self, row: list[Any]) -> int:
        hits = 0
        for cell in row:
            text = raw_text(cell)
            if text and not isinstance(cell, int | float):
                try:
                    self.matcher.resolve(text)
                    hits += 1
                except UnitNameError:
                    pass
        return hits

    def detect(self) -> tuple[Sheet, int, str] | None:
        best: tuple[int, Sheet, int, str] | None = None
        for sheet in self.sheets:
            for index, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
                roles = [self.vocabulary.role_of(c) for c in row]
                known = [r for r in roles if r and r != ROLE_IGNORE]
                keys = [normalize_header(c) for c in row]
                unit_hits = self._unit_hits(row)
                if unit_hits >= 3 and unit_hits > len(known):
                    score, layout = unit_hits, "transposed"
                elif (
                    ROLE_UNIT in roles
                    and any(k in _LABEL_WORDS for k in keys)
                    and any(k in _VALUE_WORDS for k in keys)
                ):
                    score, layout = 100, "long"
                elif ROLE_UNIT in roles and len(known) >= 2:
                    score, layout = len(known), "wide"
                else:
                    continue
                if best is None or score > best[0]:
                    best = (score, sheet, index, layout)
        return (best[1], best[2], best[3]) if best else None

    # Mapping ----------------------------------------------------------------------------------

    def _map(self, keys_and_headers: list[tuple[str, Any]], auto: dict[str, str]) -> None:
        for key, header in keys_and_headers:
            role = self.overrides.get(key, auto.get(key, ""))
            self.result.columns.append(
                ColumnInfo(key=key, header=raw_text(header), role=role, auto_role=auto.get(key, ""))
            )

    # Units -------------------------------------------------------------------------------------

    def _resolve_unit(self, name: str, *, sheet: str, row: int | None, column: str) -> Unit | None:
        try:
            return self.matcher.resolve(name)
        except UnitNameError as error:
            if not error.candidates or "nhiều" not in error.reason:
                if self._any_date_matcher is None:
                    self._any_date_matcher = unit_matcher_build(on_date=None, kinds=self.kinds)
                other = self._any_date_matcher.keys.get(normalize_name(name))
                if other and len(other) == 1:
                    unit = self._any_date_matcher.units[next(iter(other))]
                    self.result.problems.append(
                        Problem(
                            "error",
                            f"Đơn vị {unit.name} không tồn tại vào ngày "
                            f"{self.edition.reference_date:%d/%m/%Y} (ngày đối chiếu của kỳ "
                            f"{self.edition})",
                            sheet,
                            row,
                            column,
                            name,
                        )
                    )
                    return None
            self.result.problems.append(Problem("error", str(error), sheet, row, column, name))
            return None

    # Values ------------------------------------------------------------------------------------

    def _bounds(self, code: str | None) -> tuple[Decimal, Decimal]:
        edition = self.edition
        if code is None:
            return edition.total_min, edition.total_max
        component = self.by_code[code]
        if component.max_points is not None:
            return Decimal(0), component.max_points
        low = edition.component_min if edition.component_min is not None else Decimal(0)
        high = edition.component_max if edition.component_max is not None else edition.total_max
        return low, high

    def _check_value(
        self, cell: Cell, code: str | None, *, sheet: str, row: int, column: str
    ) -> Cell:
        if cell.state == "invalid":
            self.result.problems.append(Problem("error", cell.reason, sheet, row, column, cell.raw))
            return cell
        if cell.state != "value" or cell.value is None:
            return cell
        bounds = self._bound_cache.get(code)
        if bounds is None:
            bounds = self._bound_cache[code] = self._bounds(code)
        low, high = bounds
        if low <= cell.value <= high and not (cell.value == 0 and low > 0):
            return cell
        if cell.value == 0 and low > 0:
            # Official PAPI files write missing data as 0; a 0 on a 1–10 scale is not a score.
            self.result.problems.append(
                Problem(
                    "warning",
                    f"Giá trị 0 nằm ngoài thang {_vn(low.normalize(), None)}–"
                    f"{_vn(high.normalize(), None)}: ghi nhận là không có dữ liệu",
                    sheet,
                    row,
                    column,
                    cell.raw,
                )
            )
            return Cell("not_available", raw=cell.raw)
        self.result.problems.append(
            Problem(
                "error",
                f"Giá trị ngoài thang điểm {_vn(low.normalize(), None)}–"
                f"{_vn(high.normalize(), None)}",
                sheet,
                row,
                column,
                cell.raw,
            )
        )
        return cell

    def _record(self, unit: Unit, *, sheet: str, row: int) -> UnitRecord:
        return UnitRecord(unit=unit, sheet=sheet, row=row)

    # Layouts -----------------------------------------------------------------------------------

    def _parse_wide(self, sheet: Sheet, header_index: int) -> None:
        header = sheet.rows[header_index]
        auto = {str(i): self.vocabulary.role_of(cell) for i, cell in enumerate(header)}
        self._map([(str(i), cell) for i, cell in enumerate(header)], auto)
        roles = {int(c.key): c.role for c in self.result.columns}
        names = {int(c.key): c.header or _column_name(int(c.key)) for c in self.result.columns}
        unit_columns = [i for i, r in roles.items() if r == ROLE_UNIT]
        if not unit_columns:
            self.result.problems.append(
                Problem(
                    "error",
                    "Không xác định được cột tên đơn vị; hãy chọn cột trong phần ánh xạ",
                    sheet.name,
                    header_index + 1,
                )
            )
            return
        unit_column = unit_columns[0]
        for i, role in roles.items():
            if role == ROLE_TOTAL or role.startswith(COMPONENT_PREFIX):
                code = None if role == ROLE_TOTAL else role[len(COMPONENT_PREFIX) :]
                self.column_names.setdefault(code, names[i])
            elif role == ROLE_RANK:
                self.column_names.setdefault("__rank__", names[i])
        for i, role in roles.items():
            if role == "" and names[i].strip() and i != unit_column:
                self.result.problems.append(
                    Problem(
                        "error",
                        "Không nhận ra cột này; hãy chọn vai trò của cột trong phần ánh xạ "
                        "(hoặc “bỏ qua”)",
                        sheet.name,
                        header_index + 1,
                        names[i],
                        names[i],
                    )
                )
        for offset, row in enumerate(sheet.rows[header_index + 1 :], start=header_index + 2):
            if not any(raw_text(c) for c in row) or _is_note_row(row):
                continue
            name = raw_text(row[unit_column]) if unit_column < len(row) else ""
            if not name:
                continue
            unit = self._resolve_unit(name, sheet=sheet.name, row=offset, column=names[unit_column])
            record = self._record(unit, sheet=sheet.name, row=offset) if unit else None
            for i, role in roles.items():
                cell = row[i] if i < len(row) else None
                if role == ROLE_RANK:
                    rank, reason = parse_rank(cell)
                    if reason:
                        self.result.problems.append(
                            Problem("error", reason, sheet.name, offset, names[i], raw_text(cell))
                        )
                    if record:
                        record.rank = rank
                elif role == ROLE_GROUP and record:
                    record.group = raw_text(cell)
                elif role == ROLE_TOTAL or role.startswith(COMPONENT_PREFIX):
                    code = None if role == ROLE_TOTAL else role[len(COMPONENT_PREFIX) :]
                    checked = self._check_value(
                        parse_cell(cell), code, sheet=sheet.name, row=offset, column=names[i]
                    )
                    if record:
                        record.values[code] = checked
            if record:
                self.result.records.append(record)

    def _parse_transposed(self, sheet: Sheet, header_index: int) -> None:
        header = sheet.rows[header_index]
        unit_columns: dict[int, Unit] = {}
        for i, cell in enumerate(header):
            text = raw_text(cell)
            if not text or isinstance(cell, int | float):
                continue
            try:
                unit_columns[i] = self.matcher.resolve(text)
            except UnitNameError:
                if normalize_header(text) in (
                    _LABEL_WORDS | _STT_WORDS | _UNIT_WORDS | {"ma", "ma chi so", "code"}
                ):
                    continue  # the indicator-label column's own header
                self._resolve_unit(
                    text, sheet=sheet.name, row=header_index + 1, column=_column_name(i)
                )
        label_rows: list[tuple[str, Any]] = []
        for offset, row in enumerate(sheet.rows[header_index + 1 :], start=header_index + 2):
            if not any(raw_text(c) for c in row) or _is_note_row(row):
                continue
            label = next(
                (c for i, c in enumerate(row) if i not in unit_columns and raw_text(c)), None
            )
            label_rows.append((str(offset), label))
        auto = {key: self.vocabulary.role_of(label) for key, label in label_rows}
        self._map(label_rows, auto)
        records = {
            unit.pk: UnitRecord(unit=unit, sheet=sheet.name, row=header_index + 1)
            for unit in unit_columns.values()
        }
        for info in self.result.columns:
            row_number = int(info.key)
            row = sheet.rows[row_number - 1]
            role = info.role
            if role == "":
                self.result.problems.append(
                    Problem(
                        "warning",
                        "Dòng chỉ tiêu không khớp thành phần nào của kỳ; đã bỏ qua "
                        "(chọn thành phần trong phần ánh xạ nếu cần)",
                        sheet.name,
                        row_number,
                        "",
                        info.header,
                    )
                )
                continue
            for i, unit in unit_columns.items():
                cell = row[i] if i < len(row) else None
                column = raw_text(header[i])
                record = records[unit.pk]
                if role == ROLE_RANK:
                    record.rank, reason = parse_rank(cell)
                    if reason:
                        self.result.problems.append(
                            Problem("error", reason, sheet.name, row_number, column, raw_text(cell))
                        )
                elif role == ROLE_GROUP:
                    record.group = raw_text(cell)
                elif role == ROLE_TOTAL or role.startswith(COMPONENT_PREFIX):
                    code = None if role == ROLE_TOTAL else role[len(COMPONENT_PREFIX) :]
                    record.values[code] = self._check_value(
                        parse_cell(cell), code, sheet=sheet.name, row=row_number, column=column
                    )
        self.result.records.extend(records.values())

    def _parse_long(self, sheet: Sheet, header_index: int) -> None:
        header = sheet.rows[header_index]
        auto: dict[str, str] = {}
        for i, cell in enumerate(header):
            key = normalize_header(cell)
            role = self.vocabulary.role_of(cell)
            if role == ROLE_UNIT:
                auto[str(i)] = ROLE_UNIT
            elif key in _LABEL_WORDS:
                auto[str(i)] = ROLE_LABEL
            elif key in _VALUE_WORDS:
                auto[str(i)] = ROLE_VALUE
            elif role in (ROLE_RANK, ROLE_GROUP, ROLE_IGNORE):
                auto[str(i)] = role
            else:
                auto[str(i)] = ""
        self._map([(str(i), cell) for i, cell in enumerate(header)], auto)
        roles = {int(c.key): c.role for c in self.result.columns}
        names = {int(c.key): c.header or _column_name(int(c.key)) for c in self.result.columns}
        needed = {ROLE_UNIT, ROLE_LABEL, ROLE_VALUE}
        if not needed <= set(roles.values()):
            self.result.problems.append(
                Problem(
                    "error",
                    "Bảng dạng dọc cần ba cột: đơn vị, thành phần và giá trị",
                    sheet.name,
                    header_index + 1,
                )
            )
            return
        unit_col = next(i for i, r in roles.items() if r == ROLE_UNIT)
        label_col = next(i for i, r in roles.items() if r == ROLE_LABEL)
        value_col = next(i for i, r in roles.items() if r == ROLE_VALUE)
        rank_col = next((i for i, r in roles.items() if r == ROLE_RANK), None)
        group_col = next((i for i, r in roles.items() if r == ROLE_GROUP), None)
        records: dict[int, UnitRecord] = {}
        unit_cache: dict[str, Unit | None] = {}
        label_cache: dict[str, str | None] = {}
        seen: set[tuple[int, str | None]] = set()
        for offset, row in enumerate(sheet.rows[header_index + 1 :], start=header_index + 2):
            name = raw_text(row[unit_col]) if unit_col < len(row) else ""
            if not name or _is_note_row(row):
                continue
            if name not in unit_cache:
                unit_cache[name] = self._resolve_unit(
                    name, sheet=sheet.name, row=offset, column=names[unit_col]
                )
            unit = unit_cache[name]
            label = raw_text(row[label_col]) if label_col < len(row) else ""
            if label not in label_cache:
                role = self.vocabulary.role_of(label)
                label_cache[label] = (
                    None
                    if role == ROLE_TOTAL
                    else role[len(COMPONENT_PREFIX) :]
                    if role.startswith(COMPONENT_PREFIX)
                    else "?"
                )
            code = label_cache[label]
            if code == "?":
                self.result.problems.append(
                    Problem(
                        "error",
                        "Không nhận ra thành phần",
                        sheet.name,
                        offset,
                        names[label_col],
                        label,
                    )
                )
                continue
            cell = self._check_value(
                parse_cell(row[value_col] if value_col < len(row) else None),
                code,
                sheet=sheet.name,
                row=offset,
                column=names[value_col],
            )
            if unit is None:
                continue
            if (unit.pk, code) in seen:
                self.result.problems.append(
                    Problem(
                        "error",
                        f"{unit.name}: thành phần “{label}” xuất hiện hai lần",
                        sheet.name,
                        offset,
                        names[label_col],
                        label,
                    )
                )
                continue
            seen.add((unit.pk, code))
            record = records.setdefault(
                unit.pk, UnitRecord(unit=unit, sheet=sheet.name, row=offset)
            )
            record.values[code] = cell
            if code is None and rank_col is not None:
                record.rank, _reason = parse_rank(row[rank_col] if rank_col < len(row) else None)
            if code is None and group_col is not None:
                record.group = raw_text(row[group_col]) if group_col < len(row) else ""
        self.result.records.extend(records.values())

    # Whole-file checks -------------------------------------------------------------------------

    def _check_records(self) -> None:
        problems = self.result.problems
        counts = Counter(r.unit.pk for r in self.result.records)
        reported: set[int] = set()
        unique: list[UnitRecord] = []
        for record in self.result.records:
            if counts[record.unit.pk] > 1:
                if record.unit.pk not in reported:
                    rows = [str(r.row) for r in self.result.records if r.unit.pk == record.unit.pk]
                    problems.append(
                        Problem(
                            "error",
                            f"Đơn vị {record.unit.name} xuất hiện nhiều lần (dòng "
                            f"{', '.join(rows)})",
                            record.sheet,
                            record.row,
                            "",
                            record.unit.name,
                        )
                    )
                    reported.add(record.unit.pk)
                continue
            unique.append(record)
        mapped_codes = {
            c.role[len(COMPONENT_PREFIX) :]
            for c in self.result.columns
            if c.role.startswith(COMPONENT_PREFIX)
        } | {code for r in self.result.records for code in r.values if code}
        has_total = any(None in r.values for r in self.result.records)
        if not mapped_codes:
            problems.append(
                Problem(
                    "info",
                    "Tệp chỉ có điểm tổng (và thứ hạng, xếp loại), không có điểm thành phần.",
                    self.result.sheet,
                )
            )
        for record in unique:
            present = [c for c in record.values.values() if c.state != "blank"]
            if not present:
                # A wholly blank row: the publisher has no data for this unit (PAPI 2021).
                record.values = {k: Cell("not_available") for k in record.values}
                problems.append(
                    Problem(
                        "warning",
                        f"{record.unit.name}: cả dòng trống, ghi nhận là không có dữ liệu",
                        record.sheet,
                        record.row,
                        "",
                        record.unit.name,
                    )
                )
                continue
            for code, cell in record.values.items():
                if cell.state == "blank":
                    column = self.column_names.get(code) or (
                        "Tổng" if code is None else f"{code}. {self.by_code[code].name}"
                    )
                    problems.append(
                        Problem(
                            "error",
                            f"{record.unit.name}: thiếu giá trị (ghi N/A nếu không có dữ liệu,"
                            " KCB nếu không công bố)",
                            record.sheet,
                            record.row,
                            column,
                            "",
                        )
                    )
            self._check_total(record)
        self.result.records = unique
        if has_total:
            self._check_ranks(unique)
        self._note_missing_units(unique)

    def _check_total(self, record: UnitRecord) -> None:
        edition = self.edition
        total = record.values.get(None)
        if not total_is_checked(edition) or total is None or total.state != "value":
            return
        values = {
            code: cell.value if cell.state == "value" else None
            for code, cell in record.values.items()
            if code
        }
        if not set(self.top_codes) <= set(values):
            return
        computed = total_from_components(edition=edition, components=self.components, values=values)
        if computed is None or total.value is None:
            return
        if abs(computed - total.value) > edition.aggregation_tolerance:
            self.result.problems.append(
                Problem(
                    "error",
                    f"{record.unit.name}: tổng {_vn(total.value, total.decimals)} không khớp với "
                    f"{edition.get_aggregation_display().lower()} của các thành phần "
                    f"({_vn(computed, 2)}; sai số cho phép "
                    f"{_vn(edition.aggregation_tolerance.normalize(), None)})",
                    record.sheet,
                    record.row,
                    self.column_names.get(None, "Tổng"),
                    total.raw,
                )
            )

    def _check_ranks(self, records: list[UnitRecord]) -> None:
        totals = [
            (r, r.values[None].value)
            for r in records
            if None in r.values and r.values[None].state == "value"
        ]
        ordered = sorted((v for _r, v in totals), reverse=True)
        first: dict[Decimal, int] = {}
        for position, value in enumerate(ordered, start=1):
            first.setdefault(value, position)
        for record, value in totals:
            if record.rank is not None and value is not None and record.rank != first[value]:
                self.result.problems.append(
                    Problem(
                        "warning",
                        f"{record.unit.name}: thứ hạng công bố {record.rank} khác thứ hạng "
                        f"suy ra từ điểm ({first[value]})",
                        record.sheet,
                        record.row,
                        self.column_names.get("__rank__", "Thứ hạng"),
                        str(record.rank),
                    )
                )

    def _note_missing_units(self, records: list[UnitRecord]) -> None:
        present = {r.unit.pk for r in records}
        missing = [u for u in self.matcher.units.values() if u.pk not in present]
        if self.edition.level != "province":
            home = {u.pk for u in missing if u.parent and u.parent.code == _home_code()}
            missing = [u for u in missing if u.pk in home]
        self.result.missing_units = sorted(missing, key=lambda u: u.code)
        if missing and records:
            names = ", ".join(u.display_name for u in self.result.missing_units[:10])
            more = "…" if len(missing) > 10 else ""
            if self.edition.published_top_n:
                message = (
                    f"{len(missing)} đơn vị không có trong tệp sẽ được ghi là không công bố"
                    f" (kỳ này chỉ công bố nhóm đầu): {names}{more}"
                )
            else:
                message = f"{len(missing)} đơn vị không có trong tệp: {names}{more}"
            self.result.problems.append(Problem("info", message, self.result.sheet))

    def parse(self) -> ParseResult:
        detected = self.detect()
        forced_layout = self.overrides.get("__layout__")
        if detected is None:
            self.result.problems.append(
                Problem(
                    "error",
                    "Không tìm thấy dòng tiêu đề (cần một cột tên đơn vị và các cột điểm, hoặc các "
                    "cột là tên đơn vị)",
                )
            )
            return self.result
        sheet, header_index, layout = detected
        layout = forced_layout or layout
        self.result.layout, self.result.sheet, self.result.header_row = (
            layout,
            sheet.name,
            header_index + 1,
        )
        {"wide": self._parse_wide, "transposed": self._parse_transposed, "long": self._parse_long}[
            layout
        ](sheet, header_index)
        if not self.result.records and not self.result.errors:
            self.result.problems.append(Problem("error", "Không có dòng dữ liệu nào", sheet.name))
        self._check_records()
        return self.result


def _home_code() -> str:
    from django.conf import settings

    return settings.PORTAL_HOME_UNIT


def _vn(value: Decimal, places: int | None) -> str:
    """A number the way a Vietnamese reader writes it: 66,24."""
    text = f"{value:.{places}f}" if places is not None else f"{value:f}"
    return text.replace(".", ",")


def parse_edition_file(
    *, edition: IndexEdition, sheets: list[Sheet], overrides: dict[str, str] | None = None
) -> ParseResult:
    return EditionParser(edition=edition, sheets=sheets, overrides=overrides).parse()
