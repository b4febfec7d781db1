"""Tasks follow their units through mergers: a task whose responsible unit ended passes to the
unit that took its place (a recorded handover); the reports filed before stay with the unit
that filed them."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.models import ReportingWindow, Task, TaskHandover, TaskProgress
from units.models import Succession, Unit
from units.selectors import units_filing_for

HANDOVER_NOTE = "Chuyển giao theo thay đổi đơn vị: %(basis)s"


def _next_step(unit: Unit, *, on: dt.date, task: Task) -> Succession | None:
    """The succession that takes the unit's work on, or None when nothing does (a district
    abolished with no successor). A split (several successors) is refused: someone must decide
    which unit leads the task."""
    steps = [
        s
        for s in Succession.objects.filter(
            predecessor=unit, successor__isnull=False, date__lte=on
        ).select_related("successor")
        if s.successor_id != unit.pk
    ]
    successors = {s.successor_id: s for s in steps}
    if len(successors) > 1:
        names = ", ".join(sorted(s.successor.name for s in successors.values() if s.successor))
        raise ValidationError(
            _(
                "Nhiệm vụ %(task)s: %(unit)s được chia cho nhiều đơn vị (%(units)s); hãy chọn "
                "đơn vị chủ trì mới cho nhiệm vụ."
            )
            % {"task": f"{task.code}. {task.title}", "unit": unit.name, "units": names}
        )
    return next(iter(successors.values()), None)


def _chain(unit: Unit, *, on: dt.date, task: Task) -> list[Succession]:
    """The successions from an ended unit to the unit valid on the date (49.SKHDT → 49.STC on
    1/3/2025 → 48-2025.STC on 1/7/2025); empty when the unit has no successor."""
    chain: list[Succession] = []
    current = unit
    while current.valid_to is not None and current.valid_to < on:
        step = _next_step(current, on=on, task=task)
        if step is None or step.successor is None or any(s.pk == step.pk for s in chain):
            break
        chain.append(step)
        current = step.successor
    return chain


def _open_tasks() -> list[Task]:
    """Tasks neither closed nor finished (their latest progress is not "done")."""
    latest = TaskProgress.objects.filter(task_id=OuterRef("pk")).order_by(
        "-report__window__year", "-report__window__quarter", "-pk"
    )
    return [
        task
        for task in Task.objects.filter(closed_on__isnull=True)
        .annotate(latest_status=Subquery(latest.values("status")[:1]))
        .select_related("responsible")
        .prefetch_related("supporting")
        .order_by("plan_id", "code")
        if task.latest_status != TaskProgress.Status.DONE
    ]


@transaction.atomic
def tasks_hand_over(*, on: dt.date | None = None) -> list[TaskHandover]:
    """Pass every open task whose responsible unit ended before `on` (today by default) to the
    unit that took its place on that date, following a chain of successions, and record one
    handover per step. Indicators go with their task; progress already filed stays on the
    reports of the unit that filed it. An ended supporting unit is replaced by its successor.

    Idempotent: a second run records nothing new. Refused as a whole (ValidationError naming
    the task and the units) when a unit was split between several successors."""
    on = on or timezone.localdate()
    created: list[TaskHandover] = []
    for task in _open_tasks():
        chain = _chain(task.responsible, on=on, task=task)
        for step in chain:
            handover, is_new = TaskHandover.objects.get_or_create(
                task=task,
                from_unit=step.predecessor,
                to_unit=cast(Unit, step.successor),  # never null: see _next_step
                date=step.date,
                defaults={
                    "succession": step,
                    "note": (HANDOVER_NOTE % {"basis": step.legal_basis})[:300],
                },
            )
            if is_new:
                created.append(handover)
        if chain and chain[-1].successor is not None:
            task.responsible = chain[-1].successor
            task.save(update_fields=["responsible"])
        for supporting in list(task.supporting.all()):
            steps = _chain(supporting, on=on, task=task)
            if steps and steps[-1].successor is not None:
                task.supporting.remove(supporting)
                task.supporting.add(steps[-1].successor)
    return created


def unit_files_quarter_check(*, unit: Unit, window: ReportingWindow, end: dt.date) -> None:
    """A quarter's report is filed by the unit that existed at the quarter's end (`end`): a
    department merged on 1/3/2025 files no report for Q1/2025, its successor does."""
    if unit.is_valid_on(end):
        return
    filers = units_filing_for(unit, end)
    params = {"unit": unit.name, "quarter": str(window), "date": f"{end:%d/%m/%Y}"}
    if filers:
        raise ValidationError(
            _(
                "%(unit)s không còn hoặc chưa tồn tại vào ngày cuối %(quarter)s (%(date)s): "
                "báo cáo quý này do %(filers)s nộp."
            )
            % {**params, "filers": ", ".join(u.name for u in filers)}
        )
    raise ValidationError(
        _("%(unit)s không còn hoặc chưa tồn tại vào ngày cuối %(quarter)s (%(date)s).") % params
    )
