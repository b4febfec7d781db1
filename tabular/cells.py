"""Reading one cell as published: numbers in Vietnamese or English notation, percentages, and
the words publishers use for "not published" and "not available"."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from tabular.text import strip_diacritics

MAX_DECIMALS = 4
# Far past any index's scale, and it keeps rounding to MAX_DECIMALS within Decimal's 28 digits.
MAX_INTEGER_DIGITS = 15
_TOO_LARGE = 10**MAX_INTEGER_DIGITS  # an int: compared with floats without a Decimal made
TOO_LARGE_REASON = f"Số quá lớn (quá {MAX_INTEGER_DIGITS} chữ số phần nguyên)"
NOT_FINITE_REASON = "Giá trị vô cực hoặc NaN, không phải số"
NOT_AVAILABLE_WORDS = {
    "n/a",
    "na",
    "n.a",
    "n.a.",
    "-",
    "–",
    "—",
    "..",
    "...",
    "khong co du lieu",
    "kcdl",
    "khong co so lieu",
    "not available",
    "x",
}
NOT_PUBLISHED_WORDS = {"kcb", "khong cong bo", "np", "not published", "chua cong bo"}
_NUMBER = re.compile(r"^[+-]?\d[\d.,  ]*%?$")


@dataclass(frozen=True)
class Cell:
    """state: value / not_published / not_available / blank / invalid."""

    state: str
    value: Decimal | None = None
    decimals: int = 0
    raw: str = ""
    reason: str = ""


def raw_text(cell: Any) -> str:
    """A cell as the text a reader sees: a whole float without ".0", no surrounding spaces."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _decimals_of(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return min(MAX_DECIMALS, max(0, -exponent)) if isinstance(exponent, int) else 0


def _from_text(text: str) -> tuple[Decimal, int] | None:
    compact = text.replace(" ", "").replace("\u00a0", "").rstrip("%")
    if not _NUMBER.match(text.replace("\u00a0", " ")) or not compact:
        return None
    has_dot, has_comma = "." in compact, "," in compact
    if has_dot and has_comma:
        # The separator that comes last is the decimal one: 1.234,56 or 1,234.56.
        decimal_sep = "," if compact.rfind(",") > compact.rfind(".") else "."
        thousands = "." if decimal_sep == "," else ","
        compact = compact.replace(thousands, "").replace(decimal_sep, ".")
    elif has_comma:
        compact = compact.replace(",", ".") if compact.count(",") == 1 else compact.replace(",", "")
    elif has_dot and compact.count(".") > 1:
        compact = compact.replace(".", "")
    try:
        value = Decimal(compact)
    except InvalidOperation:
        return None
    fraction = compact.split(".", 1)[1] if "." in compact else ""
    return value, min(MAX_DECIMALS, len(fraction))


def _number_cell(cell: Any, raw: str) -> Cell:
    """A cell a spreadsheet stored as a number (int or float)."""
    if isinstance(cell, float) and not math.isfinite(cell):
        # Excel never writes one, but "inf" or "NaN" in a <v> element reads as a float.
        return Cell("invalid", raw=raw, reason=NOT_FINITE_REASON)
    if abs(cell) >= _TOO_LARGE:
        return Cell("invalid", raw=raw, reason=TOO_LARGE_REASON)
    if isinstance(cell, int):
        return Cell("value", Decimal(cell), 0, raw)
    text = repr(cell)
    if "e" in text or "E" in text:
        value = round(Decimal(text), MAX_DECIMALS)
        return Cell("value", value, _decimals_of(value), raw)
    fraction = text.partition(".")[2].rstrip("0")
    if len(fraction) > MAX_DECIMALS:
        # Binary floats carry noise beyond what was typed (66.24 → 66.2399999…).
        value = round(Decimal(text), MAX_DECIMALS)
        return Cell("value", value, _decimals_of(value), raw)
    return Cell("value", Decimal(text), len(fraction), raw)


def parse_cell(cell: Any) -> Cell:
    """One spreadsheet cell as a score value. Never turns a word into a number or a blank into 0;
    a value that is not a finite number of sane size is invalid, with the reason."""
    raw = raw_text(cell)
    if cell is None or raw == "":
        return Cell("blank", raw=raw)
    if isinstance(cell, bool | dt.date | dt.datetime | dt.time):
        return Cell(
            "invalid", raw=raw, reason="Ô chứa ngày tháng hoặc giá trị logic, không phải số"
        )
    if isinstance(cell, int | float):
        return _number_cell(cell, raw)
    word = strip_diacritics(raw).lower().strip()
    if word in NOT_AVAILABLE_WORDS:
        return Cell("not_available", raw=raw)
    if word in NOT_PUBLISHED_WORDS:
        return Cell("not_published", raw=raw)
    parsed = _from_text(raw)
    if parsed is None:
        return Cell("invalid", raw=raw, reason="Không phải số")
    value, decimals = parsed
    if abs(value) >= _TOO_LARGE:
        return Cell("invalid", raw=raw, reason=TOO_LARGE_REASON)
    return Cell("value", round(value, MAX_DECIMALS), decimals, raw)


RANK_REASON = "Thứ hạng phải là số nguyên dương"
MAX_RANK = 10**9  # no table ranks more units than that; keeps int() off 5,000-digit strings
_RANK = re.compile(r"[0-9]+")


def parse_rank(cell: Any, *, maximum: int = MAX_RANK) -> tuple[int | None, str]:
    """A published rank ("13", 13.0, "13/63"); returns (rank, reason if invalid). Digits are
    ASCII only ("²" is a digit to str.isdigit, not to int), and a rank above `maximum` (what
    the column that stores it holds) is invalid too."""
    raw = raw_text(cell)
    if not raw or strip_diacritics(raw).lower() in NOT_AVAILABLE_WORDS | NOT_PUBLISHED_WORDS:
        return None, ""
    head = raw.split("/", 1)[0].strip()
    digits = head.lstrip("0")
    if not _RANK.fullmatch(head) or not digits:
        return None, RANK_REASON
    if len(digits) > len(str(maximum)) or int(digits) > maximum:
        return (
            None,
            f"Thứ hạng {digits[:20]}{'…' if len(digits) > 20 else ''} vượt giới hạn {maximum}",
        )
    return int(digits), ""


def cell_at(row: list[Any], index: int) -> Any:
    """The cell at `index`, or None past the end of a short row."""
    return row[index] if index < len(row) else None


def vn_number(value: Decimal, places: int | None) -> str:
    """A number the way a Vietnamese reader writes it: 66,24."""
    text = f"{value:.{places}f}" if places is not None else f"{value:f}"
    return text.replace(".", ",")
