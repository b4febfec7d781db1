from typing import Any

from django.core.management.base import BaseCommand

from indices.analytics.queue import QUEUE_DOWN_MESSAGE, dispatch_report
from indices.demo import demo_data_load


class Command(BaseCommand):
    help = "Load the demo dataset: real published figures plus labelled illustrative data."

    def handle(self, *args: Any, **options: Any) -> None:
        with dispatch_report() as report:
            summary = demo_data_load()
        self.stdout.write(
            f"Kỳ đã nạp: {summary.editions}; điểm số: {summary.scores} "
            f"(trong đó số liệu công bố thật: {summary.real_scores}); "
            f"bỏ qua vì đã có dữ liệu: {len(summary.skipped)}"
        )
        if report.queue_down:
            self.stdout.write(str(QUEUE_DOWN_MESSAGE))
