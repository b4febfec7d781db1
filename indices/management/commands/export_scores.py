from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from indices.command_output import edition_for_command, write_rows
from indices.figures import rounded
from indices.models import Score
from tabular.export import neutralise_row

COLUMNS = [
    "unit_code",
    "unit_name",
    "component",
    "value",
    "basis",
    "state",
    "published_rank",
    "published_group",
]


def _write(command: BaseCommand, rows: list[dict[str, Any]], columns: list[str], fmt: str) -> None:
    """CSV is opened in spreadsheets: its free text (unit names, published groups) is
    neutralised as every download's is. JSON is read by programs and keeps text as stored."""
    if fmt == "csv":
        rows = [neutralise_row(row) for row in rows]
    write_rows(command.stdout, rows, columns, fmt)


class Command(BaseCommand):
    help = (
        "Print an edition's stored scores, one line per unit and component: values rounded "
        "half-up at the publisher's precision, with their basis (published, derived, internal, "
        "illustrative)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--index", required=True)
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--level")
        parser.add_argument("--format", choices=["csv", "json"], default="csv")

    def handle(self, *args: Any, **options: Any) -> None:
        edition = edition_for_command(
            index=str(options["index"]), year=int(options["year"]), level=options["level"]
        )
        scores = (
            Score.objects.filter(edition=edition)
            .select_related("unit", "component")
            .order_by("unit__code", "component__order")
        )
        rows = [
            {
                "unit_code": s.unit.code,
                "unit_name": s.unit.name,
                "component": s.component.code if s.component else "total",
                "value": rounded(s.value, edition.decimals) if s.state == Score.State.VALUE else "",
                "basis": s.basis,
                "state": s.state,
                "published_rank": s.published_rank if s.published_rank is not None else "",
                "published_group": s.published_group,
            }
            for s in scores
        ]
        _write(self, rows, COLUMNS, str(options["format"]))
