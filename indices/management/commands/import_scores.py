from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from indices.analytics.queue import QUEUE_DOWN_MESSAGE, dispatch_report
from indices.models import IndexEdition
from indices.services.imports.service import (
    ConfirmationRequired,
    ImportOutcome,
    ImportRejected,
    scores_import,
)


class Command(BaseCommand):
    help = "Import a published index spreadsheet into an edition (all-or-nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument("--index", required=True, help="PAR, PAPI, PCI, ICT, PAR_DEPT, …")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--level", help="province, department, district or commune")
        parser.add_argument("--dry-run", action="store_true", help="validate only, write nothing")
        parser.add_argument(
            "--allow-missing",
            action="store_true",
            help="confirm removing the stored values of units that the new file leaves out",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(str(options["path"]))
        if not path.exists():
            raise CommandError(f"Không tìm thấy tệp {path}")
        edition = (
            IndexEdition.objects.select_related("index")
            .filter(index__code=str(options["index"]).upper(), year=options["year"])
            .first()
        )
        if edition is None:
            raise CommandError(f"Không có kỳ {options['index']} {options['year']}.")
        if options["level"] and options["level"] != edition.level:
            raise CommandError(
                f"Kỳ {edition} xếp hạng cấp {edition.level}, không phải {options['level']}."
            )
        try:
            with dispatch_report() as report:
                outcome = scores_import(
                    edition=edition,
                    data=path.read_bytes(),
                    filename=path.name,
                    dry_run=bool(options["dry_run"]),
                    source_note=f"manage.py import_scores {path.name}",
                    allow_missing=bool(options["allow_missing"]),
                )
        except ImportRejected as rejected:
            for problem in rejected.result.errors:
                self.stderr.write(problem.as_line())
            self.stderr.write(f"{len(rejected.result.errors)} lỗi; không ghi dữ liệu nào.")
            raise SystemExit(2) from rejected
        except ConfirmationRequired as refused:
            for dropped in refused.dropped:
                self.stderr.write(
                    f"{dropped.unit.display_name}: {len(dropped.values)} giá trị đang lưu "
                    f"({dropped.summary()})"
                )
            self.stderr.write(
                f"{refused} Chạy lại với --allow-missing để xác nhận xóa các giá trị này."
            )
            raise SystemExit(2) from refused
        self._summary(edition, outcome, dry_run=bool(options["dry_run"]))
        if report.queue_down:
            self.stdout.write(str(QUEUE_DOWN_MESSAGE))

    def _summary(self, edition: IndexEdition, outcome: ImportOutcome, *, dry_run: bool) -> None:
        result = outcome.result
        self.stdout.write(
            f"{edition}: bố cục {result.layout}, trang “{result.sheet}”, dòng tiêu đề "
            f"{result.header_row}; {len(result.records)} dòng, "
            f"{len({r.unit.pk for r in result.records})} đơn vị khớp, "
            f"{result.value_count} giá trị, "
            f"{len(result.warnings)} cảnh báo."
        )
        for problem in result.problems:
            if problem.severity != "error":
                self.stdout.write(f"  [{problem.severity}] {problem.as_line()}")
        if dry_run:
            self.stdout.write("Chạy thử (--dry-run): không ghi dữ liệu.")
        elif outcome.unchanged:
            self.stdout.write(
                f"Tệp giống hệt lần nhập #{outcome.current_batch.pk}: không có gì thay đổi."
            )
        else:
            self.stdout.write(f"Đã ghi lần nhập #{outcome.current_batch.pk}.")
