from django.core.management.base import BaseCommand, CommandParser

from indices.command_output import edition_for_command, write_rows
from indices.selectors_analytics import analysis_rows

COLUMNS = [
    "unit_code",
    "unit_name",
    "value",
    "rank",
    "region_rank",
    "percentile",
    "group",
    "published_rank",
    "gap_to_leader",
    "gap_to_mean",
    "gap_to_median",
    "gap_to_region_best",
    "rank_change",
    "score_change",
    "target_kind",
    "target_value",
    "target_gap",
    "target_status",
]


class Command(BaseCommand):
    help = "Print the current analysis of an edition, one line per unit."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--index", required=True)
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--level")
        parser.add_argument("--component", default="total")
        parser.add_argument("--format", choices=["csv", "json"], default="csv")

    def handle(self, *args: object, **options: object) -> None:
        edition = edition_for_command(
            index=str(options["index"]), year=int(options["year"]), level=options["level"]
        )
        component = "" if options["component"] == "total" else str(options["component"])
        rows = [
            {column: row[column] for column in COLUMNS}
            for row in analysis_rows(edition=edition, component_code=component)
        ]
        write_rows(self.stdout, rows, COLUMNS, str(options["format"]))
