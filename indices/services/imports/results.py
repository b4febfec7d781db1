"""What parsing a file gives back: the unit records it read, how each column (or row) was
mapped, every problem, and the units the file leaves out."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_noop

from tabular.cells import Cell
from tabular.problems import (
    Problem,
    WithProblems,
    joined_part,
    message_part,
    number_part,
    part_text,
)
from units.models import Unit


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
class DroppedUnit:
    """A unit with stored values in the edition that the new file leaves out."""

    unit: Unit
    values: list[tuple[str | None, Decimal, int]]  # (component code, None = total; value; decimals)

    def summary_part(self) -> dict[str, Any]:
        """The values as a problem's parameter: "tổng" translated and the numbers written in
        the reader's language when the problem is shown."""
        return joined_part(
            [
                message_part(gettext_noop("tổng %(value)s"), value=number_part(value, decimals))
                if code is None
                else message_part(
                    "%(code)s: %(value)s", code=code, value=number_part(value, decimals)
                )
                for code, value, decimals in self.values
            ],
            "; ",
        )

    def summary(self) -> str:
        """The values in the active language: "tổng 66,24; 1: 7,05"."""
        return str(part_text(self.summary_part()))


@dataclass
class UnmatchedName:
    """A unit name the file writes that matches no unit on the edition's reference date, with
    the closest units for the admin to choose from (the choice is kept as the unit's alias)."""

    name: str
    sheet: str
    column: str
    rows: list[int | None] = field(default_factory=list)
    suggestions: list[Unit] = field(default_factory=list)


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
    unmatched: list[UnmatchedName] = field(default_factory=list)

    @property
    def value_count(self) -> int:
        return sum(1 for r in self.records for c in r.values.values() if c.state == "value")

    @property
    def mapping(self) -> dict[str, str]:
        return {c.key: c.role for c in self.columns}
