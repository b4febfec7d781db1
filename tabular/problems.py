"""What is wrong with a file, said where a reader can find it: the sheet, row, column and value."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ERROR, WARNING, INFO = "error", "warning", "info"


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


class WithProblems:
    """For a result that keeps its `problems`: the errors (any one refuses the file) and the
    warnings among them."""

    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]
