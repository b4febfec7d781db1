from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from indices.services.catalogue import index_definitions_load


class Command(BaseCommand):
    help = "Load indices, editions and component trees from indices/data/*.yaml (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--update", action="store_true", help="Rewrite existing definitions from the files."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        summary = index_definitions_load(update=bool(options["update"]))
        self.stdout.write(
            f"Chỉ số: {summary.indices}; kỳ mới: {summary.editions_created}; "
            f"thành phần mới: {summary.components_created}"
        )
