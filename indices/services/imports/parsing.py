"""From grids of cells to validated unit records: header and layout detection, column mapping,
unit matching, value checks. Nothing here writes to the database."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from indices.aggregation import total_from_components, total_is_checked
from indices.figures import figure
from indices.models import LEVEL_UNIT_KINDS, Component, IndexEdition, Score
from tabular.cells import Cell, cell_at, parse_cell, parse_rank, raw_text, vn_number
from tabular.headers import column_letter, header_code, is_note_row, loose_header, normalize_header
from tabular.problems import Problem, WithProblems
from tabular.reading import Sheet
from units.models import Unit
from units.naming import normalize_name
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
ROLE_LABEL, ROLE_VALUE, ROLE_YEAR = "component_label", "value", "year"
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
    "pct",
    "percent",
    "phan tram",
    "total unweighted",
    "tong hop khong trong so",
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
# Columns that describe a row rather than score it: kept out of the scores, never an error.
_IGNORE_WORDS = {
    "source",
    "sources",
    "source url",
    "url",
    "link",
    "value source",
    "nguon",
    "nguon so lieu",
    "ghi chu",
    "note",
    "notes",
    "rank basis",
    "co so xep hang",
}
_YEAR_WORDS = {"year", "nam", "nam danh gia", "ky danh gia", "edition"}
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
    "chi so noi dung",
}
_VALUE_WORDS = {"gia tri", "value", "diem", "score", "diem so", "ket qua"}
_INDEX_TOKENS = {"pci", "papi", "par", "index", "ict", "cchc", "sipas", "ddci", "vietnam"}


def _without_index_tokens(key: str) -> str:
    words = [w for w in key.split() if w not in _INDEX_TOKENS and not re.fullmatch(r"\d{4}", w)]
    return " ".join(words)


def _without_rank_base(key: str) -> str:
    """ "rank of 63", "xếp hạng/63", "thứ hạng trên 63" → the rank words alone."""
    return re.sub(r"(?:\s(?:of|tren|trong))?\s\d{1,3}$", "", key)


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
class ParseResult(WithProblems):
    layout: str = ""
    sheet: str = ""
    header_row: int | None = None
    columns: list[ColumnInfo] = field(default_factory=list)
    records: list[UnitRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    missing_units: list[Unit] = field(default_factory=list)
    dropped: list[DroppedUnit] = field(default_factory=list)

    @property
    def value_count(self) -> int:
        return sum(1 for r in self.records for c in r.values.values() if c.state == "value")

    @property
    def mapping(self) -> dict[str, str]:
        return {c.key: c.role for c in self.columns}


# How surely a header names a component: its name or alias as written, the same once numbering,
# "and" and plurals are set aside, its number after "Dimension N", or only the start of it.
EXACT, LOOSE, CODED, PREFIX = 4, 3, 2, 1


class ComponentVocabulary:
    """Maps header text to a role: a component code, the total, the rank, the group, the unit."""

    def __init__(self, components: list[Component]) -> None:
        self.codes = {c.code for c in components}
        self.keys: dict[str, str] = {}
        loose: dict[str, set[str]] = {}
        for component in components:
            texts = [component.name, component.name_en, *component.aliases.split("|")]
            for text in texts:
                if text and (key := normalize_header(text)):
                    self.keys.setdefault(key, component.code)
                    if loose_key := loose_header(key):
                        loose.setdefault(loose_key, set()).add(component.code)
        # A loose form shared by two components ("Chỉ số nội dung 1" and "… 2") names neither.
        self.loose = {key: next(iter(codes)) for key, codes in loose.items() if len(codes) == 1}
        self._prefixes = sorted(
            ((key, code) for key, code in self.loose.items() if len(key) > 8),
            key=lambda item: -len(item[0]),
        )

    def match(self, key: str) -> tuple[str, int] | None:
        """(component code, how surely) for a normalised header, or None."""
        if key in self.keys:
            return self.keys[key], EXACT
        loose = loose_header(key)
        if loose in self.loose:
            return self.loose[loose], LOOSE
        number = header_code(key)
        if number is not None and number in self.codes:
            return number, CODED
        if key in self.codes:
            return key, CODED
        for known, code in self._prefixes:
            # A name with a suffix: "Tính năng động của chính quyền tỉnh Quảng Nam".
            if loose.startswith(known + " "):
                return code, PREFIX
        return None

    def component_of(self, key: str) -> str | None:
        found = self.match(key)
        return found[0] if found else None

    def strength_of(self, header: Any) -> int:
        """How surely the header was recognised (components; other roles count as exact)."""
        found = self.match(normalize_header(header))
        return found[1] if found else EXACT

    def role_of(self, header: Any) -> str:
        key = normalize_header(header)
        if not key:
            return ROLE_IGNORE
        stripped = _without_index_tokens(key)
        if key in _STT_WORDS:
            return ROLE_IGNORE
        if (
            stripped in _RANK_WORDS
            or key in _RANK_WORDS
            or key.endswith(" rank")
            or _without_rank_base(stripped) in _RANK_WORDS
        ):
            return ROLE_RANK
        if stripped in _GROUP_WORDS or key in _GROUP_WORDS or key.endswith(" tier"):
            return ROLE_GROUP
        component = self.component_of(key)
        if component:
            return COMPONENT_PREFIX + component
        if key in _UNIT_WORDS or stripped in _UNIT_WORDS:
            return ROLE_UNIT
        if key in _YEAR_WORDS:
            return ROLE_YEAR
        if key in _IGNORE_WORDS or stripped in _IGNORE_WORDS:
            return ROLE_IGNORE
        if stripped in _TOTAL_WORDS or (key.endswith(" score") and stripped in {"", "score"}):
            return ROLE_TOTAL
        return ""  # unknown


@dataclass
class Layout:
    """Where the table is: its sheet, header row, shape, and the column (wide, long) or row
    (transposed) whose cells are unit names."""

    sheet: Sheet
    header_index: int
    kind: str
    unit_index: int | None = None


@dataclass
class DroppedUnit:
    """A unit with stored values in the edition that the new file leaves out."""

    unit: Unit
    values: list[tuple[str | None, Decimal, int]]  # (component code, None = total; value; decimals)

    def summary(self) -> str:
        return "; ".join(
            f"{'tổng' if code is None else code + ':'} {figure(value, decimals)}"
            for code, value, decimals in self.values
        )


def dropped_units(*, edition: IndexEdition, present: set[int]) -> list[DroppedUnit]:
    """Units with stored values ("value" state) in the edition that are not in `present`."""
    rows = (
        Score.objects.filter(edition=edition, state=Score.State.VALUE)
        .exclude(unit_id__in=present)
        .values_list("unit_id", "component__code", "component__order", "value", "decimals")
    )
    by_unit: dict[int, list[tuple[int, str | None, Decimal, int]]] = {}
    for unit_id, code, order, value, decimals in rows:
        position = -1 if code is None else order  # the total first, then the tree's order
        by_unit.setdefault(unit_id, []).append((position, code, value, decimals))
    units = Unit.objects.in_bulk(list(by_unit))
    dropped = [
        DroppedUnit(
            unit=units[unit_id],
            values=[(c, v, d) for _p, c, v, d in sorted(values, key=lambda item: item[0])],
        )
        for unit_id, values in by_unit.items()
    ]
    return sorted(dropped, key=lambda d: d.unit.code)


SCAN_ROWS = 120  # rows read to find the column of unit names
_VALUE_ROLES = (ROLE_TOTAL, ROLE_RANK, ROLE_GROUP, ROLE_YEAR)
_NUMBER_LIKE = re.compile(r"^[\d\s.,%+-]*$")


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
        self._unit_like: dict[str, bool] = {}
        self.column_names: dict[str | None, str] = {}  # component code (None = total) → header
        self._bound_cache: dict[str | None, tuple[Decimal, Decimal]] = {}
        self._other_years: Counter[str] = Counter()
        self.result = ParseResult()

    # Detection --------------------------------------------------------------------------------

    def _looks_like_unit(self, cell: Any) -> bool:
        """A cell that names a unit of the edition's level (codes and numbers do not count: an
        STT column of 1…63 is not a column of province codes)."""
        if not isinstance(cell, str):
            return False
        text = cell.strip()
        if not text or len(text) > 80 or _NUMBER_LIKE.match(text):
            return False
        hit = self._unit_like.get(text)
        if hit is None:
            hit = self._unit_like[text] = normalize_name(text) in self.matcher.keys
        return hit

    def _known_roles(self, row: list[Any], skip: int | None = None) -> int:
        roles = (self.vocabulary.role_of(c) for i, c in enumerate(row) if i != skip)
        return sum(1 for r in roles if r and r != ROLE_IGNORE)

    def _label_count(self, rows: list[list[Any]], unit_columns: set[int]) -> int:
        """How many rows carry a recognised indicator label outside the unit columns."""
        count = 0
        for row in rows:
            for i, cell in enumerate(row):
                if i in unit_columns or not isinstance(cell, str) or not cell.strip():
                    continue
                role = self.vocabulary.role_of(cell)
                if role == ROLE_TOTAL or role.startswith(COMPONENT_PREFIX):
                    count += 1
                break
        return count

    def _header_above(self, rows: list[list[Any]], first: int, unit_column: int) -> int | None:
        """The header of a table whose first unit name is on row `first`: the row above it that
        names the most columns (the nearest one on a tie, as multi-row headers end there)."""
        best: tuple[int, int] | None = None
        for index in range(first - 1, max(-1, first - 1 - HEADER_SCAN_ROWS), -1):
            row = rows[index]
            if not any(raw_text(c) for c in row) or is_note_row(row):
                continue
            known = self._known_roles(row, skip=unit_column)
            if best is None or known > best[0]:
                best = (known, index)
        return best[1] if best else None

    def _header_layout(self, sheet: Sheet) -> tuple[tuple[int, int], Layout] | None:
        """When no cell names a unit (a misspelt or wrong-date file): trust the header words, so
        the parser can say which names it does not know."""
        best: tuple[tuple[int, int], Layout] | None = None
        for index, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
            roles = [self.vocabulary.role_of(c) for c in row]
            keys = [normalize_header(c) for c in row]
            known = [r for r in roles if r and r != ROLE_IGNORE]
            if ROLE_UNIT not in roles:
                continue
            if any(k in _LABEL_WORDS for k in keys) and any(k in _VALUE_WORDS for k in keys):
                score, kind = 100, "long"
            elif len(known) >= 2:
                score, kind = len(known), "wide"
            else:
                continue
            if best is None or (0, score) > best[0]:
                best = ((0, score), Layout(sheet, index, kind, roles.index(ROLE_UNIT)))
        return best

    def _sheet_layout(self, sheet: Sheet) -> tuple[tuple[int, int], Layout] | None:
        """The layout is decided by content: the row or the column where most cells are unit
        names wins, whatever the header or the top-left corner says."""
        rows = sheet.rows[:SCAN_ROWS]
        hits = [{i for i, c in enumerate(row) if self._looks_like_unit(c)} for row in rows]
        row_counts = [len(h) for h in hits[:HEADER_SCAN_ROWS]]
        column_counts: Counter[int] = Counter(i for h in hits for i in h)
        if not column_counts:
            return self._header_layout(sheet)
        best_row = max(range(len(row_counts)), key=lambda r: row_counts[r])
        unit_column, column_count = column_counts.most_common(1)[0]
        first = min(r for r, h in enumerate(hits) if unit_column in h)
        header = self._header_above(rows, first, unit_column)
        row_count = row_counts[best_row]
        transposed = row_count > column_count
        if row_count == column_count:
            # One unit only: the header above a column names score columns, the labels beside
            # a row name components.
            wide_known = (
                self._known_roles(rows[header], skip=unit_column) if header is not None else 0
            )
            transposed_known = self._label_count(rows[best_row + 1 :], hits[best_row])
            transposed = transposed_known > wide_known
        if transposed:
            return (1, row_count), Layout(sheet, best_row, "transposed", best_row)
        if header is None:
            return self._header_layout(sheet)
        keys = [normalize_header(c) for c in rows[header]]
        is_long = any(k in _LABEL_WORDS for k in keys) and any(k in _VALUE_WORDS for k in keys)
        return (1, column_count), Layout(sheet, header, "long" if is_long else "wide", unit_column)

    def detect(self) -> Layout | None:
        best: tuple[tuple[int, int], Layout] | None = None
        for sheet in self.sheets:
            candidate = self._sheet_layout(sheet)
            if candidate and (best is None or candidate[0] > best[0]):
                best = candidate
        return best[1] if best else None

    # Mapping ----------------------------------------------------------------------------------

    def _role_label(self, role: str) -> str:
        if role.startswith(COMPONENT_PREFIX):
            code = role[len(COMPONENT_PREFIX) :]
            component = self.by_code.get(code)
            return f"thành phần {code}. {component.name}" if component else f"thành phần {code}"
        return {
            ROLE_TOTAL: "điểm tổng",
            ROLE_RANK: "thứ hạng",
            ROLE_GROUP: "xếp loại",
            ROLE_YEAR: "năm",
        }.get(role, role)

    def _settle_duplicates(
        self, keys_and_headers: list[tuple[str, Any]], auto: dict[str, str], sheet: str
    ) -> None:
        """Two headers read as the same thing: keep the surer match, or the one with the
        edition's year ("Xếp hạng 2021" beside "Xếp hạng 2020"), and say which was set aside.
        A real tie is left for the admin (an error in _check_duplicates)."""
        by_role: dict[str, list[tuple[str, Any]]] = {}
        for key, header in keys_and_headers:
            role = auto.get(key, "")
            if role in _VALUE_ROLES or role.startswith(COMPONENT_PREFIX):
                by_role.setdefault(role, []).append((key, header))
        year = re.compile(rf"(?<!\d){self.edition.year}(?!\d)")
        for role, entries in by_role.items():
            if len(entries) < 2:
                continue
            strengths = [self.vocabulary.strength_of(header) for _key, header in entries]
            keep = [e for e, s in zip(entries, strengths, strict=True) if s == max(strengths)]
            if len(keep) > 1:
                dated = [e for e in keep if year.search(raw_text(e[1]))]
                keep = dated if len(dated) == 1 else keep
            if len(keep) != 1:
                continue
            kept_key, kept_header = keep[0]
            for key, header in entries:
                if key == kept_key:
                    continue
                auto[key] = ROLE_IGNORE
                self.result.problems.append(
                    Problem(
                        "warning",
                        f"“{raw_text(header)}” cũng được nhận là {self._role_label(role)}; đã dùng "
                        f"“{raw_text(kept_header)}” và bỏ qua “{raw_text(header)}” (chọn lại "
                        "trong phần ánh xạ nếu cần)",
                        sheet,
                        None,
                        "",
                        raw_text(header),
                    )
                )

    def _map(self, keys_and_headers: list[tuple[str, Any]], auto: dict[str, str]) -> None:
        for key, header in keys_and_headers:
            role = self.overrides.get(key, auto.get(key, ""))
            self.result.columns.append(
                ColumnInfo(key=key, header=raw_text(header), role=role, auto_role=auto.get(key, ""))
            )

    def _check_duplicates(self, sheet: str, *, rows: bool) -> bool:
        """The same score read from two columns (or rows) would keep one silently: refuse."""
        by_role: dict[str, list[ColumnInfo]] = {}
        for info in self.result.columns:
            if info.role in _VALUE_ROLES or info.role.startswith(COMPONENT_PREFIX):
                by_role.setdefault(info.role, []).append(info)
        clean = True
        for role, infos in by_role.items():
            if len(infos) < 2:
                continue
            clean = False
            where = (
                "Các dòng " + ", ".join(i.key for i in infos)
                if rows
                else "Các cột "
                + ", ".join(f"“{i.header or column_letter(int(i.key))}”" for i in infos)
            )
            self.result.problems.append(
                Problem(
                    "error",
                    f"{where} cùng được nhận là {self._role_label(role)}; hãy chọn “Bỏ qua” cho "
                    "phần thừa trong phần ánh xạ",
                    sheet,
                    self.result.header_row if not rows else None,
                )
            )
        return clean

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
            if cell.reason:  # a formula cell has no reason here: _note_formulas reports it
                self.result.problems.append(
                    Problem("error", cell.reason, sheet, row, column, cell.raw)
                )
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
                    f"Giá trị 0 nằm ngoài thang {vn_number(low.normalize(), None)}–"
                    f"{vn_number(high.normalize(), None)}: ghi nhận là không có dữ liệu",
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
                f"Giá trị ngoài thang điểm {vn_number(low.normalize(), None)}–"
                f"{vn_number(high.normalize(), None)}",
                sheet,
                row,
                column,
                cell.raw,
            )
        )
        return cell

    def _cell(self, sheet: Sheet, row: list[Any], row_index: int, column: int) -> Cell:
        """A value cell; a formula with no stored result is not a blank (see _note_formulas)."""
        formula = sheet.formulas.get((row_index, column))
        if formula is not None:
            return Cell("invalid", raw=formula)
        return parse_cell(cell_at(row, column))

    def _other_year(self, cell: Any, *, sheet: str, row: int, column: str) -> bool:
        """True for a row of another year in a file that holds several (counted, then skipped)."""
        text = raw_text(cell)
        match = re.search(r"(?<!\d)(?:19|20)\d\d(?!\d)", text)
        if match is None:
            self.result.problems.append(
                Problem("error", "Không đọc được năm của dòng", sheet, row, column, text)
            )
            return True
        if match.group(0) == str(self.edition.year):
            return False
        self._other_years[match.group(0)] += 1
        return True

    # Layouts -----------------------------------------------------------------------------------

    def _parse_wide(self, layout: Layout) -> None:
        sheet, header_index = layout.sheet, layout.header_index
        header = sheet.rows[header_index]
        keys_and_headers = [(str(i), cell) for i, cell in enumerate(header)]
        auto = {key: self.vocabulary.role_of(cell) for key, cell in keys_and_headers}
        if layout.unit_index is not None and layout.unit_index < len(header):
            # The names below decide which column holds the units, whatever its header says.
            auto[str(layout.unit_index)] = ROLE_UNIT
        self._settle_duplicates(keys_and_headers, auto, sheet.name)
        self._map(keys_and_headers, auto)
        roles = {int(c.key): c.role for c in self.result.columns}
        names = {int(c.key): c.header or column_letter(int(c.key)) for c in self.result.columns}
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
        unit_column = layout.unit_index if layout.unit_index in unit_columns else unit_columns[0]
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
        if not self._check_duplicates(sheet.name, rows=False):
            return
        value_columns = [
            i for i, r in roles.items() if r == ROLE_TOTAL or r.startswith(COMPONENT_PREFIX)
        ]
        year_column = next((i for i, r in roles.items() if r == ROLE_YEAR), None)
        untitled = {
            i
            for i, cell in enumerate(header)
            if not raw_text(cell) and str(i) not in self.overrides and i != unit_column
        }
        untitled_with_numbers: set[int] = set()
        for offset, row in enumerate(sheet.rows[header_index + 1 :], start=header_index + 2):
            if not any(raw_text(c) for c in row) or is_note_row(row):
                continue
            if year_column is not None and self._other_year(
                cell_at(row, year_column), sheet=sheet.name, row=offset, column=names[year_column]
            ):
                continue
            untitled_with_numbers |= {
                i for i in untitled if parse_cell(cell_at(row, i)).state == "value"
            }
            name = raw_text(cell_at(row, unit_column))
            if not name:
                has_numbers = any(
                    parse_cell(cell_at(row, i)).state == "value" for i in value_columns
                )
                if has_numbers and (offset - 1, unit_column) not in sheet.formulas:
                    self.result.problems.append(
                        Problem(
                            "error",
                            "Dòng có số liệu nhưng ô tên đơn vị trống",
                            sheet.name,
                            offset,
                            names[unit_column],
                        )
                    )
                continue
            unit = self._resolve_unit(name, sheet=sheet.name, row=offset, column=names[unit_column])
            record = self._record(unit, sheet=sheet.name, row=offset) if unit else None
            for i, role in roles.items():
                cell = cell_at(row, i)
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
                        self._cell(sheet, row, offset - 1, i),
                        code,
                        sheet=sheet.name,
                        row=offset,
                        column=names[i],
                    )
                    if record:
                        record.values[code] = checked
            if record:
                self.result.records.append(record)
        for i in sorted(untitled_with_numbers):
            self.result.problems.append(
                Problem(
                    "warning",
                    f"Cột {column_letter(i)} không có tiêu đề nhưng có số liệu; đã bỏ qua (chọn "
                    "vai trò của cột trong phần ánh xạ nếu cần)",
                    sheet.name,
                    header_index + 1,
                    column_letter(i),
                )
            )

    def _parse_transposed(self, layout: Layout) -> None:
        sheet, header_index = layout.sheet, layout.header_index
        header = sheet.rows[header_index]
        data_rows = [
            (offset, row)
            for offset, row in enumerate(sheet.rows[header_index + 1 :], start=header_index + 2)
            if any(raw_text(c) for c in row) and not is_note_row(row)
        ]
        unit_columns: dict[int, Unit] = {}
        for i, cell in enumerate(header):
            text = raw_text(cell)
            if self._looks_like_unit(cell):
                unit = self._resolve_unit(
                    text, sheet=sheet.name, row=header_index + 1, column=column_letter(i)
                )
                if unit:
                    unit_columns[i] = unit
                continue
            if (header_index, i) in sheet.formulas:
                continue
            column = [parse_cell(cell_at(row, i)).state for _offset, row in data_rows]
            numbers, words = column.count("value"), column.count("invalid")
            if not text:
                if numbers and unit_columns:
                    self.result.problems.append(
                        Problem(
                            "error",
                            f"Cột {column_letter(i)} có số liệu nhưng không có tên đơn vị ở dòng "
                            "tiêu đề",
                            sheet.name,
                            header_index + 1,
                            column_letter(i),
                        )
                    )
                continue
            if (
                isinstance(cell, int | float)
                or numbers <= words
                or normalize_header(text)
                in (_LABEL_WORDS | _STT_WORDS | _UNIT_WORDS | {"ma", "ma chi so", "code"})
            ):
                continue  # the indicator labels' (or codes') own column
            # A column of numbers under a name that is no unit: a misspelt unit, say which.
            self._resolve_unit(
                text, sheet=sheet.name, row=header_index + 1, column=column_letter(i)
            )
        first_unit = min(unit_columns, default=len(header))
        label_rows: list[tuple[str, Any]] = []
        for offset, row in data_rows:
            candidates = [c for i, c in enumerate(row[:first_unit]) if raw_text(c)] or [
                c for i, c in enumerate(row) if i not in unit_columns and raw_text(c)
            ]
            label = next(
                (c for c in candidates if self.vocabulary.role_of(c) not in ("", ROLE_IGNORE)),
                candidates[0] if candidates else None,
            )
            if label is None:
                in_formula = any((offset - 1, i) in sheet.formulas for i in range(first_unit))
                has_numbers = any(
                    parse_cell(cell_at(row, i)).state == "value" for i in unit_columns
                )
                if has_numbers and not in_formula:
                    self.result.problems.append(
                        Problem(
                            "error",
                            "Dòng có số liệu nhưng không có tên chỉ tiêu",
                            sheet.name,
                            offset,
                        )
                    )
                continue
            label_rows.append((str(offset), label))
        auto = {}
        for key, label in label_rows:
            role = self.vocabulary.role_of(label)
            auto[key] = ROLE_IGNORE if role in (ROLE_UNIT, ROLE_YEAR) else role
        self._settle_duplicates(label_rows, auto, sheet.name)
        self._map(label_rows, auto)
        if not self._check_duplicates(sheet.name, rows=True):
            return
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
                cell = cell_at(row, i)
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
                        self._cell(sheet, row, row_number - 1, i),
                        code,
                        sheet=sheet.name,
                        row=row_number,
                        column=column,
                    )
        self.result.records.extend(records.values())

    def _parse_long(self, layout: Layout) -> None:
        sheet, header_index = layout.sheet, layout.header_index
        header = sheet.rows[header_index]
        auto: dict[str, str] = {}
        for i, cell in enumerate(header):
            key = normalize_header(cell)
            role = self.vocabulary.role_of(cell)
            if role == ROLE_UNIT or i == layout.unit_index:
                auto[str(i)] = ROLE_UNIT
            elif key in _LABEL_WORDS:
                auto[str(i)] = ROLE_LABEL
            elif key in _VALUE_WORDS:
                auto[str(i)] = ROLE_VALUE
            elif role in (ROLE_RANK, ROLE_GROUP, ROLE_YEAR, ROLE_IGNORE):
                auto[str(i)] = role
            else:
                auto[str(i)] = ""
        self._map([(str(i), cell) for i, cell in enumerate(header)], auto)
        roles = {int(c.key): c.role for c in self.result.columns}
        names = {int(c.key): c.header or column_letter(int(c.key)) for c in self.result.columns}
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
        if not self._check_duplicates(sheet.name, rows=False):
            return
        unit_col = (
            layout.unit_index
            if layout.unit_index is not None and roles.get(layout.unit_index) == ROLE_UNIT
            else next(i for i, r in roles.items() if r == ROLE_UNIT)
        )
        label_col = next(i for i, r in roles.items() if r == ROLE_LABEL)
        value_col = next(i for i, r in roles.items() if r == ROLE_VALUE)
        rank_col = next((i for i, r in roles.items() if r == ROLE_RANK), None)
        group_col = next((i for i, r in roles.items() if r == ROLE_GROUP), None)
        year_col = next((i for i, r in roles.items() if r == ROLE_YEAR), None)
        records: dict[int, UnitRecord] = {}
        unit_cache: dict[str, Unit | None] = {}
        label_cache: dict[str, str | None] = {}
        seen: set[tuple[int, str | None]] = set()
        for offset, row in enumerate(sheet.rows[header_index + 1 :], start=header_index + 2):
            if not any(raw_text(c) for c in row) or is_note_row(row):
                continue
            if year_col is not None and self._other_year(
                cell_at(row, year_col), sheet=sheet.name, row=offset, column=names[year_col]
            ):
                continue
            name = raw_text(cell_at(row, unit_col))
            if not name:
                has_number = parse_cell(cell_at(row, value_col)).state == "value"
                if has_number and (offset - 1, unit_col) not in sheet.formulas:
                    self.result.problems.append(
                        Problem(
                            "error",
                            "Dòng có số liệu nhưng ô tên đơn vị trống",
                            sheet.name,
                            offset,
                            names[unit_col],
                        )
                    )
                continue
            if name not in unit_cache:
                unit_cache[name] = self._resolve_unit(
                    name, sheet=sheet.name, row=offset, column=names[unit_col]
                )
            unit = unit_cache[name]
            label = raw_text(cell_at(row, label_col))
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
                if (offset - 1, label_col) not in sheet.formulas:
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
                self._cell(sheet, row, offset - 1, value_col),
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
                rank_cell = cell_at(row, rank_col)
                record.rank, reason = parse_rank(rank_cell)
                if reason:
                    self.result.problems.append(
                        Problem(
                            "error",
                            reason,
                            sheet.name,
                            offset,
                            names[rank_col],
                            raw_text(rank_cell),
                        )
                    )
            if code is None and group_col is not None:
                record.group = raw_text(cell_at(row, group_col))
        self.result.records.extend(records.values())

    def _record(self, unit: Unit, *, sheet: str, row: int) -> UnitRecord:
        return UnitRecord(unit=unit, sheet=sheet, row=row)

    # Whole-file checks -------------------------------------------------------------------------

    def _note_formulas(self, layout: Layout | None) -> None:
        """A formula whose result was never stored (a file written by a program and not opened
        in Excel since, e.g. a =HYPERLINK(…) around each province name) reads as an empty cell:
        its row or value would go missing without a word. Every such cell is an error."""
        sheets = [layout.sheet] if layout else self.sheets
        first = layout.header_index if layout else 0
        for sheet in sheets:
            for (row, column), formula in sorted(sheet.formulas.items()):
                if row < first:
                    continue  # a title above the table
                cell = f"{column_letter(column)}{row + 1}"
                self.result.problems.append(
                    Problem(
                        "error",
                        f"Ô {cell}: công thức chưa có giá trị tính sẵn; hãy mở tệp bằng Excel, "
                        "lưu lại rồi nhập lại",
                        sheet.name,
                        row + 1,
                        column_letter(column),
                        formula[:120],
                    )
                )

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
        totals_only: list[UnitRecord] = []
        ranks_only: list[UnitRecord] = []
        for record in unique:
            present = [c for c in record.values.values() if c.state != "blank"]
            if not present and (record.rank is not None or record.group):
                # Only the published rank (a press report): stored with a "not published" total.
                record.values = {}
                ranks_only.append(record)
                continue
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
            parts = [cell for code, cell in record.values.items() if code is not None]
            total = record.values.get(None)
            if (
                parts
                and total
                and total.state != "blank"
                and all(c.state == "blank" for c in parts)
            ):
                # The total without any component (the publisher's table gives only some
                # provinces' sub-indices): like a totals-only file, store what is there.
                record.values = {None: total}
                totals_only.append(record)
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
        if totals_only:
            problems.append(
                Problem(
                    "warning",
                    f"{len(totals_only)} đơn vị chỉ có điểm tổng, các cột thành phần để trống "
                    f"({_names(totals_only)}): chỉ ghi điểm tổng (và thứ hạng, xếp loại) của các "
                    "đơn vị này",
                    self.result.sheet,
                )
            )
        if ranks_only:
            problems.append(
                Problem(
                    "warning",
                    f"{len(ranks_only)} đơn vị chỉ có thứ hạng, không có điểm "
                    f"({_names(ranks_only)}): ghi thứ hạng, điểm tổng ghi là không công bố",
                    self.result.sheet,
                )
            )
        self.result.records = unique
        self._note_missing_units(unique)
        if has_total:
            partial = bool(self.result.missing_units) and not self.edition.published_top_n
            self._check_ranks(unique, partial=partial)

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
                    f"{record.unit.name}: tổng {vn_number(total.value, total.decimals)} "
                    "không khớp với "
                    f"{edition.get_aggregation_display().lower()} của các thành phần "
                    f"({vn_number(computed, 2)}; sai số cho phép "
                    f"{vn_number(edition.aggregation_tolerance.normalize(), None)})",
                    record.sheet,
                    record.row,
                    self.column_names.get(None, "Tổng"),
                    total.raw,
                )
            )

    def _check_ranks(self, records: list[UnitRecord], *, partial: bool) -> None:
        """Published ranks against the order of the scores. A file that lists only some units
        (a press report's excerpt) cannot give ranks, only an order: there a rank is questioned
        only when a higher score has a worse rank."""
        totals = [
            (r, r.values[None].value)
            for r in records
            if None in r.values and r.values[None].state == "value"
        ]
        ordered = sorted((v for _r, v in totals), reverse=True)
        first: dict[Decimal, int] = {}
        for position, value in enumerate(ordered, start=1):
            first.setdefault(value, position)
        ranked = [(r, v) for r, v in totals if r.rank is not None and v is not None]
        for record, value in ranked:
            if record.rank == first[value]:
                continue
            if partial and not any(
                (v > value and r.rank > record.rank) or (v < value and r.rank < record.rank)
                for r, v in ranked
            ):
                continue
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

    def _note_dropped_units(self) -> None:
        """Units whose stored values the commit would remove: a warning each, and the commit then
        needs the admin's confirmation (scores_import's allow_missing)."""
        present = {r.unit.pk for r in self.result.records}
        self.result.dropped = dropped_units(edition=self.edition, present=present)
        if self.edition.published_top_n:
            # The top-N file leaves the others out: they are stored as "not published", which
            # loses nothing for a unit that had no value; one that had values is warned of.
            outcome = "các giá trị này sẽ được thay bằng “không công bố”"
        else:
            outcome = "các giá trị này sẽ bị xóa"
        for dropped in self.result.dropped:
            self.result.problems.append(
                Problem(
                    "warning",
                    f"{dropped.unit.display_name} có {len(dropped.values)} giá trị đang lưu "
                    f"({dropped.summary()}) nhưng không có trong tệp mới: nếu ghi, {outcome}",
                    self.result.sheet,
                    None,
                    "",
                    dropped.unit.name,
                )
            )

    def parse(self) -> ParseResult:
        layout = self.detect()
        if layout is None:
            self._note_formulas(None)
            self.result.problems.append(
                Problem(
                    "error",
                    "Không tìm thấy dòng tiêu đề (cần một cột tên đơn vị và các cột điểm, hoặc các "
                    "cột là tên đơn vị)",
                )
            )
            return self.result
        forced_layout = self.overrides.get("__layout__")
        if forced_layout and forced_layout != layout.kind:
            # A mapping saved for another reading of the file (keys are columns in one layout,
            # rows in another) would mislabel it: read the file afresh.
            self.overrides = {}
        sheet = layout.sheet
        self.result.layout, self.result.sheet, self.result.header_row = (
            layout.kind,
            sheet.name,
            layout.header_index + 1,
        )
        self._note_formulas(layout)
        {"wide": self._parse_wide, "transposed": self._parse_transposed, "long": self._parse_long}[
            layout.kind
        ](layout)
        if self._other_years:
            years = ", ".join(sorted(self._other_years))
            self.result.problems.append(
                Problem(
                    "info",
                    f"Bỏ qua {sum(self._other_years.values())} dòng của năm khác ({years}); "
                    f"chỉ nhập các dòng năm {self.edition.year}.",
                    sheet.name,
                )
            )
        if not self.result.records and not self.result.errors:
            self.result.problems.append(Problem("error", "Không có dòng dữ liệu nào", sheet.name))
        self._check_records()
        self._note_dropped_units()
        return self.result


def _names(records: list[UnitRecord]) -> str:
    names = ", ".join(r.unit.display_name for r in records[:10])
    return names + ("…" if len(records) > 10 else "")


def _home_code() -> str:
    from django.conf import settings

    return settings.PORTAL_HOME_UNIT


def parse_edition_file(
    *, edition: IndexEdition, sheets: list[Sheet], overrides: dict[str, str] | None = None
) -> ParseResult:
    return EditionParser(edition=edition, sheets=sheets, overrides=overrides).parse()
