"""The plan's part in starting a new period (`indices.services.periods.period_start_next`): the
previous period's unfinished tasks are carried into a plan of the new period, with their aims
and indicators and the responsible unit valid when the new period starts, or closed."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from indices.models import Period
from indices.selectors_periods import period_label, unit_on
from indices.services.periods import CLOSE, PendingItem, RolloverContext
from reports.models import Indicator, IndicatorTarget, Plan, Task, TaskAim, TaskProgress


def tasks_unfinished(period: Period) -> list[Task]:
    """The tasks of the period's plans not closed, not carried yet, and whose latest progress
    report does not say done."""
    latest = TaskProgress.objects.filter(task=OuterRef("pk")).order_by(
        "-report__window__year", "-report__window__quarter", "-pk"
    )
    tasks = (
        Task.objects.filter(plan__period=period, closed_on__isnull=True, carried_to__isnull=True)
        .annotate(latest_status=Subquery(latest.values("status")[:1]))
        .select_related("plan", "responsible")
        .order_by("plan_id", "code")
    )
    return [t for t in tasks if t.latest_status != TaskProgress.Status.DONE]


def task_label(task: Task) -> str:
    return _("Nhiệm vụ %(code)s. %(title)s") % {"code": task.code, "title": task.title}


class TasksRollover:
    """Registered by `ReportsConfig.ready`."""

    def pending(self, previous: Period) -> list[PendingItem]:
        return [
            PendingItem(
                key=f"task:{task.pk}",
                kind="task",
                label=task_label(task),
                detail=task.responsible.display_name,
                obj=task,
            )
            for task in tasks_unfinished(previous)
        ]

    def check(self, ctx: RolloverContext, items: list[PendingItem]) -> list[str]:
        errors = []
        start = dt.date(ctx.period.start_year, 1, 1)
        plan = self._plan_existing(ctx)
        taken = set(plan.tasks.values_list("code", flat=True)) if plan else set()
        for item in self._tasks(ctx, items, carried=True):
            task: Task = item.obj
            if unit_on(task.responsible, start, within=ctx.unit) is None:
                errors.append(
                    _(
                        "%(item)s: đơn vị chủ trì %(unit)s không còn hiệu lực ngày %(date)s và "
                        "không có một đơn vị kế thừa — khép lại, hoặc giao lại trước khi chuyển."
                    )
                    % {
                        "item": item.label,
                        "unit": task.responsible.name,
                        "date": start.strftime("%d/%m/%Y"),
                    }
                )
            if task.code in taken:
                errors.append(
                    _("%(item)s: kế hoạch giai đoạn mới đã có nhiệm vụ mã %(code)s.")
                    % {"item": item.label, "code": task.code}
                )
            taken.add(task.code)
        return errors

    def apply(self, ctx: RolloverContext, items: list[PendingItem]) -> None:
        for item in self._tasks(ctx, items, carried=False):
            task: Task = item.obj
            task.closed_on, task.closing_note = ctx.today, ctx.item_note(item.key)
            task.save(update_fields=["closed_on", "closing_note"])
            ctx.counts["tasks_closed"] = ctx.counts.get("tasks_closed", 0) + 1
        carried = self._tasks(ctx, items, carried=True)
        if not carried:
            return
        plan = self._plan_existing(ctx) or Plan.objects.create(
            name=(
                f"Kế hoạch cải cách hành chính giai đoạn {period_label(ctx.period)} "
                f"(nhiệm vụ chuyển tiếp từ giai đoạn {period_label(ctx.previous)})"
            ),
            province=ctx.unit,
            year_start=ctx.period.start_year,
            year_end=ctx.period.end_year,
            is_demo=ctx.period.is_demo,
            period=ctx.period,
        )
        for item in carried:
            self._carry(ctx, plan, item.obj)
            ctx.counts["tasks_carried"] = ctx.counts.get("tasks_carried", 0) + 1

    @staticmethod
    def _plan_existing(ctx: RolloverContext) -> Plan | None:
        return Plan.objects.filter(period=ctx.period).order_by("pk").first()

    @staticmethod
    def _tasks(
        ctx: RolloverContext, items: list[PendingItem], *, carried: bool
    ) -> list[PendingItem]:
        return [
            item
            for item in items
            if item.kind == "task" and (ctx.decisions[item.key].action != CLOSE) == carried
        ]

    @staticmethod
    def _carry(ctx: RolloverContext, plan: Plan, old: Task) -> Task:
        start = dt.date(ctx.period.start_year, 1, 1)
        responsible = unit_on(old.responsible, start, within=ctx.unit)
        if responsible is None:  # pragma: no cover - `check` refused it before any write
            raise ValidationError(task_label(old))
        task = Task.objects.create(
            plan=plan,
            code=old.code,
            title=old.title,
            responsible=responsible,
            start_date=start,
            due_date=dt.date(ctx.period.end_year, 12, 31),
            carried_from=old,
        )
        supporting = {unit_on(u, start, within=ctx.unit) for u in old.supporting.all()}
        task.supporting.set([u for u in supporting if u is not None and u != responsible])
        TaskAim.objects.bulk_create(
            TaskAim(task=task, index_id=aim.index_id, component_code=aim.component_code)
            for aim in old.aims.all()
        )
        years = range(ctx.period.start_year, ctx.period.end_year + 1)
        for indicator in old.indicators.all():
            copy = Indicator.objects.create(
                task=task,
                name=indicator.name,
                unit_of_measure=indicator.unit_of_measure,
                direction=indicator.direction,
                baseline=indicator.baseline,
            )
            # The latest year's goals, quarter by quarter, hold for each year of the new period
            # until the new plan sets its own.
            goals = list(indicator.targets.order_by("-year", "quarter"))
            last = [g for g in goals if goals and g.year == goals[0].year]
            IndicatorTarget.objects.bulk_create(
                IndicatorTarget(indicator=copy, year=year, quarter=g.quarter, value=g.value)
                for year in years
                for g in last
            )
        return task
