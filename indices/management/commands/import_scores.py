from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from indices.analytics.queue import QUEUE_DOWN_MESSAGE, dispatch_report
from indices.models import IndexEdition
from indices.services.imports.service import (
    ConfirmationRequired,
    ImportOutcome,
    ImportRejected,
    scores_import,
)
from reform_portal.cli import database_reachable


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
        with database_reachable():
            self._import(options)

    def _import(self, options: dict[str, Any]) -> None:
        path = Path(str(options["path"]))
        if not path.exists():
            raise CommandError(_("Không tìm thấy tệp %(path)s") % {"path": path})
        edition = (
            IndexEdition.objects.select_related("index")
            .filter(index__code=str(options["index"]).upper(), year=options["year"])
            .first()
        )
        if edition is None:
            raise CommandError(
                _("Không có kỳ %(index)s %(year)s.")
                % {"index": options["index"], "year": options["year"]}
            )
        if options["level"] and options["level"] != edition.level:
            raise CommandError(
                _("Kỳ %(edition)s xếp hạng cấp %(level)s, không phải %(asked)s.")
                % {"edition": edition, "level": edition.level, "asked": options["level"]}
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
            count = len(rejected.result.errors)
            self.stderr.write(
                ngettext(
                    "%(n)s lỗi; không ghi dữ liệu nào.", "%(n)s lỗi; không ghi dữ liệu nào.", count
                )
                % {"n": count}
            )
            raise SystemExit(2) from rejected
        except ConfirmationRequired as refused:
            for dropped in refused.dropped:
                self.stderr.write(
                    _("%(unit)s: %(n)s giá trị đang lưu (%(values)s)")
                    % {
                        "unit": dropped.unit.display_name,
                        "n": len(dropped.values),
                        "values": dropped.summary(),
                    }
                )
            self.stderr.write(
                _("%(refusal)s Chạy lại với --allow-missing để xác nhận xóa các giá trị này.")
                % {"refusal": refused}
            )
            raise SystemExit(2) from refused
        self._summary(edition, outcome, dry_run=bool(options["dry_run"]))
        if report.queue_down:
            self.stdout.write(str(QUEUE_DOWN_MESSAGE))

    def _summary(self, edition: IndexEdition, outcome: ImportOutcome, *, dry_run: bool) -> None:
        result = outcome.result
        self.stdout.write(
            _(
                "%(edition)s: bố cục %(layout)s, trang “%(sheet)s”, dòng tiêu đề %(header)s; "
                "%(rows)s dòng, %(units)s đơn vị khớp, %(values)s giá trị, %(warnings)s cảnh báo."
            )
            % {
                "edition": edition,
                "layout": result.layout,
                "sheet": result.sheet,
                "header": result.header_row,
                "rows": len(result.records),
                "units": len({r.unit.pk for r in result.records}),
                "values": result.value_count,
                "warnings": len(result.warnings),
            }
        )
        for problem in result.problems:
            if problem.severity != "error":
                self.stdout.write(f"  [{problem.severity}] {problem.as_line()}")
        if dry_run:
            self.stdout.write(_("Chạy thử (--dry-run): không ghi dữ liệu."))
        elif outcome.unchanged:
            self.stdout.write(
                _("Tệp giống hệt lần nhập #%(pk)s: không có gì thay đổi.")
                % {"pk": outcome.current_batch.pk}
            )
        else:
            self.stdout.write(_("Đã ghi lần nhập #%(pk)s.") % {"pk": outcome.current_batch.pk})
