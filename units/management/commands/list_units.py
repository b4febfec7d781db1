import csv
import datetime as dt
import json
import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tabular.export import neutralise_row
from units.selectors import DIRECTORY_LEVELS, DirectoryEntry, DirectoryLink, units_on_date

FORMATS = ("table", "csv", "json")
COLUMNS = [
    "code",
    "name",
    "level",
    "kind",
    "parent",
    "valid_from",
    "valid_to",
    "predecessors",
    "predecessor_names",
    "successors",
    "successor_names",
]
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_on(value: str) -> dt.date:
    if not _ISO_DATE.fullmatch(value):
        raise CommandError(
            f"--on {value!r}: cần một ngày dạng YYYY-MM-DD / expected a date as YYYY-MM-DD"
        )
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(
            f"--on {value!r}: không có ngày này trong lịch / no such day ({error})"
        ) from error


def parse_choice(argument: str, value: str | None, allowed: tuple[str, ...]) -> str | None:
    if value is None or value in allowed:
        return value
    raise CommandError(
        f"{argument} {value!r}: không hợp lệ, chọn một trong / must be one of: "
        + ", ".join(allowed)
    )


def _date(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _link(link: DirectoryLink) -> dict[str, Any]:
    return {
        "code": link.unit.code if link.unit else None,
        "name": link.unit.name if link.unit else None,
        "kind": link.succession.kind,
        "date": _date(link.succession.date),
    }


def entry_record(entry: DirectoryEntry) -> dict[str, Any]:
    """One unit as the JSON object the command prints; CSV and the table flatten it."""
    unit = entry.unit
    return {
        "code": unit.code,
        "name": unit.name,
        "level": entry.level,
        "kind": unit.kind,
        "parent": unit.parent.code if unit.parent else None,
        "valid_from": _date(unit.valid_from),
        "valid_to": _date(unit.valid_to),
        "predecessors": [_link(link) for link in entry.predecessors],
        "successors": [_link(link) for link in entry.successors],
    }


def _flat(record: dict[str, Any]) -> dict[str, Any]:
    flat = {key: record[key] or "" for key in COLUMNS[:7]}
    for side in ("predecessors", "successors"):
        links = [link for link in record[side] if link["code"]]
        flat[side] = ";".join(link["code"] for link in links)
        flat[f"{side[:-1]}_names"] = ";".join(link["name"] for link in links)
    return flat


class Command(BaseCommand):
    help = (
        "Print the administrative units valid on a date (provinces, departments and central "
        "agencies, districts, communes) with their validity and predecessors: a table, CSV "
        "(with a header row) or JSON (a list of objects)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--on", required=True, metavar="YYYY-MM-DD", help="the date")
        parser.add_argument("--level", help="one of: " + ", ".join(DIRECTORY_LEVELS))
        parser.add_argument("--format", default="table", help="table (default), csv or json")

    def handle(self, *args: Any, **options: Any) -> None:
        on_date = parse_on(str(options["on"]))
        level = parse_choice("--level", options["level"], tuple(DIRECTORY_LEVELS))
        fmt = parse_choice("--format", options["format"], FORMATS)
        directory = units_on_date(on_date=on_date, level=level)
        records = [entry_record(entry) for entry in directory.entries]
        if fmt == "json":
            self.stdout.write(json.dumps(records, ensure_ascii=False, indent=1))
        elif fmt == "csv":
            # Opened in spreadsheets: names are neutralised as every download's are.
            writer = csv.DictWriter(self.stdout, fieldnames=COLUMNS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(neutralise_row(_flat(record)) for record in records)
        else:
            self._table(records, on_date)

    def _table(self, records: list[dict[str, Any]], on_date: dt.date) -> None:
        header = ["Mã", "Tên", "Cấp", "Hiệu lực từ", "Hiệu lực đến", "Hình thành từ"]
        rows = [
            [
                r["code"],
                r["name"],
                r["level"],
                r["valid_from"] or "—",
                r["valid_to"] or "—",
                "; ".join(f"{p['name']} ({p['code']})" for p in r["predecessors"]) or "—",
            ]
            for r in records
        ]
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]
        for row in [header, *rows]:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            self.stdout.write("  ".join([*cells, row[-1]]).rstrip())
        self.stdout.write(f"{len(rows)} đơn vị có hiệu lực ngày {on_date:%d/%m/%Y}.")
