from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from indices.analytics.runs import analysis_rebuild
from indices.models import IndexEdition


class Command(BaseCommand):
    help = "Rebuild rankings and gap analyses now (all editions, or one index/year)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--index")
        parser.add_argument("--year", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        editions = IndexEdition.objects.filter(status="published")
        if options["index"]:
            editions = editions.filter(index__code=str(options["index"]).upper())
        if options["year"]:
            editions = editions.filter(year=options["year"])
        ids = list(editions.values_list("pk", flat=True))
        if (options["index"] or options["year"]) and not ids:
            raise CommandError("Không có kỳ nào khớp.")
        run = analysis_rebuild(
            edition_ids=ids if options["index"] or options["year"] else None, trigger="admin"
        )
        if run is None:
            self.stdout.write("Không có gì để tính.")
            return
        self.stdout.write(
            f"Lần tính #{run.pk}: {run.get_status_display()}, {run.editions_built} kỳ, "
            f"{run.rows_written} dòng kết quả, {run.duration_s:.1f} giây."
        )
