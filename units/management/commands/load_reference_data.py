from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Load units and index definitions (both idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("load_units", stdout=self.stdout)
        call_command("load_index_definitions", stdout=self.stdout)
        # Tasks of units that ended pass to their successors once the successions are loaded.
        call_command("hand_over_tasks", stdout=self.stdout)
