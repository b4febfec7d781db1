"""The demo's planning periods: Quảng Nam's 2021–2025 period as the demo loads it, and the new
Thành phố Đà Nẵng's 2026–2030 period started from it through `period_start_next` (some targets
and tasks carried, some closed, with notes), plus a few 2026–2030 targets of its own.

Runs after both the demo targets and the demo plan exist (`load_progress_demo`), in either
order with the hand-over of tasks to the successor departments: a carried task takes the unit
doing its responsible unit's work on 1/1/2026, following the successions."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from indices.demo.periods import own_target_keys, successor_targets_create
from indices.models import Period, Target
from indices.selectors_periods import unit_on
from indices.services.periods import (
    CARRY,
    CLOSE,
    Decision,
    PendingItem,
    period_start_next,
    rollover_pending,
)
from reports.models import Plan, QuarterlyReport
from reports.selectors import current_window
from reports.services import quarter_bounds, report_is_open, report_open, superseded
from reports.services_manage import plan_period
from units.models import Unit

PREDECESSOR, SUCCESSOR = "49", "48-2025"
START, END = 2026, 2030
NOTE = (
    "Minh họa. Tỉnh Quảng Nam hợp nhất vào Thành phố Đà Nẵng từ ngày 1/7/2025 (Nghị quyết "
    "202/2025/QH15): giai đoạn 2026–2030 của Thành phố Đà Nẵng tiếp nhận các mục tiêu và "
    "nhiệm vụ còn dở của Quảng Nam giai đoạn 2021–2025."
)
# Rank targets set among 63 provinces, carried into a 34-province field with a new rank.
NEW_RANKS = {"ICT": 8}
# Tasks the demo closes although they could be carried: an illustration of a closing note.
CLOSED_TASKS = {"6": "Đã hoàn thành rà soát chính; phần còn lại thành việc thường xuyên."}


def _decision(item: PendingItem, start: dt.date, successor: Unit) -> Decision:
    if item.kind == "target":
        target: Target = item.obj
        key = (target.index.code, target.component_code, target.kind)
        if key in own_target_keys():
            return Decision(
                CLOSE, note="Thay bằng mục tiêu của Thành phố Đà Nẵng giai đoạn 2026–2030."
            )
        if item.needs_rank:
            rank = NEW_RANKS.get(target.index.code)
            if rank is None:
                return Decision(CLOSE, note="Thứ hạng đặt trên 63 tỉnh, không còn so sánh được.")
            return Decision(CARRY, target_rank=rank, note="Thứ hạng mới trên 34 tỉnh, thành phố.")
        return Decision(CARRY)
    task = item.obj
    if task.code in CLOSED_TASKS:
        return Decision(CLOSE, note=CLOSED_TASKS[task.code])
    if unit_on(task.responsible, start, within=successor) is None:
        return Decision(
            CLOSE, note="Cấp huyện kết thúc hoạt động từ 1/7/2025; việc giao lại cho cấp xã."
        )
    return Decision(CARRY)


@transaction.atomic
def periods_demo_load() -> Period | None:
    """Idempotent: Đà Nẵng's 2026–2030 period is started once; its own targets are added when
    missing. Nothing happens before the demo's targets (and Quảng Nam's period) exist."""
    successor = Unit.objects.filter(code=SUCCESSOR).first()
    if successor is None:
        return None
    for plan in Plan.objects.filter(is_demo=True, period__isnull=True):
        plan.period = plan_period(plan)
        plan.save(update_fields=["period"])
    period = Period.objects.filter(unit=successor, start_year=START).first()
    if period is None or period.previous_id is None:
        previous = Period.objects.filter(
            unit__code=PREDECESSOR, start_year=2021, next_periods__isnull=True
        ).first()
        if previous is None:
            return period
        start = dt.date(START, 1, 1)
        items = rollover_pending(previous=previous, unit=successor, start_year=START)
        period = period_start_next(
            previous=previous,
            unit=successor,
            start_year=START,
            end_year=END,
            decisions={item.key: _decision(item, start, successor) for item in items},
            note=NOTE,
            user=None,
        )
        Plan.objects.filter(period=period).update(
            is_demo=True,
            name=(
                "Kế hoạch cải cách hành chính Thành phố Đà Nẵng giai đoạn 2026–2030 "
                "(minh họa; nhiệm vụ chuyển tiếp từ Quảng Nam 2021–2025)"
            ),
        )
    successor_targets_create(period=period)
    _current_reports_refresh()
    return period


def _current_reports_refresh() -> None:
    """The quarter in progress reports on the new period's tasks: its open reports, opened
    before the rollover, drop the rows of tasks carried or closed (nothing typed in them) and
    take the carried copies. A locked report stays as it was sent."""
    window = current_window()
    if window is None:
        return
    start, end = quarter_bounds(window.year, window.quarter)
    for report in QuarterlyReport.objects.filter(window=window).select_related("window"):
        if not report_is_open(report):
            continue
        report.progress.filter(
            superseded(start, end, prefix="task__"), percent_complete=0, done=""
        ).delete()
        report_open(unit=report.unit, window=window)
