"""What is wrong with a file, said where a reader can find it: the sheet, row, column and value.

A problem keeps its message as written in the code (the Vietnamese msgid, marked with
gettext_noop so makemessages finds it) and the parameters it needs, never the finished text: the
text is made when it is read, in the reader's language, so the same stored batch reads
Vietnamese on a Vietnamese page and English on an English one. The parameters are values from
the file (cell contents, sheet and unit names), which are never translated, numbers (written in
the reader's format) and translatable parts of the message (`message_part`). A problem stored
before messages had parameters (or made by a caller that passes finished text) has none: its
text is shown as it was written."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext, gettext_noop

ERROR, WARNING, INFO = "error", "warning", "info"

# The words around a problem on one line (the management command, downloads).
_ROW = gettext_noop("dòng %(row)s")
_COLUMN = gettext_noop('cột "%(column)s"')
_VALUE = gettext_noop('(giá trị: "%(value)s")')


def message_part(template: str, /, *, lowercase: bool = False, **params: Any) -> dict[str, Any]:
    """A translatable part of a message, passed as a parameter of it (a phrase chosen by the
    code, such as a role's name): kept as data, translated with the message. `lowercase` for a
    label that starts a sentence elsewhere and sits inside this one."""
    part: dict[str, Any] = {"message": template, "params": params}
    if lowercase:
        part["lowercase"] = True
    return part


def joined_part(parts: list[Any], separator: str = ", ") -> dict[str, Any]:
    """Several parameters (values, numbers, message parts) shown one after the other."""
    return {"parts": parts, "separator": separator}


def number_part(value: Decimal | int | str, decimals: int | None = None) -> dict[str, Any]:
    """A number as a parameter: written in the reader's format when shown (66,24 or 66.24).
    `decimals` None keeps the places the number has."""
    text = f"{value:f}" if isinstance(value, Decimal) else str(value)  # never "1E+1"
    return {"number": text, "decimals": decimals}


def _number_text(number: str, decimals: int | None) -> str:
    try:
        value = Decimal(number)
    except InvalidOperation:
        return number
    if not value.is_finite():
        return number
    return number_format(value, decimal_pos=decimals, use_l10n=True)


def part_text(value: Any) -> Any:
    """A parameter as it is put into its message: a part translated, a number written in the
    active language's format, a value as it is."""
    if isinstance(value, dict):
        if "message" in value:
            text = message_text(str(value["message"]), value.get("params"))
            return text.lower() if value.get("lowercase") else text
        if "parts" in value:
            parts = value["parts"] if isinstance(value["parts"], list) else []
            return str(value.get("separator", ", ")).join(str(part_text(p)) for p in parts)
        if "number" in value:
            return _number_text(str(value["number"]), value.get("decimals"))
    return value


def message_text(template: str, params: dict[str, Any] | None) -> str:
    """A message in the active language: the template translated, then its parameters put in
    (as they are: a value from the file is never translated). Without parameters the template
    is the text (translated if it is a known message)."""
    if not template:
        return ""  # gettext("") is the catalogue's header
    translated = gettext(template)
    if not params:
        return translated
    values = {key: part_text(value) for key, value in params.items()}
    try:
        return translated % values
    except (KeyError, ValueError, TypeError):
        # A translation that does not fit the parameters: the message as written still does.
        try:
            return template % values
        except (KeyError, ValueError, TypeError):
            return template


@dataclass
class Problem:
    severity: str  # error, warning, info
    template: str  # the message as written (a msgid), or the finished text when params is None
    sheet: str = ""
    row: int | None = None
    column: str = ""
    value: str = ""
    params: dict[str, Any] | None = None

    @property
    def text(self) -> str:
        """The message in the active language."""
        return message_text(self.template, self.params)

    @property
    def message(self) -> str:
        return self.text

    def as_line(self) -> str:
        """The problem on one line, all in the active language: where, what, and the value."""
        where = []
        if self.row is not None:
            where.append(gettext(_ROW) % {"row": self.row})
        if self.column:
            where.append(gettext(_COLUMN) % {"column": self.column})
        prefix = ", ".join(where)
        show_value = self.value or self.row is not None
        suffix = " " + gettext(_VALUE) % {"value": self.value} if show_value else ""
        return f"{prefix + ': ' if prefix else ''}{self.text}{suffix}"

    def as_dict(self) -> dict[str, Any]:
        """The problem as stored with its batch: the message as written and its parameters,
        so that it is translated when it is read."""
        data: dict[str, Any] = {
            "severity": self.severity,
            "message": self.template,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": self.value,
        }
        if self.params is not None:
            data["params"] = self.params
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Problem:
        """A stored problem, including one stored before messages had parameters."""
        params = data.get("params")
        return cls(
            severity=str(data.get("severity") or ERROR),
            template=str(data.get("message") or ""),
            sheet=str(data.get("sheet") or ""),
            row=data.get("row"),
            column=str(data.get("column") or ""),
            value=str(data.get("value") or ""),
            params=params if isinstance(params, dict) else None,
        )


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
