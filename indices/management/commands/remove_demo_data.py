from typing import Any

from django.core.management.base import BaseCommand

from indices.demo import demo_data_remove


class Command(BaseCommand):
    help = "Remove the illustrative demo data; real published figures and imports stay."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = demo_data_remove()
        self.stdout.write(f"Đã xóa {deleted} bản ghi dữ liệu minh họa.")
