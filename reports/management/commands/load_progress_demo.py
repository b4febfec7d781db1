from typing import Any

from django.core.management.base import BaseCommand

from reports.demo import progress_demo_load
from reports.demo_periods import periods_demo_load


class Command(BaseCommand):
    help = "Load the demo reform plan, reporting windows and quarterly reports (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = progress_demo_load()
        self.stdout.write(f"Báo cáo quý minh họa: {count} báo cáo mới.")
        periods_demo_load()  # Đà Nẵng's 2026–2030 period, started from Quảng Nam's 2021–2025
