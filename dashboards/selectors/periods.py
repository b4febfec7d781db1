"""The home page's planning periods: the current period's targets and where they stand, and how
the previous period ended (each target achieved, missed or not assessed, by how much in the
index's own figures, and what became of it and of each unfinished task)."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indices.models import Period, Target, TargetResult
from indices.selectors_periods import (
    ACHIEVED,
    MISSED,
    NOT_ASSESSED,
    TargetEnding,
    current_period,
    period_label,
    previous_period,
    targets_ending,
)
from indices.services.periods import target_label
from reports.models import Task, TaskProgress
from units.models import Unit

OUTCOME_LABELS = {
    ACHIEVED: gettext_lazy("Đạt"),
    MISSED: gettext_lazy("Không đạt"),
    NOT_ASSESSED: gettext_lazy("Chưa đánh giá được"),
}


def _number(value: float, decimals: int) -> str:
    return number_format(round(value, decimals), decimal_pos=decimals)


def _goal_text(target: Target) -> str:
    if target.kind == Target.Kind.RANK:
        return _("mục tiêu top %(rank)s") % {"rank": target.target_rank}
    if target.kind == Target.Kind.SCORE and target.target_value is not None:
        return _("mục tiêu ≥ %(value)s") % {
            "value": number_format(target.target_value.normalize(), use_l10n=True)
        }
    return _("mục tiêu nhóm %(group)s") % {"group": target.target_group}


def figures_text(ending: TargetEnding | None) -> str:
    """ "hạng 27/63, mục tiêu top 20: thiếu 7 bậc", "84,60 điểm, mục tiêu ≥ 85: thiếu 0,40
    điểm": the last figure, the goal and the gap in the index's own terms; a rank says what
    it is out of."""
    if ending is None or ending.current is None:
        return _("chưa có kết quả đánh giá")
    target = ending.target
    goal = _goal_text(target)
    if target.kind == Target.Kind.RANK:
        now = _("hạng %(rank)s/%(n)s") % {"rank": int(ending.current), "n": ending.out_of}
        places = round(ending.gap or 0)
        if places < 0:
            gap = _("thiếu %(n)s bậc") % {"n": -places}
        elif places > 0:
            gap = _("vượt %(n)s bậc") % {"n": places}
        else:
            gap = _("đúng mục tiêu")
        return f"{now}, {goal}: {gap}"
    decimals = ending.edition.decimals if ending.edition is not None else 2
    now = _("%(value)s điểm") % {"value": _number(ending.current, decimals)}
    if ending.gap is None:
        return f"{now}, {goal}"
    if ending.gap < 0:
        gap = _("thiếu %(value)s điểm") % {"value": _number(-ending.gap, decimals)}
    elif ending.gap > 0:
        gap = _("vượt %(value)s điểm") % {"value": _number(ending.gap, decimals)}
    else:
        gap = _("đúng mục tiêu")
    return f"{now}, {goal}: {gap}"


def _target_label(target: Target) -> str:
    return target_label(target)


def _target_fate(target: Target) -> tuple[str, str, str]:
    """(fate, its words, its note) of a target left unmet."""
    carried = next(iter(target.carried_to.all()), None)
    if carried is not None:
        return (
            "carried",
            _("Chuyển tiếp sang giai đoạn %(years)s")
            % {"years": f"{carried.period_start}–{carried.period_end}"},
            carried.note,
        )
    if target.closed_on:
        return (
            "closed",
            _("Khép lại ngày %(date)s") % {"date": target.closed_on.strftime("%d/%m/%Y")},
            target.closing_note,
        )
    return "open", _("Chưa quyết định"), ""


def _period_title(period: Period, unit: Unit) -> str:
    if period.unit_id != unit.pk:
        return _("Giai đoạn %(years)s của %(unit)s") % {
            "years": period_label(period),
            "unit": period.unit.name,
        }
    return _("Giai đoạn %(years)s") % {"years": period_label(period)}


def _current_block(period: Period, unit: Unit) -> dict[str, Any]:
    targets = list(
        period.targets.filter(closed_on__isnull=True)
        .select_related("index", "carried_from")
        .order_by("index__order", "component_code", "kind")
    )
    now = targets_ending(targets=targets, until_year=period.end_year)
    rows = []
    for target in targets:
        ending = now.get(target.pk)
        status = ending.result_status if ending is not None and ending.result_status else ""
        rows.append(
            {
                "target": target,
                "label": _target_label(target),
                "status": status or TargetResult.Status.NO_DATA,
                "status_label": _("Chưa đánh giá tiến độ: mới có số của năm cơ sở")
                if status in ("", TargetResult.Status.NO_DATA)
                and ending is not None
                and ending.current is not None
                else TargetResult.Status(status or TargetResult.Status.NO_DATA).label,
                "year": ending.year if ending is not None else None,
                "figures": figures_text(ending),
                "carried": target.carried_from_id is not None,
                "is_demo": target.is_demo,
            }
        )
    return {
        "period": period,
        "title": _period_title(period, unit),
        "years": period_label(period),
        "unit": period.unit,
        "note": period.note,
        "targets": rows,
    }


def _tasks_ended(period: Period) -> list[dict[str, Any]]:
    latest = TaskProgress.objects.filter(task=OuterRef("pk")).order_by(
        "-report__window__year", "-report__window__quarter", "-pk"
    )
    tasks = (
        Task.objects.filter(plan__period=period)
        .annotate(latest_status=Subquery(latest.values("status")[:1]))
        .select_related("responsible")
        .prefetch_related("carried_to__plan", "carried_to__responsible")
        .order_by("plan_id", "code")
    )
    rows = []
    for task in tasks:
        carried = next(iter(task.carried_to.all()), None)
        if carried is None and not task.closed_on and task.latest_status == "done":
            continue
        if carried is not None:
            fate, words = (
                "carried",
                _("Chuyển tiếp, chủ trì: %(unit)s") % {"unit": carried.responsible.display_name},
            )
        elif task.closed_on:
            fate, words = (
                "closed",
                _("Khép lại ngày %(date)s") % {"date": task.closed_on.strftime("%d/%m/%Y")},
            )
        else:
            fate, words = "open", _("Chưa quyết định")
        rows.append(
            {
                "task": task,
                "responsible": task.responsible.display_name,
                "fate": fate,
                "fate_label": words,
                "note": task.closing_note if fate == "closed" else "",
            }
        )
    return rows


def _ending_block(period: Period, unit: Unit) -> dict[str, Any]:
    targets = list(
        period.targets.select_related("index", "unit")
        .prefetch_related("carried_to")
        .order_by("index__order", "component_code", "kind")
    )
    endings = targets_ending(targets=targets, until_year=period.end_year)
    rows = []
    for target in targets:
        ending = endings[target.pk]
        fate, fate_label, note = ("", "", "") if ending.status == ACHIEVED else _target_fate(target)
        rows.append(
            {
                "target": target,
                "label": _target_label(target),
                "outcome": ending.status,
                "outcome_label": str(OUTCOME_LABELS[ending.status]),
                "year": ending.year,
                "figures": figures_text(ending),
                "fate": fate,
                "fate_label": fate_label,
                "note": note,
            }
        )
    counts = {key: sum(1 for r in rows if r["outcome"] == key) for key in OUTCOME_LABELS}
    return {
        "period": period,
        "title": _period_title(period, unit),
        "years": period_label(period),
        "unit": period.unit,
        "targets": rows,
        "counts": counts,
        "tasks": _tasks_ended(period),
    }


def period_summary(unit: Unit) -> dict[str, Any] | None:
    """The unit's current period (its years, unit and targets with their status now) and the
    previous period's ending (`previous` of the current one, a predecessor's period included,
    named so). None when the unit has no period."""
    period = current_period(unit)
    if period is None:
        return None
    # A predecessor's ended period continues in its successor's: show that one as current.
    following = period.next_periods.select_related("unit").order_by("start_year").first()
    if following is not None and period.end_year < timezone.localdate().year:
        period = following
    previous = previous_period(period)
    return {
        "current": _current_block(period, unit),
        "previous": _ending_block(previous, unit) if previous is not None else None,
    }
