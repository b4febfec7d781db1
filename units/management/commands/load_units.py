from typing import Any

from django.core.management.base import BaseCommand

from units.services import units_load_reference


class Command(BaseCommand):
    help = (
        "Load regions, provinces (63 and 34), Quảng Nam's districts and departments (idempotent)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        summary = units_load_reference()
        self.stdout.write(
            f"Vùng: {summary.regions}; tỉnh trước 1/7/2025: {summary.provinces_before_merger}; "
            f"tỉnh từ 1/7/2025: {summary.provinces_after_merger}; cấp huyện: {summary.districts}; "
            f"sở, ban, ngành: {summary.departments}; thay đổi: {summary.successions}; "
            f"tên gọi khác: {summary.aliases}"
        )
