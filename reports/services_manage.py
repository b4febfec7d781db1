"""Services of the management pages: reporting windows and plans (their tasks come from the
plan workbook, `plan_import`)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from indices.models import Period
from indices.services.period_records import period_ensure
from reports.models import Plan, ReportingWindow
from units.models import Unit


@transaction.atomic
def window_save(
    *,
    window: ReportingWindow | None,
    year: int,
    quarter: int,
    opens_on: dt.date,
    deadline: dt.date,
) -> ReportingWindow:
    """Create a reporting window, or change one. A window that departments have already
    reported in keeps its quarter (their reports belong to it); only its dates move. Errors are
    raised keyed by field."""
    if not 1 <= quarter <= 4:
        raise ValidationError({"quarter": _("Quý phải từ 1 đến 4.")})
    if opens_on > deadline:
        raise ValidationError({"deadline": _("Hạn nộp phải sau hoặc cùng ngày mở kỳ báo cáo.")})
    moved = window is not None and (window.year, window.quarter) != (year, quarter)
    if moved and window is not None and window.reports.exists():
        raise ValidationError(
            {"quarter": _("Kỳ báo cáo đã có báo cáo của đơn vị: không đổi được quý, năm.")}
        )
    taken = ReportingWindow.objects.filter(year=year, quarter=quarter)
    if window is not None:
        taken = taken.exclude(pk=window.pk)
    if taken.exists():
        raise ValidationError(
            {"quarter": _("Đã có kỳ báo cáo quý %(q)s/%(y)s.") % {"q": quarter, "y": year}}
        )
    window = window or ReportingWindow()
    window.year, window.quarter = year, quarter
    window.opens_on, window.deadline = opens_on, deadline
    window.save()
    return window


@transaction.atomic
def plan_save(
    *,
    plan: Plan | None,
    name: str,
    decision: str,
    year_start: int,
    year_end: int,
    province: Unit | None = None,
) -> Plan:
    """Create a plan (for `province`) or change an existing plan's name, decision and years;
    its tasks come from the plan workbook (`plan_import`). The plan belongs to its province's
    period for its years, created when missing."""
    if year_start > year_end:
        raise ValidationError({"year_end": _("Năm kết thúc phải sau hoặc bằng năm bắt đầu.")})
    if plan is None:
        if province is None:
            raise ValidationError(_("Chưa cấu hình tỉnh của cổng thông tin."))
        plan = Plan(province=province)
    plan.name = " ".join(name.split())
    plan.decision = decision.strip()
    plan.year_start, plan.year_end = year_start, year_end
    plan.period = plan_period(plan)
    plan.save()
    return plan


def plan_period(plan: Plan) -> Period:
    """The period of the plan's province starting in the plan's first year, created for the
    plan's years when missing (a plan may end before its period does)."""
    found = Period.objects.filter(unit=plan.province, start_year=plan.year_start).first()
    return found or period_ensure(
        unit=plan.province,
        start_year=plan.year_start,
        end_year=plan.year_end,
        is_demo=plan.is_demo,
    )
