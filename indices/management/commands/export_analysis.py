from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from indices.command_output import edition_for_command, write_rows
from indices.figures import rounded
from indices.selectors_analytics import analysis_rows, target_rows
from tabular.export import neutralise_row

COLUMNS = [
    "unit_code",
    "unit_name",
    "state",
    "value",
    "basis",
    "display_rank",
    "rank_basis",
    "rank",
    "published_rank",
    "region_rank",
    "percentile",
    "group",
    "gap_to_leader",
    "gap_to_mean",
    "gap_to_median",
    "gap_to_region_best",
    "analysis_basis",
    "rank_change",
    "score_change",
    "change_note",
]
# Figures in the edition's points, rounded as the publisher rounds them.
FIGURES = [
    "value",
    "gap_to_leader",
    "gap_to_mean",
    "gap_to_median",
    "gap_to_region_best",
    "score_change",
]
TARGET_COLUMNS = [
    "unit_code",
    "unit_name",
    "component",
    "kind",
    "target_value",
    "target_rank",
    "target_year",
    "status",
    "gap",
    "current",
    "baseline_year",
    "baseline",
    "rebaselined",
    "points_needed",
    "basis",
]


def _write(command: BaseCommand, rows: list[dict[str, Any]], columns: list[str], fmt: str) -> None:
    """CSV is opened in spreadsheets: its free text (unit names, groups, change notes) is
    neutralised as every download's is. JSON is read by programs and keeps text as stored."""
    if fmt == "csv":
        rows = [neutralise_row(row) for row in rows]
    write_rows(command.stdout, rows, columns, fmt)


class Command(BaseCommand):
    help = (
        "Print the current analysis of an edition, one line per unit: figures rounded half-up at "
        "the publisher's precision, with the basis of the value (basis), of the rank shown "
        "(rank_basis) and of what is computed across peers (analysis_basis). With --targets, "
        "the status of each target in the edition instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--index", required=True)
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--level")
        parser.add_argument("--component", default="total")
        parser.add_argument("--targets", action="store_true")
        parser.add_argument("--format", choices=["csv", "json"], default="csv")

    def handle(self, *args: Any, **options: Any) -> None:
        edition = edition_for_command(
            index=str(options["index"]), year=int(options["year"]), level=options["level"]
        )
        decimals = edition.decimals
        if options["targets"]:
            rows = []
            for row in target_rows(edition=edition):
                for key in ("gap", "current", "baseline", "points_needed"):
                    # A rank target's gap, current and baseline are places, not points.
                    places = row["kind"] == "rank" and key != "points_needed"
                    row[key] = rounded(row[key], 0 if places else decimals)
                row["target_value"] = rounded(row["target_value"], decimals)
                rows.append(row)
            _write(self, rows, TARGET_COLUMNS, str(options["format"]))
            return
        component = "" if options["component"] == "total" else str(options["component"])
        rows = []
        for row in analysis_rows(edition=edition, component_code=component):
            out = {column: row[column] for column in COLUMNS}
            for key in FIGURES:
                out[key] = rounded(row[key], decimals)
            out["percentile"] = rounded(row["percentile"], 1)
            rows.append(out)
        _write(self, rows, COLUMNS, str(options["format"]))
