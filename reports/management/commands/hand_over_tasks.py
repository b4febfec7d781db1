import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from reports.services_successions import tasks_hand_over


class Command(BaseCommand):
    help = (
        "Pass open tasks of units that ended (merged, renamed) to their successors, recording "
        "each handover (idempotent)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--on", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD (default: today)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            handovers = tasks_hand_over(on=options["on"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        for handover in handovers:
            self.stdout.write(
                f"{handover.task.code}: {handover.from_unit.code} → {handover.to_unit.code} "
                f"({handover.date:%d/%m/%Y})"
            )
        self.stdout.write(f"Nhiệm vụ đã chuyển giao: {len(handovers)}.")
