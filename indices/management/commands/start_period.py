import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from indices.models import Period
from indices.services.periods import CARRY, CLOSE, Decision, period_start_next, rollover_pending
from units.models import Unit


class Command(BaseCommand):
    help = (
        "Start a unit's next planning period from a previous one, carrying over or closing every "
        "unmet target and unfinished task: start_period --from-unit 49 --from-year 2021 "
        '--unit 48-2025 --years 2026-2030 --carry-all --note "…" [--rank PCI=10]'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from-unit", required=True, help="code of the previous period's unit")
        parser.add_argument("--from-year", type=int, required=True, help="its first year")
        parser.add_argument("--unit", help="code of the new period's unit (default: the same)")
        parser.add_argument("--years", required=True, help="the new period, e.g. 2026-2030")
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--carry-all", action="store_true")
        action.add_argument("--close-all", action="store_true")
        parser.add_argument("--note", default="", help="the general note (required across units)")
        parser.add_argument(
            "--rank",
            action="append",
            default=[],
            help="a carried rank target's new rank: INDEX=N or INDEX:COMPONENT=N (repeatable)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        previous = Period.objects.filter(
            unit__code=options["from_unit"], start_year=options["from_year"]
        ).first()
        if previous is None:
            raise CommandError(
                f"Không có giai đoạn bắt đầu năm {options['from_year']} của đơn vị "
                f"{options['from_unit']}."
            )
        unit = Unit.objects.filter(code=options["unit"] or options["from_unit"]).first()
        if unit is None:
            raise CommandError(f"Không có đơn vị mã {options['unit']}.")
        years = re.fullmatch(r"\s*(\d{4})\s*[-–]\s*(\d{4})\s*", options["years"])
        if years is None:
            raise CommandError("--years cần dạng 2026-2030.")
        start, end = int(years[1]), int(years[2])
        ranks = self._ranks(options["rank"])
        action = CARRY if options["carry_all"] else CLOSE
        decisions = {}
        for item in rollover_pending(previous=previous, unit=unit, start_year=start):
            rank = None
            if item.kind == "target" and action == CARRY:
                target = item.obj
                rank = ranks.get((target.index.code, target.component_code))
            decisions[item.key] = Decision(action=action, target_rank=rank)
        try:
            period = period_start_next(
                previous=previous,
                unit=unit,
                start_year=start,
                end_year=end,
                decisions=decisions,
                note=options["note"],
                user=None,
            )
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from error
        targets = period.targets.filter(carried_from__isnull=False).count()
        tasks = sum(
            plan.tasks.filter(carried_from__isnull=False).count() for plan in period.plans.all()
        )
        self.stdout.write(
            f"Đã mở giai đoạn {period} của {unit.name}: {targets} mục tiêu và {tasks} nhiệm vụ "
            f"chuyển tiếp, {len(decisions) - targets - tasks} mục khép lại."
        )

    @staticmethod
    def _ranks(values: list[str]) -> dict[tuple[str, str], int]:
        ranks = {}
        for value in values:
            found = re.fullmatch(r"\s*([A-Za-z]+)(?::([\w.]+))?\s*=\s*(\d+)\s*", value)
            if found is None:
                raise CommandError(f"--rank {value}: cần dạng PCI=10 hoặc PCI:3=5.")
            ranks[(found[1].upper(), found[2] or "")] = int(found[3])
        return ranks
